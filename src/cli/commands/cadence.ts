// crm cadence set|list|rm (issue 21): how often a segment, tier, stage or one customer should hear from the shop.
// Who is due is crm followups --due and a section of crm agenda (report/cadence.ts).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { RuleTarget } from '../../db/cadence.js';
import type { Sql } from '../../db/engine/sql.js';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface SelectorFlags {
  segment?: string;
  tier?: string;
  stage?: string;
  customer?: string;
}

const selectorFlags = ['segment', 'tier', 'stage', 'customer'] as const;

/** The one selector flag given, as a stored target; a usage error (exit 2) for none, several, or an unknown name. */
async function targetOf(context: CliContext, sql: Sql, flags: SelectorFlags): Promise<{ target: RuleTarget; text: string }> {
  const given = selectorFlags.filter((flag) => flags[flag] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(`${given.length === 0 ? 'say who the rule is for' : `${given.map((flag) => `--${flag}`).join(' and ')} cannot be used together`}: one of --segment NAME, --tier NAME, --stage NAME or --customer ID`);
  }
  const selector = given[0]!;
  const raw = flags[selector]!;
  if (selector === 'customer') {
    const { resolveCustomer } = await import('../resolve-customer.js');
    const customer = await resolveCustomer(context, sql, raw);
    if (customer.kind !== 'customer') throw new UsageError(`--customer ${raw}: ${customer.external_id} ${customer.name} is a ${customer.kind}; a cadence is for customers`);
    if (customer.status === 'forgotten') throw new UsageError(`--customer ${raw}: ${customer.external_id} was forgotten`);
    return { target: { selector, name: null, customerId: customer.id }, text: `customer ${customer.external_id} (${customer.name})` };
  }
  const { selectorName } = await import('../../analysis/cadence.js');
  const named = selectorName(selector, raw);
  if ('unknown' in named) throw new UsageError(named.unknown);
  return { target: { selector, name: named.name, customerId: null }, text: `${selector} ${named.name}` };
}

function withSelectors(command: Command): Command {
  return command
    .option('--segment <name>', 'a segment of crm segment: Champions, "At Risk", Others, … (or its Chinese name)')
    .option('--tier <name>', 'a pyramid tier: platinum, gold, iron, lead (or 铂金客户 …)')
    .option('--stage <name>', 'a lifecycle stage: exploration, formation, stability, decline, lost')
    .option('--customer <id>', 'one customer (id, e-mail, phone or name)');
}

export function registerCadence(program: Command, context: CliContext): void {
  const cadence = program
    .command('cadence')
    .description('how often customers should hear from the shop: rules by segment, tier, stage or customer (crm followups --due lists who is due)')
    .addHelpText('after', '\nExamples:\n  $ crm cadence set --tier gold --every 30d\n  $ crm cadence list\n  $ crm followups --due');

  withSelectors(cadence.command('set').description('set how often a segment, tier, stage or customer should be contacted (again: replaces the interval)'))
    .requiredOption('--every <interval>', 'the interval: 30d, 2w, 3m (days, weeks, calendar months)')
    .addHelpText(
      'after',
      `
A customer whose last logged contact (any crm log, imported contact or complaint) is older than the interval is
due; when several rules match a customer, the most frequent one applies. Needs a manager or the owner on a
shared database.
Examples:
  $ crm cadence set --tier platinum --every 2w
  $ crm cadence set --tier gold --every 30d
  $ crm cadence set --segment "At Risk" --every 3w
  $ crm cadence set --stage decline --every 1m
  $ crm cadence set --customer C0001 --every 1w`,
    )
    .action(async (flags: SelectorFlags & { every: string }) => {
      const { everyHint, everyText, parseEvery } = await import('../../analysis/cadence.js');
      const every = parseEvery(flags.every);
      if (every === null) throw new UsageError(`--every: "${flags.every}" is not ${everyHint}`);
      const sql = await context.openStore();
      const { requireRole } = await import('../../db/team.js');
      await requireRole(sql, 'manager', 'set a cadence');
      const { target, text } = await targetOf(context, sql, flags);
      const { setCadence } = await import('../../db/cadence.js');
      const { nowIso } = await import('../daily-values.js');
      const result = await setCadence(sql, target, every, nowIso(context));
      const was = result.before === null ? '' : everyText(result.before) === everyText(every) ? ' (unchanged)' : ` (was every ${everyText(result.before)})`;
      context.say(`cadence #${result.id}: ${text} every ${everyText(every)}${was}\n`);
    });

  withOutputOptions(cadence.command('list').description('the cadence rules'))
    .addHelpText('after', '\nExamples:\n  $ crm cadence list\n  $ crm cadence list --format json')
    .action(async (flags: OutputOptions) => {
      const sql = await context.openStore();
      const { cadenceRules } = await import('../../db/cadence.js');
      const { rulesReport } = await import('../../report/cadence.js');
      await context.emit(rulesReport(await cadenceRules(sql), context.today(), context.lang(flags)), flags);
    });

  withSelectors(cadence.command('rm [id]').description('remove a cadence rule, by its id (crm cadence list) or by what it is for'))
    .addHelpText('after', '\nExamples:\n  $ crm cadence rm 3\n  $ crm cadence rm --tier gold\n  $ crm cadence rm --customer C0001')
    .action(async (rawId: string | undefined, flags: SelectorFlags) => {
      const given = selectorFlags.some((flag) => flags[flag] !== undefined);
      if (rawId !== undefined && given) throw new UsageError('name the rule by its id or by --segment/--tier/--stage/--customer, not both');
      const { requireId } = await import('../daily-values.js');
      const id = rawId === undefined ? null : requireId(rawId, 'cadence rule');
      const sql = await context.openStore();
      const { requireRole } = await import('../../db/team.js');
      await requireRole(sql, 'manager', 'remove a cadence');
      const { cadenceRule, removeCadence } = await import('../../db/cadence.js');
      const { everyText, ruleText } = await import('../../analysis/cadence.js');
      let rule;
      if (id !== null) {
        rule = await cadenceRule(sql, { id });
        if (!rule) throw new UsageError(`no cadence rule #${id} (see crm cadence list)`);
      } else {
        const { target, text } = await targetOf(context, sql, flags);
        rule = await cadenceRule(sql, target);
        if (!rule) throw new UsageError(`no cadence rule for ${text} (see crm cadence list)`);
      }
      await removeCadence(sql, rule.id);
      context.say(`removed cadence #${rule.id}: ${ruleText(rule)} every ${everyText(rule.every)}\n`);
    });
}
