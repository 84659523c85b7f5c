// RFM scores per customer, computed exactly as R's rfm package does (issue 4); pure over RfmInputs.
import type { RfmInputs } from '../db/analysis.js';
import { binEdges, binOf, quantileCuts, sortedCopy, type BinEdges } from './binning.js';

export type Measure = 'r' | 'f' | 'm';

/** Hand-given cut points per measure (used verbatim, as R's rfm does with a vector of bins). */
export type Thresholds = Partial<Record<Measure, number[]>>;

export interface RfmOptions {
  /** Number of bins per measure when no thresholds are given (default 5). */
  bins: number;
  thresholds?: Thresholds;
}

export interface RfmScores extends RfmInputs {
  rScore: Uint8Array;
  fScore: Uint8Array;
  mScore: Uint8Array;
  /** Bins actually used per measure (thresholds give length + 1). */
  bins: Record<Measure, number>;
  /** The edges, in the measure's own unit (days, orders, currency units). */
  edges: Record<Measure, BinEdges>;
}

/** Monetary is binned in currency units, as R sees the revenue column, so cuts match R's. */
export function monetaryUnits(cents: Float64Array): Float64Array {
  return cents.map((value) => value / 100);
}

function edgesFor(values: Float64Array, bins: number, thresholds: number[] | undefined): { edges: BinEdges; bins: number } {
  const sorted = sortedCopy(values);
  if (thresholds) return { edges: binEdges(sorted, thresholds), bins: thresholds.length + 1 };
  return { edges: binEdges(sorted, quantileCuts(sorted, bins)), bins };
}

/**
 * Scores 1..N per measure. Frequency and monetary: bin number (1 = lowest). Recency is reversed:
 * the most recent customers (fewest days) score N. rfm_score = 100·R + 10·F + M.
 */
export function scoreRfm(inputs: RfmInputs, options: RfmOptions): RfmScores {
  const money = monetaryUnits(inputs.monetaryCents);
  const r = edgesFor(inputs.recencyDays, options.bins, options.thresholds?.r);
  const f = edgesFor(inputs.frequency, options.bins, options.thresholds?.f);
  const m = edgesFor(money, options.bins, options.thresholds?.m);
  const count = inputs.customerIds.length;
  const rScore = new Uint8Array(count);
  const fScore = new Uint8Array(count);
  const mScore = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const rBin = binOf(inputs.recencyDays[i]!, r.edges);
    rScore[i] = rBin === 0 ? 0 : r.bins + 1 - rBin;
    fScore[i] = binOf(inputs.frequency[i]!, f.edges);
    mScore[i] = binOf(money[i]!, m.edges);
  }
  return {
    ...inputs,
    rScore,
    fScore,
    mScore,
    bins: { r: r.bins, f: f.bins, m: m.bins },
    edges: { r: r.edges, f: f.edges, m: m.edges },
  };
}

export const rfmScore = (r: number, f: number, m: number): number => 100 * r + 10 * f + m;

/**
 * Parses "r=115,181,297,482 f=4,5,6,8 m=256,382,506,666" (any subset of r, f, m). Returns an error
 * message instead of throwing, so the CLI decides how to report it.
 */
export function parseThresholds(text: string): Thresholds | string {
  const thresholds: Thresholds = {};
  const parts = text.trim().split(/\s+|;/).filter(Boolean);
  if (parts.length === 0) return 'expected r=…,… f=…,… m=…,…';
  for (const part of parts) {
    const match = /^([rfm])=(.+)$/i.exec(part);
    if (!match) return `"${part}" is not measure=cut,cut,… (measure r, f or m)`;
    const measure = match[1]!.toLowerCase() as Measure;
    const cuts = match[2]!.split(',').map((cut) => Number(cut.trim()));
    if (cuts.some((cut) => !Number.isFinite(cut)) || match[2]!.split(',').some((cut) => cut.trim() === '')) {
      return `${measure}: "${match[2]}" is not a list of numbers`;
    }
    if (cuts.some((cut, i) => i > 0 && cut <= cuts[i - 1]!)) return `${measure}: cut points must increase`;
    if (cuts.length > 8) return `${measure}: at most 8 cut points (9 scores)`;
    thresholds[measure] = cuts;
  }
  return thresholds;
}
