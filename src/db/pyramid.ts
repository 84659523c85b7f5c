// The SQL of the value pyramid: customers ranked by profit with a window function, cut into tiers in the database.
import { analysedOrders, periodParams, purchases, type Period } from './analysis.js';
import { dayBounds } from './day-bounds.js';
import type { Sql } from './engine/sql.js';

/** Cumulative shares of customers from the top, in percent: platinum, gold, iron (lead is the rest). */
export type PyramidCuts = readonly [platinum: number, gold: number, iron: number];

const params = (sql: Sql, period: Period, cuts: PyramidCuts) => ({
  ...periodParams(period),
  // Interactions hold instants: the period's days are cut at the shop's midnights.
  ...dayBounds(sql, period.since, period.asOf),
  platinum: cuts[0],
  gold: cuts[1],
  iron: cuts[2],
});

/**
 * Per customer: revenue and profit (revenue − cost; an order without cost counts its revenue) in the
 * period, ranked by profit. rank() gives tied customers the same (best) position, so a tie at a cut
 * goes to the higher tier (docs/rules.md#value-pyramid). Position p is in the top c % when (p − 1)·100 < n·c, i.e.
 * p ≤ ⌈n·c/100⌉: the top 1 % of 150 customers is 2 customers, of 50 customers 1.
 */
const tiered = (sql: Sql): string => `
WITH per_customer AS (
  SELECT customer_id, ${purchases} AS orders, sum(amount_cents) AS revenue, sum(amount_cents - coalesce(cost_cents, 0)) AS profit,
         sum(CASE WHEN cost_cents IS NULL THEN 1 ELSE 0 END) AS without_cost
  FROM orders
  WHERE ${analysedOrders(sql.dialect)}
  GROUP BY customer_id HAVING ${purchases} > 0
), ranked AS (
  SELECT *, rank() OVER (ORDER BY profit DESC) AS position, count(*) OVER () AS total FROM per_customer
), tiered AS (
  SELECT *, CASE
      WHEN (position - 1) * 100.0 < total * ${sql.dialect.toReal('@platinum')} THEN 0
      WHEN (position - 1) * 100.0 < total * ${sql.dialect.toReal('@gold')} THEN 1
      WHEN (position - 1) * 100.0 < total * ${sql.dialect.toReal('@iron')} THEN 2
      ELSE 3 END AS tier
  FROM ranked
), contacts AS (
  SELECT customer_id, count(*) AS interactions FROM interactions
  WHERE occurred_at >= @sinceAt AND occurred_at < @asOfEnd
  GROUP BY customer_id
)`;

export interface TierTotals {
  tier: number;
  customers: number;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
  loss_making: number;
  interactions: number;
  /** Orders of the tier with no cost (their profit counts as revenue): summed over the tiers, the pyramid's note, from the same scan. */
  orders_without_cost: number;
}

/** Orders, and those without a cost, over all tiers (the pyramid's cost note) without a second pass over the orders. */
export function tierCoverage(tiers: readonly TierTotals[]): { orders: number; ordersWithoutCost: number } {
  return {
    orders: tiers.reduce((sum, tier) => sum + tier.orders, 0),
    ordersWithoutCost: tiers.reduce((sum, tier) => sum + tier.orders_without_cost, 0),
  };
}

/** One row per non-empty tier (0 platinum … 3 lead). */
export async function pyramidTiers(sql: Sql, period: Period, cuts: PyramidCuts): Promise<TierTotals[]> {
  return sql.all<TierTotals>(
    `${tiered(sql)}
     SELECT tier, count(*) AS customers, sum(orders) AS orders, sum(revenue) AS revenue_cents, sum(profit) AS profit_cents,
            sum(CASE WHEN profit < 0 THEN 1 ELSE 0 END) AS loss_making, coalesce(sum(contacts.interactions), 0) AS interactions,
            sum(without_cost) AS orders_without_cost
     FROM tiered LEFT JOIN contacts USING (customer_id)
     GROUP BY tier ORDER BY tier`,
    params(sql, period, cuts),
  );
}

