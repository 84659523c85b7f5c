// Builds any `crm report NAME` from the database: the one core call the report command makes (no clock, no terminal).
import type { Sql } from '../db/engine/sql.js';
import { cohortCells, customerProfitBatches, customerProfitColumns, orderCoverage, productTotals, type CustomerProfit } from '../db/report-sales.js';
import { complaintTimes, ownerContacts, ownerSales } from '../db/report-people.js';
import { advancePayments, paymentsRecorded, receivableBatches, receivableSums, receivableTotals } from '../db/receivables.js';
import type { ResolvedPeriod } from './period.js';
import { cohortsReport, productsReport, profitFacts, profitFactsOf, profitListing, profitStream, type ProfitFacts, type ReportContext } from './sales-reports.js';
import { receivablesReport, salespeopleReport } from './people-reports.js';
import type { Lang, Report } from './types.js';
import { customerNamesById, customerValues, type CustomerValue, openComplaintCount, openFollowUpCount, returnFacts, surveyBatches } from '../db/report-customers.js';
import { monthlyRevenue, salesTotals, type MonthRevenue } from '../db/report-sales.js';
import { customerStandings, lifecycleStandings, loyaltySummaries, lostAmong, lostIn, pyramidLevels, segmentSummaries, tierByCustomer, wonBack, type LifecycleRead, type Standings } from './analysis-inputs.js';
import { summaryReport } from './summary-report.js';
import { lostReport, lostStreamReport, satisfactionReport, tallySatisfaction } from './customer-reports.js';
import { addMonths } from './period.js';
import { addDays } from '../util/dates.js';
import { leadFacts, partnerFacts } from '../db/leads.js';
import { leadFunnel } from '../analysis/funnel.js';
import { defaultCuts, tierAtPosition } from '../analysis/pyramid.js';
import { funnelReport, partnersReport } from './lead-reports.js';

export interface BuildOptions {
  period: ResolvedPeriod;
  lang: Lang;
  /** The real today (follow-ups and complaints due "now"); reports of the past use asOf instead. */
  today: string;
  /**
   * lifecycleStandings(…, period.asOf, period.includePartners, …) when the caller has read it already (the dashboard
   * builds summary and lost as of one date): those two reports then do not read every order again to classify it.
   */
  lifecycle?: LifecycleRead;
  /** monthlyRevenue over [since, asOf] when the caller has read it already (the dashboard's chart covers the summary's months). */
  monthlyRevenue?: { since: string; asOf: string; rows: MonthRevenue[] };
  /**
   * Only the first LIMIT rows of the ranked listings (profit, lost), picked without holding the others (the
   * dashboard's top 20); Report.rowsInAll says how many the whole list has.
   */
  limit?: number;
}

type Builder = (sql: Sql, options: BuildOptions, context: ReportContext) => Promise<Report>;

