// One call from the database to scored, segmented customers: what rfm, segment, advise and snapshot share.
import { rfmInputs, type Period } from '../db/analysis.js';
import type { Db } from '../db/open.js';
import { scoreRfm, type RfmScores, type Thresholds } from './rfm.js';
import { defaultSegmentRules, type SegmentRule } from './segment-rules.js';
import { segmentByRules, segmentCn8, type Baseline, type Segmentation, type SegmentScheme } from './segments.js';

export interface SegmentOptions {
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

export function segmentCustomers(db: Db, options: SegmentOptions): SegmentedCustomers {
  const inputs = rfmInputs(db, options.period);
  const scores = scoreRfm(inputs, { bins: options.bins, thresholds: options.thresholds });
  const segmentation =
    options.scheme === 'cn8' ? segmentCn8(inputs, options.baseline ?? 'mean') : segmentByRules(scores, options.rules ?? defaultSegmentRules);
  return { scores, segmentation };
}
