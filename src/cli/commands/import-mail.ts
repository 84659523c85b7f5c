// crm import mail PATH: flags, the team rule, and the summary (the work is import/mail-run.ts).
import type { Command } from 'commander';
import { Option } from 'commander';
import { DataRejectedError, UsageError } from '../../errors.js';
import type { MailSummary } from '../../import/mail-run.js';
import { formatNumber } from '../../util/money.js';
import { flagLimits, parsePositiveInteger, type CliContext } from '../context.js';

interface MailFlags {
  dryRun?: boolean;
  createLeads?: boolean;
  me: string[];
  top: string;
  format: 'table' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const count = (n: number, one: string, many = `${one}s`): string => `${formatNumber(n)} ${n === 1 ? one : many}`;

export function mailSummaryText(summary: MailSummary): string {
  const lines: string[] = [];
  lines.push(`mail from ${summary.file} (${summary.source === 'folder' ? 'folder of .eml files' : summary.source}): ${summary.dryRun ? 'dry run (nothing written)' : `run ${summary.runId}`}`);
  lines.push(`  ${count(summary.messages, 'message')} read: ${formatNumber(summary.matched)} with customers, ${formatNumber(summary.unmatched)} with nobody known`);
  lines.push(`  ${count(summary.interactionsNew, 'e-mail')} filed on customers' timelines, ${formatNumber(summary.interactionsExisting)} already there${
    summary.interactionsExisting > 0 ? ' (filed by an earlier run, or a copy of a message earlier in this mail)' : ''}`);
  if (summary.withAttachments > 0) lines.push(`  ${count(summary.withAttachments, 'filing')} with attachments (their names are in the outcome; the files are not stored)`);
  if (summary.withoutMessageId > 0) lines.push(`  ${count(summary.withoutMessageId, 'message')} without a Message-ID: keyed by a hash of From, To, Cc, Date and Subject`);
  if (summary.datedWithoutDateHeader > 0) lines.push(`  ${count(summary.datedWithoutDateHeader, 'message')} without a readable Date header: dated by Received or the mbox "From " line`);
  if (summary.leadsCreated > 0) lines.push(`  ${count(summary.leadsCreated, 'lead')} created (--create-leads)`);
  if (summary.unmatchedAddressCount > 0) {
    const shown = summary.unmatchedAddresses.length;
    lines.push(`  addresses of the messages with nobody known (${summary.leadsCreated > 0 ? 'now leads' : 'no customer has them'}): ${formatNumber(summary.unmatchedAddressCount)}${shown < summary.unmatchedAddressCount ? `, the ${shown} most frequent` : ''}`);
    for (const item of summary.unmatchedAddresses) lines.push(`    ${String(item.messages).padStart(5)}  ${item.address}${item.name !== '' ? ` (${item.name})` : ''}`);
    if (summary.leadsCreated === 0 && !summary.dryRun) lines.push('  --create-leads makes leads of them; --me ADDRESS leaves out an address of the shop');
  }
  if (summary.shopAddresses.length > 0) lines.push(`  the shop's side (not listed): ${summary.shopAddresses.join(', ')}`);
  if (summary.sameContentAsRun !== null && summary.interactionsNew === 0) lines.push(`  (the same mail was imported before, in run ${summary.sameContentAsRun})`);
  lines.push(`  ${(summary.elapsedMs / 1000).toFixed(2)} s`);
  return lines.join('\n') + '\n';
}

export function mailSummaryJson(summary: MailSummary): string {
  return JSON.stringify({
    written: !summary.dryRun, kind: 'mail', file: summary.file, source: summary.source, run_id: summary.runId, dry_run: summary.dryRun,
    messages: summary.messages, matched: summary.matched, unmatched: summary.unmatched, new: summary.interactionsNew,
    unchanged: summary.interactionsExisting, with_attachments: summary.withAttachments, without_message_id: summary.withoutMessageId,
    dated_without_date_header: summary.datedWithoutDateHeader, leads_created: summary.leadsCreated,
    unmatched_address_count: summary.unmatchedAddressCount, unmatched_addresses: summary.unmatchedAddresses,
    shop_addresses: summary.shopAddresses, same_content_as_run: summary.sameContentAsRun, elapsed_ms: summary.elapsedMs,
  }, null, 2) + '\n';
}

async function runMailImport(context: CliContext, file: string, flags: MailFlags): Promise<void> {
  const top = parsePositiveInteger(flags.top, '--top', flagLimits.rows);
  const sql = await context.openStore();
  // A salesperson files mail on their own customers (the server shows them no others: messages with a colleague's
  // customer are unmatched for them). Leads from the rest would duplicate customers they cannot see: a manager's.
  const { requireRole, ownerOfNewCustomers } = await import('../../db/team.js');
  const access = await requireRole(sql, 'sales', 'import mail');
  if (flags.createLeads && access.role === 'sales') {
    throw new UsageError(`${access.login} (sales) may not import mail with --create-leads: addresses of colleagues' customers are not visible to a salesperson and would become duplicate leads; a manager or the owner does this; nothing was changed`);
  }
  const { importMail } = await import('../../import/mail-run.js');
  const { startProgress } = await import('../../ui/progress.js');
  const progress = context.progress ? await startProgress(context.io.stderr, 'importing mail') : null;
  let summary: MailSummary;
  try {
    summary = await importMail(sql, {
      file, dryRun: flags.dryRun, createLeads: flags.createLeads, me: flags.me, top, leadOwner: await ownerOfNewCustomers(sql), now: context.io.now,
      onProgress: progress ? (read, total) => progress.update(read, total) : undefined,
    });
  } catch (error) {
    // A batch job asking for JSON gets it on a refusal too (written: false), besides the one line and exit 3.
    if (flags.format === 'json' && error instanceof DataRejectedError) {
      context.io.stdout.write(JSON.stringify({ written: false, kind: 'mail', file, error: error.message }, null, 2) + '\n');
    }
    throw error;
  } finally {
    progress?.stop();
  }
  if (flags.format === 'json') context.io.stdout.write(mailSummaryJson(summary));
  else context.say(mailSummaryText(summary));
}

/** crm import mail, under crm import. */
export function registerImportMail(command: Command, context: CliContext): void {
  command
    .command('mail <path>')
    .description('file e-mails on the customers\' timelines: an mbox file or a folder of .eml files; keyed by Message-ID, all-or-nothing')
    .option('--dry-run', 'read and count, write nothing')
    .option('--create-leads', 'make a lead of each address of the messages that name no customer, and file those messages there')
    .option('--me <address>', 'an address of the shop (repeatable): never listed as unmatched, never a lead', collect, [])
    .option('--top <n>', 'how many unmatched addresses to list', '10')
    .addOption(new Option('-f, --format <format>', 'summary as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm import mail samples/mail.mbox --dry-run\n  $ crm import mail samples/mail.mbox\n  $ crm import mail samples/mail/ --create-leads --me shop@chaye.example.cn')
    .action(async (file: string, flags: MailFlags) => runMailImport(context, file, flags));
}
