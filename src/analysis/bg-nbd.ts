// The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): likelihood, fit,
// expected purchases and probability alive, computed exactly as the Python package lifetimes does.
import { lnGamma, logAddExp, logHyp2f1 } from './special-functions.js';
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

/**
 * Total log-likelihood, lifetimes' BetaGeoFitter._negative_log_likelihood (negated, summed, not averaged):
 *   A1 = lnΓ(r+x) − lnΓ(r) + r ln α,  A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x),
 *   A3 = −(r+x) ln(α+T),  A4 = ln a − ln(b + max(x,1) − 1) − (r+x) ln(α+tₓ),
 *   ll = A1 + A2 + ln(e^A3 + [x>0] e^A4): a customer without repeat purchases has only the e^A3 term.
 * The lnΓ terms depend on x alone, so they are computed once per distinct frequency.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, groups: PurchaseGroups): number {
  const { r, alpha, a, b } = params;
  const shared = lnGamma(a + b) - lnGamma(b) - lnGamma(r) + r * Math.log(alpha);
  const perFrequency = new Map<number, number>();
  const logA = Math.log(a);
  let total = 0;
  for (let i = 0; i < groups.count.length; i += 1) {
    const x = groups.frequency[i]!;
    let gammaTerms = perFrequency.get(x);
    if (gammaTerms === undefined) {
      gammaTerms = lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
      perFrequency.set(x, gammaTerms);
    }
    const a3 = -(r + x) * Math.log(alpha + groups.T[i]!);
    const a4 = x > 0 ? logA - Math.log(b + x - 1) - (r + x) * Math.log(groups.recency[i]! + alpha) : -Infinity;
    total += groups.count[i]! * (shared + gammaTerms + logAddExp(a3, a4));
  }
  return total;
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
  const scaled: PurchaseGroups = { ...groups, recency: groups.recency.map((v) => v * scale), T: groups.T.map((v) => v * scale) };
  const toParams = (point: number[]): BgNbdParams => ({ r: Math.exp(point[0]!), alpha: Math.exp(point[1]!), a: Math.exp(point[2]!), b: Math.exp(point[3]!) });
  // The mean log-likelihood, as lifetimes minimises, keeps the tolerances independent of the number of customers.
  const objective = (point: number[]) => -bgNbdLogLikelihood(toParams(point), scaled) / customers;
  const result = minimise(objective, [0, 0, 0, 0], { step: 0.5, functionTolerance: 1e-12, pointTolerance: 1e-9 });
  const scaledParams = toParams(result.point);
  const params = { ...scaledParams, alpha: scaledParams.alpha / scale };
  return { params, logLikelihood: bgNbdLogLikelihood(params, groups), converged: result.converged && Number.isFinite(result.value), iterations: result.iterations };
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
  const logHyp = logHyp2f1(r + x, b + x, a + b + x - 1, z);
  const first = (a + b + x - 1) / (a - 1);
  const second = 1 - Math.exp(logHyp + (r + x) * Math.log((alpha + T) / (alpha + t + T)));
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
