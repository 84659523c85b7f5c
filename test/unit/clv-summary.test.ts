// The CLV model's input (db/clv.ts) and the pure rules around the fit (analysis/clv.ts), with hand-worked numbers.
import { afterEach, describe, expect, it } from 'vitest';
import { analyseClv, clvAt, clvTiers, discountedPurchases, expectedValueAt, groupPurchases, historyKey, groupSpend, parseHorizon, spendFrequencyCorrelation, ClvError, type ClvResult } from '../../src/analysis/clv.js';
import { clvOrder } from '../../src/report/clv.js';
import { purchaseDaysIn, purchaseSummary } from '../../src/db/clv.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { engines } from '../helpers/engines.js';
import { testSqlOn } from '../helpers/same-data.js';

let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const byCustomer = (summary: Awaited<ReturnType<typeof purchaseSummary>>) =>
  new Map(summary.customerIds.map((id, i) => [id, [summary.frequency[i], summary.recencyDays[i], summary.ageDays[i], summary.monetaryCents[i]]]));

describe.each(engines)('purchaseSummary (lifetimes summary_data_from_transaction_data, in days) on %s', (engine) => {
  it('merges same-day orders, leaves the first day out of monetary, and gives customers without repeats 0', async () => {
    db = await testSqlOn(engine, [
      // c1: two orders on 1 Jan (10 + 5 = one purchase of 15), one on 11 Jan (20), two on 31 Jan (30 + 10 = 40).
      { customer: 'c1', date: '2026-01-01', amount: 10 },
      { customer: 'c1', date: '2026-01-01', amount: 5 },
      { customer: 'c1', date: '2026-01-11', amount: 20 },
      { customer: 'c1', date: '2026-01-31', amount: 30 },
      { customer: 'c1', date: '2026-01-31', amount: 10 },
      // c2: two orders on one day only: no repeat purchase.
      { customer: 'c2', date: '2026-02-01', amount: 7 },
      { customer: 'c2', date: '2026-02-01', amount: 8 },
      // c3: one order before and one after the as-of date: the later one does not exist yet.
      { customer: 'c3', date: '2026-02-10', amount: 4 },
      { customer: 'c3', date: '2026-03-10', amount: 99 },
    ]);
    const rows = byCustomer(await purchaseSummary(db, '2026-03-02'));
    // c1: 3 purchase days → frequency 2; recency 1 Jan → 31 Jan = 30 days; T 1 Jan → 2 Mar = 60 days;
    // monetary = mean of the repeat days 20 and 40 = 30.00 (the first day's 15 left out).
    expect(rows.get(1)).toEqual([2, 30, 60, 3000]);
    // c2: one purchase day: frequency 0, recency 0, T = 29 days (1 Feb → 2 Mar), monetary 0.
    expect(rows.get(2)).toEqual([0, 0, 29, 0]);
    // c3: only the 10 Feb order counts: T = 20 days.
    expect(rows.get(3)).toEqual([0, 0, 20, 0]);
  });

  it('refunded and cancelled orders are not purchases (the analysis order rules)', async () => {
    db = await testSqlOn(engine, [
      { customer: 'c1', date: '2026-01-01', amount: 10 },
      { customer: 'c1', date: '2026-01-08', amount: 50 },
      { customer: 'c1', date: '2026-01-15', amount: 70 },
    ]);
    await db.run("UPDATE orders SET status = 'refunded' WHERE order_date = '2026-01-15'");
    expect(byCustomer(await purchaseSummary(db, '2026-01-31')).get(1)).toEqual([1, 7, 30, 5000]);
  });

  it('purchaseDaysIn counts distinct purchase days in a period (the hold-out)', async () => {
    db = await testSqlOn(engine, [
      { customer: 'c1', date: '2026-01-01', amount: 10 },
      { customer: 'c1', date: '2026-02-01', amount: 10 },
      { customer: 'c1', date: '2026-02-01', amount: 10 },
      { customer: 'c1', date: '2026-02-05', amount: 10 },
      { customer: 'c2', date: '2026-03-05', amount: 10 },
    ]);
    expect(await purchaseDaysIn(db, { since: '2026-01-02', asOf: '2026-02-28' })).toEqual(new Map([[1, 2]]));
  });
});

