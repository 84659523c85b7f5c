// Customer records: listing, lookup, search and manual adds. The only SQL about customers outside imports.
import type { Sql } from './engine/sql.js';
import { memberLevelSql } from './members.js';
import { billed, purchase } from './report-sales.js';

export interface CustomerListRow {
  id: number;
  external_id: string;
  name: string;
  company: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  owner: string | null;
  tags: string | null;
  status: string;
  kind: string;
  channel: string | null;
  created_at: string;
  dropped_at: string | null;
  drop_reason: string | null;
  orders: number;
  revenue_cents: number;
  last_order: string | null;
  /** The member level (db/members.ts), when the listing asked for it. */
  level?: string | null;
}

export type CustomerSort = 'name' | 'id' | 'revenue' | 'orders' | 'last-order' | 'created';
export const customerSorts: readonly CustomerSort[] = ['name', 'id', 'revenue', 'orders', 'last-order', 'created'];

export interface CustomerFilter {
  /** customer, lead or partner (all kinds when absent). */
  kind?: string;
  /** How the contact was met: the channel column (`--source`). */
  source?: string;
  owner?: string;
  city?: string;
  tag?: string;
  sort?: CustomerSort;
  limit?: number;
  /** Member levels as of a day (db/members.ts levelParams): adds each customer's level; with `level`, only that level. */
  members?: { levelAsOf: string; levelSince: string | null };
  level?: string;
}

const orderBy = (sql: Sql): Record<CustomerSort, string> => ({
  name: `${sql.dialect.caseless('c.name')}, c.id`,
  id: 'c.external_id, c.id',
  revenue: 'revenue_cents DESC, c.id',
  orders: 'orders DESC, c.id',
  'last-order': 'last_order DESC NULLS LAST, c.id',
  created: 'c.created_at DESC, c.id',
});

/** ASCII letters in lower case, the rest as it is: what lower() does on both engines (SQLite's, and PostgreSQL's on "C" text). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** LIMIT @limit, or nothing for no limit (SQLite's LIMIT -1 is an error on PostgreSQL). */
const limitClause = (limit: number | null | undefined): string => (limit === null || limit === undefined ? '' : 'LIMIT @limit');

// Sales only: refunded and cancelled orders count nowhere (the `billed` rule of the reports).
const listColumns = `c.id, c.external_id, c.name, c.company, c.email, c.phone, c.city, c.owner, c.tags, c.status, c.kind, c.channel,
  c.created_at, c.dropped_at, c.drop_reason,
  (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND ${billed} AND o.${purchase}) AS orders,
  (SELECT coalesce(sum(o.amount_cents), 0) FROM orders o WHERE o.customer_id = c.id AND ${billed}) AS revenue_cents,
  (SELECT max(o.order_date) FROM orders o WHERE o.customer_id = c.id AND ${billed} AND o.${purchase}) AS last_order`;

/**
 * The WHERE condition of crm customer list's filters (alias c for customers), also used by crm export contacts. Tags are
 * a comma-separated list; a tag filter matches one whole tag. The source is compared in lower case: the parameter is
 * lowered here (lower() of a parameter would fold more than ASCII on a PostgreSQL server's collation).
 */
export function customerFilterWhere(sql: Sql): string {
  return `(CAST(@owner AS TEXT) IS NULL OR c.owner = @owner)
      AND (CAST(@kind AS TEXT) IS NULL OR c.kind = @kind)
      AND (CAST(@source AS TEXT) IS NULL OR lower(trim(c.channel)) = trim(@source))
      AND (CAST(@city AS TEXT) IS NULL OR c.city = @city)
      AND (CAST(@tag AS TEXT) IS NULL OR ${sql.dialect.instr("',' || replace(coalesce(c.tags, ''), ' ', '') || ','", "',' || replace(@tag, ' ', '') || ','")} > 0)`;
}

/** The parameters of customerFilterWhere (and @limit). */
export function customerFilterParams(filter: CustomerFilter): Record<string, string | number | null> {
  return {
    owner: filter.owner ?? null,
    kind: filter.kind ?? null,
    source: filter.source === undefined ? null : asciiLower(filter.source),
    city: filter.city ?? null,
    tag: filter.tag ?? null,
    limit: filter.limit ?? null,
  };
}

/** The filters' condition, with member levels (db/members.ts) --level's on each customer's level too. */
const listWhere = (sql: Sql, filter: CustomerFilter): string =>
  `${customerFilterWhere(sql)} ${filter.members && filter.level !== undefined ? `AND ${memberLevelSql()} = @level` : ''}`;