// Each builder reads everything its report needs first (store functions, one statement each, aggregated in the
// database), then builds the report from those plain rows: nothing below queries in the middle of a computation.
const builders: Record<string, Builder> = {
  products: async (sql, { period }, context) => productsReport(await productTotals(sql, period), await orderCoverage(sql, period), context),
  profit: async (sql, { period, limit, lifecycle: known }, context) => {
    if (limit === undefined) {
      // Every customer's figures from one pass over the orders (no names, no ranking): the whole list's facts, and its
      // order as a typed array; the names are read a batch of rows at a time as they are written.
      const columns = await customerProfitColumns(sql, period);
      const facts = profitFactsOf(columns);
      return profitListing(profitStream(columns, facts, (ids) => customerNamesById(sql, ids)), facts, await orderCoverage(sql, period, true), context);
    }
    // All history: the lifecycle pass has every customer's profit already (the same orders, the same sums).
    const head = known?.standings.hasValues && period.since === null ? await profitHead(sql, known.standings, limit) : null;
    if (head) return { ...profitListing(head.rows, head.facts, await orderCoverage(sql, period, true), context), rowsInAll: head.facts.customers };
    // The first LIMIT of the ranking, and what the title, notes and totals say about all of it, in one pass.
    const { first, facts } = await profitFacts(customerProfitBatches(sql, period), limit);
    return { ...profitListing(first, facts, await orderCoverage(sql, period, true), context), rowsInAll: facts.customers };
  },
  salespeople: async (sql, { period }, context) =>
    salespeopleReport(await ownerSales(sql, period), await ownerContacts(sql, period), await complaintTimes(sql, period), context),
  // Receivables are a position at a date: everything billed and paid up to as-of counts, whatever the period's start.
  // A shop that never recorded a payment gets no receivables: every billed order would look owed (docs/rules.md#receivables).
  receivables: async (sql, { period }, context) =>
    (await paymentsRecorded(sql))
      ? receivablesReport(
          { sums: await receivableSums(sql, period.asOf), batches: () => receivableBatches(sql, period.asOf) },
          await advancePayments(sql, period.asOf),
          { ...context, since: null },
        )
      : receivablesReport(null, { customers: 0, credit_cents: 0 }, { ...context, since: null }),
  cohorts: async (sql, { period, lifecycle: known }, context) => {
    // A lifecycle pass with values as of the same date tallied the same cells (whole history; cohorts from since on).
    const tallied = known?.cohorts && known.asOf === period.asOf && known.includePartners === Boolean(period.includePartners) ? known.cohorts.counts(period.since) : null;
    return cohortsReport(tallied ?? (await cohortCells(sql, period)), context);
  },
  summary: async (sql, { period, lifecycle: known, monthlyRevenue: knownMonths }, context) => {
    const previous = period.previous;
    // The previous period's lost customers need the standings as of its end, and the won back the purchases before
    // this period's start: both come from the same pass over the orders as this period's standings.
    const samePartners = previous !== null && Boolean(previous.includePartners) === Boolean(period.includePartners);
    const read = known ?? (await lifecycleStandings(sql, period.asOf, { includePartners: period.includePartners, previous: samePartners && previous.asOf <= period.asOf ? previous.asOf : null }));
    const standings = read.standings;
    const before = previous === null ? null : samePartners && read.previousAsOf === previous.asOf ? read.previous! : await customerStandings(sql, previous.asOf, previous.includePartners);
    const wonBackCount = period.since === null
      ? 0
      : read.previousAsOf !== null && read.previousAsOf === addDays(period.since, -1) ? read.wonBack! : wonBack(await returnFacts(sql, period));
    const debts = (await paymentsRecorded(sql)) ? await receivableTotals(sql, period.asOf) : null;
    return summaryReport(
      {
        previous: previous && previous.since !== null ? { since: previous.since, asOf: previous.asOf } : null,
        activeCustomers: standings.active(),
        newCustomers: standings.firstBuyingIn(period),
        newCustomersPrevious: previous ? standings.firstBuyingIn(previous) : null,
        // The standings above are as of the period's end already: reading every order again would give the same.
        lostCustomers: standings.lostSince(period.since).length,
        lostCustomersPrevious: previous ? before!.lostSince(previous.since).length : null,
        wonBackCustomers: wonBackCount,
        sales: await salesTotals(sql, period),
        salesPrevious: previous ? await salesTotals(sql, previous) : null,
        followupsOverdue: await openFollowUpCount(sql, null, addDays(period.asOf, -1)),
        followupsDueToday: await openFollowUpCount(sql, period.asOf, period.asOf),
        openComplaints: await openComplaintCount(sql, period.asOf),
        owedCents: debts?.owed_cents ?? null,
        owedOver60Cents: debts?.owed_over_60_cents ?? null,
        pyramid: await pyramidLevels(sql, period),
        segments: await segmentSummaries(sql, period),
        // The spark line: the twelve calendar months up to the as-of month.
        months: await monthsFrom(sql, addMonths(`${period.asOf.slice(0, 7)}-01`, -11), period.asOf, knownMonths),
      },
      context,
    );
  },
  lost: async (sql, { period, lifecycle: known, limit }, context) => {
    // The tier they held before leaving: the pyramid of all orders up to the day before the period (else up to as-of).
    const tierDate = period.since === null ? period.asOf : addDays(period.since, -1);
    const tierPeriod = { since: null, asOf: tierDate, includePartners: period.includePartners };
    if (limit !== undefined && known?.standings.hasValues) {
      // The standings carry every customer's values: the totals are summed from them, and only the customers who
      // can be among the first LIMIT (profit at least the LIMIT-th largest) are read from the database.
      const standings = known.standings;
      const positions = standings.lostSince(period.since);
      const totals = { orders: 0, revenue: 0, profit: 0 };
      const profits = new Float64Array(positions.length);
      positions.forEach((at, index) => {
        const value = standings.valuesAt(at);
        totals.orders += value.orders;
        totals.revenue += value.revenueCents;
        totals.profit += value.profitCents;
        profits[index] = value.profitCents;
      });
      const floor = kthLargest(profits, limit);
      const candidates = positions.filter((at) => standings.profitAt(at) >= floor);
      const best: CustomerValue[] = [];
      for (let start = 0; start < candidates.length; start += 5_000) {
        best.push(...(await customerValues(sql, candidates.slice(start, start + 5_000).map((at) => standings.idAt(at)), period.asOf)));
        best.sort(lostOrder);
        best.length = Math.min(best.length, limit);
      }
      const shown = new Set(best.map((value) => value.customer_id));
      // Over all history the tiers rank the very profits the standings hold: no pass of their own.
      const tiers = period.since === null ? tiersAmong(standings, candidates.filter((at) => shown.has(standings.idAt(at)))) : await tierByCustomer(sql, tierPeriod, shown);
      const report = lostReport(candidates.filter((at) => shown.has(standings.idAt(at))).map((at) => standings.at(at)), best, tiers, tierDate, context);
      return { ...report, rowsInAll: positions.length, totals: { ...report.totals, ...totals } };
    }
    if (limit === undefined) {
      // Every lost customer, most profitable first, from the standings' figures (their profit orders them, their sums
      // are the totals); the rest of a row is read as the rows are written, so a million are never all held.
      const standings = known?.standings.hasValues
        ? known.standings
        : (await lifecycleStandings(sql, period.asOf, { includePartners: period.includePartners, values: true })).standings;
      const positions = standings.lostSince(period.since);
      const totals = { orders: 0, revenue: 0, profit: 0 };
      for (const at of positions) {
        const value = standings.valuesAt(at);
        totals.orders += value.orders;
        totals.revenue += value.revenueCents;
        totals.profit += value.profitCents;
      }
      const tiers = await tierByCustomer(sql, tierPeriod, new Set(positions.map((at) => standings.idAt(at))));
      return lostStreamReport(
        { positions, standingAt: (at) => standings.at(at), profitAt: (at) => standings.profitAt(at) },
        (ids) => customerValues(sql, ids, period.asOf),
        tiers,
        totals,
        tierDate,
        context,
      );
    }
    const lost = known ? lostAmong(known.standings, period) : await lostIn(sql, period);
    // The most valuable LIMIT: values read a batch at a time, the best kept (lostReport's order), the totals summed.
    const best: CustomerValue[] = [];
    const totals = { orders: 0, revenue: 0, profit: 0 };
    const order = lostOrder;
    for (let start = 0; start < lost.length; start += 5_000) {
      for (const value of await customerValues(sql, lost.slice(start, start + 5_000).map((customer) => customer.customerId), period.asOf)) {
        totals.orders += value.orders;
        totals.revenue += value.revenue_cents;
        totals.profit += value.profit_cents;
        best.push(value);
      }
      best.sort(order);
      best.length = Math.min(best.length, limit);
    }
    const shown = new Set(best.map((value) => value.customer_id));
    const tiers = await tierByCustomer(sql, tierPeriod, shown);
    const report = lostReport(lost.filter((customer) => shown.has(customer.customerId)), best, tiers, tierDate, context);
    return { ...report, rowsInAll: lost.length, totals: { ...report.totals, ...totals } };
  },
  funnel: async (sql, { period }, context) => funnelReport(leadFunnel(await leadFacts(sql, period)), context),
  partners: async (sql, { period }, context) => partnersReport(await partnerFacts(sql, period), context),
  satisfaction: async (sql, { period }, context) => {
    // Surveys are read twice, a batch at a time: for whose tier is needed, then to tally them (never all held).
    const surveyed = new Set<number>();
    for await (const batch of surveyBatches(sql, period)) for (const survey of batch) surveyed.add(survey.customer_id);
    const tierOf = surveyed.size > 0 ? await tierByCustomer(sql, period, surveyed) : new Map<number, number>();
    return satisfactionReport(await tallySatisfaction(surveyBatches(sql, period), tierOf), await loyaltySummaries(sql, period), context);
  },
};

