// crm clv: customer lifetime value by BG/NBD + Gamma-Gamma (issue 9); --validate checks the model on a hold-out.
import type { Command } from 'commander';
import { Option } from 'commander';
import { requireDate, withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface ClvFlags extends OutputOptions {
  asOf?: string;
  horizon: string;
  discount: string;
  unit: 'day' | 'week' | 'month';
  limit?: string;
  validate?: boolean;
  calibrationEnd?: string;
  includePartners?: boolean;
}

export function registerClv(program: Command, context: CliContext): void {
  withOutputOptions(
    program
      .command('clv')
      .description('customer lifetime value: chance each customer is still active, expected purchases and value (BG/NBD + Gamma-Gamma)')
      .option('--as-of <date>', 'use orders up to DATE; ages count to it (default today)')
      .option('--horizon <length>', 'predict over 12m (months), 39w (weeks) or 90d (days)', '12m')
      .option('--discount <rate>', 'annual discount rate for CLV, applied monthly (rate/12)', '0.10')
      .addOption(new Option('--unit <unit>', 'time unit of the model and of recency/T').choices(['day', 'week', 'month']).default('week'))
      .option('--limit <n>', 'at most N customers (the most valuable first)')
      .option('--validate', 'fit on orders to --calibration-end, predict to --as-of, compare with what happened')
      .option('--calibration-end <date>', 'end of the calibration period for --validate')
      .option('--include-partners', 'count partners as customers (by default the customer analyses leave them out)')
      .addHelpText(
        'after',
        '\nExamples:\n  $ crm clv --as-of 1997-09-30 --horizon 39w --limit 20\n  $ crm clv --horizon 12m --discount 0.10 --format csv --output clv.csv\n' +
          '  $ crm clv --validate --calibration-end 1997-09-30 --as-of 1998-06-30',
      ),
  ).action(async (flags: ClvFlags, command: Command) => {
    const { UsageError } = await import('../../errors.js');
    const { flagLimits, parsePositiveInteger } = await import('../context.js');
    const { analyseClv, requireSales, validateClv } = await import('../../analysis/clv.js');
    const asOf = context.asOf(flags.asOf);
    const unit = flags.unit;
    const lang = context.lang(flags);
    const report = await import('../../report/clv.js');
    const { purchaseSummary, purchaseDaysIn } = await import('../../db/clv.js');
    if (flags.validate) {
      if (flags.calibrationEnd === undefined) throw new UsageError('--validate needs --calibration-end DATE (the model is fitted on the orders up to it)');
      // The check predicts repeat purchases over the hold-out: no horizon, value, discount or customer list.
      for (const [key, flag] of [['horizon', '--horizon'], ['discount', '--discount'], ['limit', '--limit']] as const) {
        if (command.getOptionValueSource(key) === 'cli') throw new UsageError(`${flag} does not go with --validate (it predicts from --calibration-end to --as-of)`);
      }
      const calibrationEnd = requireDate(flags.calibrationEnd, '--calibration-end');
      if (calibrationEnd >= asOf) throw new UsageError(`--calibration-end ${calibrationEnd} must be before the as-of date ${asOf}`);
      const { addDays, daysBetween } = await import('../../util/dates.js');
      const sql = await context.openStore();
      const includePartners = flags.includePartners === true;
      const calibration = requireSales(await purchaseSummary(sql, calibrationEnd, includePartners), `--calibration-end ${calibrationEnd}`);
      const actual = await purchaseDaysIn(sql, { since: addDays(calibrationEnd, 1), asOf, includePartners });
      const validation = validateClv(calibration, actual, daysBetween(calibrationEnd, asOf), unit);
      if (validation.totalActual === 0) context.info(report.emptyHoldoutWarning({ calibrationEnd, asOf, lang }));
      await context.emit(report.clvValidationReport(validation, { calibrationEnd, asOf, lang }), flags);
      return;
    }
    if (flags.calibrationEnd !== undefined) throw new UsageError('--calibration-end goes with --validate');
    const { clvFlags } = await import('../analysis-flags.js');
    const modelOptions = await clvFlags(flags, unit);
    const limit = flags.limit === undefined ? undefined : parsePositiveInteger(flags.limit, '--limit', flagLimits.rows);
    const sql = await context.openStore();
    const { customerLabels, returnsNetted } = await import('../../db/analysis.js');
    const { withReturnsNote } = await import('../../report/returns-note.js');
    const result = analyseClv(requireSales(await purchaseSummary(sql, asOf, flags.includePartners === true), asOf), modelOptions);
    const built = await report.clvReport(result, (ids) => customerLabels(sql, ids), { asOf, lang, limit });
    // The Gamma-Gamma check (issue 9): the warning also goes to stderr, where a script's log keeps it.
    if (Math.abs(result.correlation) > report.CORRELATION_WARNING) context.info(built.notes![0]!);
    await context.emit(withReturnsNote(built, await returnsNetted(sql, { asOf, includePartners: flags.includePartners === true }), lang), flags);
  });
}
