// Lifecycle stages, loyalty forms and relationship advice: one hand-checked case per rule.
import { describe, expect, it } from 'vitest';
import { averageGapDays, lifecycleStage, type LifecycleFacts } from '../../src/analysis/lifecycle.js';
import { loyaltyForm } from '../../src/analysis/loyalty.js';
import { adviseTiers } from '../../src/analysis/advise.js';
import { buildPyramid } from '../../src/analysis/pyramid.js';
import { allPurchaseHistories, loyaltyFacts } from '../../src/db/relationship.js';
import { engines } from '../helpers/engines.js';
import { testSqlOn } from '../helpers/same-data.js';

const facts = (recencyDays: number, tenureDays: number, purchaseDays: number, recentCents = 0, priorCents = 0): LifecycleFacts => ({
  recencyDays, tenureDays, purchaseDays, recentCents, priorCents,
});

describe('lifecycleStage (the defaults of docs/rules.md#lifecycle)', () => {
  it.each([
    ['one purchase 90 days ago: exploration', facts(90, 90, 1), 'exploration'],
    ['one purchase 91 days ago: decline', facts(91, 91, 1), 'decline'],
    ['one purchase 365 days ago: lost', facts(365, 365, 1), 'lost'],
    // gap = (200 − 10) / (20 − 1) = 10 days; recency 10 ≤ 2 × 10; tenure 200 < 365
    ['repeat buyer, tenure under a year: formation', facts(10, 200, 20), 'formation'],
    ['repeat buyer, tenure of a year, recency 20 = 2 × gap: stability', facts(20, 400, 39), 'stability'],
    // gap = (400 − 21) / 38 = 9.97; 21 > 19.95
    ['recency over twice the gap: decline', facts(21, 400, 39), 'decline'],
    ['recent spend under half of the 90 days before: decline', facts(5, 400, 40, 499, 1000), 'decline'],
    ['recent spend exactly half: not a decline', facts(5, 400, 40, 500, 1000), 'stability'],
    ['no spend in either window is no drop', facts(5, 100, 3, 0, 0), 'formation'],
    // gap = (1000 − 400) / 2 = 300: 400 ≤ 2 × 300, still stable
    ['long gaps: 400 days without a purchase is normal when the gap is 300', facts(400, 1000, 3), 'stability'],
    // gap = (1300 − 700) / 2 = 300: 700 > 600 declines, but lost only after max(365, 1200) days
    ['long gaps: decline at 700 days, not lost before 4 × gap = 1200', facts(700, 1300, 3), 'decline'],
    ['long gaps: lost at 1200 days', facts(1200, 1800, 3), 'lost'],
    ['short gaps: lost at 365 days', facts(365, 700, 50), 'lost'],
  ])('%s', (_, input, expected) => {
    expect(lifecycleStage(input)).toBe(expected);
  });

  it('average gap is (last − first) ÷ (purchase days − 1), none for one purchase day', () => {
    expect(averageGapDays(facts(10, 200, 20))).toBe(10);
    expect(averageGapDays(facts(10, 10, 1))).toBeNull();
  });

  it.each(engines)('the history query counts several orders on one day as one purchase and splits the spend windows (%s)', async (engine) => {
    const db = await testSqlOn(engine, [
      { customer: 'a', date: '2026-11-01', amount: 10 },
      { customer: 'a', date: '2026-11-01', amount: 5 },
      { customer: 'a', date: '2026-08-20', amount: 100 }, // 95 days before 2026-11-23: the window before
      { customer: 'a', date: '2026-05-01', amount: 7 }, // older than 180 days: neither window
    ]);
    const [row] = await allPurchaseHistories(db, { asOf: '2026-11-23' }, 90);
    expect(row).toMatchObject({ orders: 4, purchase_days: 3, revenue_cents: 12200, recent_cents: 1500, prior_cents: 10000, first_order: '2026-05-01' });
    await db.close();
  });
});

describe('loyaltyForm', () => {
  it.each([
    [{ satisfaction: 1.2, orders: 3, recent_orders: 1 }, 'loyal'],
    [{ satisfaction: 1, orders: 3, recent_orders: 0 }, 'potential'], // C = 1: expectation met counts as willing
    [{ satisfaction: 0.8, orders: 5, recent_orders: 2 }, 'inertia'],
    [{ satisfaction: 0.8, orders: 1, recent_orders: 1 }, 'lost'], // a first purchase is not buying again
    [{ satisfaction: null, orders: 9, recent_orders: 9 }, 'unknown'],
  ])('%j → %s', (input, expected) => {
    expect(loyaltyForm(input)).toBe(expected);
  });

  it.each(engines)('takes the latest survey on or before the analysis date; customers without one stay unknown (%s)', async (engine) => {
    const db = await testSqlOn(engine, 
      [{ customer: 'a', date: '2026-11-01', amount: 10 }, { customer: 'a', date: '2026-10-01', amount: 10 }],
      {
        customers: ['b'],
        surveys: [
          { customer: 'a', date: '2026-01-01', expected: 8, perceived: 4 },
          { customer: 'a', date: '2026-06-01', expected: 8, perceived: 10 },
          { customer: 'a', date: '2026-12-01', expected: 8, perceived: 2 },
        ],
      },
    );
    const rows = (await loyaltyFacts(db, { asOf: '2026-11-23' }, 90)).sort((x, y) => x.external_id.localeCompare(y.external_id));
    expect(rows.map((row) => [row.external_id, row.satisfaction, row.orders, row.recent_orders, loyaltyForm(row)])).toEqual([
      ['a', 1.25, 2, 2, 'loyal'], ['b', null, 0, 0, 'unknown'],
    ]);
    await db.close();
  });
});

describe('adviseTiers (Kotler matrix)', () => {
  it('few high-margin platinum → partnership, many low-margin lead → basic', () => {
    // Margin = profit ÷ revenue: 70 %, 60 %, 53.3 %, 40 %; all customers 21400 ÷ 40000 = 53.5 %.
    const levels = buildPyramid([
      { tier: 0, customers: 1, orders: 1, revenue_cents: 10000, profit_cents: 7000, loss_making: 0, interactions: 0, orders_without_cost: 0 },
      { tier: 1, customers: 4, orders: 4, revenue_cents: 8000, profit_cents: 4800, loss_making: 0, interactions: 0, orders_without_cost: 0 },
      { tier: 2, customers: 15, orders: 15, revenue_cents: 6000, profit_cents: 3200, loss_making: 0, interactions: 0, orders_without_cost: 0 },
      { tier: 3, customers: 80, orders: 80, revenue_cents: 16000, profit_cents: 6400, loss_making: 0, interactions: 0, orders_without_cost: 0 },
    ]);
    const advice = adviseTiers(levels);
    // ratios to the average margin: 1.31 (high), 1.12 (high), 1.00 (medium), 0.75 (low)
    expect(advice.map((item) => [item.level.tier.key, item.count, item.margin, item.relationship, item.marketingLevel])).toEqual([
      ['platinum', 'few', 'high', 'partnership', 'structural'],
      ['gold', 'few', 'high', 'partnership', 'structural'],
      ['iron', 'medium', 'medium', 'accountable', 'social'],
      ['lead', 'many', 'low', 'basic', 'financial'],
    ]);
    expect(advice[0]!.averageMarginPercent).toBeCloseTo(53.5, 6);
  });

  it('no customers: no advice', () => {
    expect(adviseTiers(buildPyramid([]))).toEqual([]);
  });
});
