// The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005, "RFM and CLV"; Hardie's note 025),
// as the Python package lifetimes computes it: likelihood, fit and the conditional expected average value.
import { digamma, lnGamma } from './special-functions.js';
import { minimiseBfgs } from './bfgs.js';
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

/**
 * The log-likelihood and its gradient with respect to (ln p, ln q, ln v), for the BFGS fit:
 * ∂/∂p = Σ x(ψ(px+q) − ψ(px) + ln x + ln m − ln(xm+v)), ∂/∂q = Σ ψ(px+q) − ψ(q) + ln v − ln(xm+v),
 * ∂/∂v = Σ q/v − (px+q)/(xm+v); each times its parameter for the log scale.
 */
export function gammaGammaLogLikelihoodWithGradient(params: GammaGammaParams, groups: SpendGroups): { value: number; gradient: [number, number, number] } {
  const { p, q, v } = params;
  const logV = Math.log(v);
  const shared = -lnGamma(q) + q * logV;
  const psiQ = digamma(q);
  const perFrequency = new Map<number, { value: number; dp: number; dq: number }>();
  let total = 0;
  let dp = 0;
  let dq = 0;
  let dv = 0;
  for (let i = 0; i < groups.count.length; i += 1) {
    const x = groups.frequency[i]!;
    const m = groups.monetary[i]!;
    const count = groups.count[i]!;
    let terms = perFrequency.get(x);
    if (terms === undefined) {
      const psiSum = digamma(p * x + q);
      terms = {
        value: lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x),
        dp: x * (psiSum - digamma(p * x) + Math.log(x)),
        dq: psiSum - psiQ + logV,
      };
      perFrequency.set(x, terms);
    }
    const logM = Math.log(m);
    const logXmv = Math.log(x * m + v);
    total += count * (shared + terms.value + (p * x - 1) * logM - (p * x + q) * logXmv);
    dp += count * (terms.dp + x * logM - x * logXmv);
    dq += count * (terms.dq - logXmv);
    dv += count * (q / v - (p * x + q) / (x * m + v));
  }
  return { value: total, gradient: [p * dp, q * dq, v * dv] };
}

/** Maximum likelihood over ln p, ln q, ln v: BFGS with the analytic gradient, Nelder–Mead when it does not converge. */
export function fitGammaGamma(groups: SpendGroups): GammaGammaFit {
  let customers = 0;
  for (let i = 0; i < groups.count.length; i += 1) customers += groups.count[i]!;
  const toParams = (point: number[]): GammaGammaParams => ({ p: Math.exp(point[0]!), q: Math.exp(point[1]!), v: Math.exp(point[2]!) });
  const withGradient = (point: number[]) => {
    const { value, gradient } = gammaGammaLogLikelihoodWithGradient(toParams(point), groups);
    return { value: -value / customers, gradient: gradient.map((g) => -g / customers) };
  };
  let result: { point: number[]; value: number; iterations: number; converged: boolean } = minimiseBfgs(withGradient, [0, 0, 0], { gradientTolerance: 1e-9 });
  if (!result.converged) {
    const objective = (point: number[]) => -gammaGammaLogLikelihood(toParams(point), groups) / customers;
    result = minimise(objective, [0, 0, 0], { step: 0.5, functionTolerance: 1e-12, pointTolerance: 1e-9 });
  }
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
