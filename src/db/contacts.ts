// crm import contacts and crm export contacts: the SQL. Contacts are matched against the customers table's own e-mail
// and phone columns through its indexes customers_email_lower and customers_phone_digits (no table of their own); the
// import is one transaction recorded as an import run (import_runs, import_created, import_changes), so crm import log
// lists it and crm import undo takes it back (db/undo.ts), on both engines.
import type { Sql } from './engine/sql.js';
import { ImportSession } from './import-writer.js';
import { previousRunOfContent } from './import-store.js';
import { asciiLower, customerFilterWhere, customerFilterParams, type CustomerFilter, type CustomerRecord } from './customers.js';
import { contactFields, planContacts, type ContactField, type ContactPlan, type StoredCustomer } from '../analysis/contact-match.js';
import type { Contact } from '../import/contacts.js';

/** The phone without spaces, dashes and brackets: the expression of the index customers_phone_digits. */
const phoneDigits = "replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')";

type StoredRow = StoredCustomer & { updated_at: string };

/**
 * Every customer (of any kind) holding one of the contacts' e-mails or phones, found through the indexes. A phone key
 * is looked for as written by the index (digits, and + kept) with and without China's country code; the planner
 * compares the normalised values again. On PostgreSQL, LOCK takes the rows for this transaction (FOR NO KEY UPDATE), so
 * what the import records for undo is what it overwrites.
 */
export async function customersHoldingKeys(sql: Sql, contacts: readonly Contact[], lock: boolean): Promise<StoredRow[]> {
  const emails = [...new Set(contacts.flatMap((contact) => contact.emails.map((email) => asciiLower(email.trim()))))];
  const phones = [...new Set(contacts.flatMap((contact) => contact.phoneKeys.flatMap((digits) => [digits, `+86${digits}`, `0086${digits}`, `86${digits}`])))];
  if (emails.length === 0 && phones.length === 0) return [];
  return sql.all<StoredRow>(
    `SELECT id, external_id, name, company, email, phone, city, region, notes, kind, updated_at FROM customers
     WHERE (email IS NOT NULL AND lower(email) IN (${sql.dialect.jsonValues('@emails', 'text')}))
        OR (phone IS NOT NULL AND ${phoneDigits} IN (${sql.dialect.jsonValues('@phones', 'text')}))
     ORDER BY id${lock && sql.engine === 'postgres' ? ' FOR NO KEY UPDATE' : ''}`,
    { emails: JSON.stringify(emails), phones: JSON.stringify(phones) },
  );
}

export interface ContactImportOptions {
  kind: 'customer' | 'lead';
  overwrite: boolean;
  dryRun: boolean;
  /** The owner new customers get (a salesperson's own name: db/team.ts ownerOfNewCustomers). */
  owner: string | null;
  fileName: string;
  contentHash: string;
  format: string;
  now: Date;
}

export interface ContactImportResult {
  plan: ContactPlan;
  /** The run's id; null for a dry run. */
  runId: number | null;
  /** The external ids of the customers created, in the order of the plan's new contacts. */
  createdIds: string[];
  sameContentAsRun: number | null;
}

/** A new customer's id: C000123 (L000123 for a lead) from its row id, unless a customer has (or had) that id already. */
async function externalIdFor(sql: Sql, id: number, kind: 'customer' | 'lead'): Promise<string> {
  const wanted = `${kind === 'lead' ? 'L' : 'C'}${String(id).padStart(6, '0')}`;
  const taken = await sql.value(
    'SELECT 1 FROM customers WHERE external_id = @wanted UNION ALL SELECT 1 FROM customer_aliases WHERE external_id = @wanted',
    { wanted },
  );
  return taken === undefined ? wanted : `${wanted}-${id}`;
}

/**
 * Imports the contacts of one file: planned (analysis/contact-match.ts) against the customers holding their e-mails
 * and phones, then written in one transaction, or not at all when the plan has problems (the caller refuses the file)
 * or for a dry run.
 */
