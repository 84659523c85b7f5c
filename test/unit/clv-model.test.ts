// The CLV numerics: log-gamma, 2F1, Nelder–Mead, the BG/NBD and Gamma-Gamma formulas (as lifetimes computes them).
import { describe, expect, it } from 'vitest';
import { minimiseBfgs } from '../../src/analysis/bfgs.js';
import { bgNbdLogLikelihood, bgNbdLogLikelihoodWithGradient, expectedPurchases, indexGroups, probabilityAlive, type PurchaseGroups } from '../../src/analysis/bg-nbd.js';
import { expectedAverageValue, gammaGammaLogLikelihood, gammaGammaLogLikelihoodWithGradient } from '../../src/analysis/gamma-gamma.js';
import { minimise } from '../../src/analysis/nelder-mead.js';
import { digamma, lnGamma, logAddExp, logHyp2f1, SeriesNotConvergedError, signedLogHyp2f1 } from '../../src/analysis/special-functions.js';

const groups = (rows: [number, number, number, number][]): PurchaseGroups => ({
  frequency: Float64Array.from(rows.map((row) => row[0])),
  recency: Float64Array.from(rows.map((row) => row[1])),
  T: Float64Array.from(rows.map((row) => row[2])),
  count: Float64Array.from(rows.map((row) => row[3])),
});

// The parameters lifetimes and Fader, Hardie and Lee (2005) publish for the CDNOW sample in weeks.
const published = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

describe('lnGamma (stdlib)', () => {
  it('matches known values', () => {
    expect(lnGamma(1)).toBe(0);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14); // Γ(1/2) = √π
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12); // Γ(10) = 9!
    // scipy.special.gammaln(0.2426) and gammaln(1e6)
    expect(lnGamma(0.2426)).toBeCloseTo(1.3197854750907922, 12);
    expect(lnGamma(1e6) / 12815504.569147611).toBeCloseTo(1, 14);
  });
});

describe('digamma (stdlib)', () => {
  it('matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14); // −γ (Euler–Mascheroni)
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.log(2), 13); // ψ(1/2) = −γ − 2 ln 2
    expect(digamma(0.2426)).toBeCloseTo(-4.358361853222514, 12); // scipy.special.digamma(0.2426)
  });
});

describe('logAddExp', () => {
  it('adds in log space without overflow', () => {
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 4)).toBe(4);
  });
});

