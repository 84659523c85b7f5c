// crm pyramid: the customer value pyramid (platinum, gold, iron, lead) by profit.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { PeriodFlags } from '../analysis-flags.js';
import { withOutputOptions, withPeriodOptions, type CliContext } from '../context.js';

interface PyramidFlags extends PeriodFlags {
  cuts: string;
  by: 'profit' | 'clv';
  /** Only with --by clv (defaults 12m and 0.10 there); unset otherwise. */
  horizon?: string;
  discount?: string;
  customers?: boolean;
  tier?: string;
}

export function registerPyramid(program: Command, context: CliContext): void {
  withPeriodOptions(
    withOutputOptions(
      program
        .command('pyramid')
        .description('the customer value pyramid: customers ranked by profit into platinum, gold, iron and lead')
        .option('--cuts <percents>', 'cumulative shares of customers for platinum, gold, iron', '1,5,20')
        .option('--customers', 'list the customers (of --tier, else all) instead of the tiers')
        .option('--tier <tier>', 'platinum, gold, iron or lead (implies --customers)')
        .addOption(new Option('--by <measure>', 'rank by past profit, or by predicted value (crm clv: BG/NBD + Gamma-Gamma, weeks)').choices(['profit', 'clv']).default('profit'))
        .option('--horizon <length>', 'with --by clv: predict over 12m, 39w or 90d (default: 12m)')
        .option('--discount <rate>', 'with --by clv: annual discount rate, applied monthly (default: 0.10)')
        .addHelpText(
          'after',
          '\nExamples:\n  $ crm pyramid\n  $ crm pyramid --since 2026-01-01 --cuts 2,10,30\n  $ crm pyramid --customers --tier gold --format csv --output gold.csv\n  $ crm pyramid --by clv --horizon 12m',
        ),
    ),
  ).action(async (flags: PyramidFlags) => {
    const { periodOf } = await import('../analysis-flags.js');
    const { parseCuts, tierIndex, tiers, buildPyramid } = await import('../../analysis/pyramid.js');
    const { UsageError } = await import('../../errors.js');
    const cuts = parseCuts(flags.cuts);
    if (typeof cuts === 'string') throw new UsageError(`--cuts: ${cuts}`);
    const tier = flags.tier === undefined ? null : tierIndex(flags.tier);
    if (tier === -1) throw new UsageError(`--tier: "${flags.tier}" is not one of platinum, gold, iron, lead`);
    const period = periodOf(context, flags);
    const lang = context.lang(flags);
    if (flags.by !== 'clv') {
      const clvOnly = flags.horizon !== undefined ? '--horizon' : flags.discount !== undefined ? '--discount' : null;
      if (clvOnly) throw new UsageError(`${clvOnly} goes with --by clv (the profit pyramid looks back, not ahead)`);
    }
    if (flags.by === 'clv') {
      await clvPyramid(context, flags, { asOf: period.asOf, since: period.since ?? null, cuts, tier, lang });
      return;
    }
    const sql = await context.openStore();
    const { pyramidTiers, pyramidCustomerBatches, pyramidCustomerCount } = await import('../../db/pyramid.js');
    const report = await import('../../report/pyramid.js');
    const { returnsNetted } = await import('../../db/analysis.js');
    const { withReturnsNote } = await import('../../report/returns-note.js');
    const netted = await returnsNetted(sql, period);
    if (flags.customers || tier !== null) {
      // Counted first (the title says how many), then read as the rows are written: a million are never all held.
      const rows = { count: await pyramidCustomerCount(sql, period, cuts, tier), batches: () => pyramidCustomerBatches(sql, period, cuts, tier) };
      await context.emit(withReturnsNote(report.tierCustomersReport(rows, { asOf: period.asOf, lang, tier: tier === null ? null : tiers[tier]! }), netted, lang), flags);
      return;
    }
    const { tierCoverage } = await import('../../db/pyramid.js');
    const totals = await pyramidTiers(sql, period, cuts);
    const coverage = tierCoverage(totals);
    const levels = buildPyramid(totals);
    await context.emit(withReturnsNote(report.pyramidReport(levels, { asOf: period.asOf, lang, cuts, ordersWithoutCost: coverage.ordersWithoutCost, orders: coverage.orders }), netted, lang), flags);
  });
}

/** --by clv: the tiers by predicted CLV (crm clv's model over the whole history up to --as-of). */
async function clvPyramid(
  context: CliContext,
  flags: PyramidFlags,
  options: { asOf: string; since: string | null; cuts: [number, number, number]; tier: number | null; lang: 'en' | 'zh' },
): Promise<void> {
  const { UsageError } = await import('../../errors.js');
  if (options.since !== null) throw new UsageError('--since does not go with --by clv: the model needs each customer\'s whole history');
  const { analyseClv, clvTiers, clvValues, requireSales } = await import('../../analysis/clv.js');
  const { clvFlags } = await import('../analysis-flags.js');
  const modelOptions = await clvFlags({ horizon: flags.horizon ?? '12m', discount: flags.discount ?? '0.10' }, 'week');
  const sql = await context.openStore();
  const { purchaseSummary } = await import('../../db/clv.js');
  const { customerLabels } = await import('../../db/analysis.js');
  const report = await import('../../report/clv.js');
  const result = analyseClv(requireSales(await purchaseSummary(sql, options.asOf, flags.includePartners === true), options.asOf), modelOptions);
  const placement = clvTiers(clvValues(result), options.cuts);
  if (flags.customers || options.tier !== null) {
    await context.emit(await report.clvTierCustomersReport(result, placement, (ids) => customerLabels(sql, ids), { asOf: options.asOf, lang: options.lang, tier: options.tier }), flags);
    return;
  }
  const built = report.clvPyramidReport(result, placement, { asOf: options.asOf, lang: options.lang, cuts: options.cuts });
  // The Gamma-Gamma check, as crm clv gives it: under the table and on stderr.
  if (Math.abs(result.correlation) > report.CORRELATION_WARNING) context.info(built.notes![0]!);
  await context.emit(built, flags);
}
