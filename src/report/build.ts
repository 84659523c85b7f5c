// Builds any `crm report NAME` from the database: the one core call the report command makes (no clock, no terminal).
import type { Db } from '../db/open.js';
import { cohortCells, customerProfits, orderCoverage, productTotals } from '../db/report-sales.js';
import { complaintTimes, ownerContacts, ownerSales } from '../db/report-people.js';
import { advancePayments, receivables } from '../db/receivables.js';
import type { ResolvedPeriod } from './period.js';
import { cohortsReport, productsReport, profitReport, type ReportContext } from './sales-reports.js';
import { receivablesReport, salespeopleReport } from './people-reports.js';
import type { Lang, Report } from './types.js';

export interface BuildOptions {
  period: ResolvedPeriod;
  lang: Lang;
  /** The real today (follow-ups and complaints due "now"); reports of the past use asOf instead. */
  today: string;
}

type Builder = (db: Db, options: BuildOptions, context: ReportContext) => Report | Promise<Report>;

const builders: Record<string, Builder> = {
  products: (db, { period }, context) => productsReport(productTotals(db, period), orderCoverage(db, period), context),
  profit: (db, { period }, context) => profitReport(customerProfits(db, period), orderCoverage(db, period), context),
  salespeople: (db, { period }, context) => salespeopleReport(ownerSales(db, period), ownerContacts(db, period), complaintTimes(db, period), context),
  // Receivables are a position at a date: everything billed and paid up to as-of counts, whatever the period's start.
  receivables: (db, { period }, context) => receivablesReport(receivables(db, period.asOf), advancePayments(db, period.asOf), { ...context, since: null }),
  cohorts: (db, { period }, context) => cohortsReport(cohortCells(db, period), context),
};

export function hasBuilder(name: string): boolean {
  return name in builders;
}

export async function buildReport(db: Db, name: string, options: BuildOptions): Promise<Report> {
  const builder = builders[name];
  if (!builder) throw new Error(`no report named ${name}`);
  return builder(db, options, { since: options.period.since, asOf: options.period.asOf, lang: options.lang });
}