describe('logHyp2f1', () => {
  it('matches closed forms', () => {
    // 2F1(1, 1; 2; z) = −ln(1−z)/z: at z = 1/2 it is 2 ln 2
    expect(Math.exp(logHyp2f1(1, 1, 2, 0.5))).toBeCloseTo(2 * Math.log(2), 13);
    // 2F1(a, b; b; z) = (1−z)^−a
    expect(logHyp2f1(2.5, 3, 3, 0.9)).toBeCloseTo(-2.5 * Math.log(0.1), 11);
    // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z)/z
    expect(Math.exp(logHyp2f1(0.5, 0.5, 1.5, 0.25))).toBeCloseTo(Math.asin(0.5) / 0.5, 13);
    expect(logHyp2f1(3, 4, 5, 0)).toBe(0);
  });

  it('matches scipy.special.hyp2f1 where the model needs it, including values far beyond a double', () => {
    // The CDNOW customer (x = 2, T = 38.86) over 39 weeks: hyp2f1(r+2, b+2, a+b+2, 39/(α+T+39)) = 3.297622409817876 (c as written)
    expect(Math.exp(logHyp2f1(2.2426, 4.4258, 5.2187, 39 / (4.4135 + 38.86 + 39)))).toBeCloseTo(3.297622409817876, 12);
    expect(Math.exp(logHyp2f1(0.2426, 2.4258, 0.7929 + 2.4258 - 1, 0.3))).toBeCloseTo(1.1003514745186438, 13);
    expect(Math.exp(logHyp2f1(3.2426, 5.4258, 0.7929 + 5.4258 - 1, 0.95)) / 27829.49458951666).toBeCloseTo(1, 12);
    // ln hyp2f1(100.5, 102.3, 103.1, 0.9) = 229.58624667396788: the terms grow for hundreds of steps first
    expect(logHyp2f1(100.5, 102.3, 103.1, 0.9)).toBeCloseTo(229.58624667396788, 9);
    // ln 2F1(600, 600; 600; 0.9) = −600 ln 0.1 ≈ 1381.6: a value of 1e600 is still a finite logarithm
    expect(logHyp2f1(600, 600, 600, 0.9)).toBeCloseTo(600 * Math.log(10), 8);
  });

  it('gives the sign of a negative value for c < 0 (scipy.special.hyp2f1), and logHyp2f1 refuses it', () => {
    const value = ({ log, sign }: { log: number; sign: number }) => sign * Math.exp(log);
    // scipy.special.hyp2f1(0.25, 0.5, -0.2, 0.6046511627906976) = -0.07755454069840338, and so on.
    expect(value(signedLogHyp2f1(0.25, 0.5, -0.2, 0.6046511627906976))).toBeCloseTo(-0.07755454069840338, 13);
    expect(value(signedLogHyp2f1(0.25, 0.6, -0.1, 0.6046511627906976))).toBeCloseTo(-1.478100084413935, 12);
    expect(value(signedLogHyp2f1(1.5, 2, -0.5, 0.3))).toBeCloseTo(-13.952519783423575, 11);
    expect(signedLogHyp2f1(1, 1, 2, 0.5).sign).toBe(1);
    expect(signedLogHyp2f1(1, 1, 2, 0.5).log).toBeCloseTo(Math.log(2 * Math.log(2)), 13);
    expect(() => logHyp2f1(0.25, 0.5, -0.2, 0.6)).toThrow(SeriesNotConvergedError);
    // c = 0: the series is undefined (lifetimes gives NaN there)
    expect(() => signedLogHyp2f1(0.25, 0.5, 0, 0.6)).toThrow(SeriesNotConvergedError);
  });

  it('throws when z is outside [0, 1) or the series cannot converge', () => {
    expect(() => logHyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => logHyp2f1(1e6, 1e6, 1, 0.999999)).toThrow(SeriesNotConvergedError);
  });
});

describe('minimise (Nelder–Mead)', () => {
  it('finds the minimum of a quadratic bowl and of Rosenbrock’s valley', () => {
    const bowl = minimise((p) => (p[0]! - 3) ** 2 + 10 * (p[1]! + 1) ** 2, [0, 0]);
    expect(bowl.converged).toBe(true);
    expect(bowl.point[0]).toBeCloseTo(3, 6);
    expect(bowl.point[1]).toBeCloseTo(-1, 6);
    const rosenbrock = minimise((p) => 100 * (p[1]! - p[0]! ** 2) ** 2 + (1 - p[0]!) ** 2, [-1.2, 1], { maxIterations: 10_000 });
    expect(rosenbrock.converged).toBe(true);
    expect(rosenbrock.point[0]).toBeCloseTo(1, 5);
    expect(rosenbrock.point[1]).toBeCloseTo(1, 5);
  });

  it('moves away from points where the function is not finite', () => {
    const result = minimise((p) => (p[0]! < 0 ? NaN : (p[0]! - 2) ** 2), [1]);
    expect(result.point[0]).toBeCloseTo(2, 6);
  });

  it('says when it ran out of iterations', () => {
    expect(minimise((p) => 100 * (p[1]! - p[0]! ** 2) ** 2 + (1 - p[0]!) ** 2, [-1.2, 1], { maxIterations: 5 }).converged).toBe(false);
  });
});

