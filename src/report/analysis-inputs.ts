// The one bridge from the commands and reports to issue 4's analysis (lifecycle, pyramid, segments, loyalty, snapshots,
// campaign audiences): each function here reads what an analysis needs from the store (src/db) first, then hands the
// analysis (src/analysis, plain data in and out) the rows. If that API moves, only this file does.
import { averageGapDays, classifyLifecycle, defaultLifecycleRules, lifecycleStage, stages as lifecycleStages, StageTally, type CustomerStage, type LifecycleFacts, type Stage, type StageSummary } from '../analysis/lifecycle.js';
import { buildPyramid, defaultCuts, tierTotalsOf, tiers, type PyramidLevel } from '../analysis/pyramid.js';
import { segmentCustomers, type SegmentedCustomers, type SegmentOptions } from '../analysis/customer-segments.js';
import { summariseSegments, type Segmentation, type SegmentSummary } from '../analysis/segments.js';
import { defaultLoyaltyRules, LoyaltyTally, loyaltyForm, type LoyaltySummary } from '../analysis/loyalty.js';
import { CohortTally, type CohortCount } from '../analysis/cohorts.js';
import { rfGrid, type RfGrid } from '../analysis/rf-grid.js';
import type { RfmScores } from '../analysis/rfm.js';
import { clvStandings, defaultHighValueSegments, positionOfId, snapshotCustomers } from '../analysis/snapshot.js';
import { ClvError, probabilitiesAlive } from '../analysis/clv.js';
import { campaignAudience, planCampaign, type AudienceCriteria, type CampaignPlan } from '../analysis/campaign-audience.js';
import { customerLabels, rfmInputs, type Period } from '../db/analysis.js';
import { purchaseSummary } from '../db/clv.js';
import { customerTierRows, customerTiers, interactionCounts, pyramidTiers, type PyramidCuts, type TierTotals } from '../db/pyramid.js';
import { allPurchaseHistories, lifecycleRows, loyaltyFactBatches, loyaltySurveyBatches, purchaseHistories } from '../db/relationship.js';
import type { Sql } from '../db/engine/sql.js';
import type { ReturnFacts } from '../db/report-customers.js';
import { addDays, daysBetween } from '../util/dates.js';
import type { ReportPeriod } from './period.js';

export { defaultHighValueSegments, tiers, type Stage };

/** Every customer's p_alive as of the date (crm clv's BG/NBD in weeks), or why the model cannot be fitted. */
export async function pAliveNow(sql: Sql, asOf: string, includePartners = false): Promise<PAliveColumns | { unavailable: string }> {
  const summary = await purchaseSummary(sql, asOf, includePartners);
  try {
    const alive = probabilitiesAlive(summary, 'week');
    const ids = summary.customerIds;
    return { get: (customerId) => { const at = positionOfId(ids, customerId); return at < 0 ? undefined : alive[at]; } };
  } catch (error) {
    if (error instanceof ClvError) return { unavailable: error.message };
    throw error;
  }
}

/** p_alive by customer id, kept beside the model's customers (ascending ids) rather than in a map of a million. */
export interface PAliveColumns {
  get(customerId: number): number | undefined;
}

export interface CustomerStanding {
  customerId: number;
  stage: Stage;
  firstOrder: string;
  lastOrder: string;
  /** The day the lost rule fired (or will fire): last order + max(365, 4 × the average gap) days (docs/rules.md#lost-customers). */
  lostOn: string;
}

const stageKeys: readonly Stage[] = ['exploration', 'formation', 'stability', 'decline', 'lost'];
const epoch = '1970-01-01';
const dayOf = (date: string): number => daysBetween(epoch, date);
const dateOfDay = (day: number): string => addDays(epoch, day);

/**
 * Every customer's standing (CustomerStanding) as of one date, column by column in typed arrays: a million customers
 * are about 21 MB here, not a million objects. Customers are in id order (as the store classifies them).
 */
export class Standings {
  private ids = new Float64Array(1024);
  private stageCodes = new Uint8Array(1024);
  private firstDays = new Int32Array(1024);
  private lastDays = new Int32Array(1024);
  private lostDays = new Int32Array(1024);
  /**
   * With values (lifecycleStandings' `values`): purchases, revenue and profit over all history up to asOf, the orders
   * without a cost among them, and the purchases in the recent window the values were read with.
   */
  private orders: Float64Array | null;
  private revenue: Float64Array | null;
  private profit: Float64Array | null;
  private withoutCost: Float64Array | null;
  private recentPurchases: Float64Array | null;
  size = 0;

