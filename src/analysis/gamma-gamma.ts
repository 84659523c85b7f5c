// The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005, "RFM and CLV"; Hardie's note 025),
// as the Python package lifetimes computes it: likelihood, fit and the conditional expected average value.
import { lnGamma } from './special-functions.js';
import { minimise } from './nelder-mead.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** Repeat customers with the same (frequency, mean repeat value), counted once with their number. */
export interface SpendGroups {
  frequency: Float64Array;
  monetary: Float64Array;
  count: Float64Array;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

/**
 * Total log-likelihood, lifetimes' GammaGammaFitter._negative_log_likelihood negated and summed:
 *   lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m + px ln x − (px+q) ln(xm+v)
 * for each customer with x > 0 repeat purchases of mean value m > 0.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, groups: SpendGroups): number {
  const { p, q, v } = params;
  const shared = -lnGamma(q) + q * Math.log(v);
  const perFrequency = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < groups.count.length; i += 1) {
    const x = groups.frequency[i]!;
    const m = groups.monetary[i]!;
    let frequencyTerms = perFrequency.get(x);
    if (frequencyTerms === undefined) {
      frequencyTerms = lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x);
      perFrequency.set(x, frequencyTerms);
    }
    total += groups.count[i]! * (shared + frequencyTerms + (p * x - 1) * Math.log(m) - (p * x + q) * Math.log(x * m + v));
  }
  return total;
}

/** Maximum likelihood over ln p, ln q, ln v by Nelder–Mead. */
export function fitGammaGamma(groups: SpendGroups): GammaGammaFit {
  let customers = 0;
  for (let i = 0; i < groups.count.length; i += 1) customers += groups.count[i]!;
  const toParams = (point: number[]): GammaGammaParams => ({ p: Math.exp(point[0]!), q: Math.exp(point[1]!), v: Math.exp(point[2]!) });
  const objective = (point: number[]) => -gammaGammaLogLikelihood(toParams(point), groups) / customers;
  const result = minimise(objective, [0, 0, 0], { step: 0.5, functionTolerance: 1e-12, pointTolerance: 1e-9 });
  const params = toParams(result.point);
  return { params, logLikelihood: gammaGammaLogLikelihood(params, groups), converged: result.converged && Number.isFinite(result.value), iterations: result.iterations };
}

/**
 * Expected value of a future purchase (lifetimes' conditional_expected_average_profit, note 025 eq. 5):
 * a weighted mean of the customer's own mean m and the population mean v·p/(q−1), the weight p·x/(p·x+q−1)
 * growing with the number of repeat purchases x. Without repeat purchases it is the population mean.
 */
export function expectedAverageValue(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  const weight = (p * x) / (p * x + q - 1);
  return (1 - weight) * ((v * p) / (q - 1)) + weight * m;
}
