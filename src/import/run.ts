// The import engine: streams one CSV file into the database in one transaction and returns a plain summary.
import fs from 'node:fs';
import path from 'node:path';
import type { Sql } from '../db/engine/sql.js';
import { startImport, type ImportWork, type WriteOutcome } from '../db/import-store.js';
import type { LineImportOutcome } from '../db/order-lines.js';
import { DataRejectedError, UsageError } from '../errors.js';
import type { InputEncoding } from './decode.js';
import type { ImportKind } from './fields.js';
import { parseCsv, type ParsedItem, type ParseEvent, type ParseOptions } from './parse.js';
import { checkRejectsFile, RejectsWriter } from './rejects.js';
import { parseMapOverrides } from './headers.js';

export interface ImportOptions {
  kind: ImportKind;
  /** Path of the CSV file, or "-" for `input`. */
  file: string;
  /** The stream to read when file is "-" (stdin). */
  input?: NodeJS.ReadableStream;
  encoding?: InputEncoding;
  delimiter?: string;
  map?: string[];
  /** --columns: the fields of the file's columns in order (null skips one). */
  columns?: (string | null)[];
  /** --no-header: the first line is data (needs columns). */
  noHeader?: boolean;
  onError?: 'abort' | 'skip';
  rejectsFile?: string;
  dryRun?: boolean;
  createCustomers?: boolean;
  dayFirst?: boolean;
  /** The shop's time zone, for date-times written without one (CliContext.zone()). */
  zone?: string;
  /** --credit-prefix: in a line-item order file, an order id starting with it is a credit note (db/order-lines.ts). */
  creditPrefix?: string;
  /** --decimal-comma: amounts written 1.234,50 and 99,95. */
  decimalComma?: boolean;
  /** Where new orders find their customer on SQLite (db/import-store.ts WriterOptions); by the number of customers when absent. */
  customerLookup?: 'node' | 'statement';
  /** Called now and then with bytes read so far and the total (0 when unknown). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  now?: () => Date;
}

export interface ImportProblem {
  line: number;
  field: string;
  value: string;
  reason: string;
}

export interface ImportSummary {
  kind: ImportKind;
  file: string;
  runId: number | null;
  dryRun: boolean;
  encoding: InputEncoding;
  delimiter: string;
  rowsRead: number;
  rowsNew: number;
  rowsChanged: number;
  rowsUnchanged: number;
  rowsRejected: number;
  customersCreated: number;
  /** Leads that have a sale now and became customers (imports of customers and orders). */
  leadsConverted: number;
  /** Contacts written for a campaign with a control-group customer (imports of interactions), and who they were. */
  controlContacts: { contacts: number; customers: string[] };
  unknownColumns: string[];
  problems: ImportProblem[];
  rejectsFile: string | null;
  elapsedMs: number;
  rowsPerSecond: number;
  /** An earlier run that imported exactly the same bytes. */
  sameContentAsRun: number | null;
  /** --columns without --no-header skipped line 1 as the header, but it reads as a valid row: probably data. */
  skippedHeaderIsData: boolean;
  /**
   * A line-item order file (a unit_price column): its lines and the orders they made. rowsNew, rowsChanged and
   * rowsUnchanged then count orders, rowsRead and rowsRejected lines.
   */
  orderLines: LineImportOutcome | null;
  /** A spreadsheet's total lines (合计, Total, …), skipped: not counted in rowsRead. */
  totalRows: { line: number; text: string }[];
  /** Ids written as 12923.0 and read as 12923, and the first of them. */
  floatIds: { count: number; example: string | null };
  /**
   * Rows that named a customer id merged into another (crm customer merge): `rows` of them went to the customer it
   * was merged into, `skipped` customers rows were left out; `ids` maps the merged ids the file used to the kept ones.
   */
  merged: { rows: number; skipped: number; ids: [string, string][] };
}

const MAX_PROBLEMS_SHOWN = 10;

