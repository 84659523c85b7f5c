// crm report NAME: the owner's and the nightly job's reports, each made once as data and rendered in any format.
import type { Command } from 'commander';
import { reportCatalogue } from '../../report/catalogue.js';
import { withOutputOptions, type CliContext } from '../context.js';
import { withReportPeriodOptions, type ReportFlags } from '../report-flags.js';

export function registerReport(program: Command, context: CliContext): void {
  const report = program
    .command('report')
    .description('reports: summary, products, profit, salespeople, receivables, lost, satisfaction, cohorts, funnel, partners, points')
    .addHelpText(
      'after',
      `
Every report takes --period 30d|90d|12m|2025|2025-Q3|2025-11 (or --since DATE), --as-of DATE,
--format table|json|csv|md, --output FILE and --lang zh|en. An empty period is an empty report (exit 0).
Examples:
  $ crm report list
  $ crm report summary
  $ crm report products --period 12m
  $ crm report receivables --format csv --output receivables.csv     (the nightly job)`,
    );

  withOutputOptions(report.command('list').description('name every report with one line').addHelpText('after', '\nExample:\n  $ crm report list')).action(
    async (flags: ReportFlags) => {
      const { reportListReport } = await import('../../report/catalogue.js');
      await context.emit(reportListReport(context.lang(flags)), flags);
    },
  );

  for (const entry of reportCatalogue) {
    withReportPeriodOptions(
      withOutputOptions(
        report
          .command(entry.name)
          .description(entry.description)
          .addHelpText('after', `\nDefault period: ${entry.defaultPeriod === 'all' ? 'everything up to --as-of' : 'the last 30 days'}.\nExample:\n  $ ${entry.example}`),
      ),
    ).action(async (flags: ReportFlags) => {
      const { reportPeriod } = await import('../report-flags.js');
      const { buildReport } = await import('../../report/build.js');
      const period = reportPeriod(context, flags, entry.defaultPeriod);
      const sql = await context.openStore();
      await context.emit(await buildReport(sql, entry.name, { period, lang: context.lang(flags), today: context.today() }), flags);
    });
  }

  // The points programme (README "Members and points"): its own action, for --worth and the ledger's upkeep.
  withReportPeriodOptions(
    withOutputOptions(
      report
        .command('points')
        .description('points by member level: issued, taken back, redeemed, expired, outstanding and its value; points expiring in the next 30 days')
        .option('--worth <amount>', 'what one point is worth when redeemed, in the shop\'s currency', '0.01')
        .option('--all', 'every customer whose points expire in the next 30 days (default: the 20 with most)')
        .addHelpText('after', '\nDefault period: everything up to --as-of.\nExamples:\n  $ crm report points --period 2026 --worth 0.01\n  $ crm report points --format json'),
    ),
  ).action(async (flags: ReportFlags & { worth: string; all?: boolean }) => {
    const { pointsReportCommand } = await import('./points.js');
    await pointsReportCommand(context, flags);
  });
}
