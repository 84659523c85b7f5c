// The SQL behind lifecycle and loyalty: per-customer purchase history and the latest survey.
import { analysedOrders, periodParams, purchases, type Period } from './analysis.js';
import { analysedContact, purchase } from './report-sales.js';
import type { Sql } from './engine/sql.js';
import { addDays } from '../util/dates.js';

export interface PurchaseHistory {
  id: number;
  external_id: string;
  name: string;
  first_order: string;
  last_order: string;
  orders: number;
  /** Days with at least one order: several orders on one day are one purchase. */
  purchase_days: number;
  revenue_cents: number;
  /** Revenue in the last `windowDays` days up to asOf, and in the same number of days before that. */
  recent_cents: number;
  prior_cents: number;
}

/**
 * One row per customer with orders in the period (one GROUP BY over the covering index, then the
 * names), in customer id order, read in batches: a million customers never sit in memory at once.
 */
export function purchaseHistories(sql: Sql, period: Period, windowDays: number): AsyncIterable<PurchaseHistory[]> {
  return sql.batches<PurchaseHistory>(
    `WITH per_customer AS (
       SELECT customer_id, min(CASE WHEN ${purchase} THEN order_date END) AS first_order,
              max(CASE WHEN ${purchase} THEN order_date END) AS last_order, ${purchases} AS orders,
              count(DISTINCT CASE WHEN ${purchase} THEN order_date END) AS purchase_days, sum(amount_cents) AS revenue_cents,
              sum(CASE WHEN order_date > @recentStart THEN amount_cents ELSE 0 END) AS recent_cents,
              sum(CASE WHEN order_date > @priorStart AND order_date <= @recentStart THEN amount_cents ELSE 0 END) AS prior_cents
       FROM orders
       WHERE ${analysedOrders(sql.dialect)}
       GROUP BY customer_id HAVING ${purchases} > 0
     )
     SELECT c.id, c.external_id, c.name, p.first_order, p.last_order, p.orders, p.purchase_days, p.revenue_cents, p.recent_cents, p.prior_cents
     FROM per_customer p JOIN customers c ON c.id = p.customer_id
     ${sql.dialect.orderAsGrouped('p.customer_id')}`,
    {
      ...periodParams(period),
      recentStart: addDays(period.asOf, -windowDays),
      priorStart: addDays(period.asOf, -2 * windowDays),
    },
    2000,
  );
}

/**
 * What the lifecycle rules read of every customer with a purchase up to asOf, as one row of numbers and dates
 * (no names: the standings and the stage counts need none), in customer id order, a batch at a time:
 * [id, first purchase, last purchase, purchase days, revenue, recent, prior] (purchaseHistories' columns), then
 * [purchases, profit] (with returns netted: customerProfits' and customerValues' figures over all history).
 * Then what the rules read as of PREVIOUS (an earlier as-of date, same partners rule), so an earlier date costs no
 * second pass over the orders: [last purchase up to then (null: none; the first purchase is then the same one),
 * purchase days after then, recent and prior as of then, the first purchase after then (null: none)]; all null
 * when PREVIOUS is null.
 * With EXTRAS (the dashboard), what its other sections read of the same orders: [orders without a cost (returns
 * included, as the pyramid counts them), purchases in the last extras.recentDays days up to asOf (loyalty's window),
 * the calendar months with a purchase as 'YYYY-MM,YYYY-MM,…' in no particular order (the cohorts)].
 */
export type LifecycleRow = [
  number, string, string, number, number, number, number, number, number,
  string | null, number | null, number | null, number | null, string | null,
  ...([] | [number, number, string | null]),
];

export function lifecycleRows(
  sql: Sql,
  period: { asOf: string; includePartners?: boolean },
  windowDays: number,
  previous: string | null = null,
  extras: { recentDays: number } | null = null,
): AsyncIterable<LifecycleRow[]> {
  const then = previous === null
    ? ', NULL, NULL, NULL, NULL, NULL'
    : `, max(CASE WHEN ${purchase} AND order_date <= @previous THEN order_date END),
       count(DISTINCT CASE WHEN ${purchase} AND order_date > @previous THEN order_date END),
       sum(CASE WHEN order_date > @previousRecentStart AND order_date <= @previous THEN amount_cents ELSE 0 END),
       sum(CASE WHEN order_date > @previousPriorStart AND order_date <= @previousRecentStart THEN amount_cents ELSE 0 END),
       min(CASE WHEN ${purchase} AND order_date > @previous THEN order_date END)`;
  const more = extras === null
    ? ''
    : `, sum(CASE WHEN cost_cents IS NULL THEN 1 ELSE 0 END), sum(CASE WHEN ${purchase} AND order_date > @extrasRecentStart THEN 1 ELSE 0 END),
       ${sql.dialect.distinctList(`CASE WHEN ${purchase} THEN substr(order_date, 1, 7) END`)}`;
  return sql.rowBatches<LifecycleRow>(
    `SELECT customer_id, min(CASE WHEN ${purchase} THEN order_date END), max(CASE WHEN ${purchase} THEN order_date END),
            count(DISTINCT CASE WHEN ${purchase} THEN order_date END), sum(amount_cents),
            sum(CASE WHEN order_date > @recentStart THEN amount_cents ELSE 0 END),
            sum(CASE WHEN order_date > @priorStart AND order_date <= @recentStart THEN amount_cents ELSE 0 END),
            ${purchases}, sum(amount_cents - coalesce(cost_cents, 0))${then}${more}
     FROM orders
     WHERE ${analysedOrders(sql.dialect)}
     GROUP BY customer_id HAVING ${purchases} > 0
     ${sql.dialect.orderAsGrouped('customer_id')}`,
    {
      ...periodParams({ asOf: period.asOf, since: null, includePartners: period.includePartners }),
      recentStart: addDays(period.asOf, -windowDays),
      priorStart: addDays(period.asOf, -2 * windowDays),
      ...(previous === null ? {} : { previous, previousRecentStart: addDays(previous, -windowDays), previousPriorStart: addDays(previous, -2 * windowDays) }),
      ...(extras === null ? {} : { extrasRecentStart: addDays(period.asOf, -extras.recentDays) }),
    },
    5000,
  );
}

