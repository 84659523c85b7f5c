// The import engine: streams one CSV file into the database in one transaction and returns a plain summary.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parse, CsvError } from 'csv-parse';
import type { Db } from '../db/open.js';
import { createRowWriter, ImportSession, previousRunOfContent } from '../db/import-store.js';
import { DataRejectedError, UsageError } from '../errors.js';
import { ChunkDecoder, detectDelimiter, detectEncoding, type InputEncoding } from './decode.js';
import type { ImportKind } from './fields.js';
import { mapHeaders, parseMapOverrides } from './headers.js';
import { RejectsWriter } from './rejects.js';
import { isRejection, validateRecord } from './validate.js';

export interface ImportOptions {
  kind: ImportKind;
  /** Path of the CSV file, or "-" for `input`. */
  file: string;
  /** The stream to read when file is "-" (stdin). */
  input?: NodeJS.ReadableStream;
  encoding?: InputEncoding;
  delimiter?: string;
  map?: string[];
  onError?: 'abort' | 'skip';
  rejectsFile?: string;
  dryRun?: boolean;
  createCustomers?: boolean;
  dayFirst?: boolean;
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
  unknownColumns: string[];
  problems: ImportProblem[];
  rejectsFile: string | null;
  elapsedMs: number;
  rowsPerSecond: number;
  /** An earlier run that imported exactly the same bytes. */
  sameContentAsRun: number | null;
}

const MAX_PROBLEMS_SHOWN = 10;
const MAX_RECORD_BYTES = 1_000_000;

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
  return { stream: fs.createReadStream(options.file, { highWaterMark: 1 << 20 }), label: options.file, totalBytes: stat.size };
}

function defaultRejectsFile(file: string, label: string): string {
  if (file === '-') return path.resolve('stdin.rejects.csv');
  const parsed = path.parse(file);
  return path.join(parsed.dir, `${parsed.name}.rejects.csv`);
}

function csvErrorMessage(label: string, error: CsvError, lastRecordLine: number): DataRejectedError {
  const info = error as CsvError & { lines?: number };
  // An unclosed quote runs to the end of the file: name the line where its record starts instead.
  const line = error.code === 'CSV_QUOTE_NOT_CLOSED' ? lastRecordLine + 1 : (info.lines ?? 0);
  const reasons: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted field starting on this line is never closed (missing ")',
    CSV_MAX_RECORD_SIZE: `a record is larger than ${MAX_RECORD_BYTES / 1_000_000} MB`,
    CSV_INVALID_CLOSING_QUOTE: 'unexpected character after a closing quote',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected character after a closing quote',
  };
  const reason = reasons[error.code] ?? error.message.replace(/^Invalid Record Length: /, '');
  return new DataRejectedError(`${label}: line ${line}: ${reason}; nothing was written`);
}

