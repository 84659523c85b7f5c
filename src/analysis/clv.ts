// Customer lifetime value (issue 9): BG/NBD for purchases and p_alive, Gamma-Gamma for spend, discounted CLV,
// and the hold-out check. Pure over the purchase summary db/clv.ts returns; time is in --unit.
import { CrmError } from '../errors.js';
import type { PurchaseSummary } from '../db/clv.js';
import { expectedPurchases, fitBgNbd, probabilityAlive, type BgNbdFit, type PurchaseGroups } from './bg-nbd.js';
import { expectedAverageValue, fitGammaGamma, type GammaGammaFit, type SpendGroups } from './gamma-gamma.js';
import { SeriesNotConvergedError } from './special-functions.js';

export type ClvUnit = 'day' | 'week' | 'month';
export const clvUnits: readonly ClvUnit[] = ['day', 'week', 'month'];
const daysPerUnit: Record<ClvUnit, number> = { day: 1, week: 7, month: 30 };
/** A month in each unit, as lifetimes' customer_lifetime_value counts it (freq D: 30, W: 4.345, M: 1). */
export const monthInUnits: Record<ClvUnit, number> = { day: 30, week: 4.345, month: 1 };

/** Fewer customers with repeat purchases than this and the fit is not worth printing (issue 9). */
export const MIN_REPEAT_CUSTOMERS = 30;

/** Too little data, or a fit that did not converge: exit 1 with the reason, never numbers. */
export class ClvError extends CrmError {}

export interface Horizon {
  /** As written: 12m, 39w, 90d. */
  text: string;
  /** Length in the model's unit. */
  units: number;
  /** Length in months (of monthInUnits), for the discounting. */
  months: number;
}

/**
 * The longest --horizon: ten years (120m, 521w, 3652d). The discounted CLV sums a month at a time and each month's
 * expected purchases is a ₂F₁ series whose terms shrink more slowly the longer the horizon, so a century ran for
 * minutes on a few thousand customers; and the models are not meant to look that far ahead.
 */
export const MAX_HORIZON = { m: 120, w: 521, d: 3653 } as const;

/** Whether the horizon, as written, is longer than MAX_HORIZON (the same limit whatever --unit is). */
export function horizonTooLong(horizon: Horizon): boolean {
  const kind = horizon.text.slice(-1) as keyof typeof MAX_HORIZON;
  return Number(horizon.text.slice(0, -1)) > MAX_HORIZON[kind];
}

/** "12m" (months), "39w" (weeks) or "90d" (days) → length in the unit; null when it is not one of those. */
export function parseHorizon(raw: string, unit: ClvUnit): Horizon | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mwd])\s*$/i.exec(raw);
  if (!match || Number(match[1]) <= 0) return null;
  const count = Number(match[1]);
  const kind = match[2]!.toLowerCase();
  const units = kind === 'm' ? count * monthInUnits[unit] : (count * (kind === 'w' ? 7 : 1)) / daysPerUnit[unit];
  return { text: `${count}${kind}`, units, months: units / monthInUnits[unit] };
}

export interface ClvOptions {
  unit: ClvUnit;
  horizon: Horizon;
  /** Annual discount rate; discounted monthly at annual/12. */
  discountRate: number;
}

const KEY_BASE = 2 ** 18;

/**
 * One number for a (frequency, recency days, age days) history: exact while all three are whole, frequency below
 * 2^17 and the days below 2^18 (717 years), since the packed value then stays under 2^53; else a string. A million
 * string keys cost most of the grouping's time and memory.
 */
export function historyKey(frequency: number, recencyDays: number, ageDays: number): number | string {
  const packable = Number.isInteger(frequency) && Number.isInteger(recencyDays) && Number.isInteger(ageDays) &&
    frequency >= 0 && frequency < 2 ** 17 && recencyDays >= 0 && recencyDays < KEY_BASE && ageDays >= 0 && ageDays < KEY_BASE;
  return packable ? (frequency * KEY_BASE + recencyDays) * KEY_BASE + ageDays : `${frequency} ${recencyDays} ${ageDays}`;
}

