// Who a campaign is for (issue 11): customers in a segment, tier and/or lifecycle stage as of a date.
// Plain data in and out: report/analysis-inputs.ts planCampaignOn reads what the criteria need and calls these.
import { segmentCustomers } from './customer-segments.js';
import { classifyLifecycle, stages, type Stage } from './lifecycle.js';
import { tierIndex, tiers } from './pyramid.js';
import type { CustomerLabel, RfmInputs } from '../db/analysis.js';
import type { PurchaseHistory } from '../db/relationship.js';
import { splitHoldout } from './campaign-split.js';
import { defaultSegmentRules, OTHERS, OTHERS_ZH } from './segment-rules.js';

export interface AudienceCriteria {
  /** A segment of the default rules (English or Chinese name). */
  segment?: string | null;
  /** A pyramid tier: platinum, gold, iron, lead (or its Chinese name). */
  tier?: string | null;
  /** A lifecycle stage: exploration, formation, stability, decline, lost. */
  stage?: string | null;
}

/** A criterion that names nothing known: the message says what is known. */
export class UnknownCriterion extends Error {}

export function stageKey(text: string): Stage | null {
  const found = stages.find((stage) => stage.key === text.trim().toLowerCase() || stage.name.toLowerCase() === text.trim().toLowerCase() || stage.nameZh === text.trim());
  return found ? found.key : null;
}

/** What campaignAudience reads: the RFM measures always, the tiers and histories only when a criterion needs them. */
export interface AudienceData {
  /** All history up to asOf (db/analysis.ts rfmInputs). */
  rfm: RfmInputs;
  /** The default pyramid's tier of each customer (db/pyramid.ts customerTiers with defaultCuts); needed with a tier. */
  tiers?: ReadonlyMap<number, { tier: number }>;
  /** Every purchase history (lifecycle's spend window); needed with a stage. */
  histories?: Iterable<PurchaseHistory>;
}

/** The criteria checked before anything is read: an unknown segment is only known once the segmentation is made. */
export function checkCriteria(criteria: AudienceCriteria): void {
  if (criteria.tier && tierIndex(criteria.tier.trim()) < 0) {
    throw new UnknownCriterion(`--tier "${criteria.tier}": no such tier (known: ${tiers.map((known) => `${known.key} (${known.nameZh})`).join(', ')})`);
  }
  if (criteria.stage && !stageKey(criteria.stage)) {
    throw new UnknownCriterion(`--stage "${criteria.stage}": no such stage (known: ${stages.map((known) => `${known.key} (${known.nameZh})`).join(', ')})`);
  }
}

/**
 * The internal ids of the customers (partners and leads never) who bought up to asOf and match every criterion
 * given, as of asOf over all their history: the segment by the default RFM rules (5 bins), the tier by the default
 * pyramid cuts, the stage by the default lifecycle rules: the same answers `crm segment`, `crm pyramid` and
 * `crm lifecycle` give with --as-of. No criterion: every customer who bought.
 */
export function campaignAudience(data: AudienceData, asOf: string, criteria: AudienceCriteria): number[] {
  const { scores, segmentation } = segmentCustomers(data.rfm, { bins: 5 });
  let ids: number[] = scores.customerIds.slice();
  if (criteria.segment) {
    const wanted = criteria.segment.trim().toLowerCase();
    const index = segmentation.labels.findIndex((label) => label.name.toLowerCase() === wanted || label.nameZh === criteria.segment!.trim());
    if (index < 0) throw new UnknownCriterion(`--segment "${criteria.segment}": no such segment (known: ${segmentation.labels.map((label) => `${label.name} (${label.nameZh})`).join(', ')})`);
    const inSegment = new Set(scores.customerIds.filter((_, position) => segmentation.segmentOf[position] === index));
    ids = ids.filter((id) => inSegment.has(id));
  }
  checkCriteria(criteria);
  if (criteria.tier) {
    const tier = tierIndex(criteria.tier.trim());
    const tierOf = data.tiers ?? new Map<number, { tier: number }>();
    ids = ids.filter((id) => tierOf.get(id)?.tier === tier);
  }
  if (criteria.stage) {
    const stage = stageKey(criteria.stage);
    const inStage = new Set<number>();
    for (const customer of classifyLifecycle(data.histories ?? [], asOf)) {
      if (customer.stage === stage) inStage.add(customer.history.id);
    }
    ids = ids.filter((id) => inStage.has(id));
  }
  return ids;
}

/** The default rules' English name of a segment given in English (any case) or Chinese; the text itself when unknown. */
export function segmentName(text: string): string {
  const wanted = text.trim();
  const labels = [...defaultSegmentRules, { name: OTHERS, nameZh: OTHERS_ZH }];
  const found = labels.find((label) => label.name.toLowerCase() === wanted.toLowerCase() || label.nameZh === wanted);
  return found ? found.name : wanted;
}

export interface CampaignPlan {
  customers: number;
  /** Internal customer ids of each group. */
  treated: number[];
  control: number[];
  /** The criteria as stored: the segment as given, the tier and stage by their keys. */
  stored: { segment: string | null; tier: string | null; stage: string | null };
}

/** The audience (campaignAudience's ids, with their labels) split by the seed: what crm campaign create (and crm demo) store. */
export function planCampaign(ids: readonly number[], labels: ReadonlyMap<number, CustomerLabel>, criteria: AudienceCriteria, holdoutPercent: number, seed: number): CampaignPlan {
  const idOf = new Map(ids.map((id) => [labels.get(id)!.externalId, id]));
  const split = splitHoldout([...idOf.keys()], holdoutPercent, seed);
  return {
    customers: ids.length,
    treated: split.treated.map((id) => idOf.get(id)!),
    control: split.control.map((id) => idOf.get(id)!),
    stored: {
      segment: criteria.segment ? segmentName(criteria.segment) : null,
      tier: criteria.tier ? tiers[tierIndex(criteria.tier.trim())]!.key : null,
      stage: criteria.stage ? stageKey(criteria.stage) : null,
    },
  };
}