export async function importContacts(sql: Sql, contacts: readonly Contact[], options: ContactImportOptions): Promise<ContactImportResult> {
  const sameContentAsRun = (await previousRunOfContent(sql, 'contacts', options.contentHash)) ?? null;
  if (options.dryRun) {
    const plan = planContacts(contacts, await customersHoldingKeys(sql, contacts, false), options);
    return { plan, runId: null, createdIds: [], sameContentAsRun };
  }
  const session = new ImportSession(sql, options.now);
  await session.begin();
  try {
    const stored = await customersHoldingKeys(sql, contacts, true);
    const plan = planContacts(contacts, stored, options);
    if (plan.problems.length) {
      await session.rollback();
      return { plan, runId: null, createdIds: [], sameContentAsRun };
    }
    const updatedAt = new Map(stored.map((row) => [row.id, row.updated_at]));
    const createdIds: string[] = [];
    let rowsNew = 0;
    let rowsChanged = 0;
    let rowsUnchanged = 0;
    for (const outcome of plan.outcomes) {
      if (outcome.outcome === 'new') {
        rowsNew += 1;
        const id = (await sql.insert(
          `INSERT INTO customers (external_id, name, company, email, phone, city, region, notes, owner, kind, status, created_at, updated_at, created_by, updated_by)
           VALUES (@temporary, @name, @company, @email, @phone, @city, @region, @notes, @owner, @kind, 'active', @now, @writtenAt, @actor, @actor)`,
          { ...outcome.values, temporary: `contact:${session.writtenAt}:${rowsNew}`, owner: options.owner, kind: options.kind, now: session.now, writtenAt: session.writtenAt, actor: sql.actor },
        ))!;
        session.noteCreated('customers', id);
        const externalId = await externalIdFor(sql, id, options.kind);
        await sql.run('UPDATE customers SET external_id = ? WHERE id = ?', [externalId, id]);
        createdIds.push(externalId);
      } else if (outcome.outcome === 'merged') {
        rowsChanged += 1;
        const before: Record<string, string | null> = { updated_at: updatedAt.get(outcome.customer.id)! };
        for (const change of outcome.changes) before[change.field] = change.old;
        session.recordChange('customers', outcome.customer.id, before);
        // Column names from contactFields, never from the file; values are parameters.
        const set = outcome.changes.map((change) => `${change.field} = @${change.field}`).join(', ');
        await sql.run(`UPDATE customers SET ${set}, updated_at = @writtenAt, updated_by = @actor WHERE id = @id`, {
          ...Object.fromEntries(outcome.changes.map((change) => [change.field, change.new])), writtenAt: session.writtenAt, actor: sql.actor, id: outcome.customer.id,
        });
      } else if (outcome.outcome === 'unchanged') rowsUnchanged += 1;
    }
    const finishedAt = new Date().toISOString();
    const runId = await session.commit({
      kind: 'contacts', fileName: options.fileName, contentHash: options.contentHash, startedAt: session.writtenAt, finishedAt,
      rowsRead: contacts.length, rowsNew, rowsChanged, rowsUnchanged, rowsRejected: 0, customersCreated: rowsNew,
      options: { format: options.format, kind: options.kind, overwrite: options.overwrite },
    });
    return { plan, runId, createdIds, sameContentAsRun };
  } catch (error) {
    await session.rollback();
    throw error;
  }
}

/** What a contact carries of a customer, for crm export contacts. */
export type ContactExportRow = Pick<CustomerRecord, 'external_id' | ContactField>;

/**
 * The customers crm customer list would list under FILTER (its order and limit), with the fields a contact carries, a
 * batch at a time (a phone book of a million customers is written as it is read).
 */
export function contactsForExport(sql: Sql, filter: CustomerFilter): AsyncIterable<ContactExportRow[]> {
  // As crm customer list sorts; a phone book is not sorted by sales (the command offers name, id and created).
  const byName = `${sql.dialect.caseless('c.name')}, c.id`;
  const order: Record<NonNullable<CustomerFilter['sort']>, string> = {
    name: byName, id: 'c.external_id, c.id', created: 'c.created_at DESC, c.id', revenue: byName, orders: byName, 'last-order': byName,
  };
  return sql.batches<ContactExportRow>(
    `SELECT c.${contactFields.join(', c.')}, c.external_id FROM customers c WHERE ${customerFilterWhere(sql)}
     ORDER BY ${order[filter.sort ?? 'name']}${filter.limit === undefined ? '' : ' LIMIT @limit'}`,
    customerFilterParams(filter),
  );
}