/** Every history of purchaseHistories in one array (a list of customers, or a command that needs them all). */
export async function allPurchaseHistories(sql: Sql, period: Period, windowDays: number): Promise<PurchaseHistory[]> {
  const histories: PurchaseHistory[] = [];
  for await (const batch of purchaseHistories(sql, period, windowDays)) for (const history of batch) histories.push(history);
  return histories;
}

export interface LoyaltyFacts {
  id: number;
  external_id: string;
  name: string;
  /** Satisfaction C = perceived / expected from the customer's latest survey on or before asOf; null without one. */
  satisfaction: number | null;
  would_recommend: number | null;
  orders: number;
  recent_orders: number;
  revenue_cents: number;
}

/** Every customer (leads never, partners under --include-partners): the latest survey and the orders in the period and in the recent window. */
export async function loyaltyFacts(sql: Sql, period: Period, windowDays: number): Promise<LoyaltyFacts[]> {
  return sql.all<LoyaltyFacts>(loyaltyFactsText(sql), loyaltyParams(period, windowDays));
}

/** loyaltyFacts a batch at a time, in customer id order. */
export function loyaltyFactBatches(sql: Sql, period: Period, windowDays: number): AsyncIterable<LoyaltyFacts[]> {
  return sql.batches<LoyaltyFacts>(loyaltyFactsText(sql), loyaltyParams(period, windowDays), 5_000);
}

/**
 * Every customer loyalty counts (loyaltyFacts' rows), as [id, satisfaction or null], in id order, a batch at a time:
 * for a caller that has every customer's orders already (the dashboard's one pass over the orders).
 */
export function loyaltySurveyBatches(sql: Sql, period: Period): AsyncIterable<[number, number | null][]> {
  return sql.rowBatches<[number, number | null]>(
    `WITH ${latestSurvey}
     SELECT c.id, s.satisfaction FROM customers c LEFT JOIN latest_survey s ON s.customer_id = c.id AND s.newest = 1
     WHERE ${analysedContact('c')}
     ORDER BY c.id`,
    { asOf: period.asOf, includePartners: period.includePartners ? 1 : 0 },
    10_000,
  );
}

const latestSurvey = `latest_survey AS (
       SELECT customer_id, perceived / expected AS satisfaction, would_recommend,
              row_number() OVER (PARTITION BY customer_id ORDER BY surveyed_on DESC, id DESC) AS newest
       FROM surveys WHERE surveyed_on <= @asOf
     )`;

const loyaltyParams = (period: Period, windowDays: number) => ({ ...periodParams(period), recentStart: addDays(period.asOf, -windowDays) });

const loyaltyFactsText = (sql: Sql): string =>
  `WITH per_customer AS (
       SELECT customer_id, ${purchases} AS orders, sum(CASE WHEN ${purchase} AND order_date > @recentStart THEN 1 ELSE 0 END) AS recent_orders,
              sum(amount_cents) AS revenue_cents
       FROM orders WHERE ${analysedOrders(sql.dialect)} GROUP BY customer_id HAVING ${purchases} > 0
     ), ${latestSurvey}
     SELECT c.id, c.external_id, c.name, s.satisfaction, s.would_recommend,
            coalesce(p.orders, 0) AS orders, coalesce(p.recent_orders, 0) AS recent_orders, coalesce(p.revenue_cents, 0) AS revenue_cents
     FROM customers c
     LEFT JOIN per_customer p ON p.customer_id = c.id
     LEFT JOIN latest_survey s ON s.customer_id = c.id AND s.newest = 1
     WHERE ${analysedContact('c')}
     ORDER BY c.id`;

/**
 * External id and name of the customers IDS (a batch of a listing's rows), in one statement whatever their number:
 * on a server, one round trip per batch.
 */
export async function listedLabels(sql: Sql, ids: readonly number[]): Promise<Map<number, { externalId: string; name: string }>> {
  const labels = new Map<number, { externalId: string; name: string }>();
  if (ids.length === 0) return labels;
  const rows = await sql.rows<[number, string, string]>(
    `WITH wanted AS (${sql.dialect.jsonValues('@ids', 'bigint')}) SELECT c.id, c.external_id, c.name FROM wanted JOIN customers c ON c.id = wanted.value`,
    { ids: JSON.stringify(ids) },
  );
  for (const [id, externalId, name] of rows) labels.set(id, { externalId, name });
  return labels;
}