  constructor(values = false) {
    this.orders = values ? new Float64Array(1024) : null;
    this.revenue = values ? new Float64Array(1024) : null;
    this.profit = values ? new Float64Array(1024) : null;
    this.withoutCost = values ? new Float64Array(1024) : null;
    this.recentPurchases = values ? new Float64Array(1024) : null;
  }

  get hasValues(): boolean {
    return this.profit !== null;
  }

  add(customer: CustomerStage): void {
    this.push(customer.history.id, customer.stage, customer.history.first_order, customer.history.last_order, customer.averageGapDays);
  }

  /** One customer's standing from what the lifecycle rules made of them (customer ids ascending). */
  push(id: number, stage: Stage, firstOrder: string, lastOrder: string, averageGapDays: number | null): void {
    if (this.size === this.ids.length) this.grow();
    const rules = defaultLifecycleRules;
    const lostAfter = Math.max(rules.lostDays, averageGapDays === null ? 0 : rules.lostGapFactor * averageGapDays);
    const at = this.size++;
    this.ids[at] = id;
    this.stageCodes[at] = stageKeys.indexOf(stage);
    this.firstDays[at] = dayOf(firstOrder);
    this.lastDays[at] = dayOf(lastOrder);
    this.lostDays[at] = this.lastDays[at]! + Math.ceil(lostAfter);
  }

  /** The values of the customer last pushed. */
  setValues(orders: number, revenueCents: number, profitCents: number, withoutCost = 0, recentPurchases = 0): void {
    const at = this.size - 1;
    this.orders![at] = orders;
    this.revenue![at] = revenueCents;
    this.profit![at] = profitCents;
    this.withoutCost![at] = withoutCost;
    this.recentPurchases![at] = recentPurchases;
  }

  /** Purchases, revenue and profit of the customer at position AT (a Standings made with values). */
  valuesAt(at: number): { orders: number; revenueCents: number; profitCents: number } {
    return { orders: this.orders![at]!, revenueCents: this.revenue![at]!, profitCents: this.profit![at]! };
  }

  profitAt(at: number): number {
    return this.profit![at]!;
  }

  /** Every customer's purchases, revenue and profit, orders without a cost and recent purchases, position by position (views, not copies). */
  valueColumns(): { orders: Float64Array; revenue: Float64Array; profit: Float64Array; withoutCost: Float64Array; recentPurchases: Float64Array } {
    return {
      orders: this.orders!.subarray(0, this.size),
      revenue: this.revenue!.subarray(0, this.size),
      profit: this.profit!.subarray(0, this.size),
      withoutCost: this.withoutCost!.subarray(0, this.size),
      recentPurchases: this.recentPurchases!.subarray(0, this.size),
    };
  }

  /** Days from each customer's last purchase to DATE, position by position. */
  recencyDays(date: string): Float64Array {
    const day = dayOf(date);
    const days = new Float64Array(this.size);
    for (let at = 0; at < this.size; at++) days[at] = day - this.lastDays[at]!;
    return days;
  }

  /** Every customer's id, position by position (a copy). */
  idList(): number[] {
    return Array.from(this.ids.subarray(0, this.size));
  }

  private grow(): void {
    const grown = <T extends Float64Array | Uint8Array | Int32Array>(array: T): T => {
      const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
      bigger.set(array);
      return bigger;
    };
    this.ids = grown(this.ids);
    this.stageCodes = grown(this.stageCodes);
    this.firstDays = grown(this.firstDays);
    this.lastDays = grown(this.lastDays);
    this.lostDays = grown(this.lostDays);
    if (this.orders) this.orders = grown(this.orders);
    if (this.revenue) this.revenue = grown(this.revenue);
    if (this.profit) this.profit = grown(this.profit);
    if (this.withoutCost) this.withoutCost = grown(this.withoutCost);
    if (this.recentPurchases) this.recentPurchases = grown(this.recentPurchases);
  }

  /** The standing of the customer at position AT (0 … size − 1). */
  at(at: number): CustomerStanding {
    return {
      customerId: this.ids[at]!,
      stage: stageKeys[this.stageCodes[at]!]!,
      firstOrder: dateOfDay(this.firstDays[at]!),
      lastOrder: dateOfDay(this.lastDays[at]!),
      lostOn: dateOfDay(this.lostDays[at]!),
    };
  }

  /** The stage of customer ID, or undefined when the customer had no purchase (ids are ascending: a binary search). */
  stageOf(id: number): Stage | undefined {
    const at = this.positionOf(id);
    return at < 0 ? undefined : stageKeys[this.stageCodes[at]!];
  }

