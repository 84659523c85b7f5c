// crm followups: what is due (overdue, today, this week), oldest first; crm followups done ID closes one.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { FollowUpWindow } from '../../analysis/follow-ups.js';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface ListFlags extends OutputOptions {
  overdue?: boolean;
  today?: boolean;
  week?: boolean;
  due?: boolean;
  owner?: string;
}

export function registerFollowups(program: Command, context: CliContext): void {
  const followups = withOutputOptions(
    program
      .command('followups')
      .description('follow-ups due: overdue, today, this week; oldest first, with the last contact')
      .addOption(new Option('--overdue', 'only those due before today').conflicts(['today', 'week']))
      .addOption(new Option('--today', 'only those due today').conflicts(['week']))
      .addOption(new Option('--week', 'those due today and in the six days after'))
      .addOption(new Option('--due', 'instead: customers due for a contact by their cadence (crm cadence), most overdue first').conflicts(['overdue', 'today', 'week']))
      .option('--owner <name>', 'only follow-ups of this salesperson')
      .addHelpText(
        'after',
        `
Without a filter, every open follow-up is listed. Overdue rows are red on a terminal.
--format json prints a bare array ([] when nothing is due; exit 0), for scripts.
Examples:
  $ crm followups --today --owner 王伟
  $ crm followups --overdue --format json        (the nightly job)
  $ crm followups done 42 --note "called back, sending samples"
  $ crm followups --due --owner 王伟              (not contacted for longer than their cadence)`,
      ),
  ).action(async (flags: ListFlags) => {
    if (flags.due) {
      const { dueCustomers, dueReport } = await import('../../report/cadence.js');
      const today = context.today();
      const sql = await context.openStore();
      await context.emit(dueReport(await dueCustomers(sql, today, { owner: flags.owner ?? null }), today, context.lang(flags)), flags);
      return;
    }
    const { dueRange } = await import('../../analysis/follow-ups.js');
    const { listFollowUps } = await import('../../db/interactions.js');
    const { followUpsReport } = await import('../../report/follow-ups.js');
    const window: FollowUpWindow = flags.overdue ? 'overdue' : flags.today ? 'today' : flags.week ? 'week' : 'all';
    const today = context.today();
    const db = await context.openStore();
    const rows = await listFollowUps(db, { ...dueRange(window, today), owner: flags.owner ?? null });
    await context.emit(followUpsReport(rows, window, today), flags);
  });

  followups
    .command('done <id>')
    .description('close a follow-up (and log that it was done on the customer timeline)')
    .option('--note <text>', 'what was done')
    .addHelpText('after', '\nExamples:\n  $ crm followups done 42\n  $ crm followups done 42 --note "sent the new price list"')
    .action(async (rawId: string, flags: { note?: string }) => {
      const { nowIso, requireId } = await import('../daily-values.js');
      const { completeFollowUp, interactionById } = await import('../../db/interactions.js');
      const { customerById } = await import('../../db/customers.js');
      const id = requireId(rawId, 'follow-up');
      const db = await context.openStore();
      const followUp = await interactionById(db, id);
      if (!followUp || followUp.follow_up_at === null) throw new UsageError(`no follow-up #${id} (see \`crm followups\`)`);
      if (followUp.follow_up_done_at !== null) {
        const { localDayOf } = await import('../../util/zone.js');
        throw new UsageError(`follow-up #${id} was already done on ${localDayOf(followUp.follow_up_done_at, context.zone())}`);
      }
      const note = flags.note?.trim() || null;
      await completeFollowUp(db, id, note, nowIso(context));
      const customer = (await customerById(db, followUp.customer_id))!;
      context.say(`follow-up #${id} with ${customer.name} (${customer.external_id}) done${note ? `: ${note}` : ''}\n`);
    });
}
