// Receivables (回款管理): what each customer owes as of a date, aged by order date, payments applied oldest order first.
import { billed, windowParams } from './report-sales.js';
import type { Sql } from './engine/sql.js';
import { addDays } from '../util/dates.js';

export interface Receivable {
  customer_id: number;
  external_id: string;
  name: string;
  owner: string | null;
  owed_cents: number;
  oldest_unpaid: string;
  days_0_30_cents: number;
  days_31_60_cents: number;
  days_61_90_cents: number;
  days_over_90_cents: number;
}

/**
 * FIFO: a customer's payments (up to asOf) pay their billed orders (up to asOf) oldest first, whatever
 * order a payment names. The unpaid part of an order is clamp(running total of orders − paid, 0, amount);
 * its age is asOf − order date. Customers who owe nothing (or paid in advance) are left out.
 * Oldest unpaid order first, then the biggest debt.
 *
 * The running total (a window over every order, sorted per customer) is only needed where FIFO decides
 * something. One GROUP BY over the covering index first sorts customers into three kinds:
 * - no negative order and payments ≥ billed: every order is paid, nothing owed (left out);
 * - no negative order and no payment (paid ≤ 0): the running total minus paid is never below the order's
 *   own amount, so each order is unpaid in full and the per-customer sums are the answer;
 * - the rest (part paid, or a credit note among the orders): the window, over those customers' orders only.
 * An age bucket is a range of order dates ([asOf − 30, asOf] is 0–30 days): order dates are ISO text.
 */
export function receivableBatches(sql: Sql, asOf: string): AsyncIterable<Receivable[]> {
  return sql.batches<Receivable>(receivablesText(sql, ''), owedParams(asOf));
}

/**
 * The customers who owe for over 60 days (crm agenda), in receivableBatches() order: the first LIMIT of them (null: all),
 * and how many there are.
 */
export async function receivablesOver60(sql: Sql, asOf: string, limit: number | null): Promise<{ rows: Receivable[]; count: number }> {
  const over60 = 'WHERE d.days_61_90_cents + d.days_over_90_cents > 0';
  const rows = await sql.all<Receivable>(`${receivablesText(sql, over60)}${limit === null ? '' : ' LIMIT @limit'}`, { ...owedParams(asOf), limit });
  const count = limit === null || rows.length < limit
    ? rows.length
    : (await sql.value<number>(`${owedByCustomer(sql)} SELECT count(*) FROM owed d ${over60}`, owedParams(asOf)))!;
  return { rows, count };
}

const receivablesText = (sql: Sql, where: string): string => `${owedByCustomer(sql)}
     SELECT c.id AS customer_id, c.external_id, c.name, c.owner, d.owed_cents, d.oldest_unpaid,
            d.days_0_30_cents, d.days_31_60_cents, d.days_61_90_cents, d.days_over_90_cents
     FROM owed d JOIN customers c ON c.id = d.customer_id ${where}
     ORDER BY d.oldest_unpaid NULLS FIRST, d.owed_cents DESC, c.external_id`;

/** How many customers owe, and the sums of receivableBatches() over them (the report's totals row). */
export interface ReceivableSums {
  customers: number;
  owed_cents: number;
  days_0_30_cents: number;
  days_31_60_cents: number;
  days_61_90_cents: number;
  days_over_90_cents: number;
}

export async function receivableSums(sql: Sql, asOf: string): Promise<ReceivableSums> {
  return (await sql.get<ReceivableSums>(
    `${owedByCustomer(sql)}
     SELECT count(*) AS customers, coalesce(sum(owed_cents), 0) AS owed_cents, coalesce(sum(days_0_30_cents), 0) AS days_0_30_cents,
            coalesce(sum(days_31_60_cents), 0) AS days_31_60_cents, coalesce(sum(days_61_90_cents), 0) AS days_61_90_cents,
            coalesce(sum(days_over_90_cents), 0) AS days_over_90_cents
     FROM owed`,
    owedParams(asOf),
  ))!;
}

export interface ReceivableTotals {
  owed_cents: number;
  /** Owed on orders older than 60 days (days_61_90 + days_over_90). */
  owed_over_60_cents: number;
}

/** The sums of receivableBatches() over all customers, without a row per customer (the summary needs only these). */
export async function receivableTotals(sql: Sql, asOf: string): Promise<ReceivableTotals> {
  return (await sql.get<ReceivableTotals>(
    `${owedByCustomer(sql)}
     SELECT coalesce(sum(owed_cents), 0) AS owed_cents, coalesce(sum(days_61_90_cents + days_over_90_cents), 0) AS owed_over_60_cents FROM owed`,
    owedParams(asOf),
  ))!;
}

/**
 * The CTEs behind receivableBatches(): `owed` holds one row per customer who owes something (see receivableBatches()).
 * Written once for both engines; only the scalar max/min of the FIFO clamp and the index hint are the dialect's.
 */
