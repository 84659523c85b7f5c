// The SQL behind crm clv: each customer's purchase days (the BG/NBD and Gamma-Gamma input) and later purchase days.
import type { Db } from './open.js';
import { analysedOrders, periodParams, type Period } from './analysis.js';
import { purchase } from './report-sales.js';

/** Per customer, column-wise: lifetimes' summary_data_from_transaction_data, with time in days. */
export interface PurchaseSummary {
  customerIds: number[];
  /** Distinct purchase days − 1: the repeat purchases. */
  frequency: Float64Array;
  /** Days from the first to the last purchase day. */
  recencyDays: Float64Array;
  /** Days from the first purchase day to the as-of date. */
  ageDays: Float64Array;
  /** Mean value of the repeat purchase days (the first day left out; orders of one day added), in cents; 0 without repeats. */
  monetaryCents: Float64Array;
}

/**
 * One pass over the analysed orders (analysis.ts analysedOrders: the same window and billed-status rules as every
 * analysis) up to asOf: orders of one customer on one day are one purchase, their amounts added. The first day's
 * amount is read as min(order_date || amount): the dates of one customer's days are distinct and all ten
 * characters, so the smallest text is the first day's and the rest of it is that day's amount.
 * The inner ORDER BY repeats the index order: with it SQLite streams the days into the outer GROUP BY with no
 * temporary B-tree at all (without it, one for the GROUP BY; EXPLAIN QUERY PLAN).
 */
/** Partners are left out unless includePartners (--include-partners), as in every customer analysis. */
export function purchaseSummary(db: Db, asOf: string, includePartners = false): PurchaseSummary {
  const statement = db
    .prepare(
      `WITH days AS (
         SELECT customer_id, order_date, sum(amount_cents) AS amount, max(${purchase}) AS purchase
         FROM orders
         WHERE ${analysedOrders}
         GROUP BY customer_id, order_date
         ORDER BY customer_id, order_date
       )
       SELECT customer_id, sum(purchase) - 1,
              julianday(max(CASE WHEN purchase THEN order_date END)) - julianday(min(CASE WHEN purchase THEN order_date END)),
              julianday(@asOf) - julianday(min(CASE WHEN purchase THEN order_date END)),
              sum(amount) - CAST(substr(min(CASE WHEN purchase THEN order_date || amount END), 11) AS INTEGER)
       FROM days
       GROUP BY customer_id HAVING sum(purchase) > 0`,
    )
    .raw(true);
  const customerIds: number[] = [];
  const frequency: number[] = [];
  const recency: number[] = [];
  const age: number[] = [];
  const monetary: number[] = [];
  for (const row of statement.iterate(periodParams({ asOf, includePartners })) as Iterable<[number, number, number, number, number]>) {
    customerIds.push(row[0]);
    frequency.push(row[1]);
    recency.push(row[2]);
    age.push(row[3]);
    monetary.push(row[1] > 0 ? row[4] / row[1] : 0);
  }
  return {
    customerIds,
    frequency: Float64Array.from(frequency),
    recencyDays: Float64Array.from(recency),
    ageDays: Float64Array.from(age),
    monetaryCents: Float64Array.from(monetary),
  };
}

/** Distinct purchase days per customer in the period (the hold-out period of crm clv --validate). */
export function purchaseDaysIn(db: Db, period: Period): Map<number, number> {
  const statement = db
    .prepare(
      `SELECT customer_id, count(DISTINCT order_date)
       FROM orders
       WHERE ${analysedOrders} AND ${purchase}
       GROUP BY customer_id`,
    )
    .raw(true);
  const counts = new Map<number, number>();
  for (const [customerId, days] of statement.iterate(periodParams(period)) as Iterable<[number, number]>) counts.set(customerId, days);
  return counts;
}