/** Imports one file. Under --on-error abort any bad row rolls everything back and throws DataRejectedError (exit 3). */
export async function importFile(db: Db, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const onError = options.onError ?? 'abort';
  const { stream, label, totalBytes } = openSource(options);
  const overrides = parseMapOverrides(options.map ?? [], options.kind);
  const hash = createHash('sha256');
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();

  // The first chunk decides the encoding and the delimiter.
  const first = await iterator.next();
  const firstBytes = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  if (firstBytes.length === 0) throw new DataRejectedError(`${label}: line 1: the file is empty (expected a header row)`);
  const detected = detectEncoding(firstBytes);
  const encoding = options.encoding ?? detected.encoding;
  const bomLength = encoding === detected.encoding ? detected.bomLength : 0;
  const decoder = new ChunkDecoder(label, encoding);
  hash.update(firstBytes);
  const firstText = decoder.decode(firstBytes.subarray(bomLength));
  const delimiter = options.delimiter ?? detectDelimiter(firstText.replace(/^\uFEFF/, ''));

  const parser = parse({
    delimiter,
    relax_column_count: true,
    // Files edited by several programs mix CRLF, LF and CR; any of them ends a record.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: MAX_RECORD_BYTES,
    bom: true,
  });
  let bytesRead = firstBytes.length;
  const feed = (async () => {
    if (!parser.write(firstText)) await once(parser, 'drain');
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const bytes = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      hash.update(bytes);
      bytesRead += bytes.length;
      options.onProgress?.(bytesRead, totalBytes);
      if (!parser.write(decoder.decode(bytes))) await once(parser, 'drain');
    }
    parser.end(decoder.end());
  })();
  feed.catch((error: unknown) => parser.destroy(error instanceof Error ? error : new Error(String(error))));

  let lastRecordLine = 0;
  let session: ImportSession | null = null;
  let rejects: RejectsWriter | null = null;
  const summary: ImportSummary = {
    kind: options.kind, file: label, runId: null, dryRun: Boolean(options.dryRun), encoding, delimiter,
    rowsRead: 0, rowsNew: 0, rowsChanged: 0, rowsUnchanged: 0, rowsRejected: 0, customersCreated: 0,
    unknownColumns: [], problems: [], rejectsFile: null, elapsedMs: 0, rowsPerSecond: 0, sameContentAsRun: null,
  };
  try {
    let headers: string[] | null = null;
    let mapping: ReturnType<typeof mapHeaders> | null = null;
    let writer: ReturnType<typeof createRowWriter> | null = null;
    const reject = (line: number, record: string[], field: string, value: string, reason: string): void => {
      summary.rowsRejected += 1;
      if (summary.problems.length < MAX_PROBLEMS_SHOWN) summary.problems.push({ line, field, value, reason });
      if (onError === 'skip' && !options.dryRun) {
        rejects ??= new RejectsWriter(options.rejectsFile ?? defaultRejectsFile(options.file, label), headers ?? []);
        rejects.write(record, line, `${field}: ${reason}`);
      }
    };
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      lastRecordLine = info.lines;
      if (!headers) {
        headers = record.map((header) => header.replace(/^\uFEFF/, ''));
        mapping = mapHeaders(label, headers, options.kind, overrides);
        summary.unknownColumns = mapping.unknown;
        session = new ImportSession(db, now());
        writer = createRowWriter(db, session, options.kind, {
          createCustomers: options.createCustomers,
          presentCustomerFields: [...mapping.fieldIndex.keys()],
        });
        continue;
      }
      summary.rowsRead += 1;
      const line = info.lines;
      if (record.length !== headers.length && !(record.length > headers.length && record.slice(headers.length).every((cell) => cell.trim() === ''))) {
        reject(line, record, '(row)', '', `has ${record.length} fields but the header has ${headers.length}`);
        continue;
      }
      const row = validateRecord(options.kind, record, mapping!, { dayFirst: options.dayFirst });
      if (isRejection(row)) {
        reject(line, record, row.field, row.value, row.reason);
        continue;
      }
      // Under abort, once a row is bad nothing will be kept: keep validating to report, stop writing.
      const outcome = onError === 'abort' && summary.rowsRejected > 0 ? writer!.check(row) ?? 'unchanged' : writer!.write(row);
      if (outcome === 'new') summary.rowsNew += 1;
      else if (outcome === 'changed') summary.rowsChanged += 1;
      else if (outcome === 'unchanged') summary.rowsUnchanged += 1;
      else reject(line, record, outcome.field, outcome.value, outcome.reason);
    }
    await feed;
    if (!headers) throw new DataRejectedError(`${label}: line 1: the file is empty (expected a header row)`);
    if (summary.rowsRead === 0) throw new DataRejectedError(`${label}: line 2: no data rows after the header; nothing was written`);
    summary.customersCreated = writer!.customersCreated;
    summary.elapsedMs = Date.now() - started;
    summary.rowsPerSecond = summary.elapsedMs > 0 ? Math.round((summary.rowsRead * 1000) / summary.elapsedMs) : summary.rowsRead;
    const contentHash = hash.digest('hex');
    summary.sameContentAsRun = previousRunOfContent(db, options.kind, contentHash) ?? null;
    if (onError === 'abort' && summary.rowsRejected > 0) {
      session!.rollback();
      const count = summary.rowsRejected;
      throw new DataRejectedError(
        `${label}: ${count} row${count === 1 ? '' : 's'} rejected; nothing was written (fix them, or use --on-error skip)`,
        summary.problems.map((problem) => problemLine(label, problem)).concat(count > summary.problems.length ? [`… and ${count - summary.problems.length} more`] : []),
      );
    }
    if (options.dryRun) {
      session!.rollback();
    } else {
      summary.runId = session!.commit({
        kind: options.kind, fileName: label === 'stdin' ? 'stdin' : path.resolve(label), contentHash,
        startedAt: new Date(started).toISOString(), finishedAt: now().toISOString(),
        rowsRead: summary.rowsRead, rowsNew: summary.rowsNew, rowsChanged: summary.rowsChanged,
        rowsUnchanged: summary.rowsUnchanged, rowsRejected: summary.rowsRejected, customersCreated: summary.customersCreated,
        options: { onError, encoding, delimiter, createCustomers: Boolean(options.createCustomers), map: options.map ?? [] },
      });
    }
    if (rejects) summary.rejectsFile = await (rejects as RejectsWriter).close();
    return summary;
  } catch (error) {
    session?.rollback();
    if (rejects) await (rejects as RejectsWriter).discard();
    if (error instanceof CsvError) throw csvErrorMessage(label, error, lastRecordLine);
    throw error;
  } finally {
    if ('destroy' in stream && typeof stream.destroy === 'function') (stream as fs.ReadStream).destroy();
  }
}
