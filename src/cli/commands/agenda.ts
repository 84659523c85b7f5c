// crm agenda: today's to-do for the owner; --check exits 10 when there is anything to do (for a cron job).
import type { Command } from 'commander';
import { requireDate, withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface AgendaFlags extends OutputOptions {
  check?: boolean;
  asOf?: string;
  includePartners?: boolean;
  all?: boolean;
}

export function registerAgenda(program: Command, context: CliContext): void {
  withOutputOptions(
    program
      .command('agenda')
      .description("today's to-do: follow-ups due and overdue, complaints open over a week, valuable customers slipping or whose p_alive fell, debts over 60 days, customers due for a contact")
      .option('--check', 'exit 10 when there is anything to do, 0 when there is nothing (the list is printed either way)')
      .option('--as-of <date>', 'the agenda of another day (default today)')
      .option('--all', 'every item (default: the first 20 of each kind, with a line saying how many more)')
      .option('--include-partners', 'count partners as customers in the valuable-customer checks (debts are listed for every contact)')
      .addHelpText(
        'after',
        `
Each item says why it is there and what to do. Valuable customers (platinum, gold or a high-value
segment) are compared with the last snapshot (crm snapshot save); without one, those in decline are listed.
Those whose p_alive (crm clv) fell below 0.5 since that snapshot are listed too. Debts are listed once
payments are recorded (crm pay, crm import payments). Customers due for a contact by their cadence (crm cadence)
close the list. At most 20 items of each kind, then how many more.
Examples:
  $ crm agenda
  $ crm agenda --check --format md --output agenda.md || mail -s "crm agenda" me@example.com < agenda.md`,
      ),
  ).action(async (flags: AgendaFlags) => {
    const { agendaItemCount, agendaReport, gatherAgenda } = await import('../../report/agenda.js');
    const { CrmError, ExitCode } = await import('../../errors.js');
    const today = flags.asOf === undefined ? context.today() : requireDate(flags.asOf, '--as-of');
    const sql = await context.openStore();
    const inputs = await gatherAgenda(sql, today, flags.includePartners === true, context.zone(), flags.all ? null : undefined);
    const report = agendaReport(inputs, context.lang(flags), flags.all ? { perKind: null } : {});
    // Points that expire in the next 30 days (README "Members and points"): a section of its own, when the shop runs points.
    const points = await import('../../db/points.js');
    if (await points.runsPoints(sql)) {
      const { addDays } = await import('../../util/dates.js');
      const { expiringReport } = await import('../../report/points.js');
      const before = addDays(today, 30);
      report.sections = [...(report.sections ?? []), expiringReport(await points.expiringPoints(sql, today, before, flags.all ? null : 20), today, before, flags.all === true)];
    }
    await context.emit(report, flags);
    // Every item counts, the ones the caps left out of the list too.
    const items = agendaItemCount(inputs);
    if (flags.check && items > 0) throw new CrmError(`agenda: ${items} things to do`, ExitCode.agendaHasItems);
  });
}
