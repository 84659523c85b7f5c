// crm cadence (issue 21): the rules (schema version 18, table cadence_rules), and what deciding who is due reads.
// Nothing per customer is stored: report/cadence.ts computes who is due from these and the customers' contacts.
import type { CadenceRule, EveryUnit, Selector } from '../analysis/cadence.js';
import { dayBounds, shopDay } from './day-bounds.js';
import type { Sql } from './engine/sql.js';

interface RuleRow {
  id: number;
  selector: Selector;
  name: string | null;
  customer_id: number | null;
  customer_external_id: string | null;
  every_count: number;
  every_unit: EveryUnit;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
}

export interface StoredRule extends CadenceRule {
  customerName: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  updatedBy: string | null;
}

const selectorOrder = "CASE r.selector WHEN 'segment' THEN 0 WHEN 'tier' THEN 1 WHEN 'stage' THEN 2 ELSE 3 END";

/**
 * Every rule, by selector (segment, tier, stage, customer), then name or customer id. On a server a salesperson reads
 * the shop-wide rules and those of their own customers (the table's row-level security).
 */
export async function cadenceRules(sql: Sql): Promise<StoredRule[]> {
  const rows = await sql.all<RuleRow & { customer_name: string | null }>(
    `SELECT r.id, r.selector, r.name, r.customer_id, c.external_id AS customer_external_id, c.name AS customer_name,
            r.every_count, r.every_unit, r.created_at, r.updated_at, r.created_by, r.updated_by
     FROM cadence_rules r LEFT JOIN customers c ON c.id = r.customer_id
     WHERE r.customer_id IS NULL OR c.id IS NOT NULL
     ORDER BY ${selectorOrder}, r.name, c.external_id`,
  );
  return rows.map((row) => ({
    id: row.id,
    selector: row.selector,
    name: row.name,
    customerId: row.customer_id,
    customerExternalId: row.customer_external_id,
    customerName: row.customer_name,
    every: { count: row.every_count, unit: row.every_unit },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  }));
}

export interface RuleTarget {
  selector: Selector;
  /** The stored name (segment, tier, stage); null with a customer. */
  name: string | null;
  customerId: number | null;
}

/**
 * Sets the interval of the rule for TARGET: a new rule, or the one already there gets the new interval (one rule per
 * selector and name or customer: the table's unique indexes). Returns the rule's id and the interval it had before.
 */
export async function setCadence(sql: Sql, target: RuleTarget, every: { count: number; unit: EveryUnit }, now: string): Promise<{ id: number; before: { count: number; unit: EveryUnit } | null }> {
  return sql.transaction(async () => {
    const existing = await findRule(sql, target);
    if (existing) {
      await sql.run('UPDATE cadence_rules SET every_count = ?, every_unit = ?, updated_at = ?, updated_by = ? WHERE id = ?', [every.count, every.unit, now, sql.actor, existing.id]);
      return { id: existing.id, before: { count: existing.every_count, unit: existing.every_unit } };
    }
    const id = await sql.value<number>(
      `INSERT INTO cadence_rules (selector, name, customer_id, every_count, every_unit, created_at, updated_at, created_by, updated_by)
       VALUES (@selector, @name, @customerId, @count, @unit, @now, @now, @actor, @actor) RETURNING id`,
      { selector: target.selector, name: target.name, customerId: target.customerId, count: every.count, unit: every.unit, now, actor: sql.actor },
    );
    return { id: id!, before: null };
  });
}

async function findRule(sql: Sql, target: RuleTarget): Promise<{ id: number; every_count: number; every_unit: EveryUnit } | undefined> {
  return target.customerId !== null
    ? sql.get('SELECT id, every_count, every_unit FROM cadence_rules WHERE customer_id = ?', [target.customerId])
    : sql.get('SELECT id, every_count, every_unit FROM cadence_rules WHERE customer_id IS NULL AND selector = ? AND name = ?', [target.selector, target.name]);
}

/** The rule for TARGET, or with an id the rule of that id; undefined when there is none. */
export async function cadenceRule(sql: Sql, target: RuleTarget | { id: number }): Promise<StoredRule | undefined> {
  const found = 'id' in target ? { id: target.id } : await findRule(sql, target);
  if (!found) return undefined;
  return (await cadenceRules(sql)).find((rule) => rule.id === found.id);
}

/** Removes the rule of that id; whether there was one. */
export async function removeCadence(sql: Sql, id: number): Promise<boolean> {
  return (await sql.run('DELETE FROM cadence_rules WHERE id = ?', [id])).changes > 0;
}

/** One customer as deciding who is due reads them. */
export interface ContactFacts {
  id: number;
  /** The day of the last contact logged up to the end of asOf (any interaction), on the shop's clock. */
  last_contact_day: string | null;
  /** A converted lead's conversion day. */
  converted_on: string | null;
  /** The first order's day (any order up to asOf). */
  first_order: string | null;
  /** The day the record was entered, on the shop's clock. */
  entered_on: string;
}

/**
 * Customers (not leads or partners, not forgotten) with their last contact's day up to the end of ASOF and the days
 * their cadence may count from, in id order, a batch at a time (a million customers are never held at once). Each
 * customer's last contact and first order are one look-up in the indexes interactions(customer_id, occurred_at) and
 * orders(customer_id, order_date, …). OWNER keeps one salesperson's customers.
 */
export function contactFacts(sql: Sql, asOf: string, owner: string | null): AsyncIterable<ContactFacts[]> {
  const { asOfEnd } = dayBounds(sql, null, asOf);
  return sql.batches<ContactFacts>(
    `SELECT id, ${shopDay(sql, 'last_contact_at')} AS last_contact_day, converted_on, first_order, ${shopDay(sql, 'created_at')} AS entered_on
     FROM (
       SELECT c.id, c.created_at, substr(c.converted_at, 1, 10) AS converted_on,
              (SELECT max(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id AND i.occurred_at < @asOfEnd) AS last_contact_at,
              (SELECT min(o.order_date) FROM orders o WHERE o.customer_id = c.id AND o.order_date <= @asOf) AS first_order
       FROM customers c
       WHERE c.kind = 'customer' AND c.status <> 'forgotten' AND (CAST(@owner AS TEXT) IS NULL OR c.owner = CAST(@owner AS TEXT))
     ) AS facts
     ORDER BY id`,
    { asOf, asOfEnd, owner },
    5_000,
  );
}

/** What a listing of due customers shows of each. */
export interface ContactLabel {
  id: number;
  external_id: string;
  name: string;
  owner: string | null;
  phone: string | null;
  /** The last contact up to the end of asOf, as stored; null when never contacted. */
  last_contact_at: string | null;
}

/** The labels of the customers IDS (a batch of a listing), by id. */
export async function contactLabels(sql: Sql, ids: readonly number[], asOf: string): Promise<Map<number, ContactLabel>> {
  const { asOfEnd } = dayBounds(sql, null, asOf);
  const labels = new Map<number, ContactLabel>();
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = await sql.all<ContactLabel>(
      `SELECT c.id, c.external_id, c.name, c.owner, c.phone,
              (SELECT max(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id AND i.occurred_at < ?) AS last_contact_at
       FROM customers c WHERE c.id IN (${chunk.map(() => '?').join(', ')})`,
      [asOfEnd, ...chunk],
    );
    for (const row of rows) labels.set(row.id, row);
  }
  return labels;
}