/** Customers with identical (frequency, recency, T) share one group: the fit and the predictions run per group. */
export function groupPurchases(summary: PurchaseSummary, unit: ClvUnit): { groups: PurchaseGroups; groupOf: Uint32Array } {
  const n = summary.customerIds.length;
  // Every history packed into one number (the usual case): the groups are the distinct numbers, found by sorting
  // them, so a million customers cost a few typed arrays instead of a Map of a million keys.
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const key = historyKey(summary.frequency[i]!, summary.recencyDays[i]!, summary.ageDays[i]!);
    if (typeof key === 'string') return groupPurchasesByText(summary, unit);
    sorted[i] = key;
  }
  sorted.sort();
  let distinct = 0;
  for (let i = 0; i < n; i += 1) if (i === 0 || sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i]!;
  // Groups are numbered in the order they first appear (as the customers come), which the fit's sums follow.
  const numberOf = new Int32Array(distinct).fill(-1);
  const groupOf = new Uint32Array(n);
  const firsts = new Uint32Array(distinct);
  let groups = 0;
  for (let i = 0; i < n; i += 1) {
    const at = binarySearch(sorted, distinct, historyKey(summary.frequency[i]!, summary.recencyDays[i]!, summary.ageDays[i]!) as number);
    if (numberOf[at] === -1) {
      numberOf[at] = groups;
      firsts[groups++] = i;
    }
    groupOf[i] = numberOf[at]!;
  }
  return { groups: groupsOf(summary, unit, firsts, groupOf), groupOf };
}

/** The position of VALUE among the LENGTH ascending values of SORTED from FROM on, counted from FROM (it is there). */
function binarySearch(sorted: Float64Array, length: number, value: number, from = 0): number {
  let low = from;
  let high = from + length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low - from;
}

/** The groups' histories from the first customer of each, and their sizes. */
function groupsOf(summary: PurchaseSummary, unit: ClvUnit, firsts: ArrayLike<number>, groupOf: Uint32Array): PurchaseGroups {
  const perUnit = daysPerUnit[unit];
  const count = new Float64Array(firsts.length);
  for (const group of groupOf) count[group]! += 1;
  return {
    frequency: Float64Array.from(firsts, (i) => summary.frequency[i]!),
    recency: Float64Array.from(firsts, (i) => summary.recencyDays[i]! / perUnit),
    T: Float64Array.from(firsts, (i) => summary.ageDays[i]! / perUnit),
    count,
  };
}

/** groupPurchases for histories that do not pack into a number (days that are not whole, or too many): text keys. */
function groupPurchasesByText(summary: PurchaseSummary, unit: ClvUnit): { groups: PurchaseGroups; groupOf: Uint32Array } {
  const index = new Map<number | string, number>();
  const firsts: number[] = [];
  const groupOf = new Uint32Array(summary.customerIds.length);
  for (let i = 0; i < summary.customerIds.length; i += 1) {
    const key = historyKey(summary.frequency[i]!, summary.recencyDays[i]!, summary.ageDays[i]!);
    let group = index.get(key);
    if (group === undefined) {
      group = firsts.length;
      index.set(key, group);
      firsts.push(i);
    }
    groupOf[i] = group;
  }
  return { groups: groupsOf(summary, unit, firsts, groupOf), groupOf };
}

/**
 * Repeat customers with a positive mean repeat value, grouped by (frequency, value in currency units).
 * Groups are numbered in the order they first appear (as the customers come), which the fit's sums follow. They are
 * found without a comparator sort or any array per customer: the customers' values are laid out by frequency (a
 * counting sort over the few distinct frequencies), each frequency's values sorted as numbers and made distinct,
 * and each customer's (frequency, value) found there by binary search. A distinct double is a distinct value.
 */
