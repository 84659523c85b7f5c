// From per-customer RFM measures to scored, segmented customers: what rfm, segment, advise and snapshot share.
// Plain data in and out; report/analysis-inputs.ts reads the measures (db/analysis.ts rfmInputs) first.
import type { Period, RfmInputs } from '../db/analysis.js';
import { scoreRfm, type RfmScores, type Thresholds } from './rfm.js';
import { defaultSegmentRules, type SegmentRule } from './segment-rules.js';
import { segmentByRules, segmentCn8, type Baseline, type Segmentation, type SegmentScheme } from './segments.js';

export interface SegmentOptions {
  /** The orders the measures were read from (the caller reads them; the segmentation does not look at it). */
  period: Period;
  bins: number;
  thresholds?: Thresholds;
  scheme?: SegmentScheme;
  rules?: readonly SegmentRule[];
  baseline?: Baseline;
}

export interface SegmentedCustomers {
  scores: RfmScores;
  segmentation: Segmentation;
}

export function segmentCustomers(inputs: RfmInputs, options: Omit<SegmentOptions, 'period'>): SegmentedCustomers {
  const scores = scoreRfm(inputs, { bins: options.bins, thresholds: options.thresholds });
  const segmentation =
    options.scheme === 'cn8' ? segmentCn8(inputs, options.baseline ?? 'mean') : segmentByRules(scores, options.rules ?? defaultSegmentRules);
  return { scores, segmentation };
}
