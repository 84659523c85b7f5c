// R-compatible RFM binning (package rfm 0.3.0): type-7 quantiles, +1, half-open bins. Used by rfm.ts.

/**
 * R's quantile(x, probs, type = 7) on an ascending-sorted array, computed the way R does it so that
 * results match to the last bit: index = 1 + (n − 1)·p, lo = floor, hi = ceiling,
 * q = (1 − h)·x[lo] + h·x[hi], interpolating only when index > lo and x[hi] differs from x[lo].
 */
export function quantileType7(sorted: ArrayLike<number>, probability: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = 1 + Math.max(n - 1, 0) * probability;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const low = sorted[lo - 1]!;
  const high = sorted[hi - 1]!;
  if (!(index > lo && high !== low)) return low;
  const h = index - lo;
  return (1 - h) * low + h * high;
}

/**
 * The inner cut points R's rfm uses for N bins: quantiles at probabilities k/N (k = 1..N−1), each + 1.
 * The probabilities are built as R's seq(0, 1, length.out = N + 1) builds them (k · (1/N)), not k/N,
 * because 3 · 0.2 ≠ 0.6 in floating point and R's cuts follow the former.
 */
export function quantileCuts(sorted: ArrayLike<number>, bins: number): number[] {
  const step = 1 / bins;
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) cuts.push(quantileType7(sorted, k * step) + 1);
  return cuts;
}

/** Bin edges: lower = (min, cuts…), upper = (cuts…, max + 1); bin i is [lower[i], upper[i]). */
export interface BinEdges {
  lower: number[];
  upper: number[];
}

export function binEdges(sorted: ArrayLike<number>, cuts: number[]): BinEdges {
  const min = sorted.length ? sorted[0]! : 0;
  const max = sorted.length ? sorted[sorted.length - 1]! : 0;
  return { lower: [min, ...cuts], upper: [...cuts, max + 1] };
}

/**
 * The 1-based bin holding value: the last bin i with lower[i] ≤ value < upper[i] (R assigns the bins
 * in a loop, so a later bin wins; with ascending cuts at most one non-empty bin can hold a value).
 * Returns 0 when no bin holds it (only possible with hand-given thresholds).
 */
export function binOf(value: number, edges: BinEdges): number {
  let found = 0;
  for (let i = 0; i < edges.lower.length; i++) {
    if (value >= edges.lower[i]! && value < edges.upper[i]!) found = i + 1;
  }
  return found;
}

/** Ascending copy of a numeric column (typed array sort is numeric, not lexicographic). */
export function sortedCopy(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/** The median of a list of numbers (the mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