export function groupSpend(summary: PurchaseSummary): SpendGroups {
  const n = summary.customerIds.length;
  const x = summary.frequency;
  const valueAt = (i: number): number => summary.monetaryCents[i]! / 100;
  const eligible = (i: number): boolean => x[i]! > 0 && valueAt(i) > 0;
  // The distinct frequencies (a few hundred at most) and how many customers have each.
  const bucketOf = new Map<number, number>();
  const sizes: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (!eligible(i)) continue;
    const bucket = bucketOf.get(x[i]!);
    if (bucket === undefined) {
      bucketOf.set(x[i]!, sizes.length);
      sizes.push(1);
    } else sizes[bucket]! += 1;
  }
  const start = new Float64Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b += 1) start[b + 1] = start[b]! + sizes[b]!;
  // Each frequency's values, side by side; then sorted and made distinct in place (distinct[b] of them stay).
  const values = new Float64Array(start[sizes.length]!);
  const filled = start.slice(0, sizes.length);
  for (let i = 0; i < n; i += 1) if (eligible(i)) values[filled[bucketOf.get(x[i]!)!]!++] = valueAt(i);
  const distinct = new Float64Array(sizes.length);
  const firstNumber = new Float64Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b += 1) {
    const part = values.subarray(start[b]!, start[b + 1]!).sort();
    let kept = 0;
    for (let k = 0; k < part.length; k += 1) if (k === 0 || part[k] !== part[kept - 1]) part[kept++] = part[k]!;
    distinct[b] = kept;
    firstNumber[b + 1] = firstNumber[b]! + kept;
  }
  const numberOf = new Int32Array(firstNumber[sizes.length]!).fill(-1);
  const frequency: number[] = [];
  const monetary: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (!eligible(i)) continue;
    const b = bucketOf.get(x[i]!)!;
    const place = firstNumber[b]! + binarySearch(values, distinct[b]!, valueAt(i), start[b]!);
    let group = numberOf[place]!;
    if (group === -1) {
      group = numberOf[place] = count.length;
      frequency.push(x[i]!);
      monetary.push(valueAt(i));
      count.push(0);
    }
    count[group]! += 1;
  }
  return { frequency: Float64Array.from(frequency), monetary: Float64Array.from(monetary), count: Float64Array.from(count) };
}

/** Pearson correlation of frequency and mean repeat value among repeat customers (Gamma-Gamma assumes none). */
export function spendFrequencyCorrelation(spend: SpendGroups): number {
  let n = 0;
  let sumX = 0;
  let sumM = 0;
  for (let i = 0; i < spend.count.length; i += 1) {
    n += spend.count[i]!;
    sumX += spend.count[i]! * spend.frequency[i]!;
    sumM += spend.count[i]! * spend.monetary[i]!;
  }
  const meanX = sumX / n;
  const meanM = sumM / n;
  let covariance = 0;
  let varianceX = 0;
  let varianceM = 0;
  for (let i = 0; i < spend.count.length; i += 1) {
    const dx = spend.frequency[i]! - meanX;
    const dm = spend.monetary[i]! - meanM;
    covariance += spend.count[i]! * dx * dm;
    varianceX += spend.count[i]! * dx * dx;
    varianceM += spend.count[i]! * dm * dm;
  }
  return varianceX > 0 && varianceM > 0 ? covariance / Math.sqrt(varianceX * varianceM) : 0;
}

/**
 * Expected purchases over the horizon, each month's discounted: lifetimes' _customer_lifetime_value sums, for
 * months i = 1..H, (E[purchases by month i] − E[by month i−1]) / (1 + d)^i with d the monthly rate. A horizon that
 * is not a whole number of months adds its last part month, discounted at its end. CLV is this times the value.
 */
export function discountedPurchases(expected: (t: number) => number, horizon: Horizon, monthlyRate: number, monthLength: number): number {
  const wholeMonths = Math.floor(horizon.months + 1e-9);
  let total = 0;
  let before = 0;
  for (let month = 1; month <= wholeMonths; month += 1) {
    const upTo = expected(month * monthLength);
    total += (upTo - before) / (1 + monthlyRate) ** month;
    before = upTo;
  }
  if (horizon.months - wholeMonths > 1e-9) total += (expected(horizon.units) - before) / (1 + monthlyRate) ** horizon.months;
  return total;
}

export interface ClvCustomers {
  /**
   * Each customer's group (customers with the same frequency, recency and age: groupPurchases), whose p_alive,
   * expected purchases and discounted purchases are theirs (pAliveAt, expectedPurchasesAt, clvAt): figures per
   * history, not per customer. A customer's expected order value and CLV are worked out when asked (expectedValueAt,
   * clvAt) from the summary: two columns of a million customers fewer.
   */
  groupOf: Uint32Array;
  groupAlive: Float64Array;
  groupPurchases: Float64Array;
  /** Expected purchases over the horizon, each month's discounted (discountedPurchases): CLV = this × order value. */
  groupDiscounted: Float64Array;
}

