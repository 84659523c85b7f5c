// Customer records: listing, lookup, search and manual adds. The only SQL about customers outside imports.
import { notBilledStatuses } from '../analysis/balance.js';
import type { Db } from './open.js';
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
}

const orderBy: Record<CustomerSort, string> = {
  name: 'c.name COLLATE NOCASE, c.id',
  id: 'c.external_id, c.id',
  revenue: 'revenue_cents DESC, c.id',
  orders: 'orders DESC, c.id',
  'last-order': 'last_order DESC NULLS LAST, c.id',
  created: 'c.created_at DESC, c.id',
};

// Sales only: refunded and cancelled orders count nowhere (the `billed` rule of the reports).
const listColumns = `c.id, c.external_id, c.name, c.company, c.email, c.phone, c.city, c.owner, c.tags, c.status, c.kind, c.channel,
  c.created_at, c.dropped_at, c.drop_reason,
  (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND ${billed} AND o.${purchase}) AS orders,
  (SELECT coalesce(sum(o.amount_cents), 0) FROM orders o WHERE o.customer_id = c.id AND ${billed}) AS revenue_cents,
  (SELECT max(o.order_date) FROM orders o WHERE o.customer_id = c.id AND ${billed} AND o.${purchase}) AS last_order`;
const notBilled = JSON.stringify(notBilledStatuses);

export function listCustomers(db: Db, filter: CustomerFilter): CustomerListRow[] {
  // Tags are a comma-separated list; a tag filter matches one whole tag.
  const sql = `SELECT ${listColumns} FROM customers c
    WHERE (@owner IS NULL OR c.owner = @owner)
      AND (@kind IS NULL OR c.kind = @kind)
      AND (@source IS NULL OR lower(trim(c.channel)) = lower(trim(@source)))
      AND (@city IS NULL OR c.city = @city)
      AND (@tag IS NULL OR instr(',' || replace(coalesce(c.tags, ''), ' ', '') || ',', ',' || replace(@tag, ' ', '') || ',') > 0)
    ORDER BY ${orderBy[filter.sort ?? 'name']}
    LIMIT @limit`;
  return db.prepare(sql).all({
    owner: filter.owner ?? null,
    kind: filter.kind ?? null,
    source: filter.source ?? null,
    city: filter.city ?? null,
    tag: filter.tag ?? null,
    limit: filter.limit ?? -1,
    notBilled,
  }) as CustomerListRow[];
}

/** Substring search over name, company, e-mail and phone (Chinese substrings of any length work). */
export function searchCustomers(db: Db, text: string, limit: number): CustomerListRow[] {
  const sql = `SELECT ${listColumns} FROM customers c
    WHERE instr(lower(c.name), lower(@text)) > 0 OR instr(lower(coalesce(c.company, '')), lower(@text)) > 0
       OR instr(lower(coalesce(c.email, '')), lower(@text)) > 0 OR instr(coalesce(c.phone, ''), @text) > 0
       OR (length(@digits) >= 4 AND instr(replace(replace(replace(coalesce(c.phone, ''), ' ', ''), '-', ''), '+', ''), @digits) > 0)
       OR c.external_id = @text
    ORDER BY (c.external_id = @text) DESC, c.name COLLATE NOCASE, c.id
    LIMIT @limit`;
  return db.prepare(sql).all({ text, digits: text.replace(/\D/g, ''), limit, notBilled }) as CustomerListRow[];
}

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

export function customerByExternalId(db: Db, externalId: string): CustomerRecord | undefined {
  return db.prepare('SELECT * FROM customers WHERE external_id = ?').get(externalId) as CustomerRecord | undefined;
}

/** The customer a merged id now names (crm customer merge keeps the merged id as an alias), if it is one. */
export function customerByAlias(db: Db, externalId: string): CustomerRecord | undefined {
  return db
    .prepare('SELECT c.* FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE a.external_id = ?')
    .get(externalId) as CustomerRecord | undefined;
}

export function customerById(db: Db, id: number): CustomerRecord | undefined {
  return db.prepare('SELECT * FROM customers WHERE id = ?').get(id) as CustomerRecord | undefined;
}