const listText = (sql: Sql, filter: CustomerFilter): string => `SELECT ${listColumns}${filter.members ? `, ${memberLevelSql()} AS level` : ''} FROM customers c
    WHERE ${listWhere(sql, filter)}
    ORDER BY ${orderBy(sql)[filter.sort ?? 'name']}
    ${limitClause(filter.limit)}`;

const listParams = (filter: CustomerFilter) => ({ ...customerFilterParams(filter), ...(filter.members ? { ...filter.members, level: filter.level ?? null } : {}) });

export async function listCustomers(sql: Sql, filter: CustomerFilter): Promise<CustomerListRow[]> {
  return sql.all<CustomerListRow>(listText(sql, filter), listParams(filter));
}

/** listCustomers a batch at a time, in its order (a million customers are never all held). */
export function customerListBatches(sql: Sql, filter: CustomerFilter): AsyncIterable<CustomerListRow[]> {
  return sql.batches<CustomerListRow>(listText(sql, filter), listParams(filter), 2_000);
}

/** How many customers listCustomers gives for FILTER without its limit (the listing's title says it first). */
export async function countCustomers(sql: Sql, filter: CustomerFilter): Promise<number> {
  const all = { ...filter, limit: undefined };
  return (await sql.value<number>(`SELECT count(*) FROM customers c WHERE ${listWhere(sql, all)}`, listParams(all))) ?? 0;
}

/** Substring search over name, company, e-mail and phone (Chinese substrings of any length work). */
export async function searchCustomers(sql: Sql, text: string, limit: number): Promise<CustomerListRow[]> {
  const instr = sql.dialect.instr;
  const statement = `SELECT ${listColumns} FROM customers c
    WHERE ${instr('lower(c.name)', '@lowered')} > 0 OR ${instr("lower(coalesce(c.company, ''))", '@lowered')} > 0
       OR ${instr("lower(coalesce(c.email, ''))", '@lowered')} > 0 OR ${instr("coalesce(c.phone, '')", 'CAST(@text AS TEXT)')} > 0
       OR (${digitsLongEnough(text)} AND ${instr("replace(replace(replace(coalesce(c.phone, ''), ' ', ''), '-', ''), '+', '')", 'CAST(@digits AS TEXT)')} > 0)
       OR c.external_id = @text
    ORDER BY CASE WHEN c.external_id = @text THEN 1 ELSE 0 END DESC, ${sql.dialect.caseless('c.name')}, c.id
    LIMIT @limit`;
  return sql.all<CustomerListRow>(statement, { text, lowered: asciiLower(text), digits: text.replace(/\D/g, ''), limit });
}

/** Whether the digits of a search text are enough to look for them in phone numbers (four or more): a constant condition. */
const digitsLongEnough = (text: string): string => (text.replace(/\D/g, '').length >= 4 ? '1 = 1' : '1 = 0');

export interface CustomerRecord {
  id: number;
  external_id: string;
  name: string;
  company: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  region: string | null;
  channel: string | null;
  owner: string | null;
  tags: string | null;
  notes: string | null;
  status: string;
  kind: string;
  converted_at: string | null;
  dropped_at: string | null;
  drop_reason: string | null;
  referred_by: number | null;
  created_at: string;
  updated_at: string;
  /** Who added and who last changed the record (docs/storage.md#who-wrote-a-row); null when not known (written before crm kept it). */
  created_by: string | null;
  updated_by: string | null;
}

export interface CustomerTotals {
  orders: number;
  revenue_cents: number;
  cost_cents: number | null;
  first_order: string | null;
  last_order: string | null;
  /** Returns (credit notes: orders below zero): netted in revenue, not counted in orders or the order dates. */
  returns: number;
}

export async function customerByExternalId(sql: Sql, externalId: string): Promise<CustomerRecord | undefined> {
  return sql.get<CustomerRecord>('SELECT * FROM customers WHERE external_id = ?', [externalId]);
}

/** The customer a merged id now names (crm customer merge keeps the merged id as an alias), if it is one. */
export async function customerByAlias(sql: Sql, externalId: string): Promise<CustomerRecord | undefined> {
  return sql.get<CustomerRecord>('SELECT c.* FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE a.external_id = ?', [externalId]);
}

export async function customerById(sql: Sql, id: number): Promise<CustomerRecord | undefined> {
  return sql.get<CustomerRecord>('SELECT * FROM customers WHERE id = ?', [id]);
}

