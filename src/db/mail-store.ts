// The SQL of crm import mail (import/mail-run.ts): customers by e-mail, the e-mail interactions it files, the leads
// it makes. Everything runs inside one ImportSession (db/import-writer.ts), so a run is all-or-nothing, recorded in
// the run log, and crm import undo takes it back (the rows it created are noted as the session's own).
import type { ImportSession } from './import-writer.js';
import type { Sql } from './engine/sql.js';

export interface MailCustomer {
  id: number;
  externalId: string;
}

/** Characters that separate the addresses of a field holding several ("a@x.cn; b@x.cn"). */
const SEVERAL = /[,;\s]+/;
/** The separators a field holding several addresses is found by (SQL LIKE, any engine). */
const SEPARATORS = [',', ';', ' ', '\t', '\n', '\r', '\u3000'];
/** Addresses looked up per statement. */
const LOOKUP_CHUNK = 500;
/** Addresses remembered between lookups: beyond this the memory is cleared (a run's mail, not the customer file). */
const REMEMBERED = 100_000;

/**
 * The customers a message names, by e-mail without case (a shop may have two records with one address; each gets the
 * message), looked up as the messages name them, through the index customers_email_lower, so a run's memory follows
 * its mail, not the size of the customer file. A field holding several addresses ("a@x.cn; b@x.cn") counts each: such
 * fields are read once when the run starts. On a server a salesperson finds only the customers row-level security
 * shows them. (On SQLite, lower() folds only ASCII letters: an address with capital letters beyond ASCII is found
 * as written in lower case, as by crm import contacts.)
 */
export class CustomersByEmail {
  private readonly known = new Map<string, MailCustomer[]>();

  private constructor(
    private readonly sql: Sql,
    private readonly several: ReadonlyMap<string, readonly MailCustomer[]>,
  ) {}

  static async open(sql: Sql): Promise<CustomersByEmail> {
    const several = new Map<string, MailCustomer[]>();
    const rows = await sql.all<{ id: number; external_id: string; email: string }>(
      `SELECT id, external_id, email FROM customers
       WHERE email IS NOT NULL AND (${SEPARATORS.map(() => 'email LIKE ?').join(' OR ')}) ORDER BY id`,
      SEPARATORS.map((separator) => `%${separator}%`),
    );
    for (const row of rows) {
      for (const part of row.email.split(SEVERAL)) {
        const address = part.trim().toLowerCase();
        if (!address.includes('@')) continue;
        const list = several.get(address);
        const customer = { id: row.id, externalId: row.external_id };
        if (list === undefined) several.set(address, [customer]);
        else if (!list.some((known) => known.id === row.id)) list.push(customer);
      }
    }
    return new CustomersByEmail(sql, several);
  }

  /** Looks up the ADDRESSES (lower case) not looked up yet; get and has then answer for them. */
  async load(addresses: Iterable<string>): Promise<void> {
    const wanted = [...new Set(addresses)].filter((address) => !this.known.has(address));
    if (wanted.length === 0) return;
    if (this.known.size + wanted.length > REMEMBERED) this.known.clear();
    for (const address of wanted) this.known.set(address, [...(this.several.get(address) ?? [])]);
    for (let start = 0; start < wanted.length; start += LOOKUP_CHUNK) {
      const chunk = wanted.slice(start, start + LOOKUP_CHUNK);
      const rows = await this.sql.all<{ id: number; external_id: string; address: string }>(
        `SELECT id, external_id, lower(email) AS address FROM customers
         WHERE email IS NOT NULL AND lower(email) IN (${this.sql.dialect.jsonValues('@addresses', 'text')}) ORDER BY id`,
        { addresses: JSON.stringify(chunk) },
      );
      for (const row of rows) {
        const list = this.known.get(row.address);
        if (list === undefined || list.some((known) => known.id === row.id)) continue;
        list.push({ id: row.id, externalId: row.external_id });
        if (list.length > 1 && list[list.length - 2]!.id > row.id) list.sort((a, b) => a.id - b.id);
      }
    }
  }

