// crm import contacts FILE and crm export contacts: flags, the run, and what it says (README "crm import contacts").
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import type { ContactOutcome, ContactPlan } from '../analysis/contact-match.js';
import type { ContactImportResult } from '../db/contacts.js';
import type { CustomerFilter, CustomerSort } from '../db/customers.js';
import { flagLimits, parsePositiveInteger, type CliContext } from './context.js';

interface ContactImportFlags {
  kind: 'customer' | 'lead';
  overwrite?: boolean;
  dryRun?: boolean;
  format: 'table' | 'json';
}

const show = (value: string | null): string => (value === null || value === '' ? '(empty)' : JSON.stringify(value));
const who = (outcome: ContactOutcome): string => `${outcome.contact.where}${outcome.contact.name ? ` ${outcome.contact.name}` : ''}`;

function counts(plan: ContactPlan) {
  const count = (kind: ContactOutcome['outcome']): number => plan.outcomes.filter((outcome) => outcome.outcome === kind).length;
  return { new: count('new'), merged: count('merged'), unchanged: count('unchanged'), skipped: count('skipped') };
}

/** The summary: counts, then each new and merged contact (field by field), the skipped ones, and under --dry-run the unchanged. */
function summaryText(file: string, format: string, result: ContactImportResult, dryRun: boolean, kind: string): string {
  const { plan } = result;
  const n = counts(plan);
  const lines = [`contacts from ${file} (${format}): ${dryRun ? 'dry run (nothing written)' : `run ${result.runId}`}`];
  lines.push(`  ${plan.outcomes.length} contact${plan.outcomes.length === 1 ? '' : 's'} read: ${n.new} new, ${n.merged} merged, ${n.unchanged} unchanged, ${n.skipped} skipped`);
  let created = 0;
  for (const outcome of plan.outcomes) {
    if (outcome.outcome === 'new') {
      const id = result.createdIds[created++];
      const details = [outcome.values.email, outcome.values.phone].filter(Boolean).join(', ');
      lines.push(`  new ${kind}${id ? ` ${id}` : ''}: ${outcome.values.name}${details ? ` (${details})` : ''}  [${outcome.contact.where}]`);
    } else if (outcome.outcome === 'merged') {
      lines.push(`  merged into ${outcome.customer.external_id} ${outcome.customer.name}  [${outcome.contact.where}]`);
      for (const change of outcome.changes) lines.push(`    ${change.field}: ${show(change.old)} → ${show(change.new)}`);
    } else if (outcome.outcome === 'unchanged' && dryRun) {
      lines.push(`  unchanged ${outcome.customer.external_id} ${outcome.customer.name}  [${outcome.contact.where}]`);
    } else if (outcome.outcome === 'skipped' && outcome.reason !== 'empty') {
      lines.push(`  skipped ${who(outcome)}: ${outcome.reason}`);
    }
    if ((outcome.outcome === 'merged' || outcome.outcome === 'unchanged') && outcome.kept.length) {
      for (const kept of outcome.kept) lines.push(`    ${kept}  [${outcome.contact.where}]`);
    }
  }
  const empty = plan.outcomes.filter((outcome) => outcome.outcome === 'skipped' && outcome.reason === 'empty').length;
  if (empty) lines.push(`  ${empty} empty card${empty === 1 ? '' : 's'} or row${empty === 1 ? '' : 's'} left out`);
  if (n.new === 0 && n.merged === 0) {
    lines.push(`  nothing ${dryRun ? 'would change' : 'changed'}: every contact is already there${result.sameContentAsRun !== null ? ` (the same file was imported in run ${result.sameContentAsRun})` : ''}`);
  }
  return lines.join('\n') + '\n';
}

function summaryJson(file: string, format: string, result: ContactImportResult, dryRun: boolean, written: boolean): string {
  const { plan } = result;
  let created = 0;
  const contacts = plan.outcomes.map((outcome) => {
    const base = { where: outcome.contact.where, name: outcome.contact.name, outcome: outcome.outcome };
    switch (outcome.outcome) {
      case 'new':
        return { ...base, customer_id: result.createdIds[created++] ?? null, values: outcome.values };
      case 'merged':
        return { ...base, customer_id: outcome.customer.external_id, changes: outcome.changes, not_copied: outcome.kept };
      case 'unchanged':
        return { ...base, customer_id: outcome.customer.external_id, not_copied: outcome.kept };
      case 'skipped':
        return { ...base, reason: outcome.reason };
    }
  });
  const n = counts(plan);
  return JSON.stringify({
    written, file, format, run_id: result.runId, dry_run: dryRun, read: plan.outcomes.length, ...n,
    problems: plan.problems, same_content_as_run: result.sameContentAsRun, contacts,
  }, null, 2) + '\n';
}