export interface TierCustomer {
  id: number;
  external_id: string;
  name: string;
  tier: number;
  position: number;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
  interactions: number;
}

/** The customers of one tier (or all when tier is null), most profitable first. */
export async function pyramidCustomers(sql: Sql, period: Period, cuts: PyramidCuts, tier: number | null): Promise<TierCustomer[]> {
  return sql.all<TierCustomer>(tierCustomersText(sql), { ...params(sql, period, cuts), tier });
}

/** pyramidCustomers a batch at a time, in its order (a million customers are never all held). */
export function pyramidCustomerBatches(sql: Sql, period: Period, cuts: PyramidCuts, tier: number | null): AsyncIterable<TierCustomer[]> {
  return sql.batches<TierCustomer>(tierCustomersText(sql), { ...params(sql, period, cuts), tier }, 2_000);
}

/** How many customers pyramidCustomers gives (the listing's title says it before the rows). */
export async function pyramidCustomerCount(sql: Sql, period: Period, cuts: PyramidCuts, tier: number | null): Promise<number> {
  return (
    (await sql.value<number>(
      `${tiered(sql)}
       SELECT count(*) FROM tiered t JOIN customers c ON c.id = t.customer_id
       WHERE CAST(@tier AS BIGINT) IS NULL OR t.tier = CAST(@tier AS BIGINT)`,
      { ...params(sql, period, cuts), tier },
    )) ?? 0
  );
}

const tierCustomersText = (sql: Sql): string =>
  `${tiered(sql)}
     SELECT c.id, c.external_id, c.name, t.tier, t.position, t.orders, t.revenue AS revenue_cents, t.profit AS profit_cents,
            coalesce(contacts.interactions, 0) AS interactions
     FROM tiered t JOIN customers c ON c.id = t.customer_id LEFT JOIN contacts ON contacts.customer_id = t.customer_id
     WHERE CAST(@tier AS BIGINT) IS NULL OR t.tier = CAST(@tier AS BIGINT)
     ORDER BY t.position, c.external_id`;

/**
 * Tier of every customer with orders in the period (for snapshots): customer id → tier number; with ONLY, of those
 * customers alone (the tiers are still ranked among everyone), so a few wanted are not a map of a million.
 */
export async function customerTiers(sql: Sql, period: Period, cuts: PyramidCuts, only?: ReadonlySet<number>): Promise<Map<number, { tier: number; profitCents: number }>> {
  const tiers = new Map<number, { tier: number; profitCents: number }>();
  for await (const batch of customerTierRows(sql, period, cuts)) for (const [id, tier, profit] of batch) if (!only || only.has(id)) tiers.set(id, { tier, profitCents: profit });
  return tiers;
}

/** customerTiers as [customer id, tier, profit] rows, a batch at a time (for a caller that keeps them in columns). */
export function customerTierRows(sql: Sql, period: Period, cuts: PyramidCuts): AsyncIterable<[number, number, number][]> {
  return sql.rowBatches<[number, number, number]>(`${tiered(sql)} SELECT customer_id, tier, profit FROM tiered`, params(sql, period, cuts), 10_000);
}

/**
 * Interactions per customer in the period (the pyramid's contacts column), as [customer id, count] rows a batch at a
 * time: for a caller that has every customer's other figures already (the dashboard's one pass over the orders).
 */
export function interactionCounts(sql: Sql, period: Period): AsyncIterable<[number, number][]> {
  const { sinceAt, asOfEnd } = dayBounds(sql, period.since, period.asOf);
  return sql.rowBatches<[number, number]>(
    `SELECT customer_id, count(*) FROM interactions WHERE occurred_at >= @sinceAt AND occurred_at < @asOfEnd GROUP BY customer_id`,
    { sinceAt, asOfEnd },
    10_000,
  );
}