  /** The position of customer ID, or -1 when the customer had no purchase. */
  positionOf(id: number): number {
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const found = this.ids[middle]!;
      if (found === id) return middle;
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Customers not lost. */
  active(): number {
    let count = 0;
    const lost = stageKeys.indexOf('lost');
    for (let at = 0; at < this.size; at++) if (this.stageCodes[at] !== lost) count++;
    return count;
  }

  /** Customers whose first purchase falls in [since, asOf] (since null: any day up to asOf). */
  firstBuyingIn(range: { since: string | null; asOf: string }): number {
    const from = range.since === null ? -Infinity : dayOf(range.since);
    const to = dayOf(range.asOf);
    let count = 0;
    for (let at = 0; at < this.size; at++) if (this.firstDays[at]! >= from && this.firstDays[at]! <= to) count++;
    return count;
  }

  /** Positions of the customers lost whose lost day is on or after SINCE (null: every lost customer), in id order. */
  lostSince(since: string | null): number[] {
    const from = since === null ? -Infinity : dayOf(since);
    const lost = stageKeys.indexOf('lost');
    const positions: number[] = [];
    for (let at = 0; at < this.size; at++) if (this.stageCodes[at] === lost && this.lostDays[at]! >= from) positions.push(at);
    return positions;
  }

  /** Positions of the customers at STAGE, in id order. */
  atStage(stage: Stage): number[] {
    const code = stageKeys.indexOf(stage);
    const positions: number[] = [];
    for (let at = 0; at < this.size; at++) if (this.stageCodes[at] === code) positions.push(at);
    return positions;
  }

  idAt(at: number): number {
    return this.ids[at]!;
  }

  /** Every standing as an object (a few customers: tests, small shops). */
  toArray(): CustomerStanding[] {
    return Array.from({ length: this.size }, (_, at) => this.at(at));
  }
}

/**
 * Customers with a purchase in the period, classified by the default lifecycle rules as of its end, a batch at a
 * time as the store reads them (a million customers are never all held as histories).
 */
export async function* classifiedCustomers(sql: Sql, period: Period): AsyncIterable<CustomerStage[]> {
  for await (const batch of purchaseHistories(sql, period, defaultLifecycleRules.spendWindowDays)) yield [...classifyLifecycle(batch, period.asOf)];
}

/** Every customer with an order up to asOf, their lifecycle stage as of then, and when they count as lost. */
export async function customerStandings(sql: Sql, asOf: string, includePartners = false): Promise<Standings> {
  return (await lifecycleStandings(sql, asOf, { includePartners })).standings;
}

/**
 * customerStandings and stageSummaries of all history up to asOf from one pass over the orders (the dashboard
 * shows both, and each alone reads every order): the same values as the two calls.
 */
export async function standingsAndStages(sql: Sql, asOf: string, includePartners = false): Promise<{ standings: Standings; stages: StageSummary[] }> {
  return lifecycleStandings(sql, asOf, { includePartners });
}

/** What lifecycleStandings read in its one pass over the orders. */
export interface LifecycleRead {
  standings: Standings;
  /** Customers per stage over all history up to asOf (stageSummaries with no start). */
  stages: StageSummary[];
  /** The standings as of previousAsOf (null: not asked for). */
  previous: Standings | null;
  previousAsOf: string | null;
  /** Customers won back after previousAsOf (null: not asked for). */
  wonBack: number | null;
  /** With values: the cohorts of all history up to asOf (crm report cohorts' cells); the standings' recent purchases count loyalty's default window. */
  cohorts: CohortTally | null;
  /** The date and partners rule the pass read with. */
  asOf: string;
  includePartners: boolean;
}

/**
 * customerStandings as of asOf, the stage counts of all history up to then (stageSummaries with no start), and with
 * PREVIOUS (an earlier date) customerStandings as of that date too, and how many customers were won back after it
 * (wonBack of returnFacts for the period that starts the day after PREVIOUS): all from one pass over the orders, the
 * same values as the separate calls (report summary reads no order twice). With VALUES, the standings also keep
 * each customer's purchases, revenue and profit, orders without a cost and purchases in loyalty's window, and the
 * pass tallies the cohorts: the dashboard's profit and win-back lists, pyramid, segments, loyalty and cohorts need
 * no pass of their own (fromLifecycle).
 */
export async function lifecycleStandings(
  sql: Sql,
  asOf: string,
  { includePartners = false, previous = null, values = false }: { includePartners?: boolean; previous?: string | null; values?: boolean } = {},
): Promise<LifecycleRead> {
  const recentDays = values ? defaultLoyaltyRules.windowDays : null;
  const cohorts = values ? new CohortTally() : null;
  if (previous !== null && previous > asOf) throw new Error(`lifecycleStandings: ${previous} is after ${asOf}`);
  const rules = defaultLifecycleRules;
  const standings = new Standings(values);
  const before = previous === null ? null : new Standings();
  const tally = new StageTally();
  let back = 0;
  const classify = (id: number, first: string, last: string, purchaseDays: number, recentCents: number, priorCents: number, date: string, into: Standings): { stage: Stage; recencyDays: number } => {
    const facts: LifecycleFacts = { recencyDays: daysBetween(last, date), tenureDays: daysBetween(first, date), purchaseDays, recentCents, priorCents };
    const stage = lifecycleStage(facts, rules);
    into.push(id, stage, first, last, averageGapDays(facts));
    return { stage, recencyDays: facts.recencyDays };
  };
  for await (const batch of lifecycleRows(sql, { asOf, includePartners }, rules.spendWindowDays, previous, recentDays === null ? null : { recentDays })) {
    for (const row of batch) {
      const [id, first, last, purchaseDays, revenueCents, recentCents, priorCents] = row;
      const now = classify(id, first, last, purchaseDays, recentCents, priorCents, asOf, standings);
      tally.count(now.stage, revenueCents, now.recencyDays);
      if (values) {
        standings.setValues(row[7], revenueCents, row[8], row[14], row[15]);
        if (row[16]) cohorts!.add(row[16].split(','));
      }
      const lastBefore = row[9];
      if (before !== null && lastBefore !== null) {
        const daysBefore = purchaseDays - row[10]!;
        classify(id, first, lastBefore, daysBefore, row[11]!, row[12]!, previous!, before);
        const firstAfter = row[13];
        if (firstAfter !== null && firstAfter !== undefined && isWonBack({ first_ever: first, last_before: lastBefore, purchase_days_before: daysBefore, first_in_period: firstAfter })) back++;
      }
    }
  }
  return { standings, stages: tally.summary(), previous: before, previousAsOf: previous, wonBack: before === null ? null : back, cohorts, asOf, includePartners };
}

/** Customers whose lost date falls in the period and who are still lost at its end. */
export async function lostIn(sql: Sql, period: ReportPeriod): Promise<CustomerStanding[]> {
  return lostAmong(await customerStandings(sql, period.asOf, period.includePartners), period);
}

/** lostIn over standings already computed as of the period's end (one pass over the orders, not two). */
export function lostAmong(standings: Standings, period: ReportPeriod): CustomerStanding[] {
  return standings.lostSince(period.since).map((at) => standings.at(at));
}

/** Won back: the first order in the period came after a silence the lost rule would have called lost. */
export function wonBack(facts: ReturnFacts[]): number {
  return facts.filter(isWonBack).length;
}

function isWonBack(customer: Pick<ReturnFacts, 'first_ever' | 'last_before' | 'purchase_days_before' | 'first_in_period'>): boolean {
  const rules = defaultLifecycleRules;
  const gap = customer.purchase_days_before >= 2 ? daysBetween(customer.first_ever, customer.last_before) / (customer.purchase_days_before - 1) : 0;
  return daysBetween(customer.last_before, customer.first_in_period) >= Math.max(rules.lostDays, rules.lostGapFactor * gap);
}

export async function pyramidLevels(sql: Sql, period: ReportPeriod): Promise<PyramidLevel[]> {
  return buildPyramid(await pyramidTiers(sql, period, defaultCuts));
}

/** Customer id → pyramid tier (0 platinum … 3 lead) over the period's orders (with ONLY, of those customers alone). */
export async function tierByCustomer(sql: Sql, period: Period, only?: ReadonlySet<number>): Promise<Map<number, number>> {
  const tiers = new Map<number, number>();
  for (const [id, value] of await customerTiers(sql, period, defaultCuts, only)) tiers.set(id, value.tier);
  return tiers;
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
  const tally = new LoyaltyTally();
  for await (const batch of loyaltyFactBatches(sql, period, 90)) tally.add(batch.map((fact) => ({ facts: fact, form: loyaltyForm(fact) })));
  return tally.summary();
}

/**
 * What the dashboard's other sections read of the orders, from a lifecycleStandings pass made with values (all history
 * up to its date, its partners rule): the same figures as scoredSegments, pyramidTiers, loyaltySummaries and
 * cohortCells for a period with no start and that date, without four more passes over the orders. Null when READ
 * cannot stand for PERIOD (a start date, another date or partners rule, or a pass without values).
 */
export function fromLifecycle(read: LifecycleRead, period: Period): FromLifecycle | null {
  const standings = read.standings;
  if ((period.since ?? null) !== null || !standings.hasValues || read.cohorts === null) return null;
  if (read.asOf !== period.asOf || read.includePartners !== Boolean(period.includePartners)) return null;
  return new FromLifecycle(read, period);
}

export class FromLifecycle {
  constructor(
    private readonly read: LifecycleRead,
    private readonly period: Period,
  ) {}