/** Bad rows under --on-error abort (exit 3), with the summary of what was found, for --format json. */
export class ImportRejectedError extends DataRejectedError {
  constructor(
    message: string,
    details: string[],
    readonly summary: ImportSummary,
  ) {
    super(message, details);
  }
}

export function problemLine(file: string, problem: ImportProblem): string {
  const value = problem.value === '' ? '' : ` "${problem.value}"`;
  return `${file}:${problem.line}: ${problem.field}${value}: ${problem.reason}`;
}

function openSource(options: ImportOptions): { stream: NodeJS.ReadableStream; label: string; totalBytes: number } {
  if (options.file === '-') {
    if (!options.input) throw new UsageError('reading from stdin ("-") needs input on stdin');
    return { stream: options.input, label: 'stdin', totalBytes: 0 };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(options.file);
  } catch {
    throw new UsageError(`${options.file}: no such file`);
  }
  if (stat.isDirectory()) throw new UsageError(`${options.file}: is a directory, not a CSV file`);
  try {
    fs.accessSync(options.file, fs.constants.R_OK);
  } catch {
    throw new UsageError(`${options.file}: cannot read the file (permission denied)`);
  }
  // 64 KiB chunks: 1 MiB chunks made 1 MiB strings and parser buffers, and peak RSS went from ~140 to ~200 MB
  // on 500k orders without making the import faster (bench/).
  return { stream: fs.createReadStream(options.file, { highWaterMark: 1 << 16 }), label: options.file, totalBytes: stat.size };
}

/** Where rejected rows go: checked before anything is read, so a bad path never costs the rejected rows. */
function checkRejectsPath(options: ImportOptions, databaseFile: string | undefined): string {
  const file = path.resolve(options.rejectsFile ?? defaultRejectsFile(options.file));
  checkRejectsFile(file, options.rejectsFile ?? file, options.file === '-' ? null : options.file, databaseFile);
  return file;
}