describe('parseHorizon', () => {
  it('reads months, weeks and days into the unit (a month is 4.345 weeks or 30 days, as lifetimes counts)', () => {
    expect(parseHorizon('12m', 'week')).toEqual({ text: '12m', units: 12 * 4.345, months: 12 });
    expect(parseHorizon('39w', 'week')).toEqual({ text: '39w', units: 39, months: 39 / 4.345 });
    expect(parseHorizon('90d', 'day')).toEqual({ text: '90d', units: 90, months: 3 });
    expect(parseHorizon('3m', 'month')?.units).toBe(3);
    expect(parseHorizon('14d', 'week')?.units).toBe(2);
    for (const bad of ['12', '0m', '-3w', '1y', 'm']) expect(parseHorizon(bad, 'week')).toBeNull();
  });
});

describe('discountedPurchases (lifetimes customer_lifetime_value)', () => {
  it('discounts each month’s expected purchases at (1 + d)^i', () => {
    // One purchase a month (E(t) = t with months of 1 unit), 3 months, d = 1 % a month:
    // 1/1.01 + 1/1.01² + 1/1.01³ = 0.990099 + 0.980296 + 0.970590 = 2.940985
    expect(discountedPurchases((t) => t, { text: '3m', units: 3, months: 3 }, 0.01, 1)).toBeCloseTo(2.940985, 6);
    // Without discounting it is E(horizon).
    expect(discountedPurchases((t) => 2 * t, { text: '12m', units: 12 * 4.345, months: 12 }, 0, 4.345)).toBeCloseTo(2 * 12 * 4.345, 9);
  });

  it('a part month at the end is discounted at its end', () => {
    // 2.5 months at one purchase a month, d = 10 %: 1/1.1 + 1/1.21 + 0.5/1.1^2.5 = 0.909091 + 0.826446 + 0.5/1.269059 (0.393993) = 2.129530
    expect(discountedPurchases((t) => t, { text: '75d', units: 2.5, months: 2.5 }, 0.1, 1)).toBeCloseTo(2.12953, 5);
  });
});

describe('grouping', () => {
  const summary = {
    customerIds: [1, 2, 3, 4],
    frequency: Float64Array.of(2, 2, 0, 1),
    recencyDays: Float64Array.of(14, 14, 0, 7),
    ageDays: Float64Array.of(28, 28, 28, 21),
    monetaryCents: Float64Array.of(1000, 3000, 0, 1000),
  };

  it('customers with the same history share a group, time in the unit', () => {
    const { groups, groupOf } = groupPurchases(summary, 'week');
    expect([...groupOf]).toEqual([0, 0, 1, 2]);
    expect([...groups.count]).toEqual([2, 1, 1]);
    expect([...groups.recency]).toEqual([2, 0, 1]);
    expect([...groups.T]).toEqual([4, 4, 3]);
  });

  it('the spend model sees repeat customers only, in currency units; their correlation', () => {
    const spend = groupSpend(summary);
    expect([...spend.frequency]).toEqual([2, 2, 1]);
    expect([...spend.monetary]).toEqual([10, 30, 10]);
    // x = 2, 2, 1 and m = 10, 30, 10: means 5/3 and 50/3; Σdx·dm = (1/3)(−20/3) + (1/3)(40/3) + (−2/3)(−20/3) = 60/9;
    // Σdx² = 6/9, Σdm² = 2400/9: r = 60 / √(6 · 2400) = 0.5
    expect(spendFrequencyCorrelation(spend)).toBeCloseTo(0.5, 12);
  });

  it('fewer than 30 repeat customers is a ClvError (exit 1), not numbers', () => {
    expect(() => analyseClv(summary, { unit: 'week', horizon: parseHorizon('12m', 'week')!, discountRate: 0.1 })).toThrow(ClvError);
    expect(() => analyseClv(summary, { unit: 'week', horizon: parseHorizon('12m', 'week')!, discountRate: 0.1 })).toThrow(
      'too little data for a CLV model: 3 customers with repeat purchases (of 4); at least 30 are needed',
    );
  });
});

