// crm segment [rules [--check]]: customers grouped by RFM segment, and the rules table behind it.
import type { Command } from 'commander';
import { withScoreOptions, type ScoreFlags } from '../analysis-flags.js';
import { withOutputOptions, withPeriodOptions, type CliContext, type OutputOptions } from '../context.js';

interface SegmentFlags extends ScoreFlags {
  customers?: boolean;
  segment?: string;
}

function typedOptions<T>(command: Command, parent: Command): T {
  const merged: Record<string, unknown> = { ...command.opts() };
  for (const [key, value] of Object.entries(parent.opts())) {
    const own = command.options.some((option) => option.attributeName() === key);
    if (own && parent.getOptionValueSource(key) === 'cli' && command.getOptionValueSource(key) !== 'cli') merged[key] = value;
  }
  return merged as T;
}

export function registerSegment(program: Command, context: CliContext): void {
  const segment = withScoreOptions(
    withPeriodOptions(
      withOutputOptions(
        program
          .command('segment')
          .description('customers per RFM segment: count, share, orders, revenue, average order, recency')
          .option('--customers', 'list the customers instead (the rfm columns)')
          .option('--segment <name>', 'with --customers: only this segment')
          .addHelpText(
            'after',
            '\nExamples:\n  $ crm segment\n  $ crm segment --customers --segment "At Risk" --format csv\n' +
              '  $ crm segment --scheme cn8 --baseline median --lang zh\n  $ crm segment rules --check',
          ),
      ),
    ),
  ).action(async (flags: SegmentFlags) => {
    const { requireSegment, segmentOptions } = await import('../analysis-flags.js');
    const { segmentedCustomers } = await import('../../report/analysis-inputs.js');
    const options = await segmentOptions(context, flags);
    const sql = await context.openStore();
    const { scores, segmentation } = await segmentedCustomers(sql, options);
    await requireSegment(segmentation, flags.segment);
    const lang = context.lang(flags);
    const { returnsNetted } = await import('../../db/analysis.js');
    const { withReturnsNote } = await import('../../report/returns-note.js');
    if (flags.customers || flags.segment) {
      const { customerLabels } = await import('../../db/analysis.js');
      const { rfmCustomersReport } = await import('../../report/rfm.js');
      const title = flags.segment ? `Segment ${flags.segment}` : 'Customers by segment';
      const built = await rfmCustomersReport(scores, segmentation, (ids) => customerLabels(sql, ids), { asOf: options.period.asOf, lang, selection: { segment: flags.segment }, title });
      await context.emit(withReturnsNote(built, await returnsNetted(sql, options.period), lang), flags);
      return;
    }
    const { summariseSegments } = await import('../../analysis/segments.js');
    const { segmentSummaryReport, segmentNotes } = await import('../../report/rfm.js');
    const notes = options.scheme === 'cn8' ? [] : segmentNotes(options.rulesSource, scores, lang);
    const built = segmentSummaryReport(summariseSegments(scores, segmentation), segmentation, { asOf: options.period.asOf, lang, notes });
    await context.emit(withReturnsNote(built, await returnsNetted(sql, options.period), lang), flags);
  });

  withOutputOptions(
    segment
      .command('rules')
      .description('print the segment rules table in force, or lint it with --check')
      .option('--rules <file>', 'a rules table to print or check instead of the default')
      .option('--check', 'list rules that can never match and score combinations no rule covers; exit 3 if a rule is dead')
      .option('--bins <n>', 'scores 1..N the rules are checked against', '5')
      .addHelpText('after', '\nExamples:\n  $ crm segment rules --format csv --output my-rules.csv\n  $ crm segment rules --rules my-rules.csv --check'),
  ).action(async (_flags: unknown, rulesCommand: Command) => {
    // commander gives options typed after `segment rules` to `segment` when both define them
    // (--rules, --bins, --format, …): take whichever the user actually typed.
    const flags = typedOptions<OutputOptions & { rules?: string; check?: boolean; bins: string }>(rulesCommand, segment);
    const { loadRules, parseBins } = await import('../analysis-flags.js');
    const { rulesReport, rulesCheckReport } = await import('../../report/rfm.js');
    const bins = parseBins(flags.bins);
    const { rules, source } = await loadRules(context, flags.rules);
    if (!flags.check) {
      await context.emit(rulesReport(rules, source), flags);
      return;
    }
    const { lintRules } = await import('../../analysis/segment-rules.js');
    const { DataRejectedError } = await import('../../errors.js');
    const lint = lintRules(rules, bins);
    await context.emit(rulesCheckReport(lint, bins, source), flags);
    const dead = lint.checks.filter((check) => check.dead).map((check) => check.rule.name);
    if (dead.length) throw new DataRejectedError(`${source}: ${dead.length} rule(s) can never match: ${dead.join(', ')}`);
  });
}