/** Candidates for a typed reference: external id, internal id, e-mail, phone, or part of the name. */
export async function findCustomerCandidates(sql: Sql, reference: string, limit = 20): Promise<CustomerRecord[]> {
  // Each exact form is one indexed lookup (external id, internal id, e-mail, phone digits), tried in that
  // order, so naming a customer stays instant on a million rows; only a name part scans the table.
  const byExternalId = await sql.all<CustomerRecord>('SELECT * FROM customers WHERE external_id = ?', [reference]);
  if (byExternalId.length) return byExternalId;
  // An id merged into another customer names that customer.
  const merged = await customerByAlias(sql, reference);
  if (merged) return [merged];
  if (/^\d+$/.test(reference) && reference.length < 16) {
    const byId = await sql.all<CustomerRecord>('SELECT * FROM customers WHERE id = ?', [Number(reference)]);
    if (byId.length) return byId;
  }
  // The e-mail without ASCII case, as the index customers_email_lower (the parameter is lowered here, as lower() does).
  if (reference.includes('@')) {
    const byEmail = await sql.all<CustomerRecord>('SELECT * FROM customers WHERE email IS NOT NULL AND lower(email) = ? ORDER BY id LIMIT ?', [asciiLower(reference), limit]);
    if (byEmail.length) return byEmail;
  }
  const digits = reference.replace(/[\s\-()]/g, '');
  if (/^\+?\d{5,}$/.test(digits)) {
    const byPhone = await sql.all<CustomerRecord>(`SELECT * FROM customers WHERE phone IS NOT NULL AND ${phoneDigits} = ? ORDER BY id LIMIT ?`, [digits, limit]);
    if (byPhone.length) return byPhone;
  }
  return sql.all<CustomerRecord>(
    `SELECT * FROM customers WHERE ${sql.dialect.instr('lower(name)', '?')} > 0 ORDER BY ${sql.dialect.caseless('name')}, id LIMIT ?`,
    [asciiLower(reference), limit],
  );
}

/** The phone number without spaces, dashes and brackets: the same expression as the index customers_phone_digits. */
const phoneDigits = "replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')";

export async function customerTotals(sql: Sql, customerId: number): Promise<CustomerTotals> {
  return (await sql.get<CustomerTotals>(
    `SELECT coalesce(sum(CASE WHEN ${purchase} THEN 1 ELSE 0 END), 0) AS orders, coalesce(sum(amount_cents), 0) AS revenue_cents, sum(cost_cents) AS cost_cents,
            min(CASE WHEN ${purchase} THEN order_date END) AS first_order, max(CASE WHEN ${purchase} THEN order_date END) AS last_order,
            coalesce(sum(CASE WHEN ${purchase} THEN 0 ELSE 1 END), 0) AS returns
     FROM orders WHERE customer_id = @customerId AND ${billed}`,
    { customerId },
  ))!;
}

export interface NewCustomer {
  external_id: string | null;
  name: string;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  city?: string | null;
  region?: string | null;
  channel?: string | null;
  owner?: string | null;
  tags?: string | null;
  notes?: string | null;
  kind?: 'customer' | 'lead' | 'partner';
  referred_by?: number | null;
}

/** Whether a customer has this id, or had it before it was merged into another (the id still names that one). */
export async function externalIdTaken(sql: Sql, externalId: string): Promise<boolean> {
  return (await sql.get('SELECT 1 AS taken FROM customers WHERE external_id = ?', [externalId])) !== undefined || (await customerByAlias(sql, externalId)) !== undefined;
}

/** Inserts one customer; without an external id one is made from the new row's id ("C000123"). */
export async function addCustomer(sql: Sql, customer: NewCustomer, now: string): Promise<CustomerRecord> {
  return sql.transaction(async () => {
    const temporaryId = customer.external_id ?? `pending:${now}:${Math.random()}`;
    const id = (await sql.value<number>(
      `INSERT INTO customers (external_id, name, company, email, phone, city, region, channel, owner, tags, notes, kind, referred_by, status,
         created_at, updated_at, created_by, updated_by)
       VALUES (@external_id, @name, @company, @email, @phone, @city, @region, @channel, @owner, @tags, @notes, @kind, @referred_by, 'active',
         @now, @now, @actor, @actor)
       RETURNING id`,
      {
        company: null, email: null, phone: null, city: null, region: null, channel: null, owner: null, tags: null, notes: null, kind: 'customer', referred_by: null,
        ...customer, external_id: temporaryId, now, actor: sql.actor,
      },
    ))!;
    if (customer.external_id === null) {
      await sql.run('UPDATE customers SET external_id = ?, updated_by = ? WHERE id = ?', [`C${String(id).padStart(6, '0')}`, sql.actor, id]);
    }
    return (await customerById(sql, id))!;
  });
}
