// crm rfm: recency, frequency and monetary scores per customer (R rfm compatible).
import type { Command } from 'commander';
import { withScoreOptions, type ScoreFlags } from '../analysis-flags.js';
import { withOutputOptions, withPeriodOptions, type CliContext } from '../context.js';

export function registerRfm(program: Command, context: CliContext): void {
  withScoreOptions(
    withPeriodOptions(
      withOutputOptions(
        program
          .command('rfm')
          .description('RFM scores per customer: days since last order, number of orders, revenue, scored 1..N')
          .option('--segment <name>', 'only customers in this segment')
          .addHelpText(
            'after',
            '\nExamples:\n  $ crm rfm --limit 20\n  $ crm rfm --as-of 2026-10-31 --format csv --output rfm-october.csv\n' +
              '  $ crm rfm --thresholds "r=115,181,297,482 f=4,5,6,8 m=256,382,506,666"',
          ),
      ),
    ),
  )
    .option('--limit <n>', 'at most N customers (the best first)')
    .action(async (flags: ScoreFlags & { segment?: string; limit?: string }) => {
      const { requireSegment, segmentOptions } = await import('../analysis-flags.js');
      const { flagLimits, parsePositiveInteger } = await import('../context.js');
      const { segmentedCustomers } = await import('../../report/analysis-inputs.js');
      const { customerLabels, returnsNetted } = await import('../../db/analysis.js');
      const { rfmCustomersReport } = await import('../../report/rfm.js');
      const limit = flags.limit === undefined ? undefined : parsePositiveInteger(flags.limit, '--limit', flagLimits.rows);
      const options = await segmentOptions(context, flags);
      const sql = await context.openStore();
      const { scores, segmentation } = await segmentedCustomers(sql, options);
      await requireSegment(segmentation, flags.segment);
      const report = await rfmCustomersReport(scores, segmentation, (ids) => customerLabels(sql, ids), {
        asOf: options.period.asOf,
        lang: context.lang(flags),
        selection: { segment: flags.segment, limit },
      });
      const { withReturnsNote } = await import('../../report/returns-note.js');
      await context.emit(withReturnsNote(report, await returnsNetted(sql, options.period), context.lang(flags)), flags);
    });
}