  /** The customers with ADDRESS, in id order (after load). */
  get(address: string): readonly MailCustomer[] {
    return this.known.get(address) ?? [];
  }

  has(address: string): boolean {
    return this.get(address).length > 0;
  }
}

/** The interaction id a message was filed under for one customer: "mail:<customer id>:<Message-ID or hash>". */
export function mailInteractionKey(customerExternalId: string, messageKey: string): string {
  return `mail:${customerExternalId}:${messageKey}`;
}

/**
 * Whether the message is filed on the customer already: under its key, or under the key of a customer merged into it
 * (crm customer merge moves the filings and keeps the merged id as an alias: docs/rules.md#merged-customers).
 */
export async function mailFiled(session: ImportSession, customer: MailCustomer, messageKey: string): Promise<boolean> {
  const { sql } = session;
  if ((await sql.value('SELECT 1 FROM interactions WHERE external_id = ?', [mailInteractionKey(customer.externalId, messageKey)])) !== undefined) return true;
  if (!session.hasAliases) return false;
  return (await sql.value(
    `SELECT 1 FROM customer_aliases a JOIN interactions i ON i.external_id = 'mail:' || a.external_id || ':' || CAST(@messageKey AS TEXT)
     WHERE a.customer_id = @customerId LIMIT 1`,
    { customerId: customer.id, messageKey },
  )) !== undefined;
}

export interface MailInteraction {
  key: string;
  customerId: number;
  occurredAt: string;
  summary: string;
  /** "attachments: a.pdf, b.jpg", or null. */
  outcome: string | null;
  direction: 'in' | 'out';
}

/** Files one e-mail on a customer's timeline, as a row of this run (crm import undo removes it). */
export async function addMailInteraction(session: ImportSession, mail: MailInteraction): Promise<void> {
  const { sql } = session;
  const id = (await sql.insert(
    `INSERT INTO interactions (external_id, customer_id, kind, occurred_at, summary, outcome, direction, created_at, updated_at, created_by, updated_by)
     VALUES (@key, @customerId, 'email', @occurredAt, @summary, @outcome, @direction, @now, @writtenAt, @actor, @actor)`,
    { ...mail, now: session.now, writtenAt: session.writtenAt, actor: sql.actor },
  ))!;
  session.noteCreated('interactions', id);
}

export interface MailLead {
  name: string;
  email: string;
  owner: string | null;
}

/**
 * A lead for an address no customer has (--create-leads): channel 'email', the owner given (a salesperson's own
 * name on a server, db/team.ts ownerOfNewCustomers), id "L" and the row id ("L000123", as crm import contacts names
 * its leads), with a suffix when a customer has or had that id.
 */
export async function addMailLead(session: ImportSession, lead: MailLead): Promise<MailCustomer> {
  const { sql } = session;
  const pending = `pending-mail-lead:${session.writtenAt}:${lead.email}`;
  const id = (await sql.insert(
    `INSERT INTO customers (external_id, name, email, channel, owner, kind, status, created_at, updated_at, created_by, updated_by)
     VALUES (@pending, @name, @email, 'email', @owner, 'lead', 'active', @now, @writtenAt, @actor, @actor)`,
    { ...lead, pending, now: session.now, writtenAt: session.writtenAt, actor: sql.actor },
  ))!;
  session.noteCreated('customers', id);
  const base = `L${String(id).padStart(6, '0')}`;
  let externalId = base;
  for (let suffix = 2; (await sql.value('SELECT 1 FROM customers WHERE external_id = ?', [externalId])) !== undefined
    || (await sql.value('SELECT 1 FROM customer_aliases WHERE external_id = ?', [externalId])) !== undefined; suffix += 1) {
    externalId = `${base}-${suffix}`;
  }
  await sql.run('UPDATE customers SET external_id = ? WHERE id = ?', [externalId, id]);
  return { id, externalId };
}
