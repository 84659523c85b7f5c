// The SQL behind the analysis commands (rfm, segment, pyramid, lifecycle, loyalty): per-customer aggregates, run
// inside the database on either engine (ARCHITECTURE.md#storage); the analyses in src/analysis get plain data.
import type { Dialect } from './engine/dialect.js';
import type { Sql } from './engine/sql.js';
import { customerSales, purchase, windowParams } from './report-sales.js';
import { Float64Column } from '../util/column.js';

/** The orders an analysis looks at: order_date in [since, asOf]. */
export interface Period {
  asOf: string;
  since?: string | null;
  /** Count partners as customers (`--include-partners`); by default their orders are left out. */
  includePartners?: boolean;
}

/**
 * The orders every analysis reads: order_date in [since, asOf], sales only, customers only. Refunded and
 * cancelled orders were never owed (analysis/balance.ts) and count in no analysis, as in no report; partners'
 * orders count only under --include-partners (report-sales.ts notPartnerOrder). Leads have no orders.
 * Every analysis query (CLV included) reads orders through this condition and periodParams.
 * The date is read with the dialect's noIndex (SQLite's unary +: see rfmInputs for why).
 */
export const analysedOrders = (dialect: Dialect): string =>
  `${dialect.noIndex('order_date')} <= @asOf AND ${dialect.noIndex('order_date')} >= @since AND ${customerSales}`;

/** Purchases among the rows aggregated, as a number (a comparison is no number on PostgreSQL). */
export const purchases = `sum(CASE WHEN ${purchase} THEN 1 ELSE 0 END)`;

export const periodParams = (period: Period) =>
  windowParams({ since: period.since ?? null, asOf: period.asOf, includePartners: period.includePartners ?? false });

/** Returns (orders below zero) among the orders an analysis reads: how many, and their sum (negative). */
export interface ReturnsNetted {
  returns: number;
  cents: number;
}

/**
 * The returns an analysis netted: they reduce revenue and profit but are no purchase (docs/rules.md#which-orders-count).
 * Only those of customers with a purchase in the period count: a customer with only returns is not analysed.
 */
export async function returnsNetted(sql: Sql, period: Period): Promise<ReturnsNetted> {
  const analysed = analysedOrders(sql.dialect);
  // amount_cents < 0 is the condition of the partial index orders_returns (migration 14): only returns are read,
  // and for each the customer's purchases through the covering index. Unqualified columns name the nearest table.
  return (await sql.get<ReturnsNetted>(
    `SELECT count(*) AS returns, coalesce(sum(amount_cents), 0) AS cents FROM orders AS returned
     WHERE amount_cents < 0 AND ${analysed}
       AND EXISTS (SELECT 1 FROM orders WHERE orders.customer_id = returned.customer_id AND ${purchase} AND ${analysed})`,
    periodParams(period),
  ))!;
}

/** Per-customer RFM measures, column-wise so a million customers stay a few typed arrays. */
export interface RfmInputs {
  customerIds: number[];
  recencyDays: Float64Array;
  frequency: Float64Array;
  monetaryCents: Float64Array;
}

/**
 * The unary + on order_date (dialect.noIndex) keeps SQLite off the orders_date index: a date range that covers most
 * orders, read through that index, then sorted for the GROUP BY, took 22 s on 5M orders after ANALYZE,
 * against 2.5 s for the ordered scan of the covering index (measured at 1M customers, 5M orders). Every analysis query does this.
 *
 * One pass over the covering index orders(customer_id, order_date, amount_cents, …) grouped by
 * customer: recency (whole days from the last purchase to asOf), number of purchases, total revenue net of returns.
 * Customers come in id order on both engines (the analyses that follow depend on the order only for ties).
 */
export async function rfmInputs(sql: Sql, period: Period): Promise<RfmInputs> {
  const customerIds: number[] = [];
  // Customers who bought are at most all customers: each column is one allocation (util/column.ts).
  const capacity = (await sql.value<number>('SELECT count(*) FROM customers')) ?? 0;
  const recency = new Float64Column(capacity);
  const frequency = new Float64Column(capacity);
  const monetary = new Float64Column(capacity);
  const rows = sql.rowBatches<[number, number, number, number]>(
    `SELECT customer_id, ${sql.dialect.daysBetween('CAST(@asOf AS TEXT)', `max(CASE WHEN ${purchase} THEN order_date END)`)},
            ${purchases}, sum(amount_cents)
     FROM orders
     WHERE ${analysedOrders(sql.dialect)}
     GROUP BY customer_id HAVING ${purchases} > 0
     ORDER BY customer_id`,
    periodParams(period),
    10_000,
  );
  for await (const batch of rows) {
    for (const row of batch) {
      customerIds.push(row[0]);
      recency.push(row[1]);
      frequency.push(row[2]);
      monetary.push(row[3]);
    }
  }
  return {
    customerIds,
    recencyDays: recency.values(),
    frequency: frequency.values(),
    monetaryCents: monetary.values(),
  };
}

export interface CustomerLabel {
  externalId: string;
  name: string;
}

/**
 * A customer's label, made by a constructor rather than an object literal: V8 may "pretenure" a literal whose objects
 * it finds alive at a collection (a batch of labels, kept while its rows are written) and then allocate every later one
 * in the old generation, where a million-row listing's dead labels pile up until a full collection.
 */
class Label implements CustomerLabel {
  constructor(
    readonly externalId: string,
    readonly name: string,
  ) {}
}

/** External id and name of the given customers (all customers when ids is omitted). */
export async function customerLabels(sql: Sql, ids?: readonly number[]): Promise<Map<number, CustomerLabel>> {
  const labels = new Map<number, CustomerLabel>();
  if (ids && ids.length <= 10_000) {
    // A few customers (a --limit, a small segment): look them up by primary key, 500 to a statement.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = await sql.rows<[number, string, string]>(
        `SELECT id, external_id, name FROM customers WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const [id, externalId, name] of rows) labels.set(id, new Label(externalId, name));
    }
    return labels;
  }
  const wanted = ids ? new Set(ids) : null;
  for await (const batch of sql.rowBatches<[number, string, string]>('SELECT id, external_id, name FROM customers', undefined, 10_000)) {
    for (const [id, externalId, name] of batch) if (!wanted || wanted.has(id)) labels.set(id, new Label(externalId, name));
  }
  return labels;
}