/** Customer I's probability of being alive. */
export const pAliveAt = (customers: ClvCustomers, i: number): number => customers.groupAlive[customers.groupOf[i]!]!;
/** Customer I's expected purchases over the horizon. */
export const expectedPurchasesAt = (customers: ClvCustomers, i: number): number => customers.groupPurchases[customers.groupOf[i]!]!;

/**
 * Customer I's expected value of one purchase (the Gamma-Gamma conditional mean), cents. Gamma-Gamma knows only
 * positive spend: repeat purchases that net to less than nothing (returns booked as negative orders) count as
 * spending 0, so a customer's expected order value and CLV are never negative.
 */
export const expectedValueAt = (result: ClvResult, i: number): number =>
  expectedAverageValue(result.gammaGamma.params, result.summary.frequency[i]!, Math.max(0, result.summary.monetaryCents[i]!) / 100) * 100;
/** Customer I's discounted value over the horizon, cents. */
export const clvAt = (result: ClvResult, i: number): number => expectedValueAt(result, i) * result.customers.groupDiscounted[result.customers.groupOf[i]!]!;
/** Every customer's CLV in cents, in the summary's order (crm pyramid --by clv ranks them). */
export const clvValues = (result: ClvResult): Float64Array => Float64Array.from({ length: result.customers.groupOf.length }, (_, i) => clvAt(result, i));

export interface ClvResult {
  summary: PurchaseSummary;
  unit: ClvUnit;
  horizon: Horizon;
  discountRate: number;
  repeatCustomers: number;
  bgNbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
  /** Customers in the Gamma-Gamma fit (repeat customers with a positive mean repeat value). */
  spendCustomers: number;
  correlation: number;
  customers: ClvCustomers;
}

/** No sale at all up to the date (a date before the first order): say so rather than "0 customers … (of 0)". */
export function requireSales(summary: PurchaseSummary, upTo: string): PurchaseSummary {
  if (summary.customerIds.length === 0) throw new ClvError(`too little data for a CLV model: no sales up to ${upTo}`);
  return summary;
}

/**
 * The end of a refusal: what would make the model work on this shop's orders and what to use meanwhile (issue 17).
 * 'repeat': too few customers bought twice; 'purchases': the purchase model cannot tell a buying pace from dropping
 * out; 'spend': spend per purchase is too uneven for the spend model. The history is the longest customer's, from
 * their first purchase to the as-of date. `--since` would not help: the models need each customer's whole history.
 */
export function whatWouldHelp(summary: PurchaseSummary, cause: 'repeat' | 'purchases' | 'spend'): string {
  let days = 0;
  for (let i = 0; i < summary.ageDays.length; i += 1) days = Math.max(days, summary.ageDays[i]!);
  const history = days >= 60 ? `${Math.floor(days / 30.4375)} months` : `${days} day${days === 1 ? '' : 's'}`;
  const meanwhile = 'meanwhile crm rfm and crm segment rank customers by the same orders without a model';
  switch (cause) {
    case 'repeat':
      return ` (${history} of history: it works once more customers have bought again, with older orders imported or a later --as-of; ${meanwhile})`;
    case 'purchases':
      return ` (${history} of history: it needs a longer history, in which both steady repeat buying and customers going quiet show: older orders imported, or a later --as-of; ${meanwhile}, crm lifecycle says who is slipping)`;
    case 'spend':
      return ` (spend per purchase is too uneven: a few very large purchases or large returns; crm clv --validate shows how far the purchase model alone can be trusted; ${meanwhile}, crm pyramid by profit)`;
  }
}