  /** scoredSegments: recency, purchases and revenue are what rfmInputs reads, customer by customer in id order. */
  segments(): { summaries: SegmentSummary[]; scores: RfmScores; segmentation: Segmentation; grid: RfGrid } {
    const standings = this.read.standings;
    const { orders, revenue } = standings.valueColumns();
    const inputs = { customerIds: standings.idList(), recencyDays: standings.recencyDays(this.period.asOf), frequency: Float64Array.from(orders), monetaryCents: Float64Array.from(revenue) };
    const { scores, segmentation } = segmentCustomers(inputs, { bins: 5 });
    return { summaries: summariseSegments(scores, segmentation), scores, segmentation, grid: rfGrid(scores) };
  }

  /** pyramidTiers: the customers' figures ranked here; only the interactions are read. */
  async tiers(sql: Sql, cuts: PyramidCuts): Promise<TierTotals[]> {
    const standings = this.read.standings;
    const interactions = new Float64Array(standings.size);
    for await (const batch of interactionCounts(sql, this.period)) {
      for (const [id, count] of batch) {
        const at = standings.positionOf(id);
        if (at >= 0) interactions[at] = count;
      }
    }
    return tierTotalsOf({ ...standings.valueColumns(), interactions }, cuts);
  }

  /** loyaltySummaries over the default 90-day window: only each customer's latest survey is read. */
  async loyalty(sql: Sql): Promise<LoyaltySummary[]> {
    const standings = this.read.standings;
    const { orders, revenue, recentPurchases } = standings.valueColumns();
    const tally = new LoyaltyTally();
    for await (const batch of loyaltySurveyBatches(sql, this.period)) {
      for (const [id, satisfaction] of batch) {
        const at = standings.positionOf(id);
        const facts = at < 0 ? { satisfaction, orders: 0, recent_orders: 0 } : { satisfaction, orders: orders[at]!, recent_orders: recentPurchases[at]! };
        tally.count(loyaltyForm(facts), at < 0 ? 0 : revenue[at]!, satisfaction);
      }
    }
    return tally.summary();
  }

