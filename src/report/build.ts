// Builds any `crm report NAME` from the database: the one core call the report command makes (no clock, no terminal).
import type { Sql } from '../db/engine/sql.js';
import { cohortCells, customerProfits, orderCoverage, productTotals } from '../db/report-sales.js';
import { complaintTimes, ownerContacts, ownerSales } from '../db/report-people.js';
import { advancePayments, paymentsRecorded, receivableTotals, receivables } from '../db/receivables.js';
import type { ResolvedPeriod } from './period.js';
import { cohortsReport, productsReport, profitReport, type ReportContext } from './sales-reports.js';
import { receivablesReport, salespeopleReport } from './people-reports.js';
import type { Lang, Report } from './types.js';
import { customerValues, openComplaintCount, openFollowUpCount, returnFacts, surveysIn } from '../db/report-customers.js';
import { monthlyRevenue, salesTotals } from '../db/report-sales.js';
import { customerStandings, loyaltySummaries, lostAmong, lostIn, pyramidLevels, segmentSummaries, tierByCustomer, wonBack, type CustomerStanding } from './analysis-inputs.js';
import { summaryReport } from './summary-report.js';
import { lostReport, satisfactionReport } from './customer-reports.js';
import { addMonths } from './period.js';
import { addDays } from '../util/dates.js';
import { leadFacts, partnerFacts } from '../db/leads.js';
import { leadFunnel } from '../analysis/funnel.js';
import { funnelReport, partnersReport } from './lead-reports.js';

export interface BuildOptions {
  period: ResolvedPeriod;
  lang: Lang;
  /** The real today (follow-ups and complaints due "now"); reports of the past use asOf instead. */
  today: string;
  /**
   * customerStandings(…, period.asOf, period.includePartners) when the caller has them already (the dashboard builds
   * summary and lost as of one date): those two reports then do not read every order again to classify it.
   */
  standings?: readonly CustomerStanding[];
}

type Builder = (sql: Sql, options: BuildOptions, context: ReportContext) => Promise<Report>;

// Each builder reads everything its report needs first (store functions, one statement each, aggregated in the
// database), then builds the report from those plain rows: nothing below queries in the middle of a computation.
const builders: Record<string, Builder> = {
  products: async (sql, { period }, context) => productsReport(await productTotals(sql, period), await orderCoverage(sql, period), context),
  profit: async (sql, { period }, context) => profitReport(await customerProfits(sql, period), await orderCoverage(sql, period, true), context),
  salespeople: async (sql, { period }, context) =>
    salespeopleReport(await ownerSales(sql, period), await ownerContacts(sql, period), await complaintTimes(sql, period), context),
  // Receivables are a position at a date: everything billed and paid up to as-of counts, whatever the period's start.
  // A shop that never recorded a payment gets no receivables: every billed order would look owed (docs/rules.md#receivables).
  receivables: async (sql, { period }, context) =>
    (await paymentsRecorded(sql))
      ? receivablesReport(await receivables(sql, period.asOf), await advancePayments(sql, period.asOf), { ...context, since: null })
      : receivablesReport(null, { customers: 0, credit_cents: 0 }, { ...context, since: null }),
  cohorts: async (sql, { period }, context) => cohortsReport(await cohortCells(sql, period), context),
  summary: async (sql, { period, standings: known }, context) => {
    const inRange = (date: string, range: { since: string | null; asOf: string } | null) => range !== null && date <= range.asOf && (range.since === null || date >= range.since);
    const standings = known ?? (await customerStandings(sql, period.asOf, period.includePartners));
    const debts = (await paymentsRecorded(sql)) ? await receivableTotals(sql, period.asOf) : null;
    const previous = period.previous;
    return summaryReport(
      {
        previous: previous && previous.since !== null ? { since: previous.since, asOf: previous.asOf } : null,
        activeCustomers: standings.filter((customer) => customer.stage !== 'lost').length,
        newCustomers: standings.filter((customer) => inRange(customer.firstOrder, period)).length,
        newCustomersPrevious: previous ? standings.filter((customer) => inRange(customer.firstOrder, previous)).length : null,
        // The standings above are as of the period's end already: reading every order again would give the same.
        lostCustomers: lostAmong(standings, period).length,
        lostCustomersPrevious: previous ? (await lostIn(sql, previous)).length : null,
        wonBackCustomers: period.since === null ? 0 : wonBack(await returnFacts(sql, period)),
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
        months: await monthlyRevenue(sql, { since: addMonths(`${period.asOf.slice(0, 7)}-01`, -11), asOf: period.asOf }),
      },
      context,
    );
  },
  lost: async (sql, { period, standings: known }, context) => {
    const lost = known ? lostAmong(known, period) : await lostIn(sql, period);
    // The tier they held before leaving: the pyramid of all orders up to the day before the period (else up to as-of).
    const tierDate = period.since === null ? period.asOf : addDays(period.since, -1);
    const tiers = await tierByCustomer(sql, { since: null, asOf: tierDate, includePartners: period.includePartners });
    return lostReport(lost, await customerValues(sql, lost.map((customer) => customer.customerId), period.asOf), tiers, tierDate, context);
  },
  funnel: async (sql, { period }, context) => funnelReport(leadFunnel(await leadFacts(sql, period)), context),
  partners: async (sql, { period }, context) => partnersReport(await partnerFacts(sql, period), context),
  satisfaction: async (sql, { period }, context) =>
    satisfactionReport(await surveysIn(sql, period), await tierByCustomer(sql, period), await loyaltySummaries(sql, period), context),
};

export async function buildReport(sql: Sql, name: string, options: BuildOptions): Promise<Report> {
  const builder = builders[name];
  if (!builder) throw new Error(`no report named ${name}`);
  return builder(sql, options, { since: options.period.since, asOf: options.period.asOf, lang: options.lang });
}