function fitPurchases(summary: PurchaseSummary, unit: ClvUnit): { groups: PurchaseGroups; groupOf: Uint32Array; fit: BgNbdFit; repeatCustomers: number } {
  let repeatCustomers = 0;
  for (let i = 0; i < summary.frequency.length; i += 1) if (summary.frequency[i]! > 0) repeatCustomers += 1;
  if (repeatCustomers < MIN_REPEAT_CUSTOMERS) {
    throw new ClvError(
      `too little data for a CLV model: ${repeatCustomers} customer${repeatCustomers === 1 ? '' : 's'} with repeat purchases ` +
        `(of ${summary.customerIds.length}); at least ${MIN_REPEAT_CUSTOMERS} are needed${whatWouldHelp(summary, 'repeat')}`,
    );
  }
  const { groups, groupOf } = groupPurchases(summary, unit);
  const fit = fitBgNbd(groups);
  const { r, alpha, a, b } = fit.params;
  if (!fit.converged || ![r, alpha, a, b, fit.logLikelihood].every(Number.isFinite)) {
    throw new ClvError(`the purchase model (BG/NBD) did not converge on these orders (${groups.count.length} distinct histories); no numbers printed${whatWouldHelp(summary, 'purchases')}`);
  }
  const edge = atEdge({ r, a, b }, 1e-4, 1e4) ?? atEdge({ alpha }, 1e-6, 1e8);
  if (edge) {
    throw new ClvError(
      `the purchase model (BG/NBD) ran to the edge of its parameter space (${edge}): these orders cannot pin it down ` +
        `(too short a history, or too few repeat purchases); no numbers printed${whatWouldHelp(summary, 'purchases')}`,
    );
  }
  return { groups, groupOf, fit, repeatCustomers };
}

/** The first parameter outside [low, high], as "b = 3.9e-8", or null. A fit that ends there has degenerated. */
function atEdge(params: Record<string, number>, low: number, high: number): string | null {
  for (const [name, value] of Object.entries(params)) if (!(value >= low && value <= high)) return `${name} = ${value.toPrecision(2)}`;
  return null;
}

/** Fits both models and predicts every customer's p_alive, purchases, value per purchase and CLV. Throws ClvError. */
export function analyseClv(summary: PurchaseSummary, options: ClvOptions): ClvResult {
  const { unit, horizon } = options;
  const { groups, groupOf, fit: bgNbd, repeatCustomers } = fitPurchases(summary, unit);
  const spend = groupSpend(summary);
  let spendCustomers = 0;
  for (let i = 0; i < spend.count.length; i += 1) spendCustomers += spend.count[i]!;
  if (spendCustomers < MIN_REPEAT_CUSTOMERS) {
    throw new ClvError(`too little data for the spend model: ${spendCustomers} repeat customers spent more than 0; at least ${MIN_REPEAT_CUSTOMERS} are needed${whatWouldHelp(summary, 'repeat')}`);
  }
  const gammaGamma = fitGammaGamma(spend);
  const { p, q, v } = gammaGamma.params;
  if (!gammaGamma.converged || ![p, q, v, gammaGamma.logLikelihood].every(Number.isFinite)) {
    throw new ClvError(`the spend model (Gamma-Gamma) did not converge on these orders; no numbers printed${whatWouldHelp(summary, 'spend')}`);
  }
  const spendEdge = atEdge({ p, q }, 1e-4, 1e4);
  if (spendEdge) throw new ClvError(`the spend model (Gamma-Gamma) ran to the edge of its parameter space (${spendEdge}); no values printed${whatWouldHelp(summary, 'spend')}`);
  if (q <= 1) throw new ClvError(`the spend model (Gamma-Gamma) has q = ${q.toFixed(3)} ≤ 1: spend per purchase has no finite mean here; no values printed${whatWouldHelp(summary, 'spend')}`);

  const monthlyRate = options.discountRate / 12;
  const groupCount = groups.count.length;
  const groupAlive = new Float64Array(groupCount);
  const groupPurchases = new Float64Array(groupCount);
  const groupDiscounted = new Float64Array(groupCount);
  try {
    for (let g = 0; g < groupCount; g += 1) {
      const x = groups.frequency[g]!;
      const tx = groups.recency[g]!;
      const T = groups.T[g]!;
      const expected = (t: number) => expectedPurchases(bgNbd.params, t, x, tx, T);
      groupAlive[g] = probabilityAlive(bgNbd.params, x, tx, T);
      groupPurchases[g] = expected(horizon.units);
      groupDiscounted[g] = discountedPurchases(expected, horizon, monthlyRate, monthInUnits[unit]);
    }
  } catch (error) {
    if (error instanceof SeriesNotConvergedError) throw new ClvError(`expected purchases could not be computed from the fitted model: ${error.message}`);
    throw error;
  }
  const customers: ClvCustomers = { groupOf, groupAlive, groupPurchases, groupDiscounted };
  return {
    summary, unit, horizon, discountRate: options.discountRate, repeatCustomers, bgNbd, gammaGamma, spendCustomers,
    correlation: spendFrequencyCorrelation(spend), customers,
  };
}