/** monthlyRevenue from SINCE (a first of a month) to asOf, taken from KNOWN when that covers them. */
async function monthsFrom(sql: Sql, since: string, asOf: string, known?: { since: string; asOf: string; rows: MonthRevenue[] }): Promise<MonthRevenue[]> {
  // Every order of a month from SINCE's on is on or after KNOWN's start when that is no later than SINCE.
  if (known && known.asOf === asOf && known.since <= since) return known.rows.filter((row) => row.month >= since.slice(0, 7));
  return monthlyRevenue(sql, { since, asOf });
}

/** lostReport's order: most profit first, then by customer id. */
const lostOrder = (a: CustomerValue, b: CustomerValue) => b.profit_cents - a.profit_cents || a.external_id.localeCompare(b.external_id);

/** Customer id → pyramid tier (the default cuts, all history up to the standings' date) of the customers at POSITIONS. */
function tiersAmong(standings: Standings, positions: readonly number[]): Map<number, number> {
  const { profit } = standings.valueColumns();
  const tiers = new Map<number, number>();
  for (const at of positions) {
    // rank(): one more than the customers with more profit.
    let above = 0;
    for (let other = 0; other < profit.length; other++) if (profit[other]! > profit[at]!) above++;
    tiers.set(standings.idAt(at), tierAtPosition(above + 1, profit.length, defaultCuts));
  }
  return tiers;
}

