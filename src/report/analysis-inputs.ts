// The one bridge from the reports to issue 4's analysis (lifecycle, pyramid, segments, loyalty): if that API moves, only this file does.
import { classifyLifecycle, defaultLifecycleRules, summariseStages, type CustomerStage, type Stage, type StageSummary } from '../analysis/lifecycle.js';
import { buildPyramid, defaultCuts, tiers, type PyramidLevel } from '../analysis/pyramid.js';
import { segmentCustomers } from '../analysis/customer-segments.js';
import { summariseSegments, type Segmentation, type SegmentSummary } from '../analysis/segments.js';
import { loyaltyForm, summariseLoyalty, type LoyaltySummary } from '../analysis/loyalty.js';
import { rfGrid, type RfGrid } from '../analysis/rf-grid.js';
import type { RfmScores } from '../analysis/rfm.js';
import { defaultHighValueSegments } from '../analysis/snapshot.js';
import { ClvError, probabilitiesAlive } from '../analysis/clv.js';
import { purchaseSummary } from '../db/clv.js';
import { customerTiers, pyramidTiers } from '../db/pyramid.js';
import { loyaltyFacts, purchaseHistories } from '../db/relationship.js';
import type { Db } from '../db/open.js';
import type { ReturnFacts } from '../db/report-customers.js';
import { addDays, daysBetween } from '../util/dates.js';
import type { ReportPeriod } from './period.js';

export { defaultHighValueSegments, tiers, type Stage };

/** Every customer's p_alive as of the date (crm clv's BG/NBD in weeks), or why the model cannot be fitted. */
export function pAliveNow(db: Db, asOf: string, includePartners = false): Map<number, number> | { unavailable: string } {
  const summary = purchaseSummary(db, asOf, includePartners);
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

/** Every customer with an order up to asOf, their lifecycle stage as of then, and when they count as lost. */
export function customerStandings(db: Db, asOf: string, includePartners = false): CustomerStanding[] {
  const standings: CustomerStanding[] = [];
  for (const customer of classifyLifecycle(purchaseHistories(db, { asOf, since: null, includePartners }, defaultLifecycleRules.spendWindowDays), asOf)) standings.push(standingOf(customer));
  return standings;
}

/**
 * customerStandings and stageSummaries of all history up to asOf from one pass over the orders (the dashboard
 * shows both, and each alone reads every order): the same values as the two calls.
 */
export function standingsAndStages(db: Db, asOf: string, includePartners = false): { standings: CustomerStanding[]; stages: StageSummary[] } {
  const standings: CustomerStanding[] = [];
  const classified = classifyLifecycle(purchaseHistories(db, { asOf, since: null, includePartners }, defaultLifecycleRules.spendWindowDays), asOf);
  const stages = summariseStages((function* () {
    for (const customer of classified) {
      standings.push(standingOf(customer));
      yield customer;
    }
  })());
  return { standings, stages };
}

/** Customers whose lost date falls in the period and who are still lost at its end. */
export function lostIn(db: Db, period: ReportPeriod): CustomerStanding[] {
  return lostAmong(customerStandings(db, period.asOf, period.includePartners), period);
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

export function pyramidLevels(db: Db, period: ReportPeriod): PyramidLevel[] {
  return buildPyramid(pyramidTiers(db, period, defaultCuts));
}

/** Customer id → pyramid tier (0 platinum … 3 lead) over the period's orders. */
export function tierByCustomer(db: Db, period: ReportPeriod): Map<number, number> {
  return new Map([...customerTiers(db, period, defaultCuts)].map(([id, value]) => [id, value.tier]));
}

export function segmentSummaries(db: Db, period: ReportPeriod): SegmentSummary[] {
  return scoredSegments(db, period).summaries;
}

/** The default segmentation (rules, 5 bins) as `crm segment` makes it, with the scores behind it and their R×F grid. */
export function scoredSegments(db: Db, period: ReportPeriod): { summaries: SegmentSummary[]; scores: RfmScores; segmentation: Segmentation; grid: RfGrid } {
  const { scores, segmentation } = segmentCustomers(db, { period, bins: 5 });
  return { summaries: summariseSegments(scores, segmentation), scores, segmentation, grid: rfGrid(scores) };
}

/** Customers per lifecycle stage as of the period's end, as `crm lifecycle` counts them. */
export function stageSummaries(db: Db, period: ReportPeriod): StageSummary[] {
  return summariseStages(classifyLifecycle(purchaseHistories(db, period, defaultLifecycleRules.spendWindowDays), period.asOf));
}

/** The four loyalty forms (and unknown: no survey) over every customer, as of the period's end. */
export function loyaltySummaries(db: Db, period: ReportPeriod): LoyaltySummary[] {
  const facts = loyaltyFacts(db, period, 90);
  return summariseLoyalty(facts.map((fact) => ({ facts: fact, form: loyaltyForm(fact) })));
}
