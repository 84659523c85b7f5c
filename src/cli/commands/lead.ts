// crm lead convert|drop: a lead becomes a customer by hand, or is closed as dead with a reason.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { CustomerRecord } from '../../db/customers.js';
import type { Sql } from '../../db/engine/sql.js';
import type { CliContext } from '../context.js';

interface LeadFlags {
  date?: string;
  reason?: string;
  format: 'table' | 'json';
}

async function resolveLead(context: CliContext, reference: string): Promise<{ sql: Sql; lead: CustomerRecord; date: (raw: string | undefined) => string }> {
  const db = await context.openStore();
  const { resolveCustomer } = await import('../resolve-customer.js');
  const lead = await resolveCustomer(context, db, reference);
  if (lead.kind !== 'lead') {
    const since = lead.converted_at ? ` (converted on ${lead.converted_at})` : '';
    throw new UsageError(`${lead.external_id} ${lead.name} is a ${lead.kind}${since}, not a lead`);
  }
  const { requireDate } = await import('../context.js');
  // Not after today: a conversion dated in the future would leave the lead "open" in today's reports. (A day before
  // the lead was recorded is allowed: leads are often entered after the fact; the funnel counts that as 0 days.)
  const today = context.today();
  const date = (raw: string | undefined): string => {
    if (raw === undefined) return today;
    const day = requireDate(raw, '--date');
    if (day > today) throw new UsageError(`--date ${day}: is after today (${today})`);
    return day;
  };
  return { sql: db, lead, date };
}

export function registerLead(program: Command, context: CliContext): void {
  const lead = program
    .command('lead')
    .description('leads (销售线索): convert one to a customer by hand, or drop a dead one; the first order converts a lead by itself')
    .addHelpText('after', '\nExamples:\n  $ crm lead convert L0005\n  $ crm lead drop L0012 --reason "no budget this year"\n  $ crm customer list --kind lead\n  $ crm report funnel');

  lead
    .command('convert <lead>')
    .description('make a lead a customer now (a first order does this by itself)')
    .option('--date <date>', 'the conversion day (default: today)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm lead convert L0005\n  $ crm lead convert 赵敏 --date 2026-11-20')
    .action(async (reference: string, flags: LeadFlags) => {
      const { sql, lead: found, date } = await resolveLead(context, reference);
      const day = date(flags.date);
      const { convertLead } = await import('../../db/leads.js');
      const { nowIso } = await import('../daily-values.js');
      await convertLead(sql, found, day, nowIso(context));
      if (flags.format === 'json') context.io.stdout.write(JSON.stringify({ customer_id: found.external_id, name: found.name, kind: 'customer', converted_at: day }) + '\n');
      else context.say(`converted lead ${found.external_id} ${found.name} to a customer on ${day}\n`);
    });

  lead
    .command('drop <lead>')
    .description('close a dead lead with the reason (it stays in the funnel as dropped)')
    .requiredOption('--reason <text>', 'why it was given up (the funnel counts the most common reasons)')
    .option('--date <date>', 'the day it was dropped (default: today)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm lead drop L0012 --reason "no budget this year"\n  $ crm lead drop 13700137000 --reason "went to a competitor" --date 2026-11-01')
    .action(async (reference: string, flags: LeadFlags) => {
      const reason = flags.reason?.trim() ?? '';
      if (reason === '') throw new UsageError('--reason: say why the lead is dropped (e.g. "no budget")');
      const { sql, lead: found, date } = await resolveLead(context, reference);
      if (found.dropped_at !== null) throw new UsageError(`lead ${found.external_id} was already dropped on ${found.dropped_at} (${found.drop_reason ?? 'no reason'})`);
      const day = date(flags.date);
      const { dropLead } = await import('../../db/leads.js');
      const { nowIso } = await import('../daily-values.js');
      await dropLead(sql, found, day, reason, nowIso(context));
      if (flags.format === 'json') context.io.stdout.write(JSON.stringify({ customer_id: found.external_id, name: found.name, dropped_at: day, reason }) + '\n');
      else context.say(`dropped lead ${found.external_id} ${found.name} on ${day}: ${reason}\n`);
    });
}
