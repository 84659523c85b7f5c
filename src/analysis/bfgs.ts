// BFGS quasi-Newton minimisation with a backtracking (Armijo) line search: the CLV fits' optimiser, on log-scale
// parameters, with analytic gradients; Nelder–Mead (nelder-mead.ts) is the fallback when it fails.

export interface ValueAndGradient {
  value: number;
  gradient: number[];
}

export interface BfgsOptions {
  /** Converged when every gradient component is at most this. */
  gradientTolerance?: number;
  maxIterations?: number;
}

export interface BfgsMinimum {
  point: number[];
  value: number;
  gradient: number[];
  iterations: number;
  converged: boolean;
}

const dot = (u: readonly number[], v: readonly number[]) => u.reduce((sum, value, i) => sum + value * v[i]!, 0);
const maxAbs = (v: readonly number[]) => v.reduce((max, value) => Math.max(max, Math.abs(value)), 0);

/**
 * Minimises f from start. The inverse Hessian estimate starts as the identity and is updated with each step
 * (s, y) when yᵀs > 0 (else it is reset), so it stays positive definite. A step that leaves the finite region
 * is halved like any other that does not decrease f enough.
 */
export function minimiseBfgs(f: (point: number[]) => ValueAndGradient, start: number[], options: BfgsOptions = {}): BfgsMinimum {
  const n = start.length;
  const tolerance = options.gradientTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const identity = (): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let inverse = identity();
  let point = start.slice();
  let current = f(point);
  if (!Number.isFinite(current.value) || !current.gradient.every(Number.isFinite)) return { point, ...current, iterations: 0, converged: false };
  for (let iteration = 1; iteration <= maxIterations; iteration += 1) {
    if (maxAbs(current.gradient) <= tolerance) return { point, ...current, iterations: iteration - 1, converged: true };
    let direction = inverse.map((row) => -dot(row, current.gradient));
    let slope = dot(direction, current.gradient);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      inverse = identity();
      direction = current.gradient.map((g) => -g);
      slope = dot(direction, current.gradient);
    }
    let step = 1;
    let next: ValueAndGradient | null = null;
    let nextPoint = point;
    for (let halvings = 0; halvings < 60; halvings += 1) {
      nextPoint = point.map((value, i) => value + step * direction[i]!);
      const candidate = f(nextPoint);
      if (Number.isFinite(candidate.value) && candidate.gradient.every(Number.isFinite) && candidate.value <= current.value + 1e-4 * step * slope) {
        next = candidate;
        break;
      }
      step /= 2;
    }
    if (!next) {
      // No step decreases f any more: at the minimum to machine precision if the gradient is small, else stuck.
      return { point, ...current, iterations: iteration, converged: maxAbs(current.gradient) <= tolerance * 1e3 };
    }
    const s = nextPoint.map((value, i) => value - point[i]!);
    const y = next.gradient.map((value, i) => value - current.gradient[i]!);
    const ys = dot(y, s);
    if (ys > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1 / yᵀs
      const rho = 1 / ys;
      const hy = inverse.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      inverse = inverse.map((row, i) => row.map((value, j) => value - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!));
    } else {
      inverse = identity();
    }
    const improvement = current.value - next.value;
    point = nextPoint;
    current = next;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(current.value)) && maxAbs(current.gradient) <= tolerance * 1e3) {
      return { point, ...current, iterations: iteration, converged: true };
    }
  }
  return { point, ...current, iterations: maxIterations, converged: maxAbs(current.gradient) <= tolerance };
}
