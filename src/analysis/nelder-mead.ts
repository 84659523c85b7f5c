// Nelder–Mead simplex minimisation (Lagarias et al. 1998 coefficients), used to fit the CLV models on log-scale parameters.

export interface MinimiseOptions {
  /** Initial step along each axis. */
  step?: number;
  /** Stop when the spread of function values over the simplex is at most this (absolute). */
  functionTolerance?: number;
  /** … and the simplex is at most this wide along every axis. */
  pointTolerance?: number;
  maxIterations?: number;
}

export interface Minimum {
  point: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises f from start. A non-finite value counts as +Infinity (the simplex moves away from it).
 * The search restarts from its best point until a restart no longer improves it (at most 5 times), the usual
 * guard against a simplex that collapsed early.
 */
export function minimise(f: (point: number[]) => number, start: number[], options: MinimiseOptions = {}): Minimum {
  const safe = (point: number[]) => {
    const value = f(point);
    return Number.isFinite(value) ? value : Infinity;
  };
  let best = simplexSearch(safe, start, options);
  let iterations = best.iterations;
  for (let restart = 0; restart < 5 && best.converged; restart += 1) {
    const again = simplexSearch(safe, best.point, options);
    iterations += again.iterations;
    const improved = best.value - again.value > (options.functionTolerance ?? 1e-10);
    if (again.value <= best.value) best = { ...again, converged: again.converged };
    if (!improved) break;
  }
  return { ...best, iterations };
}

function simplexSearch(f: (point: number[]) => number, start: number[], options: MinimiseOptions): Minimum {
  const n = start.length;
  const step = options.step ?? 0.5;
  const functionTolerance = options.functionTolerance ?? 1e-10;
  const pointTolerance = options.pointTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 2000 * n;
  const points: number[][] = [start.slice()];
  for (let axis = 0; axis < n; axis += 1) {
    const point = start.slice();
    point[axis] = point[axis]! + step;
    points.push(point);
  }
  let values = points.map(f);
  const along = (from: number[], to: number[], t: number) => from.map((value, i) => value + t * (to[i]! - value));
  for (let iteration = 1; iteration <= maxIterations; iteration += 1) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    const sortedPoints = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    points.splice(0, points.length, ...sortedPoints);
    const spread = values[n]! - values[0]!;
    let width = 0;
    for (let k = 1; k <= n; k += 1) for (let i = 0; i < n; i += 1) width = Math.max(width, Math.abs(points[k]![i]! - points[0]![i]!));
    if (spread <= functionTolerance && width <= pointTolerance) return { point: points[0]!, value: values[0]!, iterations: iteration, converged: true };
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k += 1) for (let i = 0; i < n; i += 1) centroid[i]! += points[k]![i]! / n;
    const worst = points[n]!;
    const reflected = along(centroid, worst, -1);
    const reflectedValue = f(reflected);
    if (reflectedValue < values[0]!) {
      const expanded = along(centroid, worst, -2);
      const expandedValue = f(expanded);
      if (expandedValue < reflectedValue) [points[n], values[n]] = [expanded, expandedValue];
      else [points[n], values[n]] = [reflected, reflectedValue];
      continue;
    }
    if (reflectedValue < values[n - 1]!) {
      [points[n], values[n]] = [reflected, reflectedValue];
      continue;
    }
    const outside = reflectedValue < values[n]!;
    const contracted = outside ? along(centroid, worst, -0.5) : along(centroid, worst, 0.5);
    const contractedValue = f(contracted);
    if (contractedValue < (outside ? reflectedValue : values[n]!)) {
      [points[n], values[n]] = [contracted, contractedValue];
      continue;
    }
    for (let k = 1; k <= n; k += 1) {
      points[k] = along(points[0]!, points[k]!, 0.5);
      values[k] = f(points[k]!);
    }
  }
  const at = values.indexOf(Math.min(...values));
  return { point: points[at]!, value: values[at]!, iterations: maxIterations, converged: false };
}