describe('groupSpend', () => {
  it('groups repeat customers by (frequency, value) in the order they first appear, leaving out value ≤ 0 and one-time buyers', () => {
    // (2, 10) customers 0 and 4; (1, 5) customers 1 and 3; (2, 30) customer 2; (3, 7) customer 5; customer 6 bought
    // once, customer 7 spent less than nothing: neither is in the spend model.
    const spend = groupSpend({
      customerIds: [1, 2, 3, 4, 5, 6, 7, 8],
      frequency: Float64Array.of(2, 1, 2, 1, 2, 3, 0, 1),
      recencyDays: new Float64Array(8),
      ageDays: new Float64Array(8),
      monetaryCents: Float64Array.of(1000, 500, 3000, 500, 1000, 700, 0, -200),
    });
    expect([...spend.frequency]).toEqual([2, 1, 2, 3]);
    expect([...spend.monetary]).toEqual([10, 5, 30, 7]);
    expect([...spend.count]).toEqual([2, 2, 1, 1]);
  });
});

describe('clvOrder (the crm clv listing)', () => {
  // Nobody bought again (x = 0): each expected order value is the population mean v·p/(q−1) = 10 · 1 / (2 − 1) = 10,
  // 1000 cents; CLV = 1000 × the group's discounted purchases: groups 0..3 give 2000, 2000, 5000 and 0.
  const groupOf = Uint32Array.of(0, 3, 1, 0, 2, 1);
  const result = {
    summary: {
      customerIds: [40, 10, 30, 20, 50, 5],
      frequency: new Float64Array(6),
      recencyDays: new Float64Array(6),
      ageDays: new Float64Array(6),
      monetaryCents: new Float64Array(6),
    },
    unit: 'week',
    horizon: { text: '12m', units: 52.14, months: 12 },
    discountRate: 0.1,
    repeatCustomers: 0,
    bgNbd: { params: { r: 1, alpha: 1, a: 1, b: 1 }, logLikelihood: 0, converged: true, iterations: 0 },
    gammaGamma: { params: { p: 1, q: 2, v: 10 }, logLikelihood: 0, converged: true, iterations: 0 },
    spendCustomers: 0,
    correlation: 0,
    customers: { groupOf, groupAlive: Float64Array.of(1, 1, 1, 1), groupPurchases: Float64Array.of(3, 4, 6, 0), groupDiscounted: Float64Array.of(2, 2, 5, 0) },
  } satisfies ClvResult;

  it('puts the highest CLV first; equal CLVs by more expected purchases, then by customer id', () => {
    expect(expectedValueAt(result, 0)).toBe(1000);
    expect([0, 1, 2, 3, 4, 5].map((i) => clvAt(result, i))).toEqual([2000, 0, 2000, 2000, 5000, 2000]);
    // 5000: customer 50; 2000 with 4 purchases: ids 5 and 30; 2000 with 3: ids 20 and 40; 0: id 10.
    expect([...clvOrder(result)]).toEqual([4, 5, 2, 3, 0, 1]);
  });
});

describe('clvTiers (crm pyramid --by clv)', () => {
  it('cuts the CLV ranking like the profit pyramid, ties to the higher tier', () => {
    // 10 customers, cuts 10/30/60 %: platinum rank ≤ 1, gold ≤ 3, iron ≤ 6. Customers 2 and 3 tie for rank 3
    // (both gold); 5, 6 and 7 tie for rank 6 (all iron, although the iron cut is 6 customers).
    const clv = Float64Array.of(900, 800, 700, 700, 600, 500, 500, 500, 100, 0);
    const { tier, rank } = clvTiers(clv, [10, 30, 60]);
    expect([...rank]).toEqual([1, 2, 3, 3, 5, 6, 6, 6, 9, 10]);
    expect([...tier]).toEqual([0, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
  });
});

describe('historyKey', () => {
  it('packs whole-day histories into distinct numbers, and falls back to text outside the exact range', () => {
    const keys = new Set([historyKey(0, 0, 5), historyKey(0, 5, 0), historyKey(5, 0, 0), historyKey(1, 2, 3), historyKey(131071, 262143, 262143)]);
    expect(keys.size).toBe(5);
    expect(historyKey(131071, 262143, 262143)).toBe(2 ** 53 - 1); // the largest packed key is still exact
    expect(historyKey(2, 3.5, 7)).toBe('2 3.5 7');
    expect(historyKey(131072, 0, 0)).toBe('131072 0 0');
  });
});
