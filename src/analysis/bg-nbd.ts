// The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): likelihood, fit,
// expected purchases and probability alive, computed exactly as the Python package lifetimes does.
import { digamma, lnGamma, signedLogHyp2f1 } from './special-functions.js';
import { minimiseBfgs } from './bfgs.js';
import { minimise } from './nelder-mead.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Customers with the same (frequency, recency, T), counted once with their number: the fit's input. */
export interface PurchaseGroups {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  count: Float64Array;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

/** Distinct values and, per group, the index of its value: the likelihood's logarithms are taken once per value. */
interface Distinct {
  values: Float64Array;
  indexOf: Int32Array;
}

function distinct(column: Float64Array): Distinct {
  const position = new Map<number, number>();
  const values: number[] = [];
  const indexOf = new Int32Array(column.length);
  for (let i = 0; i < column.length; i += 1) {
    let at = position.get(column[i]!);
    if (at === undefined) {
      at = values.length;
      position.set(column[i]!, at);
      values.push(column[i]!);
    }
    indexOf[i] = at;
  }
  return { values: Float64Array.from(values), indexOf };
}

/** The groups with their distinct frequencies, recencies and ages indexed: built once per fit. */
export interface IndexedGroups {
  groups: PurchaseGroups;
  frequencies: Distinct;
  recencies: Distinct;
  ages: Distinct;
}

export function indexGroups(groups: PurchaseGroups): IndexedGroups {
  return { groups, frequencies: distinct(groups.frequency), recencies: distinct(groups.recency), ages: distinct(groups.T) };
}

/**
 * Total log-likelihood, lifetimes' BetaGeoFitter._negative_log_likelihood (negated, summed, not averaged):
 *   A1 = lnΓ(r+x) − lnΓ(r) + r ln α,  A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
 *   A3 = −(r+x) ln(α+T),  A4 = ln a − ln(b + max(x,1) − 1) − (r+x) ln(α+tₓ),
 *   ll = A1 + A2 + ln(e^A3 + [x>0] e^A4): a customer without repeat purchases has only the e^A3 term.
 * The terms that depend on one of x, tₓ or T alone are computed once per distinct value (a fit evaluates this
 * hundreds of times over up to a million customers' groups).
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: PurchaseGroups | IndexedGroups): number {
  const indexed = 'frequencies' in data ? data : indexGroups(data);
  const { groups, frequencies, recencies, ages } = indexed;
  const { r, alpha, a, b } = params;
  const shared = lnGamma(a + b) - lnGamma(b) - lnGamma(r) + r * Math.log(alpha);
  const logA = Math.log(a);
  const xs = frequencies.values;
  const gammaTerms = new Float64Array(xs.length);
  const dropTerms = new Float64Array(xs.length);
  for (let k = 0; k < xs.length; k += 1) {
    const x = xs[k]!;
    gammaTerms[k] = shared + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    dropTerms[k] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }
  const logAge = ages.values.map((T) => Math.log(alpha + T));
  const logRecency = recencies.values.map((tx) => Math.log(alpha + tx));
  let total = 0;
  for (let i = 0; i < groups.count.length; i += 1) {
    const k = frequencies.indexOf[i]!;
    const power = r + xs[k]!;
    const a3 = -power * logAge[ages.indexOf[i]!]!;
    let term = a3;
    if (dropTerms[k] !== -Infinity) {
      const a4 = dropTerms[k]! - power * logRecency[recencies.indexOf[i]!]!;
      term = a3 > a4 ? a3 + Math.log1p(Math.exp(a4 - a3)) : a4 + Math.log1p(Math.exp(a3 - a4));
    }
    total += groups.count[i]! * (gammaTerms[k]! + term);
  }
  return total;
}

/**
 * The log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b), for the BFGS fit. With
 * w = e^A4 / (e^A3 + e^A4) the share of the drop-out term, ∂/∂r = Σ ψ(r+x) − ψ(r) + ln α − (1−w) ln(α+T) − w ln(α+tₓ),
 * ∂/∂α = Σ r/α − (r+x)((1−w)/(α+T) + w/(α+tₓ)), ∂/∂a = Σ ψ(a+b) − ψ(a+b+x) + w/a,
 * ∂/∂b = Σ ψ(a+b) − ψ(b) + ψ(b+x) − ψ(a+b+x) − w/(b+x−1); each times its parameter for the log scale.
 */
export function bgNbdLogLikelihoodWithGradient(params: BgNbdParams, indexed: IndexedGroups): { value: number; gradient: [number, number, number, number] } {
  const { groups, frequencies, recencies, ages } = indexed;
  const { r, alpha, a, b } = params;
  const shared = lnGamma(a + b) - lnGamma(b) - lnGamma(r) + r * Math.log(alpha);
  const logA = Math.log(a);
  const xs = frequencies.values;
  const gammaTerms = new Float64Array(xs.length);
  const dropTerms = new Float64Array(xs.length);
  const customersOf = new Float64Array(xs.length);
  const dropWeightOf = new Float64Array(xs.length);
  const logAge = ages.values.map((T) => Math.log(alpha + T));
  const inverseAge = ages.values.map((T) => 1 / (alpha + T));
  const logRecency = recencies.values.map((tx) => Math.log(alpha + tx));
  const inverseRecency = recencies.values.map((tx) => 1 / (alpha + tx));
  for (let k = 0; k < xs.length; k += 1) {
    const x = xs[k]!;
    gammaTerms[k] = shared + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    dropTerms[k] = x > 0 ? logA - Math.log(b + x - 1) : -Infinity;
  }
  let total = 0;
  let dr = 0;
  let dAlpha = 0;
  for (let i = 0; i < groups.count.length; i += 1) {
    const k = frequencies.indexOf[i]!;
    const count = groups.count[i]!;
    const power = r + xs[k]!;
    const t = ages.indexOf[i]!;
    const a3 = -power * logAge[t]!;
    customersOf[k]! += count;
    if (dropTerms[k] === -Infinity) {
      total += count * (gammaTerms[k]! + a3);
      dr -= count * logAge[t]!;
      dAlpha -= count * power * inverseAge[t]!;
      continue;
    }
    const x = recencies.indexOf[i]!;
    const a4 = dropTerms[k]! - power * logRecency[x]!;
    const e = Math.exp(-Math.abs(a4 - a3));
    const term = Math.max(a3, a4) + Math.log1p(e);
    const w = a4 > a3 ? 1 / (1 + e) : e / (1 + e);
    total += count * (gammaTerms[k]! + term);
    dr -= count * ((1 - w) * logAge[t]! + w * logRecency[x]!);
    dAlpha -= count * power * ((1 - w) * inverseAge[t]! + w * inverseRecency[x]!);
    dropWeightOf[k]! += count * w;
  }
  const psiR = digamma(r);
  const psiB = digamma(b);
  const psiAB = digamma(a + b);
  let da = 0;
  let db = 0;
  for (let k = 0; k < xs.length; k += 1) {
    const x = xs[k]!;
    const count = customersOf[k]!;
    if (count === 0) continue;
    const psiABX = digamma(a + b + x);
    dr += count * (digamma(r + x) - psiR + Math.log(alpha));
    dAlpha += (count * r) / alpha;
    da += count * (psiAB - psiABX) + (x > 0 ? dropWeightOf[k]! / a : 0);
    db += count * (psiAB - psiB + digamma(b + x) - psiABX) - (x > 0 ? dropWeightOf[k]! / (b + x - 1) : 0);
  }
  return { value: total, gradient: [r * dr, alpha * dAlpha, a * da, b * db] };
}

/**
 * Maximum likelihood over ln r, ln α, ln a, ln b (so all four stay positive), by Nelder–Mead. Time is scaled
 * to at most 1 during the search, as lifetimes does, so that α starts near the others; α is scaled back after.
 */
export function fitBgNbd(groups: PurchaseGroups): BgNbdFit {
  let maxT = 0;
  let customers = 0;
  for (let i = 0; i < groups.T.length; i += 1) {
    maxT = Math.max(maxT, groups.T[i]!);
    customers += groups.count[i]!;
  }
  const scale = maxT > 0 ? 1 / maxT : 1;
  // Indexed once: the likelihood reads recency and T only through their distinct values, so the scaled search
  // scales those (a few hundred numbers) and shares the per-group indexes with the final, unscaled likelihood.
  const indexed = indexGroups(groups);
  const scaledValues = (column: Distinct): Distinct => ({ values: column.values.map((v) => v * scale), indexOf: column.indexOf });
  const scaled: IndexedGroups = { ...indexed, recencies: scaledValues(indexed.recencies), ages: scaledValues(indexed.ages) };
  const toParams = (point: number[]): BgNbdParams => ({ r: Math.exp(point[0]!), alpha: Math.exp(point[1]!), a: Math.exp(point[2]!), b: Math.exp(point[3]!) });
  // The mean log-likelihood, as lifetimes minimises, keeps the tolerances independent of the number of customers.
  // BFGS with the analytic gradient needs a few dozen evaluations where Nelder–Mead needed hundreds (a million
  // customers' groups each time); Nelder–Mead remains the fallback when BFGS does not converge.
  const withGradient = (point: number[]) => {
    const { value, gradient } = bgNbdLogLikelihoodWithGradient(toParams(point), scaled);
    return { value: -value / customers, gradient: gradient.map((g) => -g / customers) };
  };
  let result: { point: number[]; value: number; iterations: number; converged: boolean } = minimiseBfgs(withGradient, [0, 0, 0, 0], { gradientTolerance: 1e-9 });
  if (!result.converged) {
    const objective = (point: number[]) => -bgNbdLogLikelihood(toParams(point), scaled) / customers;
    result = minimise(objective, [0, 0, 0, 0], { step: 0.5, functionTolerance: 1e-12, pointTolerance: 1e-9 });
  }
  const scaledParams = toParams(result.point);
  const params = { ...scaledParams, alpha: scaledParams.alpha / scale };
  return { params, logLikelihood: bgNbdLogLikelihood(params, indexed), converged: result.converged && Number.isFinite(result.value), iterations: result.iterations };
}

/**
 * Expected repeat purchases in the next t time units of a customer with history (x, tₓ, T):
 * lifetimes' conditional_expected_number_of_purchases_up_to_time (the paper's equation 10),
 *   (a+b+x−1)/(a−1) · [1 − ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t)) · ((α+T)/(α+T+t))^(r+x)]
 *   / (1 + [x>0] · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)).
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, recency: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  // ₂F₁ is negative for some c = a+b+x−1 < 0 (x = 0 and a + b < 1); (a+b+x−1)/(a−1) then changes sign with it.
  const hyp = signedLogHyp2f1(r + x, b + x, a + b + x - 1, z);
  const first = (a + b + x - 1) / (a - 1);
  const second = 1 - hyp.sign * Math.exp(hyp.log + (r + x) * Math.log((alpha + T) / (alpha + t + T)));
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + recency))) : 0);
  return (first * second) / denominator;
}

/**
 * Probability that the customer has not dropped out (lifetimes' conditional_probability_alive, Hardie's note 021):
 * 1 without repeat purchases (the model lets a customer drop out only right after a purchase), else
 * 1 / (1 + a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)).
 */
export function probabilityAlive(params: BgNbdParams, x: number, recency: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = (r + x) * Math.log((alpha + T) / (alpha + recency)) + Math.log(a / (b + x - 1));
  return 1 / (1 + Math.exp(logOdds));
}
