// The customer value pyramid (docs/rules.md#value-pyramid): tiers by profit rank, per-tier shares and averages. Pure.
import type { TierTotals } from '../db/pyramid.js';

export interface Tier {
  key: 'platinum' | 'gold' | 'iron' | 'lead';
  name: string;
  nameZh: string;
}

export const tiers: readonly Tier[] = [
  { key: 'platinum', name: 'Platinum', nameZh: '铂金客户' },
  { key: 'gold', name: 'Gold', nameZh: '黄金客户' },
  { key: 'iron', name: 'Iron', nameZh: '钢铁客户' },
  { key: 'lead', name: 'Lead', nameZh: '重铅客户' },
];

/** docs/rules.md#value-pyramid: top 1 %, to 5 %, to 20 % of customers; the rest is lead. */
export const defaultCuts = [1, 5, 20] as const;

/**
 * The tier (0 platinum … 3 lead) of the customer at rank POSITION (rank(): tied customers share the best position)
 * among TOTAL customers: the rule db/pyramid.ts applies in SQL, for a caller that ranked the profits itself.
 */
export function tierAtPosition(position: number, total: number, cuts: readonly [number, number, number]): number {
  for (let tier = 0; tier < 3; tier++) if ((position - 1) * 100 < total * cuts[tier]!) return tier;
  return 3;
}

/** Every customer's figures over the period, position by position (one position per customer with a purchase). */
export interface CustomerValueColumns {
  orders: Float64Array;
  revenue: Float64Array;
  profit: Float64Array;
  withoutCost: Float64Array;
  interactions: Float64Array;
}

/**
 * The tier totals db/pyramid.ts pyramidTiers sums in SQL, from every customer's figures already read (the dashboard's
 * one pass over the orders): customers ranked by profit with rank() (a tie shares the best position), cut with
 * tierAtPosition; one row per non-empty tier, in tier order.
 */
export function tierTotalsOf(columns: CustomerValueColumns, cuts: readonly [number, number, number]): TierTotals[] {
  const { profit } = columns;
  const tierOf = tierOfEach(profit, cuts);
  const sums = [0, 1, 2, 3].map((tier) => ({ tier, customers: 0, orders: 0, revenue_cents: 0, profit_cents: 0, loss_making: 0, interactions: 0, orders_without_cost: 0 }));
  for (let at = 0; at < profit.length; at++) {
    const value = profit[at]!;
    const sum = sums[tierOf[at]!]!;
    sum.customers += 1;
    sum.orders += columns.orders[at]!;
    sum.revenue_cents += columns.revenue[at]!;
    sum.profit_cents += value;
    if (value < 0) sum.loss_making += 1;
    sum.interactions += columns.interactions[at]!;
    sum.orders_without_cost += columns.withoutCost[at]!;
  }
  return sums.filter((sum) => sum.customers > 0);
}

/**
 * Each customer's tier (0 platinum … 3 lead) from their profit, position by position: ranked as tierTotalsOf ranks them
 * (rank(): a tie shares the best position) and cut with tierAtPosition (crm cadence's --tier rules).
 */
export function tierOfEach(profit: Float64Array, cuts: readonly [number, number, number]): Uint8Array {
  const total = profit.length;
  const ascending = Float64Array.from(profit).sort();
  const tierOf = new Uint8Array(total);
  for (let at = 0; at < total; at++) {
    let low = 0;
    let high = total;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (ascending[middle]! <= profit[at]!) low = middle + 1;
      else high = middle;
    }
    tierOf[at] = tierAtPosition(total - low + 1, total, cuts);
  }
  return tierOf;
}

export function tierIndex(key: string): number {
  return tiers.findIndex((tier) => tier.key === key.toLowerCase() || tier.name.toLowerCase() === key.toLowerCase() || tier.nameZh === key);
}

/** Parses "1,5,20": three increasing cumulative percentages in (0, 100]; a message on error. */
export function parseCuts(text: string): [number, number, number] | string {
  const parts = text.split(',').map((part) => part.trim());
  const cuts = parts.map(Number);
  if (cuts.length !== 3 || parts.some((part) => part === '') || cuts.some((cut) => !Number.isFinite(cut))) {
    return `"${text}" is not three percentages like 1,5,20`;
  }
  if (cuts[0]! <= 0 || cuts[2]! > 100 || !(cuts[0]! < cuts[1]! && cuts[1]! < cuts[2]!)) return `"${text}": the cuts must increase within 0–100`;
  return [cuts[0]!, cuts[1]!, cuts[2]!];
}

export interface PyramidLevel {
  tier: Tier;
  customers: number;
  /** Percent of the customers in the pyramid (0–100). */
  customerShare: number;
  orders: number;
  revenueCents: number;
  profitCents: number;
  /** Percent of total profit; null when the total profit is not positive (a share would mislead). */
  profitShare: number | null;
  averageProfitCents: number | null;
  /** Profit ÷ revenue in percent; null without revenue. */
  marginPercent: number | null;
  lossMaking: number;
  interactions: number;
}

/** All four tiers in order, empty ones included, with shares of customers and profit. */
export function buildPyramid(totals: TierTotals[]): PyramidLevel[] {
  const customers = totals.reduce((sum, row) => sum + row.customers, 0);
  const profit = totals.reduce((sum, row) => sum + row.profit_cents, 0);
  return tiers.map((tier, index) => {
    const row = totals.find((candidate) => candidate.tier === index);
    const count = row?.customers ?? 0;
    const revenue = row?.revenue_cents ?? 0;
    const tierProfit = row?.profit_cents ?? 0;
    return {
      tier,
      customers: count,
      customerShare: customers ? (100 * count) / customers : 0,
      orders: row?.orders ?? 0,
      revenueCents: revenue,
      profitCents: tierProfit,
      profitShare: profit > 0 ? (100 * tierProfit) / profit : null,
      averageProfitCents: count ? Math.round(tierProfit / count) : null,
      marginPercent: revenue ? (100 * tierProfit) / revenue : null,
      lossMaking: row?.loss_making ?? 0,
      interactions: row?.interactions ?? 0,
    };
  });
}
