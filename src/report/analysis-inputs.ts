// The one bridge from the commands and reports to issue 4's analysis (lifecycle, pyramid, segments, loyalty, snapshots,
// campaign audiences): each function here reads what an analysis needs from the store (src/db) first, then hands the
// analysis (src/analysis, plain data in and out) the rows. If that API moves, only this file does.
import { classifyLifecycle, defaultLifecycleRules, StageTally, type CustomerStage, type Stage, type StageSummary } from '../analysis/lifecycle.js';
import { buildPyramid, defaultCuts, tiers, type PyramidLevel } from '../analysis/pyramid.js';
import { segmentCustomers, type SegmentedCustomers, type SegmentOptions } from '../analysis/customer-segments.js';
import { summariseSegments, type Segmentation, type SegmentSummary } from '../analysis/segments.js';
import { loyaltyForm, summariseLoyalty, type LoyaltySummary } from '../analysis/loyalty.js';
import { rfGrid, type RfGrid } from '../analysis/rf-grid.js';
import type { RfmScores } from '../analysis/rfm.js';
import { defaultHighValueSegments, snapshotCustomers } from '../analysis/snapshot.js';
import { ClvError, probabilitiesAlive } from '../analysis/clv.js';
import { campaignAudience, planCampaign, type AudienceCriteria, type CampaignPlan } from '../analysis/campaign-audience.js';
import { customerLabels, rfmInputs, type Period } from '../db/analysis.js';
import { purchaseSummary } from '../db/clv.js';
import { customerTiers, pyramidTiers, type PyramidCuts } from '../db/pyramid.js';
import { allPurchaseHistories, loyaltyFacts, purchaseHistories } from '../db/relationship.js';
import type { Sql } from '../db/engine/sql.js';
import type { ReturnFacts } from '../db/report-customers.js';
import { addDays, daysBetween } from '../util/dates.js';
import type { ReportPeriod } from './period.js';

export { defaultHighValueSegments, tiers, type Stage };

/** Every customer's p_alive as of the date (crm clv's BG/NBD in weeks), or why the model cannot be fitted. */
export async function pAliveNow(sql: Sql, asOf: string, includePartners = false): Promise<Map<number, number> | { unavailable: string }> {
  const summary = await purchaseSummary(sql, asOf, includePartners);
  try {
    const alive = probabilitiesAlive(summary, 'week');
    return new Map(summary.customerIds.map((id, i) => [id, alive[i]!]));
  } catch (error) {
    if (error instanceof ClvError) return { unavailable: error.message };
    throw error;
  }
}

export interface CustomerStanding {
  customerId: number;
  stage: Stage;
  firstOrder: string;
  lastOrder: string;
  /** The day the lost rule fired (or will fire): last order + max(365, 4 × the average gap) days (docs/rules.md#lost-customers). */
  lostOn: string;
}

function standingOf(customer: CustomerStage): CustomerStanding {
  const rules = defaultLifecycleRules;
  const lostAfter = Math.max(rules.lostDays, customer.averageGapDays === null ? 0 : rules.lostGapFactor * customer.averageGapDays);
  return { customerId: customer.history.id, stage: customer.stage, firstOrder: customer.history.first_order, lastOrder: customer.history.last_order, lostOn: addDays(customer.history.last_order, Math.ceil(lostAfter)) };
}

/**
 * Customers with a purchase in the period, classified by the default lifecycle rules as of its end, a batch at a
 * time as the store reads them (a million customers are never all held as histories).
 */
export async function* classifiedCustomers(sql: Sql, period: Period): AsyncIterable<CustomerStage[]> {
  for await (const batch of purchaseHistories(sql, period, defaultLifecycleRules.spendWindowDays)) yield [...classifyLifecycle(batch, period.asOf)];
}

/** Every customer with an order up to asOf, their lifecycle stage as of then, and when they count as lost. */
export async function customerStandings(sql: Sql, asOf: string, includePartners = false): Promise<CustomerStanding[]> {
  const standings: CustomerStanding[] = [];
  for await (const batch of classifiedCustomers(sql, { asOf, since: null, includePartners })) for (const customer of batch) standings.push(standingOf(customer));
  return standings;
}

/**
 * customerStandings and stageSummaries of all history up to asOf from one pass over the orders (the dashboard
 * shows both, and each alone reads every order): the same values as the two calls.
 */
export async function standingsAndStages(sql: Sql, asOf: string, includePartners = false): Promise<{ standings: CustomerStanding[]; stages: StageSummary[] }> {
  const standings: CustomerStanding[] = [];
  const tally = new StageTally();
  for await (const batch of classifiedCustomers(sql, { asOf, since: null, includePartners })) {
    for (const customer of batch) standings.push(standingOf(customer));
    tally.add(batch);
  }
  return { standings, stages: tally.summary() };
}

