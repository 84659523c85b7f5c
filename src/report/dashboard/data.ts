// The dashboard's content gathered from the database into one plain value: the same report values
// `crm report summary`, `crm pyramid`, `crm segment`, `crm lifecycle`, `crm loyalty`, `crm report profit|lost|cohorts`
// print, so the page and the other formats cannot disagree. Rendering (html.ts) never computes.
import { buildPyramid, defaultCuts } from '../../analysis/pyramid.js';
import type { RfGrid } from '../../analysis/rf-grid.js';
import { pyramidTiers, tierCoverage } from '../../db/pyramid.js';
import type { Sql } from '../../db/engine/sql.js';
import { monthlyRevenue, type MonthRevenue } from '../../db/report-sales.js';
import { fromLifecycle, lifecycleStandings, loyaltySummaries, scoredSegments, stageSummaries, type FromLifecycle, type LifecycleRead } from '../analysis-inputs.js';
import type { StageSummary } from '../../analysis/lifecycle.js';
import { buildReport } from '../build.js';
import { addMonths, type ResolvedPeriod } from '../period.js';
import { pyramidReport } from '../pyramid.js';
import { lifecycleSummaryReport, loyaltySummaryReport } from '../relationship.js';
import { segmentNotes, segmentSummaryReport } from '../rfm.js';
import type { Lang, Report } from '../types.js';

/** How many months the revenue chart shows, and how many customers the two tables list at most. */
export const dashboardMonths = 24;
export const dashboardListLength = 20;
/** The newest cohorts the retention heat map shows (older ones: crm report cohorts). */
export const dashboardCohorts = 24;

export interface MonthFigures {
  /** YYYY-MM */
  month: string;
  revenueCents: number;
  profitCents: number;
}

export interface DashboardData {
  lang: Lang;
  /** The shop's time zone: times in the lists are shown on its clock (unset: as stored, in UTC). */
  zone?: string;
  asOf: string;
  /** The start of the analysis sections' orders (null: all history up to asOf). */
  since: string | null;
  /** crm report summary for the same flags (default: the last 30 days against the 30 before). */
  summary: Report;
  pyramid: Report;
  segments: Report;
  rfGrid: RfGrid;
  /** The last 24 calendar months up to the as-of month (from the month of `since` when that is later), oldest first; months without sales are 0. */
  months: MonthFigures[];
  /** crm report cohorts, its newest cohorts only (cohortsShown of cohortsTotal). */
  cohorts: Report;
  cohortsTotal: number;
  lifecycle: Report;
  loyalty: Report;
  /** crm report profit, its first 20 rows (the customers bringing most profit). */
  topCustomers: Report;
  topCustomersTotal: number;
  /** crm report lost (the win-back list), its first 20 rows. */
  winBack: Report;
  winBackTotal: number;
}

export interface DashboardOptions {
  /** The key figures' period, as `crm report summary` resolves the flags (default the last 30 days). */
  summaryPeriod: ResolvedPeriod;
  /** The analysis sections' period, as `crm pyramid` or `crm report lost` resolve the flags (default all history). */
  analysisPeriod: ResolvedPeriod;
  lang: Lang;
  /** The real today, for what is due "now" (as the reports take it). */
  today: string;
  /** The shop's time zone, for the times the lists show. */
  zone?: string;
}

/** The 24 months up to the as-of month, months without sales filled with zeros so the chart's time axis is even. */
export function lastMonths(rows: readonly { month: string; revenue_cents: number; profit_cents: number }[], asOf: string, count = dashboardMonths): MonthFigures[] {
  const first = addMonths(`${asOf.slice(0, 7)}-01`, -(count - 1));
  const byMonth = new Map(rows.map((row) => [row.month, row]));
  return Array.from({ length: count }, (_, index) => {
    const month = addMonths(first, index).slice(0, 7);
    const row = byMonth.get(month);
    return { month, revenueCents: row?.revenue_cents ?? 0, profitCents: row?.profit_cents ?? 0 };
  });
}

/** Calendar months from the month of `from` to the month of `to`, both counted: 2026-01-15 → 2026-10-31 is 10. */
export function monthsSpanned(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
}

/** A ranked list built with only its first rows (BuildOptions.limit), and how many rows the whole list has. */
async function firstOf(report: Promise<Report>): Promise<{ report: Report; total: number }> {
  const first = await report;
  return { report: first, total: first.rowsInAll ?? first.rows.length };
}

/**
 * The summary, the win-back list, the lifecycle stages and the top customers by profit: all four read every order up to
 * the page's date per customer, so that is done once here (not four times) and let go before the rest.
 */
