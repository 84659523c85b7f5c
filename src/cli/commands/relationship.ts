// crm lifecycle, crm loyalty, crm advise: where each relationship stands and what kind of relationship to run.
import type { Command } from 'commander';
import type { PeriodFlags } from '../analysis-flags.js';
import { withOutputOptions, withPeriodOptions, type CliContext } from '../context.js';

export function registerRelationship(program: Command, context: CliContext): void {
  withPeriodOptions(
    withOutputOptions(
      program
        .command('lifecycle')
        .description('relationship stage per customer: exploration, formation, stability, decline, lost')
        .option('--customers', 'list the customers (a call list, most valuable first)')
        .option('--stage <stage>', 'exploration, formation, stability, decline or lost (implies --customers)')
        .addHelpText('after', '\nExamples:\n  $ crm lifecycle\n  $ crm lifecycle --stage decline --format csv --output call-list.csv'),
    ),
  ).action(async (flags: PeriodFlags & { customers?: boolean; stage?: string }) => {
    const { periodOf } = await import('../analysis-flags.js');
    const { StageTally, stages } = await import('../../analysis/lifecycle.js');
    const { classifiedCustomers } = await import('../../report/analysis-inputs.js');
    const report = await import('../../report/relationship.js');
    const { UsageError } = await import('../../errors.js');
    const stage = flags.stage === undefined ? undefined : stages.find((item) => [item.key, item.nameZh].includes(flags.stage!.toLowerCase()));
    if (flags.stage !== undefined && !stage) throw new UsageError(`--stage: "${flags.stage}" is not one of ${stages.map((item) => item.key).join(', ')}`);
    const period = periodOf(context, flags);
    const lang = context.lang(flags);
    const sql = await context.openStore();
    const { returnsNetted } = await import('../../db/analysis.js');
    const { withReturnsNote } = await import('../../report/returns-note.js');
    const netted = await returnsNetted(sql, period);
    if (flags.customers || stage) {
      // The chosen customers' figures are kept as columns of numbers, their names looked up as the rows are written.
      const chosen = new report.LifecycleListing();
      for await (const batch of classifiedCustomers(sql, period)) for (const customer of batch) if (!stage || customer.stage === stage.key) chosen.add(customer);
      const { listedLabels } = await import('../../db/relationship.js');
      const listing = report.lifecycleCustomersReport(chosen, (ids) => listedLabels(sql, ids), { asOf: period.asOf, lang, stageName: stage && (lang === 'zh' ? stage.nameZh : stage.name) });
      await context.emit(withReturnsNote(listing, netted, lang), flags);
      return;
    }
    const tally = new StageTally();
    for await (const batch of classifiedCustomers(sql, period)) tally.add(batch);
    await context.emit(withReturnsNote(report.lifecycleSummaryReport(tally.summary(), { asOf: period.asOf, lang }), netted, lang), flags);
  });

  withPeriodOptions(
    withOutputOptions(
      program
        .command('loyalty')
        .description('the four loyalty forms: survey satisfaction (willing) × buying again (acting)')
        .option('--window <days>', 'buying again means an order within this many days', '90')
        .option('--willing-at <c>', 'willing when satisfaction C = perceived / expected is at least this', '1')
        .option('--customers', 'list the customers with their form')
        .addHelpText('after', '\nExamples:\n  $ crm loyalty\n  $ crm loyalty --window 180 --customers --format csv'),
    ),
  ).action(async (flags: PeriodFlags & { window: string; willingAt: string; customers?: boolean }) => {
    const { periodOf } = await import('../analysis-flags.js');
    const { flagLimits, parsePositiveInteger } = await import('../context.js');
    const { LoyaltyTally, loyaltyForm } = await import('../../analysis/loyalty.js');
    const { loyaltyFactBatches } = await import('../../db/relationship.js');
    const report = await import('../../report/relationship.js');
    const { UsageError } = await import('../../errors.js');
    const windowDays = parsePositiveInteger(flags.window, '--window', flagLimits.days);
    const willingAt = Number(flags.willingAt);
    // C = perceived / expected, both 1–10: C runs from 0.1 to 10.
    if (!(willingAt > 0 && willingAt <= 10)) throw new UsageError(`--willing-at: "${flags.willingAt}" is not a number above 0 and at most 10 (C runs from 0.1 to 10)`);
    const period = periodOf(context, flags);
    const lang = context.lang(flags);
    const sql = await context.openStore();
    if (flags.customers) {
      // The customers' figures are kept as columns of numbers, their names looked up as the rows are written.
      const listing = new report.LoyaltyListing();
      for await (const batch of loyaltyFactBatches(sql, period, windowDays)) for (const facts of batch) listing.add(facts, loyaltyForm(facts, { willingAt, windowDays }));
      const { listedLabels } = await import('../../db/relationship.js');
      await context.emit(report.loyaltyCustomersReport(listing, (ids) => listedLabels(sql, ids), { asOf: period.asOf, lang }), flags);
      return;
    }
    // The summary tallies the customers a batch at a time (a million are never all held).
    const tally = new LoyaltyTally();
    for await (const batch of loyaltyFactBatches(sql, period, windowDays)) tally.add(batch.map((facts) => ({ facts, form: loyaltyForm(facts, { willingAt, windowDays }) })));
    await context.emit(report.loyaltySummaryReport(tally.summary(), { asOf: period.asOf, lang, windowDays, willingAt }), flags);
  });

  withPeriodOptions(
    withOutputOptions(
      program
        .command('advise')
        .description('per pyramid tier: the relationship type to run and the relationship-marketing level, with the reason')
        .option('--cuts <percents>', 'pyramid cuts, as for crm pyramid', '1,5,20')
        .addHelpText('after', '\nExamples:\n  $ crm advise\n  $ crm advise --lang zh --format md'),
    ),
  ).action(async (flags: PeriodFlags & { cuts: string }) => {
    const { periodOf } = await import('../analysis-flags.js');
    const { parseCuts, buildPyramid } = await import('../../analysis/pyramid.js');
    const { adviseTiers } = await import('../../analysis/advise.js');
    const { pyramidTiers } = await import('../../db/pyramid.js');
    const { adviceReport } = await import('../../report/relationship.js');
    const { UsageError } = await import('../../errors.js');
    const cuts = parseCuts(flags.cuts);
    if (typeof cuts === 'string') throw new UsageError(`--cuts: ${cuts}`);
    const period = periodOf(context, flags);
    const levels = buildPyramid(await pyramidTiers(await context.openStore(), period, cuts));
    await context.emit(adviceReport(adviseTiers(levels), { asOf: period.asOf, lang: context.lang(flags) }), flags);
  });
}