  /** cohortCells of the period. */
  cohorts(): CohortCount[] {
    return this.read.cohorts!.counts(this.period.since ?? null);
  }
}

/** Everything a snapshot of the period stores, read and computed (crm snapshot save). */
export async function snapshotOf(sql: Sql, options: SegmentOptions & { cuts: PyramidCuts }): Promise<ReturnType<typeof snapshotCustomers>> {
  // The CLV model first: its fit is the largest memory of all, freed (but for two columns) before the rest is read.
  const clv = clvStandings(await purchaseSummary(sql, options.period.asOf));
  // Stage, tier and profit in columns beside the RFM customers (ascending ids): a million customers, no million objects.
  const rfm = await rfmInputs(sql, options.period);
  const ids = rfm.customerIds;
  const stageCodes = new Uint8Array(ids.length).fill(NONE);
  for await (const batch of classifiedCustomers(sql, options.period)) {
    for (const customer of batch) {
      const at = positionOfId(ids, customer.history.id);
      if (at >= 0) stageCodes[at] = lifecycleStages.findIndex((stage) => stage.key === customer.stage);
    }
  }
  const tierCodes = new Uint8Array(ids.length).fill(NONE);
  const profits = new Float64Array(ids.length);
  for await (const batch of customerTierRows(sql, options.period, options.cuts)) {
    for (const [id, tier, profit] of batch) {
      const at = positionOfId(ids, id);
      if (at < 0) continue;
      tierCodes[at] = tier;
      profits[at] = profit;
    }
  }
  return snapshotCustomers(
    {
      rfm,
      tiers: { get: (customerId) => { const at = positionOfId(ids, customerId); return at < 0 || tierCodes[at] === NONE ? undefined : { tier: tierCodes[at]!, profitCents: profits[at]! }; } },
      stages: { get: (customerId) => { const at = positionOfId(ids, customerId); return at < 0 || stageCodes[at] === NONE ? undefined : lifecycleStages[stageCodes[at]!]!.key; } },
      clv,
    },
    options,
  );
}

/** An empty cell of a column of small codes. */
const NONE = 255;

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
