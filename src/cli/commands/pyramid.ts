// crm pyramid: the customer value pyramid (platinum, gold, iron, lead) by profit.
import type { Command } from 'commander';
import type { PeriodFlags } from '../analysis-flags.js';
import { withOutputOptions, withPeriodOptions, type CliContext } from '../context.js';

interface PyramidFlags extends PeriodFlags {
  cuts: string;
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
        .addHelpText(
          'after',
          '\nExamples:\n  $ crm pyramid\n  $ crm pyramid --since 2026-01-01 --cuts 2,10,30\n  $ crm pyramid --customers --tier gold --format csv --output gold.csv',
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
    const db = context.openDb();
    const { pyramidTiers, pyramidCustomers } = await import('../../db/pyramid.js');
    const report = await import('../../report/pyramid.js');
    if (flags.customers || tier !== null) {
      const rows = pyramidCustomers(db, period, cuts, tier);
      await context.emit(report.tierCustomersReport(rows, { asOf: period.asOf, lang, tier: tier === null ? null : tiers[tier]! }), flags);
      return;
    }
    const { costCoverage } = await import('../../db/analysis.js');
    const coverage = costCoverage(db, period);
    const levels = buildPyramid(pyramidTiers(db, period, cuts));
    await context.emit(report.pyramidReport(levels, { asOf: period.asOf, lang, cuts, ordersWithoutCost: coverage.ordersWithoutCost, orders: coverage.orders }), flags);
  });
}