/** Customers whose lost date falls in the period and who are still lost at its end. */
export async function lostIn(sql: Sql, period: ReportPeriod): Promise<CustomerStanding[]> {
  return lostAmong(await customerStandings(sql, period.asOf, period.includePartners), period);
}

/** lostIn over standings already computed as of the period's end (one pass over the orders, not two). */
export function lostAmong(standings: readonly CustomerStanding[], period: ReportPeriod): CustomerStanding[] {
  return standings.filter((customer) => customer.stage === 'lost' && (period.since === null || customer.lostOn >= period.since));
}

/** Won back: the first order in the period came after a silence the lost rule would have called lost. */
export function wonBack(facts: ReturnFacts[]): number {
  const rules = defaultLifecycleRules;
  return facts.filter((customer) => {
    const gap = customer.purchase_days_before >= 2 ? daysBetween(customer.first_ever, customer.last_before) / (customer.purchase_days_before - 1) : 0;
    return daysBetween(customer.last_before, customer.first_in_period) >= Math.max(rules.lostDays, rules.lostGapFactor * gap);
  }).length;
}

export async function pyramidLevels(sql: Sql, period: ReportPeriod): Promise<PyramidLevel[]> {
  return buildPyramid(await pyramidTiers(sql, period, defaultCuts));
}

/** Customer id → pyramid tier (0 platinum … 3 lead) over the period's orders. */
export async function tierByCustomer(sql: Sql, period: Period): Promise<Map<number, number>> {
  return new Map([...(await customerTiers(sql, period, defaultCuts))].map(([id, value]) => [id, value.tier]));
}

/** The customers of the period scored and segmented as OPTIONS say (crm rfm, crm segment). */
export async function segmentedCustomers(sql: Sql, options: SegmentOptions): Promise<SegmentedCustomers> {
  return segmentCustomers(await rfmInputs(sql, options.period), options);
}

export async function segmentSummaries(sql: Sql, period: ReportPeriod): Promise<SegmentSummary[]> {
  return (await scoredSegments(sql, period)).summaries;
}

/** The default segmentation (rules, 5 bins) as `crm segment` makes it, with the scores behind it and their R×F grid. */
export async function scoredSegments(sql: Sql, period: Period): Promise<{ summaries: SegmentSummary[]; scores: RfmScores; segmentation: Segmentation; grid: RfGrid }> {
  const { scores, segmentation } = await segmentedCustomers(sql, { period, bins: 5 });
  return { summaries: summariseSegments(scores, segmentation), scores, segmentation, grid: rfGrid(scores) };
}

/** Customers per lifecycle stage as of the period's end, as `crm lifecycle` counts them. */
export async function stageSummaries(sql: Sql, period: Period): Promise<StageSummary[]> {
  const tally = new StageTally();
  for await (const batch of classifiedCustomers(sql, period)) tally.add(batch);
  return tally.summary();
}

/** The four loyalty forms (and unknown: no survey) over every customer, as of the period's end. */
export async function loyaltySummaries(sql: Sql, period: Period): Promise<LoyaltySummary[]> {
  const facts = await loyaltyFacts(sql, period, 90);
  return summariseLoyalty(facts.map((fact) => ({ facts: fact, form: loyaltyForm(fact) })));
}

/** Everything a snapshot of the period stores, read and computed (crm snapshot save). */
export async function snapshotOf(sql: Sql, options: SegmentOptions & { cuts: PyramidCuts }): Promise<ReturnType<typeof snapshotCustomers>> {
  const stages = new Map<number, Stage>();
  for await (const batch of classifiedCustomers(sql, options.period)) for (const customer of batch) stages.set(customer.history.id, customer.stage);
  return snapshotCustomers(
    {
      rfm: await rfmInputs(sql, options.period),
      tiers: await customerTiers(sql, options.period, options.cuts),
      stages,
      clv: await purchaseSummary(sql, options.period.asOf),
    },
    options,
  );
}

/** The ids of the customers a campaign as of asOf is for (analysis/campaign-audience.ts), read and computed. */
export async function audienceOf(sql: Sql, asOf: string, criteria: AudienceCriteria): Promise<number[]> {
  const period = { asOf, since: null };
  const rfm = await rfmInputs(sql, period);
  return campaignAudience(
    {
      rfm,
      tiers: criteria.tier ? await customerTiers(sql, period, defaultCuts) : undefined,
      histories: criteria.stage ? await allPurchaseHistories(sql, period, defaultLifecycleRules.spendWindowDays) : undefined,
    },
    asOf,
    criteria,
  );
}

/** The audience as of startedOn, split by the seed: what crm campaign create (and crm demo) store. */
export async function planCampaignOn(sql: Sql, startedOn: string, criteria: AudienceCriteria, holdoutPercent: number, seed: number): Promise<CampaignPlan> {
  const ids = await audienceOf(sql, startedOn, criteria);
  return planCampaign(ids, await customerLabels(sql, ids), criteria, holdoutPercent, seed);
}