describe('BG/NBD', () => {
  it('log-likelihood of one customer without repeats is A1 + A2 + A3 (the A4 term is left out)', () => {
    // r = α = a = b = 1, x = 0, T = 3: A1 = lnΓ(1) − lnΓ(1) + 1·ln 1 = 0, A2 = lnΓ(2) + lnΓ(1) − lnΓ(1) − lnΓ(2) = 0,
    // A3 = −1·ln(1 + 3) = −ln 4. So ll = −ln 4, and two such customers −2 ln 4.
    expect(bgNbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, groups([[0, 0, 3, 2]]))).toBeCloseTo(-2 * Math.log(4), 14);
  });

  it('log-likelihood of a repeat customer adds e^A4', () => {
    // r = α = a = b = 1, x = 1, tₓ = 1, T = 3: A1 = lnΓ(2) − lnΓ(1) = 0; A2 = lnΓ(2) + lnΓ(2) − lnΓ(1) − lnΓ(3) = −ln 2;
    // A3 = −2 ln 4; A4 = ln 1 − ln(1 + 1 − 1) − 2 ln(1 + 1) = −2 ln 2. ll = −ln 2 + ln(1/16 + 1/4) = −ln 2 + ln(5/16).
    expect(bgNbdLogLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, groups([[1, 1, 3, 1]]))).toBeCloseTo(-Math.log(2) + Math.log(5 / 16), 14);
  });

  it('the CDNOW customer with x = 2, tₓ = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks (Fader, Hardie and Lee)', () => {
    // scipy with the published parameters gives 1.225911199899222
    expect(expectedPurchases(published, 39, 2, 30.43, 38.86)).toBeCloseTo(1.225911199899222, 10);
  });

  it('expected purchases of a customer without repeats when a + b < 1 (₂F₁ with c < 0 is negative), as scipy gives them', () => {
    // lifetimes conditional_expected_number_of_purchases_up_to_time(52, 0, 0, 30) with r 0.25, α 4, a 0.3, b 0.5 (or 0.6),
    // computed with scipy.special.hyp2f1: 0.3032847930762017 and 0.3102939439842393. These threw "not positive" before.
    expect(expectedPurchases({ r: 0.25, alpha: 4, a: 0.3, b: 0.5 }, 52, 0, 0, 30)).toBeCloseTo(0.3032847930762017, 12);
    expect(expectedPurchases({ r: 0.25, alpha: 4, a: 0.3, b: 0.6 }, 52, 0, 0, 30)).toBeCloseTo(0.3102939439842393, 12);
    // A repeat customer with the same parameters has c = a + b > 0: 0.5617798530412565 (scipy)
    expect(expectedPurchases({ r: 0.25, alpha: 4, a: 0.3, b: 0.5 }, 52, 1, 10, 30)).toBeCloseTo(0.5617798530412565, 12);
  });

  it('expected purchases: none in no time, and more the longer the horizon', () => {
    expect(expectedPurchases(published, 0, 2, 30.43, 38.86)).toBe(0);
    expect(expectedPurchases(published, 52, 2, 30.43, 38.86)).toBeGreaterThan(expectedPurchases(published, 39, 2, 30.43, 38.86));
  });

  it('p_alive is 1 without repeats and the logistic of the odds otherwise', () => {
    expect(probabilityAlive(published, 0, 0, 38.86)).toBe(1);
    // 1 / (1 + a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)) with x = 2: 0.7929/3.4258 · (43.2735/34.8435)^2.2426; scipy: 0.72660…
    const odds = (0.7929 / 3.4258) * ((4.4135 + 38.86) / (4.4135 + 30.43)) ** 2.2426;
    expect(probabilityAlive(published, 2, 30.43, 38.86)).toBeCloseTo(1 / (1 + odds), 14);
    // the last purchase today: as alive as a repeat customer can be, 1/(1 + a/(b+x−1))
    expect(probabilityAlive(published, 2, 38.86, 38.86)).toBeCloseTo(1 / (1 + 0.7929 / 3.4258), 14);
  });
});

