// The SQL behind crm clv: each customer's purchase days (the BG/NBD and Gamma-Gamma input) and later purchase days.
import type { Sql } from './engine/sql.js';
import { analysedOrders, periodParams, type Period } from './analysis.js';
import { purchase } from './report-sales.js';
import { Float64Column } from '../util/column.js';

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
export async function purchaseSummary(sql: Sql, asOf: string, includePartners = false): Promise<PurchaseSummary> {
  const { daysBetween } = sql.dialect;
  const firstDay = 'min(CASE WHEN purchase = 1 THEN order_date END)';
  const customerIds: number[] = [];
  // Customers who bought are at most all customers: each column is one allocation (util/column.ts).
  const capacity = (await sql.value<number>('SELECT count(*) FROM customers')) ?? 0;
  const frequency = new Float64Column(capacity);
  const recency = new Float64Column(capacity);
  const age = new Float64Column(capacity);
  const monetary = new Float64Column(capacity);
  const rows = sql.rowBatches<[number, number, number, number, number]>(
    `WITH days AS (
       SELECT customer_id, order_date, sum(amount_cents) AS amount, max(CASE WHEN ${purchase} THEN 1 ELSE 0 END) AS purchase
       FROM orders
       WHERE ${analysedOrders(sql.dialect)}
       GROUP BY customer_id, order_date
       ORDER BY customer_id, order_date
     )
     SELECT customer_id, sum(purchase) - 1,
            ${daysBetween('max(CASE WHEN purchase = 1 THEN order_date END)', firstDay)},
            ${daysBetween('CAST(@asOf AS TEXT)', firstDay)},
            sum(amount) - CAST(substr(min(CASE WHEN purchase = 1 THEN order_date || amount END), 11) AS BIGINT)
     FROM days
     GROUP BY customer_id HAVING sum(purchase) > 0
     ORDER BY customer_id`,
    periodParams({ asOf, includePartners }),
    10_000,
  );
  for await (const batch of rows) {
    for (const row of batch) {
      customerIds.push(row[0]);
      frequency.push(row[1]);
      recency.push(row[2]);
      age.push(row[3]);
      monetary.push(row[1] > 0 ? row[4] / row[1] : 0);
    }
  }
  return {
    customerIds,
    frequency: frequency.values(),
    recencyDays: recency.values(),
    ageDays: age.values(),
    monetaryCents: monetary.values(),
  };
}

/** Distinct purchase days per customer in the period (the hold-out period of crm clv --validate). */
export async function purchaseDaysIn(sql: Sql, period: Period): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const rows = sql.rowBatches<[number, number]>(
    `SELECT customer_id, count(DISTINCT order_date)
     FROM orders
     WHERE ${analysedOrders(sql.dialect)} AND ${purchase}
     GROUP BY customer_id
     ORDER BY customer_id`,
    periodParams(period),
    10_000,
  );
  for await (const batch of rows) for (const [customerId, days] of batch) counts.set(customerId, days);
  return counts;
}