function defaultRejectsFile(file: string): string {
  if (file === '-') return path.resolve('stdin.rejects.csv');
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}.rejects.csv`);
}

/** Imports one file. Under --on-error abort any bad row rolls everything back and throws DataRejectedError (exit 3). */
export async function importFile(sql: Sql, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  // The database file, which --rejects must never overwrite (a PostgreSQL database has none).
  const databaseFile = sql.engine === 'sqlite' ? sql.label : undefined;
  const now = options.now ?? (() => new Date());
  const onError = options.onError ?? 'abort';
  parseMapOverrides(options.map ?? [], options.kind); // a bad --map is a usage error before anything is read
  const rejectsPath = onError === 'skip' && !options.dryRun ? checkRejectsPath(options, databaseFile) : null;
  const { stream, label, totalBytes } = openSource(options);
  const parseOptions: ParseOptions = {
    kind: options.kind, label, encoding: options.encoding, delimiter: options.delimiter, map: options.map,
    columns: options.columns, noHeader: options.noHeader, dayFirst: options.dayFirst, decimalComma: options.decimalComma, zone: options.zone, keepRecords: onError === 'skip' && !options.dryRun,
  };
  // Parsing runs in this thread: a worker thread that overlapped parsing with the writes was measured
  // slower on a busy 2-core machine and cost 10-50 MB more memory (bench/, import orders). Measured again with
  // the writes at 128 rows a statement: passing the parsed rows over (structured cloning) took about as long as
  // parsing them, in the worker and again in this thread.
  const events: AsyncIterable<ParseEvent> = parseCsv(stream as AsyncIterable<Buffer>, parseOptions);

  let session: ImportWork | null = null;
  let rejects: RejectsWriter | null = null;
  let headers: string[] = [];
  const summary: ImportSummary = {
    kind: options.kind, file: label, runId: null, dryRun: Boolean(options.dryRun), encoding: options.encoding ?? 'utf8',
    delimiter: options.delimiter ?? ',', rowsRead: 0, rowsNew: 0, rowsChanged: 0, rowsUnchanged: 0, rowsRejected: 0,
    customersCreated: 0, leadsConverted: 0, controlContacts: { contacts: 0, customers: [] }, unknownColumns: [], problems: [], rejectsFile: null, elapsedMs: 0, rowsPerSecond: 0, sameContentAsRun: null,
    skippedHeaderIsData: false, orderLines: null, totalRows: [], floatIds: { count: 0, example: null }, merged: { rows: 0, skipped: 0, ids: [] },
  };
  const reject = (line: number, record: string[] | undefined, field: string, value: string, reason: string): void => {
    summary.rowsRejected += 1;
    if (summary.problems.length < MAX_PROBLEMS_SHOWN) summary.problems.push({ line, field, value, reason });
    if (onError === 'skip' && !options.dryRun) {
      rejects ??= new RejectsWriter(rejectsPath!, headers, { flag: '--rejects', shown: options.rejectsFile ?? rejectsPath!, databaseFile });
      rejects.write(record ?? [], line, `${field}${value === '' ? '' : ` "${value}"`}: ${reason}`);
    }
  };
  try {
    let contentHash = '';
    for await (const event of events) {
      if (event.type === 'header') {
        headers = event.headers;
        summary.unknownColumns = event.unknown;
        summary.encoding = event.encoding;
        summary.delimiter = event.delimiter;
        session = await startImport(sql, now(), options.kind, {
          createCustomers: options.createCustomers, presentCustomerFields: event.fields, creditPrefix: options.creditPrefix ?? null,
          customerLookup: options.customerLookup,
        });
        continue;
      }
      if (event.type === 'end') {
        contentHash = event.contentHash;
        summary.skippedHeaderIsData = event.skippedHeaderIsData;
        summary.totalRows = event.totalRows;
        summary.floatIds = { count: event.stats.floatIds, example: event.stats.floatIdExample };
        // The encoding may be decided after the header, at the first non-ASCII bytes.
        summary.encoding = event.encoding;
        continue;
      }
      const bulk = session!.bulk;
      if (bulk) {
        // Staged as parsed (COPY on PostgreSQL); checked and merged, with any rejections, once the file is read.
        for (const item of event.items) {
          summary.rowsRead += 1;
          if (item.rejection) bulk.stageRejected(item.line, item.record, item.rejection);
          else bulk.stage(item.row!, item.line, item.record);
        }
        await bulk.flush();
        options.onProgress?.(event.bytesRead, totalBytes);
        continue;
      }
      // A bulk load rebuilds secondary indexes once at the end instead of updating them per row.
      await session!.beforeBatch(summary.rowsRead);
      const tally = (item: ParsedItem, outcome: WriteOutcome | null): void => {
        if (outcome === null) return;
        if (outcome === 'new') summary.rowsNew += 1;
        else if (outcome === 'changed') summary.rowsChanged += 1;
        else if (outcome === 'unchanged') summary.rowsUnchanged += 1;
        else if (outcome === 'merged') summary.merged.skipped += 1;
        else reject(item.line, item.record, outcome.field, outcome.value, outcome.reason);
      };
      // Under abort, once a row is bad nothing will be kept: keep checking to report, stop writing.
      // (Rows only checked are not counted as new, changed or unchanged: nothing will be written.)
      const stopped = (): boolean => onError === 'abort' && summary.rowsRejected > 0;
      const writeMany = session!.writeMany;
      if (writeMany) {
        // SQLite: the valid rows between two rejected ones are written together (many per statement), in file order.
        let group: ParsedItem[] = [];
        const writeGroup = async (): Promise<void> => {
          if (group.length === 0) return;
          const items = group;
          group = [];
          const outcomes = await writeMany(items, onError === 'abort');
          for (let index = 0; index < outcomes.length; index += 1) tally(items[index]!, outcomes[index]!);
          for (let index = outcomes.length; index < items.length; index += 1) tally(items[index]!, await session!.check(items[index]!.row!));
        };
        for (const item of event.items) {
          summary.rowsRead += 1;
          if (item.rejection) {
            await writeGroup();
            reject(item.line, item.record, item.rejection.field, item.rejection.value, item.rejection.reason);
          } else if (stopped()) tally(item, await session!.check(item.row!));
          else group.push(item);
        }
        await writeGroup();
        options.onProgress?.(event.bytesRead, totalBytes);
        continue;
      }
      for (const item of event.items) {
        summary.rowsRead += 1;
        if (item.rejection) {
          reject(item.line, item.record, item.rejection.field, item.rejection.value, item.rejection.reason);
          continue;
        }
        tally(item, await (stopped() ? session!.check(item.row!) : session!.write(item.row!, item.line)));
      }
      options.onProgress?.(event.bytesRead, totalBytes);
    }
    if (summary.rowsRead === 0) throw new DataRejectedError(`${label}: line 2: no data rows after the header; nothing was written`);
    if (session!.bulk) {
      const settled = await session!.bulk.settle(onError);
      summary.rowsNew += settled.rowsNew;
      summary.rowsChanged += settled.rowsChanged;
      summary.rowsUnchanged += settled.rowsUnchanged;
      for await (const rejection of settled.rejections) reject(rejection.line, rejection.record, rejection.field, rejection.value, rejection.reason);
    }
    if (!(onError === 'abort' && summary.rowsRejected > 0)) {
      // A line-item file: its orders are written now that every line of each is known.
      const lines = await session!.finish();
      if (lines) {
        summary.orderLines = lines;
        summary.rowsNew += lines.ordersNew;
        summary.rowsChanged += lines.ordersChanged;
        summary.rowsUnchanged += lines.ordersUnchanged;
      }
    }
    summary.customersCreated = session!.customersCreated;
    summary.merged.rows = session!.aliasRows;
    summary.merged.ids = [...session!.aliasesUsed];
    summary.sameContentAsRun = (await session!.previousRunOfContent(options.kind, contentHash)) ?? null;
    if (onError === 'abort' && summary.rowsRejected > 0) {
      await session!.rollback();
      const count = summary.rowsRejected;
      summary.elapsedMs = Date.now() - started;
      throw new ImportRejectedError(
        `${label}: ${count} row${count === 1 ? '' : 's'} rejected; nothing was written (fix them, or use --on-error skip)`,
        summary.problems.map((problem) => problemLine(label, problem)).concat(count > summary.problems.length ? [`… and ${count - summary.problems.length} more`] : []),
        summary,
      );
    }
    // The rejected rows are safely on disk before the good ones are committed.
    if (rejects) summary.rejectsFile = await (rejects as RejectsWriter).close();
    if (options.dryRun) {
      await session!.rollback();
    } else {
      if (options.kind === 'customers' || options.kind === 'orders') summary.leadsConverted = await session!.convertLeadsWithSales();
      summary.runId = await session!.commit({
        kind: options.kind, fileName: label === 'stdin' ? 'stdin' : path.resolve(label), contentHash,
        startedAt: new Date(started).toISOString(), finishedAt: now().toISOString(),
        rowsRead: summary.rowsRead, rowsNew: summary.rowsNew, rowsChanged: summary.rowsChanged,
        rowsUnchanged: summary.rowsUnchanged, rowsRejected: summary.rowsRejected, customersCreated: summary.customersCreated,
        options: {
          onError, encoding: summary.encoding, delimiter: summary.delimiter, createCustomers: Boolean(options.createCustomers), map: options.map ?? [],
          ...(options.creditPrefix ? { creditPrefix: options.creditPrefix } : {}),
        },
      });
      // After the commit, when the indexes a bulk load deferred are back: a read of this run's rows.
      if (options.kind === 'interactions') summary.controlContacts = await session!.controlGroupContacts();
    }
    summary.elapsedMs = Date.now() - started;
    summary.rowsPerSecond = summary.elapsedMs > 0 ? Math.round((summary.rowsRead * 1000) / summary.elapsedMs) : summary.rowsRead;
    return summary;
  } catch (error) {
    await session?.rollback();
    if (rejects) await (rejects as RejectsWriter).discard();
    throw error;
  } finally {
    if ('destroy' in stream && typeof stream.destroy === 'function' && options.file !== '-') (stream as fs.ReadStream).destroy();
  }
}
