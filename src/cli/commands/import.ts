// crm import KIND FILE, crm import log and crm import undo: parse flags, call the import engine, print the summary.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { importKinds, type ImportKind } from '../../import/fields.js';
import type { ImportSummary } from '../../import/run.js';
import { formatNumber } from '../../util/money.js';
import { flagLimits, parsePositiveInteger, withOutputOptions, type CliContext, type OutputOptions } from '../context.js';
import { registerContactsImport } from '../contacts.js';
import { registerImportMail } from './import-mail.js';
import { registerPointsImport } from './points.js';

interface ImportFlags {
  map: string[];
  columns?: string;
  /** commander sets header: false for --no-header. */
  header: boolean;
  encoding?: string;
  delimiter?: string;
  onError: 'abort' | 'skip';
  rejects?: string;
  dryRun?: boolean;
  createCustomers?: boolean;
  creditPrefix?: string;
  dayFirst?: boolean;
  decimalComma?: boolean;
  format: 'table' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** --columns without --no-header skips line 1 as a header; when it reads as a row, the user most likely lost one. */
export const skippedHeaderWarning = (file: string): string =>
  `warning: ${file}:1 was skipped as the header (--columns without --no-header) but reads as a valid row; if the file has no header, import it again with --no-header`;

const plural = (count: number, one: string, many = `${one}s`): string => `${formatNumber(count)} ${count === 1 ? one : many}`;

/** The orders a line-item file's lines made: each is new, changed or unchanged. */
const ordersMade = (lines: NonNullable<ImportSummary['orderLines']>): number => lines.ordersNew + lines.ordersChanged + lines.ordersUnchanged;

/** What a line-item file came to: lines into orders, returns, and how orders without an id were grouped. */
function orderLinesText(lines: NonNullable<ImportSummary['orderLines']>): string[] {
  const out = [`  line items: ${plural(lines.lines, 'line')} made ${plural(ordersMade(lines), 'order')} (the lines of one order id are one order; new, changed and unchanged count orders)`];
  if (lines.grouped > 0) {
    out.push(`  ${plural(lines.grouped, 'order')} grouped from lines without an order id, by customer and order date as written (one order per customer and time)`);
  }
  if (lines.creditNotes > 0) {
    const rule = lines.creditPrefixAuto ? `C followed by digits, the other ids being digits` : `starting with ${JSON.stringify(lines.creditPrefix)} (--credit-prefix)`;
    out.push(`  ${plural(lines.creditNotes, 'credit note')}: order ids ${rule}`);
  }
  if (lines.returns > 0) out.push(`  ${plural(lines.returns, 'return')} (orders below zero): they reduce revenue and profit but count as no purchase`);
  return out;
}

/** The spreadsheet total lines an import skipped, in one line. */
export function totalRowsWarning(summary: ImportSummary): string | null {
  const rows = summary.totalRows;
  if (rows.length === 0) return null;
  const shown = rows.slice(0, 3).map((row) => `line ${row.line} "${row.text}"`).join(', ') + (rows.length > 3 ? `, … ${rows.length - 3} more` : '');
  return `warning: ${rows.length} total line${rows.length === 1 ? '' : 's'} of a spreadsheet skipped (${shown}): not imported`;
}

/** "3 ids written like 12923.0 read as 12923". */
export function floatIdsNote(summary: ImportSummary): string | null {
  const { count, example } = summary.floatIds;
  if (count === 0 || example === null) return null;
  return `${count} id${count === 1 ? '' : 's'} written like ${example} read as ${example.replace(/\.0+$/, '')}`;
}

/** Rows that named merged customers: where they went, or that they were skipped (customers files). */
export function mergedNote(summary: ImportSummary): string | null {
  const { rows, skipped, ids } = summary.merged;
  if (ids.length === 0 || rows + skipped === 0) return null;
  const shown = ids.slice(0, 3).map(([merged, kept]) => `${merged} → ${kept}`).join(', ') + (ids.length > 3 ? `, … ${ids.length - 3} more` : '');
  const parts: string[] = [];
  if (rows > 0) parts.push(`${rows} row${rows === 1 ? '' : 's'} went to the customer ${ids.length === 1 ? 'it was' : 'they were'} merged into`);
  if (skipped > 0) parts.push(`${skipped} customer row${skipped === 1 ? '' : 's'} skipped (the kept record is not overwritten; change it with crm customer edit)`);
  return `merged customers (${shown}): ${parts.join('; ')}`;
}

function summaryText(summary: ImportSummary, problemLine: (file: string, problem: ImportSummary['problems'][number]) => string): string {
  const lines: string[] = [];
  const verb = summary.dryRun ? 'dry run (nothing written)' : `run ${summary.runId}`;
  lines.push(`${summary.kind} from ${summary.file}: ${verb}`);
  lines.push(
    `  ${summary.rowsRead} ${summary.rowsRead === 1 ? 'row' : 'rows'} read: ${summary.rowsNew} new, ${summary.rowsChanged} changed, ${summary.rowsUnchanged} unchanged, ${summary.rowsRejected} rejected${summary.merged.skipped > 0 ? `, ${summary.merged.skipped} skipped` : ''}`,
  );
  if (summary.orderLines) lines.push(...orderLinesText(summary.orderLines));
  if (summary.customersCreated > 0) lines.push(`  ${summary.customersCreated} customers created from order rows`);
  if (summary.leadsConverted > 0) lines.push(`  ${summary.leadsConverted} lead${summary.leadsConverted === 1 ? '' : 's'} converted to customers by their first order`);
  const seconds = summary.elapsedMs / 1000;
  lines.push(`  ${seconds.toFixed(2)} s, ${formatNumber(summary.rowsPerSecond)} rows/s (encoding ${summary.encoding}, delimiter ${JSON.stringify(summary.delimiter)})`);
  if (summary.unknownColumns.length) lines.push(`  columns left out (unknown): ${summary.unknownColumns.join(', ')}`);
  if (summary.skippedHeaderIsData) lines.push(`  ${skippedHeaderWarning(summary.file)}`);
  const totals = totalRowsWarning(summary);
  if (totals) lines.push(`  ${totals}`);
  const floatIds = floatIdsNote(summary);
  if (floatIds) lines.push(`  ${floatIds}`);
  const merged = mergedNote(summary);
  if (merged) lines.push(`  ${merged}`);
  if (summary.rejectsFile) lines.push(`  rejected rows written to ${summary.rejectsFile}`);
  for (const problem of summary.problems) lines.push(`  ${problemLine(summary.file, problem)}`);
  if (summary.sameContentAsRun !== null && summary.rowsNew === 0 && summary.rowsChanged === 0) {
    lines.push(`  (the same file was imported before, in run ${summary.sameContentAsRun})`);
  }
  return lines.join('\n') + '\n';
}

function summaryJson(summary: ImportSummary, written: boolean): string {
  return (
    JSON.stringify(
      {
        written,
        kind: summary.kind, file: summary.file, run_id: summary.runId, dry_run: summary.dryRun,
        encoding: summary.encoding, delimiter: summary.delimiter, rows_read: summary.rowsRead, new: summary.rowsNew,
        changed: summary.rowsChanged, unchanged: summary.rowsUnchanged, rejected: summary.rowsRejected,
        customers_created: summary.customersCreated, leads_converted: summary.leadsConverted, control_group_contacts: summary.controlContacts.contacts,
        unknown_columns: summary.unknownColumns,
        problems: summary.problems, rejects_file: summary.rejectsFile, elapsed_ms: summary.elapsedMs,
        rows_per_second: summary.rowsPerSecond, same_content_as_run: summary.sameContentAsRun,
        skipped_header_is_data: summary.skippedHeaderIsData,
        ...(summary.orderLines
          ? {
              order_lines: {
                lines: summary.orderLines.lines, orders: ordersMade(summary.orderLines), returns: summary.orderLines.returns,
                grouped_without_order_id: summary.orderLines.grouped, credit_notes: summary.orderLines.creditNotes,
                credit_prefix: summary.orderLines.creditPrefix,
              },
            }
          : {}),
        total_rows_skipped: summary.totalRows,
        float_ids: summary.floatIds.count, float_id_example: summary.floatIds.example,
        merged_rows: summary.merged.rows, merged_customers_skipped: summary.merged.skipped,
        merged_ids: Object.fromEntries(summary.merged.ids),
      },
      null,
      2,
    ) + '\n'
  );
}

async function runImport(context: CliContext, kind: ImportKind, file: string, flags: ImportFlags): Promise<void> {
  const { importFile, ImportRejectedError, problemLine } = await import('../../import/run.js');
  const { parseEncodingName, parseDelimiter } = await import('../../import/decode.js');
  const encoding = flags.encoding ? parseEncodingName(flags.encoding) : undefined;
  const delimiter = flags.delimiter ? parseDelimiter(flags.delimiter) : undefined;
  const { parseColumnList } = await import('../../import/headers.js');
  const columns = flags.columns === undefined ? undefined : parseColumnList(flags.columns, kind);
  if (!flags.header && !columns) throw new UsageError('--no-header needs --columns to name the fields, e.g. --columns customer_id,-,order_date,-,amount');
  if (columns && flags.map.length) throw new UsageError('--columns and --map cannot be used together: --columns already names every column');
  if (file === '-' && context.io.stdin.isTTY) throw new UsageError('"-" reads CSV from stdin, but stdin is a terminal; pipe a file in');
  const sql = await context.openStore();
  // A salesperson imports contacts, complaints and surveys for their own customers; the rest is a manager's.
  if (kind === 'customers' || kind === 'orders' || kind === 'payments') {
    const { requireRole } = await import('../../db/team.js');
    await requireRole(sql, 'manager', `import ${kind}`);
  }
  const { startProgress } = await import('../../ui/progress.js');
  const progress = context.progress && file !== '-' ? await startProgress(context.io.stderr, `importing ${kind}`) : null;
  try {
    const summary = await importFile(sql, {
      kind, file, input: context.io.stdin, encoding, delimiter, map: flags.map, columns, noHeader: !flags.header, onError: flags.onError,
      rejectsFile: flags.rejects, dryRun: flags.dryRun, createCustomers: flags.createCustomers, dayFirst: flags.dayFirst, zone: context.zone(),
      creditPrefix: flags.creditPrefix,
      decimalComma: flags.decimalComma,
      onProgress: progress ? (read, total) => progress.update(read, total) : undefined,
      now: context.io.now,
    });
    progress?.stop();
    // JSON keeps stdout machine-readable: the warning about line 1 then goes to stderr as well.
    if (flags.format === 'json' && summary.skippedHeaderIsData) context.info(skippedHeaderWarning(summary.file));
    const totals = totalRowsWarning(summary);
    if (flags.format === 'json' && totals) context.info(totals);
    if (flags.format === 'json') context.io.stdout.write(summaryJson(summary, !summary.dryRun));
    else context.say(summaryText(summary, problemLine));
    // Orders earn points as they arrive (README "Members and points"), keyed by the order: a re-import earns nothing twice.
    if (kind === 'orders' && !summary.dryRun && summary.rowsNew + summary.rowsChanged > 0) {
      const { syncAfterImport } = await import('../../db/points.js');
      const { nowIso } = await import('../daily-values.js');
      const synced = summary.runId === null
        ? { earned: 0, adjusted: 0 }
        : await syncAfterImport(sql, summary.runId, summary.rowsNew + summary.rowsChanged, context.today(), nowIso(context));
      if (synced.earned + synced.adjusted > 0) context.info(`points: ${synced.earned} order(s) earned, ${synced.adjusted} adjusted (refunds, cancellations, corrected amounts)`);
    }
    const control = summary.controlContacts;
    if (control.contacts > 0) {
      // As crm log --campaign warns for one contact: a contacted control customer spoils the comparison.
      const shown = control.customers.slice(0, 5).join(', ') + (control.customers.length > 5 ? `, … ${control.customers.length - 5} more` : '');
      context.info(`warning: ${control.contacts} contact${control.contacts === 1 ? ' is' : 's are'} with control-group customers of their campaign (${shown}): contacting them spoils the comparison (imported anyway)`);
    }
  } catch (error) {
    // A batch job asking for JSON gets it on failure too (written: false), besides the exit code 3.
    if (flags.format === 'json' && error instanceof ImportRejectedError) context.io.stdout.write(summaryJson(error.summary, false));
    throw error;
  } finally {
    progress?.stop();
  }
}

export function registerImport(program: Command, context: CliContext): void {
  const command = program
    .command('import')
    .description('import CSV files (customers, orders, interactions, payments, surveys, complaints) and mail; list past runs; undo one')
    .addHelpText(
      'after',
      `
Examples:
  $ crm import customers samples/customers.csv
  $ crm import orders samples/orders.csv
  $ crm import customers samples/customers-gbk.csv            (GBK, Chinese headers: detected)
  $ crm import orders export.csv --map "Invoice Total=amount" --on-error skip
  $ cat orders.csv | crm import orders - --format json
  $ crm import orders CDNOW_sample.txt --no-header --delimiter whitespace \\
      --columns customer_id,-,order_date,-,amount --create-customers
  $ crm import mail samples/mail.mbox
  $ crm import log
  $ crm import undo 12 --yes`,
    );
  for (const kind of importKinds) {
    const sub = command
      .command(`${kind} <file>`)
      .description(`import ${kind} from a CSV file ("-" reads stdin); upserts by id, all-or-nothing by default`)
      .option('--map <header=field>', 'map a header to a field (repeatable); "Header=-" drops a column', collect, [])
      .option('--columns <fields>', 'name the columns by field, in order, "-" skips one (e.g. customer_id,-,order_date,-,amount); the header row is ignored')
      .option('--no-header', 'the file has no header row: the first line is data (needs --columns)')
      .option('--encoding <name>', 'utf8, gbk or gb18030 (default: detected)')
      .option('--delimiter <char>', 'comma, semicolon, tab, | or whitespace (runs of spaces) (default: detected)')
      .addOption(new Option('--on-error <mode>', 'abort: a bad row writes nothing (exit 3); skip: write good rows, bad ones to --rejects').choices(['abort', 'skip']).default('abort'))
      .option('--rejects <file>', 'where rejected rows go under --on-error skip (default NAME.rejects.csv beside the input)')
      .option('--dry-run', 'validate and count, write nothing')
      .option('--day-first', 'read 03/04/2026 as 3 April (default: month first)')
      .option('--decimal-comma', 'amounts written 1.234,50 and 99,95 (a comma before the decimals)')
      .addOption(new Option('-f, --format <format>', 'summary as text or JSON').choices(['table', 'json']).default('table'))
      // samples/ has no complaints file: they come from crm complaint open, or from crm export all.
      .addHelpText('after', `\nExample:\n  $ crm import ${kind} ${kind === 'complaints' ? 'export' : 'samples'}/${kind}.csv`)
      .action(async (file: string, flags: ImportFlags) => runImport(context, kind, file, flags));
    if (kind === 'orders') {
      sub.option('--create-customers', 'create unknown customers from the order rows (id, name, e-mail, … columns)');
      sub.option('--credit-prefix <text>', 'line-item files: an order id starting with this is a credit note (default: C + digits when the other ids are digits)');
    }
  }
  // crm import contacts (vCard, Google / Outlook CSV): its own module, matched by e-mail and phone instead of by id.
  registerContactsImport(command, context);
  registerImportMail(command, context);
  // A points ledger from the old system (README "Members and points"): its own reader, not a kind of the CSV engine.
  registerPointsImport(command, context);
  withOutputOptions(
    command
      .command('log')
      .description('list import runs: file, content hash, counts, time')
      .option('--limit <n>', 'how many runs, newest first', '20')
      .addHelpText('after', '\nExample:\n  $ crm import log --limit 5'),
  ).action(async (flags: OutputOptions & { limit: string }) => {
    const limit = parsePositiveInteger(flags.limit, '--limit', flagLimits.rows);
    const { listImportRuns } = await import('../../db/import-store.js');
    const { importRunsReport } = await import('../../report/imports.js');
    const sql = await context.openStore();
    await context.emit(importRunsReport(await listImportRuns(sql, limit)), flags);
  });
  command
    .command('undo <run>')
    .description('take back one import run: remove the rows it created, give changed rows their earlier values')
    .option('-y, --yes', 'do not ask (needed when not on a terminal)')
    .addOption(new Option('-f, --format <format>', 'result as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nRefuses, naming the rows, when a later run or an edit changed them since; nothing is lost silently.\nExamples:\n  $ crm import log --limit 3\n  $ crm import undo 12 --yes')
    .action(async (run: string, flags: { yes?: boolean; format: 'table' | 'json' }) => {
      const { undoImport } = await import('../undo.js');
      const { requireId } = await import('../daily-values.js');
      await undoImport(context, requireId(run, 'RUN'), flags);
    });
}