const owedByCustomer = (sql: Sql): string => `WITH paid AS (
         SELECT customer_id, sum(amount_cents) AS paid FROM payments WHERE paid_on <= @asOf GROUP BY customer_id
       ), totals AS (
         SELECT customer_id, sum(amount_cents) AS billed_cents, min(amount_cents) AS smallest_cents,
                min(CASE WHEN amount_cents > 0 THEN order_date END) AS oldest_unpaid,
                ${buckets('amount_cents')}
         FROM orders WHERE ${sql.dialect.noIndex('order_date')} <= @asOf AND ${billed}
         GROUP BY customer_id
       ), owing AS (
         SELECT t.*, coalesce(p.paid, 0) AS paid FROM totals t LEFT JOIN paid p USING (customer_id)
       ), fifo_orders AS (
         SELECT o.customer_id, o.order_date, o.amount_cents, w.paid,
                sum(o.amount_cents) OVER (PARTITION BY o.customer_id ORDER BY o.order_date, o.id ROWS UNBOUNDED PRECEDING) AS running
         -- CROSS JOIN keeps owing as the outer loop on SQLite: only the FIFO customers' orders are read, through the index.
         -- (The join condition is in WHERE: PostgreSQL takes no ON after CROSS JOIN, and plans the join itself.)
         FROM owing w CROSS JOIN orders o
         WHERE o.customer_id = w.customer_id AND (w.smallest_cents < 0 OR (w.paid > 0 AND w.paid < w.billed_cents))
           AND ${sql.dialect.noIndex('o.order_date')} <= @asOf AND ${billed}
       ), fifo_unpaid AS (
         SELECT customer_id, order_date, ${sql.dialect.greatest('0', sql.dialect.least('amount_cents', 'running - paid'))} AS unpaid FROM fifo_orders
       ), owed AS (
         SELECT customer_id, billed_cents AS owed_cents, oldest_unpaid, days_0_30_cents, days_31_60_cents, days_61_90_cents, days_over_90_cents
         FROM owing WHERE smallest_cents >= 0 AND paid <= 0 AND billed_cents > 0
         UNION ALL
         -- Paid orders (unpaid 0) add nothing to any sum: only the unpaid ones go through the GROUP BY's sort.
         SELECT customer_id, sum(unpaid), min(order_date), ${buckets('unpaid')}
         FROM fifo_unpaid WHERE unpaid > 0 GROUP BY customer_id
       )`;

const owedParams = (asOf: string) => ({ ...windowParams({ since: null, asOf }), ...ageLimits(asOf) });

/** The first order date of each age bucket: an order of day 30 is 0–30 days old, of day 31 is 31–60. */
function ageLimits(asOf: string) {
  return { days30: addDays(asOf, -30), days60: addDays(asOf, -60), days90: addDays(asOf, -90) };
}

/** The four age-bucket sums of `amount` (a column name, a constant in this file); hoisted, owedByCustomer uses it. */
function buckets(amount: string): string {
  return `
  sum(CASE WHEN order_date >= @days30 THEN ${amount} ELSE 0 END) AS days_0_30_cents,
  sum(CASE WHEN order_date < @days30 AND order_date >= @days60 THEN ${amount} ELSE 0 END) AS days_31_60_cents,
  sum(CASE WHEN order_date < @days60 AND order_date >= @days90 THEN ${amount} ELSE 0 END) AS days_61_90_cents,
  sum(CASE WHEN order_date < @days90 THEN ${amount} ELSE 0 END) AS days_over_90_cents`;
}

/**
 * Whether the shop records payments at all (docs/rules.md#receivables): an order's status says nothing about payment in
 * crm (`paid` is a billed order like any other), so without a single payment every billed order would look owed.
 */
export async function paymentsRecorded(sql: Sql): Promise<boolean> {
  return (await sql.value<number>('SELECT CASE WHEN EXISTS (SELECT 1 FROM payments) THEN 1 ELSE 0 END')) === 1;
}

export interface Credit {
  customers: number;
  credit_cents: number;
}

/** Customers who paid more than their billed orders (up to asOf), and by how much in all. */
export async function advancePayments(sql: Sql, asOf: string): Promise<Credit> {
  return (await sql.get<Credit>(
    `WITH balance AS (
       SELECT customer_id, sum(amount) AS balance FROM (
         SELECT customer_id, amount_cents AS amount FROM orders WHERE ${sql.dialect.noIndex('order_date')} <= @asOf AND ${billed}
         UNION ALL
         SELECT customer_id, -amount_cents FROM payments WHERE paid_on <= @asOf
       ) AS movements GROUP BY customer_id
     )
     SELECT count(*) AS customers, coalesce(-sum(balance), 0) AS credit_cents FROM balance WHERE balance < 0`,
    windowParams({ since: null, asOf }),
  ))!;
}