describe('Gamma-Gamma', () => {
  it('log-likelihood of one customer by hand', () => {
    // p = q = v = 1, x = 1, m = 1: lnΓ(2) − lnΓ(1) − lnΓ(1) + 1·ln 1 + 0·ln 1 + 1·ln 1 − 2 ln(1 + 1) = −2 ln 2
    const spend = { frequency: Float64Array.of(1), monetary: Float64Array.of(1), count: Float64Array.of(3) };
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, v: 1 }, spend)).toBeCloseTo(-6 * Math.log(2), 14);
  });

  it('expected value per purchase shrinks the customer’s mean towards the population mean', () => {
    const params = { p: 6.25, q: 3.74, v: 15.44 };
    const population = (15.44 * 6.25) / 2.74; // v·p/(q−1) = 35.2190…
    expect(expectedAverageValue(params, 0, 0)).toBeCloseTo(population, 12);
    // x = 2, m = 50: weight 12.5/(12.5 + 2.74) = 0.82021; 0.17979 · 35.2190 + 0.82021 · 50 = 6.3321 + 41.0105 = 47.3425
    const weight = 12.5 / 15.24;
    expect(expectedAverageValue(params, 2, 50)).toBeCloseTo((1 - weight) * population + weight * 50, 12);
    expect(expectedAverageValue(params, 2, 50)).toBeCloseTo(47.3425, 4);
  });
});

describe('minimiseBfgs', () => {
  it('finds the minimum of Rosenbrock’s valley with its gradient', () => {
    const rosenbrock = (p: number[]) => ({
      value: 100 * (p[1]! - p[0]! ** 2) ** 2 + (1 - p[0]!) ** 2,
      gradient: [-400 * p[0]! * (p[1]! - p[0]! ** 2) - 2 * (1 - p[0]!), 200 * (p[1]! - p[0]! ** 2)],
    });
    const result = minimiseBfgs(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 6);
    expect(result.point[1]).toBeCloseTo(1, 6);
  });

  it('halves steps that leave the region where f is finite', () => {
    // f = x − ln x has its minimum at x = 1 and is NaN for x ≤ 0; the first full step from 0.1 overshoots below 0.
    const result = minimiseBfgs((p) => ({ value: p[0]! > 0 ? p[0]! - Math.log(p[0]!) : NaN, gradient: [p[0]! > 0 ? 1 - 1 / p[0]! : NaN] }), [0.1]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 6);
  });

  it('says when it did not converge', () => {
    expect(minimiseBfgs((p) => ({ value: p[0]!, gradient: [1] }), [0], { maxIterations: 3 }).converged).toBe(false);
  });
});

describe('analytic gradients agree with finite differences', () => {
  const central = (f: (point: number[]) => number, point: number[], i: number) => {
    const h = 1e-6;
    const up = point.slice();
    const down = point.slice();
    up[i] = up[i]! + h;
    down[i] = down[i]! - h;
    return (f(up) - f(down)) / (2 * h);
  };

  it('BG/NBD, with respect to the log parameters', () => {
    const data = indexGroups(groups([[0, 0, 38.86, 5], [2, 30.43, 38.86, 1], [1, 5, 20, 3], [7, 30, 31, 2]]));
    const toParams = (p: number[]) => ({ r: Math.exp(p[0]!), alpha: Math.exp(p[1]!), a: Math.exp(p[2]!), b: Math.exp(p[3]!) });
    const point = [Math.log(0.2426), Math.log(4.4135), Math.log(0.7929), Math.log(2.4258)];
    const { value, gradient } = bgNbdLogLikelihoodWithGradient(toParams(point), data);
    expect(value).toBeCloseTo(bgNbdLogLikelihood(toParams(point), data), 10);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(central((p) => bgNbdLogLikelihood(toParams(p), data), point, i), 5));
  });

  it('Gamma-Gamma, with respect to the log parameters', () => {
    const spend = { frequency: Float64Array.of(1, 2, 6), monetary: Float64Array.of(20, 35.5, 12), count: Float64Array.of(3, 1, 2) };
    const toParams = (p: number[]) => ({ p: Math.exp(p[0]!), q: Math.exp(p[1]!), v: Math.exp(p[2]!) });
    const point = [Math.log(6.25), Math.log(3.74), Math.log(15.44)];
    const { value, gradient } = gammaGammaLogLikelihoodWithGradient(toParams(point), spend);
    expect(value).toBeCloseTo(gammaGammaLogLikelihood(toParams(point), spend), 10);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(central((p) => gammaGammaLogLikelihood(toParams(p), spend), point, i), 5));
  });
});
