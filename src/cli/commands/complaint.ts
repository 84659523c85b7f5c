// crm complaint open|resolve|list: complaints from opening to resolution, with how long each took.
import type { Command } from 'commander';
import { Option } from 'commander';
import { complaintSeverities, type ComplaintSeverity } from '../../analysis/complaints.js';
import { UsageError } from '../../errors.js';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

async function askIfMissing(context: CliContext, value: string | undefined, flag: string, question: string): Promise<string> {
  const { requireText } = await import('../daily-values.js');
  if (value !== undefined) return requireText(value, flag);
  if (!context.interactive) throw new UsageError(`missing ${flag} (give it, or run on a terminal to be asked)`);
  const { askText } = await import('../../ui/prompts.js');
  return (await askText(context.io, question, { required: true })).trim();
}

export function registerComplaint(program: Command, context: CliContext): void {
  const complaint = program
    .command('complaint')
    .description('complaints: open, resolve, list (age, and time to resolve)')
    .addHelpText('after', '\nExamples:\n  $ crm complaint open C0001 --summary "tea arrived damp" --severity high\n  $ crm complaint resolve 3 --resolution "replaced the box"\n  $ crm complaint list --open');

  complaint
    .command('open <customer>')
    .description('open a complaint for a customer (also logged on the timeline)')
    .option('-s, --summary <text>', 'what the customer complains about')
    .addOption(new Option('--severity <level>', 'how bad').choices([...complaintSeverities]).default('normal'))
    .option('--owner <name>', "who handles it (default: the customer's owner)")
    .option('--at <datetime>', "when it came in, on the shop's clock (--tz; default: now)")
    .addHelpText('after', '\nExamples:\n  $ crm complaint open C0001 --summary "tea arrived damp" --severity high\n  $ crm complaint open 13616420445 -s "late delivery"')
    .action(async (reference: string, flags: { summary?: string; severity: ComplaintSeverity; owner?: string; at?: string }) => {
      const { nowIso, requireDateTime } = await import('../daily-values.js');
      const openedAt = flags.at === undefined ? nowIso(context) : requireDateTime(flags.at, '--at', context);
      if (flags.summary === undefined && !context.interactive) throw new UsageError('missing --summary (give it, or run on a terminal to be asked)');
      const db = await context.openStore();
      const { resolveCustomer } = await import('../resolve-customer.js');
      const customer = await resolveCustomer(context, db, reference);
      const summary = await askIfMissing(context, flags.summary, '--summary', 'What is the complaint?');
      const { openComplaint } = await import('../../db/complaints.js');
      const opened = await openComplaint(db, { customer_id: customer.id, opened_at: openedAt, severity: flags.severity, summary, owner: flags.owner?.trim() || customer.owner }, nowIso(context));
      context.say(`opened complaint #${opened.id} (${opened.severity}) for ${customer.name} (${customer.external_id})\n`);
    });

  complaint
    .command('resolve <id>')
    .description('resolve an open complaint (the resolution is logged on the timeline)')
    .option('-r, --resolution <text>', 'what was done about it')
    .addHelpText('after', '\nExample:\n  $ crm complaint resolve 3 --resolution "replaced the box, 10% off next order"')
    .action(async (rawId: string, flags: { resolution?: string }) => {
      const { nowIso, requireId, requireText } = await import('../daily-values.js');
      const id = requireId(rawId, 'complaint');
      if (flags.resolution !== undefined) requireText(flags.resolution, '--resolution');
      else if (!context.interactive) throw new UsageError('missing --resolution (give it, or run on a terminal to be asked)');
      const { complaintById, resolveComplaint } = await import('../../db/complaints.js');
      const { complaintTiming } = await import('../../analysis/complaints.js');
      const db = await context.openStore();
      const found = await complaintById(db, id);
      if (!found) throw new UsageError(`no complaint #${id} (see \`crm complaint list\`)`);
      if (found.status === 'resolved') {
        const { localDayOf } = await import('../../util/zone.js');
        throw new UsageError(`complaint #${id} was already resolved on ${localDayOf(found.resolved_at!, context.zone())}`);
      }
      const resolution = await askIfMissing(context, flags.resolution, '--resolution', 'How was it resolved?');
      const resolved = await resolveComplaint(db, id, resolution, nowIso(context));
      const { resolved_in_days } = complaintTiming(resolved.opened_at, resolved.resolved_at, resolved.resolved_at!);
      context.say(`resolved complaint #${id} in ${resolved_in_days!.toFixed(1)} days\n`);
    });

  withOutputOptions(
    complaint
      .command('list')
      .description('list complaints: open ones first with their age, then resolved ones with time to resolve')
      .option('--open', 'only open complaints')
      .option('--customer <customer>', 'only this customer')
      .addHelpText('after', '\nExamples:\n  $ crm complaint list --open\n  $ crm complaint list --customer C0001 --format csv'),
  ).action(async (flags: OutputOptions & { open?: boolean; customer?: string }) => {
    const { listComplaints } = await import('../../db/complaints.js');
    const { complaintsReport } = await import('../../report/complaints.js');
    const { nowIso } = await import('../daily-values.js');
    const db = await context.openStore();
    let customerId: number | null = null;
    if (flags.customer !== undefined) {
      const { resolveCustomer } = await import('../resolve-customer.js');
      customerId = (await resolveCustomer(context, db, flags.customer)).id;
    }
    await context.emit(complaintsReport(await listComplaints(db, { openOnly: flags.open, customerId }), nowIso(context), Boolean(flags.open)), flags);
  });
}
