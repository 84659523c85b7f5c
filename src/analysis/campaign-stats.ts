// The "check" of PDCA for a campaign (issue 11): treated against control, with the uplift's 95 % confidence
// interval and p-value, and a verdict in plain words. Pure; the distributions come from @stdlib.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export interface Interval {
  /** treated − control. */
  difference: number;
  low: number;
  high: number;
  /** Two-sided p-value of "no difference"; null when the data cannot give one (no spread at all, too few customers). */
  pValue: number | null;
}

/** z with P(Z ≤ z) = 1 − α/2: 1.959964 for a 95 % interval. */
const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2, 0, 1);

/**
 * Difference of two proportions x1/n1 − x0/n0. The interval is Wald's, with each group's own variance (as R's
 * prop.test(correct = FALSE) gives); the test is the pooled two-proportion z test (its chi-squared is z²).
 */
export function twoProportions(x1: number, n1: number, x0: number, n0: number, confidence = 0.95): Interval | null {
  if (n1 === 0 || n0 === 0) return null;
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const difference = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const z = zFor(confidence);
  const pooled = (x1 + x0) / (n1 + n0);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  // Everybody bought, or nobody did, in both groups: no difference can be seen.
  const pValue = pooledSe === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(difference) / pooledSe, 0, 1));
  return { difference, low: difference - z * se, high: difference + z * se, pValue };
}

export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample variance (divided by n − 1). */
  variance: number;
}

/** Mean and sample variance in one pass (Welford), so large groups of cents stay exact enough. */
export function summarise(values: readonly number[]): SampleSummary {
  let mean = 0;
  let squares = 0;
  values.forEach((value, index) => {
    const delta = value - mean;
    mean += delta / (index + 1);
    squares += delta * (value - mean);
  });
  return { n: values.length, mean, variance: values.length > 1 ? squares / (values.length - 1) : 0 };
}

/**
 * Welch's t-interval for the difference of two means (unequal variances; Welch–Satterthwaite degrees of freedom),
 * as R's t.test(var.equal = FALSE). Null with fewer than two values in a group.
 */
export function welch(treated: SampleSummary, control: SampleSummary, confidence = 0.95): (Interval & { df: number | null }) | null {
  if (treated.n < 2 || control.n < 2) return null;
  const difference = treated.mean - control.mean;
  const a = treated.variance / treated.n;
  const b = control.variance / control.n;
  const se = Math.sqrt(a + b);
  if (se === 0) return { difference, low: difference, high: difference, pValue: difference === 0 ? 1 : null, df: null };
  const df = (a + b) ** 2 / (a ** 2 / (treated.n - 1) + b ** 2 / (control.n - 1));
  const t = tQuantile(1 - (1 - confidence) / 2, df);
  const pValue = 2 * (1 - tCdf(Math.abs(difference) / se, df));
  return { difference, low: difference - t * se, high: difference + t * se, pValue, df };
}

export type Verdict = 'worked' | 'harmed' | 'no_effect' | 'too_small';

export interface VerdictRules {
  /** Fewer customers than this in either group: too small to tell, whatever the numbers. */
  minGroup: number;
  /** Significance level for the p-value. */
  alpha: number;
  /**
   * A result that is not significant counts as "did not work" only when the interval is narrow enough to rule out an
   * uplift worth having: its upper end below this many percentage points. Otherwise the groups are too small to tell.
   */
  worthwhilePoints: number;
}

export const defaultVerdictRules: VerdictRules = { minGroup: 10, alpha: 0.05, worthwhilePoints: 5 };

/** The verdict on the buying share (the campaign's main measure). */
export function verdict(buying: Interval | null, treatedCustomers: number, controlCustomers: number, rules: VerdictRules = defaultVerdictRules): Verdict {
  if (buying === null || buying.pValue === null || treatedCustomers < rules.minGroup || controlCustomers < rules.minGroup) return 'too_small';
  // Each group bought all or nothing (nobody in both, or everybody in one and nobody in the other): Wald's interval
  // has no width and says nothing; the pooled test still does (10 of 10 against 0 of 10 is no accident).
  if (buying.low === buying.high) return buying.pValue < rules.alpha ? (buying.difference > 0 ? 'worked' : 'harmed') : 'too_small';
  if (buying.pValue < rules.alpha) return buying.difference > 0 ? 'worked' : 'harmed';
  return buying.high * 100 < rules.worthwhilePoints ? 'no_effect' : 'too_small';
}

export interface GroupOutcome {
  customers: number;
  contacted: number;
  buyers: number;
  revenueCents: number;
  /** Revenue of each customer in the window (zeros included), for the t-interval. */
  revenuePerCustomer: number[];
}

export interface CampaignCheck {
  treated: GroupOutcome;
  control: GroupOutcome;
  /** Difference of the buying shares (fractions, treated − control). */
  buying: Interval | null;
  /** Difference of revenue per customer in cents. */
  revenue: (Interval & { df: number | null }) | null;
  verdict: Verdict;
}

export interface MemberResult {
  group: 'treated' | 'control';
  contacted: boolean;
  orders: number;
  revenueCents: number;
}

/** Treated against control: shares, revenue per customer, the two intervals and the verdict. */
export function checkCampaign(members: readonly MemberResult[], rules: VerdictRules = defaultVerdictRules): CampaignCheck {
  const group = (name: 'treated' | 'control'): GroupOutcome => {
    const list = members.filter((member) => member.group === name);
    return {
      customers: list.length,
      contacted: list.filter((member) => member.contacted).length,
      buyers: list.filter((member) => member.orders > 0).length,
      revenueCents: list.reduce((sum, member) => sum + member.revenueCents, 0),
      revenuePerCustomer: list.map((member) => member.revenueCents),
    };
  };
  const treated = group('treated');
  const control = group('control');
  const buying = twoProportions(treated.buyers, treated.customers, control.buyers, control.customers);
  const revenue = welch(summarise(treated.revenuePerCustomer), summarise(control.revenuePerCustomer));
  return { treated, control, buying, revenue, verdict: verdict(buying, treated.customers, control.customers, rules) };
}