export interface ValidationRow {
  /** Calibration frequency 0..6, or 7 for "7 or more". */
  frequency: number;
  customers: number;
  meanPredicted: number;
  meanActual: number;
}

export interface ClvValidation {
  bgNbd: BgNbdFit;
  unit: ClvUnit;
  /** Hold-out length in the unit. */
  holdoutUnits: number;
  customers: number;
  rows: ValidationRow[];
  totalPredicted: number;
  totalActual: number;
}

/**
 * crm clv --validate: fits BG/NBD on the calibration summary, predicts each customer's repeat purchases over the
 * hold-out (holdoutDays long) and sets them against the purchase days that happened, by calibration frequency.
 */
export function validateClv(calibration: PurchaseSummary, actual: Map<number, number>, holdoutDays: number, unit: ClvUnit): ClvValidation {
  const { groups, groupOf, fit } = fitPurchases(calibration, unit);
  const holdoutUnits = holdoutDays / daysPerUnit[unit];
  const predictedPerGroup = new Float64Array(groups.count.length);
  try {
    for (let g = 0; g < groups.count.length; g += 1) predictedPerGroup[g] = expectedPurchases(fit.params, holdoutUnits, groups.frequency[g]!, groups.recency[g]!, groups.T[g]!);
  } catch (error) {
    if (error instanceof SeriesNotConvergedError) throw new ClvError(`expected purchases could not be computed from the fitted model: ${error.message}`);
    throw error;
  }
  const rows: ValidationRow[] = Array.from({ length: 8 }, (_, frequency) => ({ frequency, customers: 0, meanPredicted: 0, meanActual: 0 }));
  let totalPredicted = 0;
  let totalActual = 0;
  for (let i = 0; i < calibration.customerIds.length; i += 1) {
    const row = rows[Math.min(7, calibration.frequency[i]!)]!;
    const predicted = predictedPerGroup[groupOf[i]!]!;
    const happened = actual.get(calibration.customerIds[i]!) ?? 0;
    row.customers += 1;
    row.meanPredicted += predicted;
    row.meanActual += happened;
    totalPredicted += predicted;
    totalActual += happened;
  }
  for (const row of rows) {
    if (row.customers === 0) continue;
    row.meanPredicted /= row.customers;
    row.meanActual /= row.customers;
  }
  return { bgNbd: fit, unit, holdoutUnits, customers: calibration.customerIds.length, rows: rows.filter((row) => row.customers > 0), totalPredicted, totalActual };
}

/**
 * crm pyramid --by clv: tiers by predicted CLV instead of past profit, with the pyramid's rules (docs/rules.md#value-pyramid): a
 * customer at rank p (1 = highest CLV; tied customers share the best rank) is in the top c % when p ≤ ⌈n·c/100⌉.
 * Returns each customer's tier (0 platinum … 3 lead) and rank.
 */
export function clvTiers(clvCents: Float64Array, cuts: readonly [number, number, number]): { tier: Uint8Array; rank: Uint32Array } {
  const n = clvCents.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => clvCents[j]! - clvCents[i]! || i - j);
  const limits = cuts.map((cut) => Math.ceil((n * cut) / 100));
  const tier = new Uint8Array(n);
  const rank = new Uint32Array(n);
  let currentRank = 0;
  order.forEach((customer, position) => {
    if (position === 0 || clvCents[customer]! !== clvCents[order[position - 1]!]!) currentRank = position + 1;
    rank[customer] = currentRank;
    const level = limits.findIndex((limit) => currentRank <= limit);
    tier[customer] = level === -1 ? 3 : level;
  });
  return { tier, rank };
}

/** Only the BG/NBD part: each customer's p_alive (crm agenda needs no values). Throws ClvError like analyseClv. */
export function probabilitiesAlive(summary: PurchaseSummary, unit: ClvUnit): Float64Array {
  const { groups, groupOf, fit } = fitPurchases(summary, unit);
  const perGroup = groups.count.map((_, g) => probabilityAlive(fit.params, groups.frequency[g]!, groups.recency[g]!, groups.T[g]!));
  return Float64Array.from(groupOf, (g) => perGroup[g]!);
}
