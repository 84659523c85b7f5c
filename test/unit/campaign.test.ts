// Campaign statistics and the control-group split (analysis/campaign-stats.ts, campaign-split.ts), checked against
// published values and hand-worked numbers.
import { describe, expect, it } from 'vitest';
import { checkCampaign, summarise, twoProportions, verdict, welch, type MemberResult } from '../../src/analysis/campaign-stats.js';
import { controlSize, parseHoldout, parseWindowDays, splitHoldout } from '../../src/analysis/campaign-split.js';

describe('twoProportions', () => {
  it('matches R prop.test(c(60, 45), c(100, 100), correct = FALSE): X² = 4.5113, p = 0.03367, CI 0.01315 … 0.28685', () => {
    // By hand: p1 = 0.60, p0 = 0.45, difference 0.15.
    // Interval: se = √(0.6·0.4/100 + 0.45·0.55/100) = √0.004875 = 0.069821; 1.959964 × 0.069821 = 0.136848 → 0.013152 … 0.286848.
    // Test: pooled p = 105/200 = 0.525; se0 = √(0.525·0.475·(1/100 + 1/100)) = 0.070622; z = 0.15/0.070622 = 2.12398 (z² = 4.5113).
    const result = twoProportions(60, 100, 45, 100)!;
    expect(result.difference).toBeCloseTo(0.15, 12);
    expect(result.low).toBeCloseTo(0.013152, 5);
    expect(result.high).toBeCloseTo(0.286848, 5);
    expect(result.pValue).toBeCloseTo(0.03367, 5);
  });

  it('gives p = 1 when nobody (or everybody) bought in both groups, and nothing for an empty group', () => {
    expect(twoProportions(0, 10, 0, 12)).toEqual({ difference: 0, low: 0, high: 0, pValue: 1 });
    expect(twoProportions(10, 10, 12, 12)!.pValue).toBe(1);
    expect(twoProportions(1, 0, 1, 5)).toBeNull();
  });
});

describe('welch', () => {
  it("matches R's t.test(extra ~ group, data = sleep): t = −1.8608, df = 17.776, p = 0.07939, CI −3.3654832 … 0.2054832", () => {
    // Student's (1908) sleep data, the example in R's t.test documentation (Welch by default).
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const result = welch(summarise(group1), summarise(group2))!;
    expect(result.difference).toBeCloseTo(0.75 - 2.33, 12);
    expect(result.df).toBeCloseTo(17.776, 3);
    expect(result.low).toBeCloseTo(-3.3654832, 6);
    expect(result.high).toBeCloseTo(0.2054832, 6);
    expect(result.pValue).toBeCloseTo(0.07939, 5);
  });

  it('needs two values per group; no spread at all gives an exact difference', () => {
    expect(welch(summarise([5]), summarise([1, 2]))).toBeNull();
    expect(welch(summarise([3, 3]), summarise([1, 1]))).toEqual({ difference: 2, low: 2, high: 2, pValue: null, df: null });
    expect(welch(summarise([0, 0]), summarise([0, 0, 0]))!.pValue).toBe(1);
  });

  it('summarise: mean and sample variance (n − 1)', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squares about the mean 32, variance 32 / 7.
    expect(summarise([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ n: 8, mean: 5, variance: 32 / 7 });
  });
});