/** The COUNT-th largest of VALUES (-Infinity when there are fewer: every value is at least that). */
function kthLargest(values: Float64Array, count: number): number {
  if (count < 1) return Infinity;
  if (values.length <= count) return -Infinity;
  return values.slice().sort()[values.length - count]!;
}

/**
 * The first LIMIT rows of crm report profit over all history, and its facts, from the profit the standings carry: the
 * customers whose profit can place them there are read with their names, in external id order (as the ranking breaks
 * ties), then ordered by profit. Null when ties at the cut would ask for too many names at once (the SQL ranking then).
 */
async function profitHead(sql: Sql, standings: Standings, limit: number): Promise<{ rows: CustomerProfit[]; facts: ProfitFacts } | null> {
  const columns = standings.valueColumns();
  const facts = profitFactsOf(columns);
  const floor = kthLargest(columns.profit, limit);
  const candidates: number[] = [];
  for (let at = 0; at < standings.size; at++) if (columns.profit[at]! >= floor) candidates.push(at);
  if (candidates.length > 10_000) return null;
  const position = new Map(candidates.map((at) => [standings.idAt(at), at]));
  // Sorting by profit keeps the external id order among equal profits (Array.prototype.sort is stable).
  const named = (await customerNamesById(sql, candidates.map((at) => standings.idAt(at)))).map((customer) => ({ customer, at: position.get(customer.id)! }));
  named.sort((a, b) => columns.profit[b.at]! - columns.profit[a.at]!);
  let cumulative = 0;
  const rows = named.slice(0, limit).map(({ customer, at }, index): CustomerProfit => {
    cumulative += columns.profit[at]!;
    return {
      rank: index + 1, external_id: customer.external_id, name: customer.name, owner: customer.owner, orders: columns.orders[at]!,
      revenue_cents: columns.revenue[at]!, profit_cents: columns.profit[at]!, cumulative_profit_cents: cumulative,
      total_profit_cents: facts.totalProfitCents, customers: facts.customers,
    };
  });
  return { rows, facts };
}

export async function buildReport(sql: Sql, name: string, options: BuildOptions): Promise<Report> {
  const builder = builders[name];
  if (!builder) throw new Error(`no report named ${name}`);
  return builder(sql, options, { since: options.period.since, asOf: options.period.asOf, lang: options.lang });
}