async function importContactsCommand(context: CliContext, file: string, flags: ContactImportFlags): Promise<void> {
  const { readContactFile, refuseFile } = await import('../import/contacts.js');
  const { importContacts } = await import('../db/contacts.js');
  const { requireRole, ownerOfNewCustomers } = await import('../db/team.js');
  if (file === '-') throw new UsageError('crm import contacts reads a file: give its path (a vCard .vcf or a Google / Outlook CSV)');
  const contactFile = readContactFile(path.resolve(context.io.cwd, file), file);
  const sql = await context.openStore();
  // A salesperson imports contacts (their new customers are theirs); someone not on the team is told so.
  await requireRole(sql, 'sales', 'import contacts');
  const result = await importContacts(sql, contactFile.contacts, {
    kind: flags.kind, overwrite: flags.overwrite ?? false, dryRun: flags.dryRun ?? false, owner: await ownerOfNewCustomers(sql),
    fileName: path.resolve(context.io.cwd, file), contentHash: contactFile.contentHash, format: contactFile.format, now: context.io.now(),
  });
  const dryRun = flags.dryRun ?? false;
  if (result.plan.problems.length) {
    if (flags.format === 'json') context.io.stdout.write(summaryJson(file, contactFile.format, result, dryRun, false));
    refuseFile(file, result.plan.problems);
  }
  if (flags.format === 'json') context.io.stdout.write(summaryJson(file, contactFile.format, result, dryRun, !dryRun));
  else context.say(summaryText(file, contactFile.format, result, dryRun, flags.kind));
}

/** crm import contacts FILE, registered under crm import (cli/commands/import.ts). */
export function registerContactsImport(command: Command, context: CliContext): void {
  command
    .command('contacts <file>')
    .description('import a phone book: vCard (.vcf 2.1/3.0/4.0) or a Google / Outlook contacts CSV; matched to customers by e-mail or phone')
    .addOption(new Option('--kind <kind>', 'what a contact that matches nobody becomes').choices(['customer', 'lead']).default('customer'))
    .option('--overwrite', 'replace a matched customer\'s fields that differ (default: only empty fields are filled)')
    .option('--dry-run', 'say what would be new, merged (field by field) and unchanged; write nothing')
    .addOption(new Option('-f, --format <format>', 'summary as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', `
Two contacts of one file that match the same customer (or a new contact sharing an e-mail or phone with another)
refuse the file (exit 3, nothing written), naming their cards or lines. Contacts without e-mail and phone are skipped.
Examples:
  $ crm import contacts samples/contacts.vcf --dry-run
  $ crm import contacts samples/contacts-google.csv --kind lead`)
    .action(async (file: string, flags: ContactImportFlags) => importContactsCommand(context, file, flags));
}

export interface ContactExportFlags {
  format?: string;
  output?: string;
  kind?: string;
  source?: string;
  owner?: string;
  city?: string;
  tag?: string;
  sort?: string;
  limit?: string;
}

/** crm export contacts: the customers crm customer list's filters select, as vCard 4.0 or Google's CSV. */
export async function exportContactsCommand(context: CliContext, flags: ContactExportFlags): Promise<void> {
  const format = flags.format ?? 'vcf';
  if (format !== 'vcf' && format !== 'csv') throw new UsageError(`crm export contacts --format ${format}: use vcf (vCard 4.0) or csv (Google Contacts)`);
  const sorts = ['name', 'id', 'created'];
  if (flags.kind !== undefined && !['customer', 'lead', 'partner'].includes(flags.kind)) throw new UsageError(`--kind "${flags.kind}": not one of customer, lead, partner`);
  if (flags.sort !== undefined && !sorts.includes(flags.sort)) throw new UsageError(`--sort "${flags.sort}": not one of ${sorts.join(', ')} (a phone book is not sorted by sales)`);
  const filter: CustomerFilter = {
    kind: flags.kind, source: flags.source, owner: flags.owner, city: flags.city, tag: flags.tag, sort: flags.sort as CustomerSort | undefined,
    limit: flags.limit === undefined ? undefined : parsePositiveInteger(flags.limit, '--limit', flagLimits.rows),
  };
  const { contactsForExport } = await import('../db/contacts.js');
  const { contactsHead, contactsText } = await import('../export/contacts.js');
  const sql = await context.openStore({ readonly: true });
  // Written a batch of customers at a time, as they are read: never the whole phone book in memory.
  let count = 0;
  const chunks = async function* (): AsyncGenerator<string> {
    yield contactsHead(format);
    for await (const batch of contactsForExport(sql, filter)) {
      count += batch.length;
      yield contactsText(batch, format);
    }
  };
  if (flags.output === undefined || flags.output === '-') {
    await context.writeChunks(null, chunks());
    return;
  }
  await context.writeChunks(flags.output, chunks());
  context.info(`wrote ${count} contact${count === 1 ? '' : 's'} to ${flags.output}`);
}
