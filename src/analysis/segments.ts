// Customer segments from RFM: the rules scheme (score ranges) and cn8 (eight classes vs the average); summaries.
import type { RfmInputs } from '../db/analysis.js';
import { quantileType7, sortedCopy } from './binning.js';
import type { RfmScores } from './rfm.js';
import { OTHERS, OTHERS_ZH, SegmentLookup, type SegmentRule } from './segment-rules.js';

export type SegmentScheme = 'rules' | 'cn8';
export type Baseline = 'mean' | 'median';

export interface SegmentLabel {
  name: string;
  nameZh: string;
}

/** Which segment each customer is in: an index into labels, per customer (same order as the inputs). */
export interface Segmentation {
  scheme: SegmentScheme;
  labels: SegmentLabel[];
  segmentOf: Int16Array;
  /** cn8 only: the baseline each measure is compared with (recency days, orders, cents). */
  baseline?: { kind: Baseline; recencyDays: number; frequency: number; monetaryCents: number };
}

/** Whether `text` names this segment: its English name in any case, or its Chinese name (as --segment takes it). */
export function segmentNamed(segment: SegmentLabel, text: string): boolean {
  const wanted = text.trim().toLowerCase();
  return segment.name.toLowerCase() === wanted || segment.nameZh.toLowerCase() === wanted;
}

/** Rules scheme: the first rule whose R, F and M bounds all hold; else Others (the last label). */
export function segmentByRules(scores: RfmScores, rules: readonly SegmentRule[]): Segmentation {
  const maxScore = Math.max(scores.bins.r, scores.bins.f, scores.bins.m);
  const lookup = new SegmentLookup(rules, maxScore);
  const labels: SegmentLabel[] = [...rules.map((rule) => ({ name: rule.name, nameZh: rule.nameZh ?? rule.name })), { name: OTHERS, nameZh: OTHERS_ZH }];
  const others = labels.length - 1;
  const segmentOf = new Int16Array(scores.customerIds.length);
  for (let i = 0; i < segmentOf.length; i++) {
    const index = lookup.index(scores.rScore[i]!, scores.fScore[i]!, scores.mScore[i]!);
    segmentOf[i] = index < 0 ? others : index;
  }
  return { scheme: 'rules', labels, segmentOf };
}

/** docs/rules.md#segments: the eight cn8 classes, in its table's order; index = 4·(M low) + 2·(R low) + (F low). */
export const cn8Labels: readonly SegmentLabel[] = [
  { name: 'Important value', nameZh: '重要价值客户' },
  { name: 'Important development', nameZh: '重要发展客户' },
  { name: 'Important retention', nameZh: '重要保持客户' },
  { name: 'Important win-back', nameZh: '重要挽留客户' },
  { name: 'General value', nameZh: '一般价值客户' },
  { name: 'General development', nameZh: '一般发展客户' },
  { name: 'General retention', nameZh: '一般保持客户' },
  { name: 'General win-back', nameZh: '一般挽留客户' },
];

function baselineOf(values: Float64Array, kind: Baseline): number {
  if (values.length === 0) return 0;
  if (kind === 'median') return quantileType7(sortedCopy(values), 0.5);
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * cn8 scheme: each measure is "high" when strictly better than the baseline (mean or median over all
 * customers): R high = fewer days than the baseline, F and M high = more. Equal to the baseline is low.
 */
export function segmentCn8(inputs: RfmInputs, kind: Baseline): Segmentation {
  const recencyDays = baselineOf(inputs.recencyDays, kind);
  const frequency = baselineOf(inputs.frequency, kind);
  const monetaryCents = baselineOf(inputs.monetaryCents, kind);
  const segmentOf = new Int16Array(inputs.customerIds.length);
  for (let i = 0; i < segmentOf.length; i++) {
    const rLow = inputs.recencyDays[i]! < recencyDays ? 0 : 1;
    const fLow = inputs.frequency[i]! > frequency ? 0 : 1;
    const mLow = inputs.monetaryCents[i]! > monetaryCents ? 0 : 1;
    segmentOf[i] = 4 * mLow + 2 * rLow + fLow;
  }
  return { scheme: 'cn8', labels: [...cn8Labels], segmentOf, baseline: { kind, recencyDays, frequency, monetaryCents } };
}

export interface SegmentSummary {
  segment: SegmentLabel;
  customers: number;
  /** Percent of all customers in the analysis (0–100). */
  share: number;
  orders: number;
  revenueCents: number;
  averageOrderCents: number | null;
  averageRecencyDays: number | null;
}

/** One row per segment, in the scheme's order, empty segments included (an empty segment is worth seeing). */
export function summariseSegments(inputs: RfmInputs, segmentation: Segmentation): SegmentSummary[] {
  const size = segmentation.labels.length;
  const customers = new Array<number>(size).fill(0);
  const orders = new Array<number>(size).fill(0);
  const revenue = new Array<number>(size).fill(0);
  const recency = new Array<number>(size).fill(0);
  for (let i = 0; i < segmentation.segmentOf.length; i++) {
    const s = segmentation.segmentOf[i]!;
    customers[s]!++;
    orders[s]! += inputs.frequency[i]!;
    revenue[s]! += inputs.monetaryCents[i]!;
    recency[s]! += inputs.recencyDays[i]!;
  }
  const total = segmentation.segmentOf.length;
  return segmentation.labels.map((segment, s) => ({
    segment,
    customers: customers[s]!,
    share: total ? (100 * customers[s]!) / total : 0,
    orders: orders[s]!,
    revenueCents: revenue[s]!,
    averageOrderCents: orders[s]! ? Math.round(revenue[s]! / orders[s]!) : null,
    averageRecencyDays: customers[s]! ? recency[s]! / customers[s]! : null,
  }));
}
