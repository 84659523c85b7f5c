// Builds any `crm report NAME` from the database: the one core call the report command makes (no clock, no terminal).
import type { Db } from '../db/open.js';
import { cohortCells, customerProfits, orderCoverage, productTotals } from '../db/report-sales.js';
import { complaintTimes, ownerContacts, ownerSales } from '../db/report-people.js';
import { advancePayments, paymentsRecorded, receivableTotals, receivables } from '../db/receivables.js';
import type { ResolvedPeriod } from './period.js';
import { cohortsReport, productsReport, profitReport, type ReportContext } from './sales-reports.js';
import { receivablesReport, salespeopleReport } from './people-reports.js';
import type { Lang, Report } from './types.js';
import { customerValues, openComplaintCount, returnFacts, surveysIn } from '../db/report-customers.js';
import { monthlyRevenue, salesTotals } from '../db/report-sales.js';
import { listFollowUps } from '../db/interactions.js';
import { sqlOf } from '../db/engine/legacy.js';
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
   * customerStandings(db, period.asOf, period.includePartners) when the caller has them already (the dashboard builds
   * summary and lost as of one date): those two reports then do not read every order again to classify it.
   */
  standings?: readonly CustomerStanding[];
}

type Builder = (db: Db, options: BuildOptions, context: ReportContext) => Report | Promise<Report>;

const builders: Record<string, Builder> = {
  products: (db, { period }, context) => productsReport(productTotals(db, period), orderCoverage(db, period), context),
  profit: (db, { period }, context) => profitReport(customerProfits(db, period), orderCoverage(db, period, true), context),
  salespeople: (db, { period }, context) => salespeopleReport(ownerSales(db, period), ownerContacts(db, period), complaintTimes(db, period), context),
  // Receivables are a position at a date: everything billed and paid up to as-of counts, whatever the period's start.
  // A shop that never recorded a payment gets no receivables: every billed order would look owed (docs/rules.md#receivables).
  receivables: (db, { period }, context) =>
    paymentsRecorded(db)
      ? receivablesReport(receivables(db, period.asOf), advancePayments(db, period.asOf), { ...context, since: null })
      : receivablesReport(null, { customers: 0, credit_cents: 0 }, { ...context, since: null }),
  cohorts: (db, { period }, context) => cohortsReport(cohortCells(db, period), context),
  summary: async (db, { period, standings: known }, context) => {
    const inRange = (date: string, range: { since: string | null; asOf: string } | null) => range !== null && date <= range.asOf && (range.since === null || date >= range.since);
    const standings = known ?? customerStandings(db, period.asOf, period.includePartners);
    const debts = paymentsRecorded(db) ? receivableTotals(db, period.asOf) : null;
    const previous = period.previous;
    return summaryReport(
      {
        previous: previous && previous.since !== null ? { since: previous.since, asOf: previous.asOf } : null,
        activeCustomers: standings.filter((customer) => customer.stage !== 'lost').length,
        newCustomers: standings.filter((customer) => inRange(customer.firstOrder, period)).length,
        newCustomersPrevious: previous ? standings.filter((customer) => inRange(customer.firstOrder, previous)).length : null,
        // The standings above are as of the period's end already: reading every order again would give the same.
        lostCustomers: lostAmong(standings, period).length,
        lostCustomersPrevious: previous ? lostIn(db, previous).length : null,
        wonBackCustomers: period.since === null ? 0 : wonBack(returnFacts(db, period)),
        sales: salesTotals(db, period),
        salesPrevious: previous ? salesTotals(db, previous) : null,
        followupsOverdue: (await listFollowUps(sqlOf(db), { from: null, to: addDays(period.asOf, -1) })).length,
        followupsDueToday: (await listFollowUps(sqlOf(db), { from: period.asOf, to: period.asOf })).length,
        openComplaints: openComplaintCount(db, period.asOf),
        owedCents: debts?.owed_cents ?? null,
        owedOver60Cents: debts?.owed_over_60_cents ?? null,
        pyramid: pyramidLevels(db, period),
        segments: segmentSummaries(db, period),
        // The spark line: the twelve calendar months up to the as-of month.
        months: monthlyRevenue(db, { since: addMonths(`${period.asOf.slice(0, 7)}-01`, -11), asOf: period.asOf }),
      },
      context,
    );
  },
  lost: (db, { period, standings: known }, context) => {
    const lost = known ? lostAmong(known, period) : lostIn(db, period);
    // The tier they held before leaving: the pyramid of all orders up to the day before the period (else up to as-of).
    const tierDate = period.since === null ? period.asOf : addDays(period.since, -1);
    const tiers = tierByCustomer(db, { since: null, asOf: tierDate, includePartners: period.includePartners });
    return lostReport(lost, customerValues(db, lost.map((customer) => customer.customerId), period.asOf), tiers, tierDate, context);
  },
  funnel: async (db, { period }, context) => funnelReport(leadFunnel(await leadFacts(sqlOf(db), period)), context),
  partners: async (db, { period }, context) => partnersReport(await partnerFacts(sqlOf(db), period), context),
  satisfaction: (db, { period }, context) =>
    satisfactionReport(surveysIn(db, period), tierByCustomer(db, period), loyaltySummaries(db, period), context),
};

export async function buildReport(db: Db, name: string, options: BuildOptions): Promise<Report> {
  const builder = builders[name];
  if (!builder) throw new Error(`no report named ${name}`);
  return builder(db, options, { since: options.period.since, asOf: options.period.asOf, lang: options.lang });
}
