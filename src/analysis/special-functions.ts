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
 * ln |₂F₁(a, b; c; z)| and its sign, for 0 ≤ z < 1, by the Gauss series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ. The running sum is
 * rescaled when it grows past 1e250, so the large values a frequent customer produces (the terms first grow for a
 * long while when a·b/c is large) stay finite in log space. Stops when a term no longer changes the sum (relative
 * 1e-15) once the terms are shrinking; throws SeriesNotConvergedError when that does not happen in a million terms
 * (c = 0, −1, −2, … among them). The sum is negative for some c < 0: BG/NBD needs c = a + b − 1 for customers
 * without repeat purchases, below 0 when a + b < 1 (a population that drops out fast and very unevenly).
 */
export function signedLogHyp2f1(a: number, b: number, c: number, z: number): { log: number; sign: 1 | -1 } {
  if (!(z >= 0 && z < 1)) throw new RangeError(`logHyp2f1: z = ${z} is outside [0, 1)`);
  if (z === 0) return { log: 0, sign: 1 };
  let sum = 1;
  let term = 1;
  let logScale = 0;
  const result = () => {
    if (sum === 0) throw new SeriesNotConvergedError(`2F1(${a}, ${b}; ${c}; ${z}) is 0`);
    return { log: Math.log(Math.abs(sum)) + logScale, sign: sum > 0 ? 1 as const : -1 as const };
  };
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
    if (Math.abs(ratio) < 1 && Math.abs(term) <= 1e-15 * Math.abs(sum)) return result();
    if (term === 0) return result();
  }
  throw new SeriesNotConvergedError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge`);
}

/** ln ₂F₁(a, b; c; z) (signedLogHyp2f1); throws SeriesNotConvergedError when the value is not positive. */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  const { log, sign } = signedLogHyp2f1(a, b, c, z);
  if (sign < 0) throw new SeriesNotConvergedError(`2F1(${a}, ${b}; ${c}; ${z}) is not positive`);
  return log;
}