describe('verdict', () => {
  const interval = (difference: number, low: number, high: number, pValue: number | null) => ({ difference, low, high, pValue });
  it.each([
    ['worked: significant and up', interval(0.2, 0.05, 0.35, 0.01), 50, 50, 'worked'],
    ['harmed: significant and down', interval(-0.2, -0.35, -0.05, 0.01), 50, 50, 'harmed'],
    ['no effect: not significant and the interval rules out 5 points or more', interval(0.0, -0.04, 0.04, 0.9), 2000, 2000, 'no_effect'],
    ['too small: not significant and the interval still allows a real uplift', interval(0.1, -0.05, 0.25, 0.2), 60, 60, 'too_small'],
    ['too small: fewer than 10 in a group, whatever the p-value', interval(0.5, 0.2, 0.8, 0.001), 40, 9, 'too_small'],
    ['too small: no p-value', interval(0, 0, 0, null), 40, 40, 'too_small'],
    ['too small: nobody bought in either group (an interval without width)', interval(0, 0, 0, 1), 400, 400, 'too_small'],
    // twoProportions(10, 10, 0, 10): Wald's se = √(1·0/10 + 0·1/10) = 0, so low = high = 1; pooled p = 0.5,
    // se0 = √(0.5·0.5·(1/10 + 1/10)) = 0.22361, z = 1/0.22361 = 4.4721, two-sided p = 7.7e-6.
    ['worked: all 10 treated bought, none of the 10 held back (no interval width, the test still speaks)', twoProportions(10, 10, 0, 10)!, 10, 10, 'worked'],
    ['harmed: the other way round', twoProportions(0, 10, 10, 10)!, 10, 10, 'harmed'],
  ] as const)('%s', (_, buying, treated, control, expected) => {
    expect(verdict(buying, treated, control)).toBe(expected);
  });
});

describe('checkCampaign', () => {
  it('counts each group and compares them', () => {
    const member = (group: 'treated' | 'control', contacted: boolean, orders: number, revenueCents: number): MemberResult => ({ group, contacted, orders, revenueCents });
    const check = checkCampaign([
      member('treated', true, 1, 1000), member('treated', true, 0, 0), member('treated', false, 2, 3000), member('treated', true, 0, 0),
      member('control', false, 1, 500), member('control', false, 0, 0), member('control', true, 0, 0),
    ]);
    // Treated: 4 customers, 3 contacted, 2 bought, 4000 cents. Control: 3, 1 contacted (spoilt), 1 bought, 500 cents.
    expect(check.treated).toMatchObject({ customers: 4, contacted: 3, buyers: 2, revenueCents: 4000 });
    expect(check.control).toMatchObject({ customers: 3, contacted: 1, buyers: 1, revenueCents: 500 });
    expect(check.buying!.difference).toBeCloseTo(2 / 4 - 1 / 3, 12);
    expect(check.revenue!.difference).toBeCloseTo(1000 - 500 / 3, 9);
    expect(check.verdict).toBe('too_small');
  });
});

describe('splitHoldout', () => {
  const ids = Array.from({ length: 50 }, (_, index) => `C${String(index + 1).padStart(4, '0')}`);

  it('holds back round(n × share) customers, the same ones for the same seed in any order', () => {
    const split = splitHoldout(ids, 20, 7);
    expect(split.control).toHaveLength(10);
    expect(split.treated).toHaveLength(40);
    expect([...split.control, ...split.treated].sort()).toEqual(ids);
    expect(splitHoldout([...ids].reverse(), 20, 7)).toEqual(split);
    expect(splitHoldout(ids, 20, 8).control).not.toEqual(split.control);
  });

  it('is pinned: seed 2026 over C0001…C0010 at 30 % holds back the three lowest sha256("2026:id") draws', () => {
    // Recorded once from the rule; a changed rule (hash, key text, rounding) would move customers between groups
    // of campaigns already stored, so it must not change unnoticed.
    expect(splitHoldout(ids.slice(0, 10), 30, 2026).control).toEqual(['C0001', 'C0002', 'C0006']);
  });

  it.each([
    [12, 20, 2], // 2.4 → 2
    [10, 25, 3], // 2.5 → 3
    [3, 20, 1], // 0.6 → 1
    [2, 20, 0], // 0.4 → 0: no control group (crm campaign create refuses)
  ])('controlSize(%i, %i %%) = %i', (n, share, expected) => expect(controlSize(n, share)).toBe(expected));
});

describe('flag values', () => {
  it.each([['20%', 20], ['20', 20], [' 12.5 % ', 12.5], ['0%', null], ['100%', null], ['-5%', null], ['a lot', null], ['0.2', 20], ['.25', 25], ['0.2%', 0.2], ['1', 1], ['0', null], ['abc', null]])('--holdout %j → %s', (text, expected) => {
    expect(parseHoldout(text)).toBe(expected);
  });
  it.each([['60d', 60], ['60', 60], ['8w', 56], ['0d', null], ['2m', null], ['', null]])('--window %j → %s', (text, expected) => {
    expect(parseWindowDays(text)).toBe(expected);
  });
});