async function lifecycleParts(sql: Sql, options: DashboardOptions, months: { since: string; asOf: string; rows: MonthRevenue[] }): Promise<{ read: LifecycleRead; summary: Report; lost: { report: Report; total: number }; profit: { report: Report; total: number }; stages: StageSummary[] }> {
  const { analysisPeriod: period, summaryPeriod, lang, today } = options;
  const same = (chosen: ResolvedPeriod) => chosen.asOf === period.asOf && Boolean(chosen.includePartners) === Boolean(period.includePartners);
  // The summary's previous period ends earlier: its standings come from the same pass over the orders.
  const earlier = summaryPeriod.previous;
  const previousAsOf = same(summaryPeriod) && earlier && Boolean(earlier.includePartners) === Boolean(period.includePartners) && earlier.asOf <= period.asOf ? earlier.asOf : null;
  const read = await lifecycleStandings(sql, period.asOf, { includePartners: period.includePartners, previous: previousAsOf, values: true });
  const stages = period.since === null ? read.stages : await stageSummaries(sql, period);
  const build = (name: string, chosen: ResolvedPeriod, limit?: number) =>
    buildReport(sql, name, { period: chosen, lang, today, lifecycle: same(chosen) ? read : undefined, monthlyRevenue: months, limit });
  return {
    read,
    summary: await build('summary', summaryPeriod),
    lost: await firstOf(build('lost', period, dashboardListLength)),
    // The profit list ranks the same sums over the same orders as the lifecycle pass read (all history).
    profit: await firstOf(build('profit', period, dashboardListLength)),
    stages,
  };
}

export async function gatherDashboard(sql: Sql, options: DashboardOptions): Promise<DashboardData> {
  const { lang, analysisPeriod: period } = options;
  const asOf = period.asOf;
  // The last 24 months, or fewer when --since/--period starts later: the chart covers the page's span like the rest.
  // Read first: the summary's spark line takes its twelve months from them when they cover those.
  const first = addMonths(`${asOf.slice(0, 7)}-01`, -(dashboardMonths - 1));
  const start = period.since !== null && period.since > first ? period.since : first;
  const monthRows = await monthlyRevenue(sql, { since: start, asOf });
  const { read, summary, lost, profit, stages } = await lifecycleParts(sql, options, { since: start, asOf, rows: monthRows });
  // Over all history (the default), the lifecycle pass read what the pyramid, segments, loyalty and cohorts need too.
  const known = fromLifecycle(read, period);

  // The tiers' own totals say how many orders had no cost: no second pass over the orders for the note.
  const tierTotals = known ? await known.tiers(sql, defaultCuts) : await pyramidTiers(sql, period, defaultCuts);
  const coverage = tierCoverage(tierTotals);
  const pyramid = pyramidReport(buildPyramid(tierTotals), { asOf, lang, cuts: defaultCuts, ordersWithoutCost: coverage.ordersWithoutCost, orders: coverage.orders });
  const { segments, rfGrid } = await segmentParts(sql, period, lang, known);
  const months = lastMonths(monthRows, asOf, monthsSpanned(start, asOf));
  const cohorts = await buildReport(sql, 'cohorts', { period, lang, today: options.today, lifecycle: read });
  return {
    lang,
    zone: options.zone,
    asOf,
    since: period.since,
    summary,
    pyramid,
    segments,
    rfGrid,
    months,
    cohorts: { ...cohorts, rows: cohorts.rows.slice(-dashboardCohorts) },
    cohortsTotal: cohorts.rows.length,
    lifecycle: lifecycleSummaryReport(stages, { asOf, lang }),
    loyalty: loyaltySummaryReport(known ? await known.loyalty(sql) : await loyaltySummaries(sql, period), { asOf, lang, windowDays: 90, willingAt: 1 }),
    topCustomers: profit.report,
    topCustomersTotal: profit.total,
    winBack: lost.report,
    winBackTotal: lost.total,
  };
}

/** The segment report and the R×F grid; every customer's scores behind them are let go on return. */
async function segmentParts(sql: Sql, period: ResolvedPeriod, lang: Lang, known: FromLifecycle | null): Promise<{ segments: Report; rfGrid: RfGrid }> {
  const segmented = known ? known.segments() : await scoredSegments(sql, period);
  const segments = segmentSummaryReport(segmented.summaries, segmented.segmentation, { asOf: period.asOf, lang, notes: segmentNotes('default', segmented.scores, lang) });
  return { segments, rfGrid: segmented.grid };
}