/** Candidates for a typed reference: external id, internal id, e-mail, phone, or part of the name. */
export function findCustomerCandidates(db: Db, reference: string, limit = 20): CustomerRecord[] {
  // Each exact form is one indexed lookup (external id, internal id, e-mail, phone digits), tried in that
  // order, so naming a customer stays instant on a million rows; only a name part scans the table.
  const byExternalId = db.prepare('SELECT * FROM customers WHERE external_id = ?').all(reference) as CustomerRecord[];
  if (byExternalId.length) return byExternalId;
  // An id merged into another customer names that customer.
  const merged = customerByAlias(db, reference);
  if (merged) return [merged];
  if (/^\d+$/.test(reference) && reference.length < 16) {
    const byId = db.prepare('SELECT * FROM customers WHERE id = ?').all(Number(reference)) as CustomerRecord[];
    if (byId.length) return byId;
  }
  if (reference.includes('@')) {
    const byEmail = db.prepare('SELECT * FROM customers WHERE email IS NOT NULL AND lower(email) = lower(?) ORDER BY id LIMIT ?').all(reference, limit) as CustomerRecord[];
    if (byEmail.length) return byEmail;
  }
  const digits = reference.replace(/[\s\-()]/g, '');
  if (/^\+?\d{5,}$/.test(digits)) {
    const byPhone = db.prepare(`SELECT * FROM customers WHERE phone IS NOT NULL AND ${phoneDigits} = ? ORDER BY id LIMIT ?`).all(digits, limit) as CustomerRecord[];
    if (byPhone.length) return byPhone;
  }
  return db
    .prepare(`SELECT * FROM customers WHERE instr(lower(name), lower(?)) > 0 ORDER BY name COLLATE NOCASE, id LIMIT ?`)
    .all(reference, limit) as CustomerRecord[];
}

/** The phone number without spaces, dashes and brackets: the same expression as the index customers_phone_digits. */
const phoneDigits = "replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')";

export function customerTotals(db: Db, customerId: number): CustomerTotals {
  return db
    .prepare(
      `SELECT coalesce(sum(${purchase}), 0) AS orders, coalesce(sum(amount_cents), 0) AS revenue_cents, sum(cost_cents) AS cost_cents,
              min(CASE WHEN ${purchase} THEN order_date END) AS first_order, max(CASE WHEN ${purchase} THEN order_date END) AS last_order,
              coalesce(sum(NOT ${purchase}), 0) AS returns
       FROM orders WHERE customer_id = @customerId AND ${billed}`,
    )
    .get({ customerId, notBilled }) as CustomerTotals;
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
export function externalIdTaken(db: Db, externalId: string): boolean {
  return db.prepare('SELECT 1 FROM customers WHERE external_id = ?').get(externalId) !== undefined || customerByAlias(db, externalId) !== undefined;
}

/** Inserts one customer; without an external id one is made from the new row's id ("C000123"). */
export function addCustomer(db: Db, customer: NewCustomer, now: string): CustomerRecord {
  return db.transaction(() => {
    const temporaryId = customer.external_id ?? `pending:${now}:${Math.random()}`;
    const result = db
      .prepare(
        `INSERT INTO customers (external_id, name, company, email, phone, city, region, channel, owner, tags, notes, kind, referred_by, status, created_at, updated_at)
         VALUES (@external_id, @name, @company, @email, @phone, @city, @region, @channel, @owner, @tags, @notes, @kind, @referred_by, 'active', @now, @now)`,
      )
      .run({
        company: null, email: null, phone: null, city: null, region: null, channel: null, owner: null, tags: null, notes: null, kind: 'customer', referred_by: null,
        ...customer, external_id: temporaryId, now,
      });
    const id = Number(result.lastInsertRowid);
    if (customer.external_id === null) {
      db.prepare('UPDATE customers SET external_id = ? WHERE id = ?').run(`C${String(id).padStart(6, '0')}`, id);
    }
    return customerById(db, id)!;
  })();
}
