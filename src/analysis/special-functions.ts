// Special functions for the CLV models (bg-nbd.ts, gamma-gamma.ts): log-gamma and the Gauss hypergeometric 2F1.
import digammaFunction from '@stdlib/math-base-special-digamma';
import gammaln from '@stdlib/math-base-special-gammaln';

/** ln Γ(x), from stdlib (a maintained port of the Cephes/FreeBSD algorithm). */
export const lnGamma: (x: number) => number = gammaln;

/** ψ(x) = d/dx ln Γ(x), from stdlib: the gradients of the likelihoods. */
export const digamma: (x: number) => number = digammaFunction;

/** ln(e^a + e^b) without overflow; either may be -Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const high = Math.max(a, b);
  return high + Math.log1p(Math.exp(Math.min(a, b) - high));
}

export class SeriesNotConvergedError extends Error {}

const MAX_TERMS = 1_000_000;
const RESCALE_ABOVE = 1e250;

/**
 * ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 by the Gauss series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ. The running sum is rescaled
 * when it grows past 1e250, so the large values a frequent customer produces (the terms first grow for a
 * long while when a·b/c is large) stay finite in log space. Stops when a term no longer changes the sum
 * (relative 1e-15) once the terms are shrinking; throws SeriesNotConvergedError when that does not happen in
 * a million terms, or when the sum is not positive (its logarithm does not exist).
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1: z = ${z} is outside [0, 1)`);
  if (z === 0) return 0;
  let sum = 1;
  let term = 1;
  let logScale = 0;
  for (let n = 0; n < MAX_TERMS; n += 1) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (Math.abs(sum) > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += Math.log(RESCALE_ABOVE);
    }
    if (!Number.isFinite(sum)) break;
    if (Math.abs(ratio) < 1 && Math.abs(term) <= 1e-15 * Math.abs(sum)) {
      if (sum <= 0) throw new SeriesNotConvergedError(`2F1(${a}, ${b}; ${c}; ${z}) is not positive`);
      return Math.log(sum) + logScale;
    }
    if (term === 0) return Math.log(sum) + logScale;
  }
  throw new SeriesNotConvergedError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge`);
}
