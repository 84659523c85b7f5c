// crm dashboard: the owner's HTML page (key figures, pyramid, segments, months, cohorts, lifecycle, loyalty, two lists).
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../context.js';
import { withReportPeriodOptions, type ReportFlags } from '../report-flags.js';

export function registerDashboard(program: Command, context: CliContext): void {
  withReportPeriodOptions(
    program
      .command('dashboard')
      .description('one self-contained HTML page with the key figures and charts, to open offline, mail or print')
      .option('-o, --output <file>', 'write the page to FILE (mode 0600) instead of stdout')
      .addOption(new Option('--lang <lang>', 'language of every label (default from the locale)').choices(['en', 'zh']))
      .addHelpText(
        'after',
        `
The key figures are crm report summary's (default: the last 30 days against the 30 before); the charts and
tables cover every order up to --as-of, or the --since/--period span when given.
Examples:
  $ crm dashboard --output report.html
  $ crm dashboard --lang zh --as-of 2026-10-31 --output october.html
  $ crm dashboard --period 2026 --output 2026.html`,
      ),
  ).action(async (flags: ReportFlags) => {
    const { reportPeriod } = await import('../report-flags.js');
    const { gatherDashboard } = await import('../../report/dashboard/data.js');
    const { renderDashboard } = await import('../../report/dashboard/page.js');
    const options = {
      summaryPeriod: reportPeriod(context, flags, '30d'),
      analysisPeriod: reportPeriod(context, flags, 'all'),
      lang: context.lang(flags),
      today: context.today(),
      zone: context.zone(),
    };
    const html = renderDashboard(await gatherDashboard(await context.openStore(), options));
    if (flags.output === undefined || flags.output === '-') {
      context.io.stdout.write(html);
      return;
    }
    await context.writeOutput(flags.output, html);
    context.info(`wrote the dashboard as of ${options.analysisPeriod.asOf} to ${flags.output}`);
  });
}
