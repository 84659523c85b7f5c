// CohortTally and tierTotalsOf: the dashboard's cohorts and pyramid from figures it read in its one pass, checked by hand.
import { describe, expect, it } from 'vitest';
import { CohortTally } from '../../src/analysis/cohorts.js';
import { tierTotalsOf } from '../../src/analysis/pyramid.js';

describe('CohortTally', () => {
  it('puts each customer in the month of their first purchase and counts them in every month they bought', () => {
    const tally = new CohortTally();
    tally.add(['2026-03', '2026-01', '2026-02']); // cohort 2026-01: offsets 0, 1, 2
    tally.add(['2026-01', '2026-04']); // cohort 2026-01: offsets 0, 3
    tally.add(['2025-12', '2026-02']); // cohort 2025-12: offsets 0, 2 (over the year's end)
    tally.add([]); // no purchase: no cohort
    expect(tally.counts(null)).toEqual([
      { cohort: '2025-12', offset: 0, customers: 1 },
      { cohort: '2025-12', offset: 2, customers: 1 },
      { cohort: '2026-01', offset: 0, customers: 2 },
      { cohort: '2026-01', offset: 1, customers: 1 },
      { cohort: '2026-01', offset: 2, customers: 1 },
      { cohort: '2026-01', offset: 3, customers: 1 },
    ]);
    // From a start date: cohorts from its month on (the customers' months before it still decide their cohort).
    expect(tally.counts('2026-01-15').map((cell) => cell.cohort)).toEqual(['2026-01', '2026-01', '2026-01', '2026-01']);
    expect(tally.counts('2026-02-01')).toEqual([]);
  });
});

describe('tierTotalsOf', () => {
  it('ranks by profit with ties sharing the best position and sums each tier', () => {
    // 10 customers, cuts 10/30/60: positions 1 → platinum (0·100 < 100), 2–3 gold, 4–6 iron, 7–10 lead.
    // Profits: 90, 50, 50, 50, 20, 10, 10, -5, -5, -30. The three 50s share position 2: all gold.
    const profit = Float64Array.from([50, 90, 10, -5, 50, 20, -30, 50, 10, -5]);
    const columns = {
      profit,
      orders: Float64Array.from([1, 2, 1, 1, 3, 1, 1, 2, 1, 1]),
      revenue: Float64Array.from([60, 100, 15, 5, 70, 25, 10, 55, 12, 3]),
      withoutCost: Float64Array.from([0, 1, 0, 0, 1, 0, 1, 0, 0, 0]),
      interactions: Float64Array.from([2, 0, 0, 1, 0, 4, 0, 1, 0, 0]),
    };
    expect(tierTotalsOf(columns, [10, 30, 60])).toEqual([
      { tier: 0, customers: 1, orders: 2, revenue_cents: 100, profit_cents: 90, loss_making: 0, interactions: 0, orders_without_cost: 1 },
      // the three 50s (positions 2, tied)
      { tier: 1, customers: 3, orders: 6, revenue_cents: 185, profit_cents: 150, loss_making: 0, interactions: 3, orders_without_cost: 1 },
      // 20 (position 5), and the two 10s (position 6, tied)
      { tier: 2, customers: 3, orders: 3, revenue_cents: 52, profit_cents: 40, loss_making: 0, interactions: 4, orders_without_cost: 0 },
      // -5, -5 (position 8), -30 (position 10)
      { tier: 3, customers: 3, orders: 3, revenue_cents: 18, profit_cents: -40, loss_making: 3, interactions: 1, orders_without_cost: 1 },
    ]);
    expect(tierTotalsOf({ ...columns, profit: new Float64Array(0), orders: new Float64Array(0) }, [1, 5, 20])).toEqual([]);
  });
});
