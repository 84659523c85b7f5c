// Bytes in, validated rows out: decoding, CSV parsing, header mapping and row validation, in batches.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { parse, CsvError } from 'csv-parse';
import { DataRejectedError } from '../errors.js';
import { ChunkDecoder, detectDelimiter, detectEncoding, WHITESPACE, whitespaceToTabs, type InputEncoding } from './decode.js';
import type { ImportKind } from './fields.js';
import { lineLooksLikeData, mapHeaders, mapNamedColumns, parseMapOverrides, type HeaderMapping } from './headers.js';
import { validateRecord, type ImportRow, type ReadStats, type Rejection } from './validate.js';

export interface ParseOptions {
  kind: ImportKind;
  label: string;
  encoding?: InputEncoding;
  delimiter?: string;
  map?: string[];
  /** --columns: the fields of the file's columns in order (null skips one); replaces the header row. */
  columns?: (string | null)[];
  /** --no-header: the first line is data (needs columns). */
  noHeader?: boolean;
  dayFirst?: boolean;
  /** The shop's time zone, for date-times written without one (CliContext.zone()). */
  zone?: string;
  /** --decimal-comma: amounts written 1.234,50. */
  decimalComma?: boolean;
  /** Keep each row's original record (needed to write a rejects file). */
  keepRecords?: boolean;
  batchSize?: number;
}

export interface ParsedItem {
  line: number;
  row?: ImportRow;
  rejection?: Rejection;
  record?: string[];
}

export type ParseEvent =
  | { type: 'header'; headers: string[]; fields: string[]; unknown: string[]; encoding: InputEncoding; delimiter: string }
  | { type: 'batch'; items: ParsedItem[]; bytesRead: number }
  | { type: 'end'; contentHash: string; rowsRead: number; skippedHeaderIsData: boolean; encoding: InputEncoding; stats: ReadStats; totalRows: TotalRow[] };

/** A spreadsheet's total line (合计, Total, …), skipped: its line and the word that marked it. */
export interface TotalRow {
  line: number;
  text: string;
}

/**
 * The words a spreadsheet's total or subtotal line carries in its first, id or name cell (any case, an optional
 * colon): such a line is skipped, never read as a customer or an order (docs/rules.md#which-rows-are-read).
 */
const TOTAL_WORD = /^\s*(?:grand[\s_-]*total|sub[\s_-]*total|totals?|合\s*计|总\s*计|小\s*计|共\s*计|总\s*和)\s*[:：]?\s*$/i;

/** The cells that say whether a row is a total line: the first, the customer id, the kind's own id and the name. */
function totalCells(mapping: HeaderMapping, kind: ImportKind): number[] {
  const own = { customers: 'customer_id', orders: 'order_id', interactions: 'interaction_id', payments: 'payment_id', surveys: 'survey_id', complaints: 'complaint_id' }[kind];
  const cells = new Set<number>([0]);
  for (const field of ['customer_id', own, 'name']) {
    const index = mapping.fieldIndex.get(field);
    if (index !== undefined) cells.add(index);
  }
  return [...cells];
}

function totalWord(record: string[], cells: number[]): string | null {
  for (const index of cells) {
    const cell = record[index];
    if (cell !== undefined && cell.length > 0 && cell.length <= 24 && TOTAL_WORD.test(cell)) return cell.trim();
  }
  return null;
}

/**
 * "1,280.00" written without quotes in a comma-separated file is two fields, "1" and "280.00": the pair, when a row
 * has one, for the message.
 */
function cutAmount(record: string[]): string | null {
  for (let index = 0; index + 1 < record.length; index += 1) {
    if (/^\s*[-(]?[¥￥$€£]?\d{1,3}\s*$/.test(record[index]!) && /^\d{3}(?:\.\d*)?\)?\s*$/.test(record[index + 1]!)) {
      return `${record[index]!.trim()},${record[index + 1]!.trim()}`;
    }
  }
  return null;
}

/** Why a row with more fields than the header is refused. */
function tooWide(record: string[], width: number, delimiter: string, named: string, rowsBefore: number | null): Rejection {
  const count = `has ${record.length} fields but ${named}`;
  const cut = delimiter === ',' ? cutAmount(record) : null;
  const before = rowsBefore === null ? '' : ` and the rows before have ${rowsBefore}`;
  const why = cut !== null
    ? `; "${cut}" looks like one amount cut in two by its comma: put it in quotes ("${cut}") or write it without the comma`
    : record.slice(width).some((cell) => cell.trim() !== '')
      ? `; the values after column ${width} have no header`
      : '; a value with the delimiter in it, not in quotes?';
  return { field: '(row)', value: '', reason: `${count}${before}${why}` };
}

export const MAX_RECORD_BYTES = 1_000_000;

function csvErrorMessage(label: string, error: CsvError, nextRecordLine: number): DataRejectedError {
  // An unclosed quote runs to the end of the file: name the line where its record starts instead.
  const line = error.code === 'CSV_QUOTE_NOT_CLOSED' ? nextRecordLine : ((error as CsvError & { lines?: number }).lines ?? 0);
  const reasons: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted field starting on this line is never closed (missing ")',
    CSV_MAX_RECORD_SIZE: `a record is larger than ${MAX_RECORD_BYTES / 1_000_000} MB`,
    CSV_INVALID_CLOSING_QUOTE: 'unexpected character after a closing quote',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected character after a closing quote',
  };
  const reason = reasons[error.code] ?? error.message;
  return new DataRejectedError(`${label}: line ${line}: ${reason}; nothing was written`);
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count += 1;
  return count;
}

const toBytes = (chunk: Uint8Array | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

/** Parses and validates a CSV byte stream. The first event is the header, the last is 'end'. */
export async function* parseCsv(input: AsyncIterable<Uint8Array | string>, options: ParseOptions): AsyncGenerator<ParseEvent> {
  const { label } = options;
  const overrides = parseMapOverrides(options.map ?? [], options.kind);
  const hash = createHash('sha256');
  const iterator = input[Symbol.asyncIterator]();
  // The first chunk decides the delimiter (and, with a byte order mark, the encoding).
  const first = await iterator.next();
  const firstBytes = first.done ? Buffer.alloc(0) : toBytes(first.value);
  if (firstBytes.length === 0) throw new DataRejectedError(`${label}: line 1: the file is empty (expected ${options.noHeader ? 'rows' : 'a header row'})`);
  // A byte order mark decides at once; otherwise the decoder decides at the first non-ASCII bytes.
  const detected = detectEncoding(firstBytes);
  const bom = detected.bomLength > 0 ? detected : null;
  const bomLength = bom && (options.encoding ?? bom.encoding) === bom.encoding ? bom.bomLength : 0;
  const decoder = new ChunkDecoder(label, options.encoding ?? bom?.encoding ?? 'auto');
  hash.update(firstBytes);
  const firstDecoded = decoder.decode(firstBytes.subarray(bomLength));
  const delimiter = options.delimiter ?? detectDelimiter(firstDecoded.replace(/^\uFEFF/, ''));
  // Whitespace-separated files become tab-separated on the way in (decode.ts whitespaceToTabs).
  const toParserText = delimiter === WHITESPACE ? whitespaceToTabs() : (text: string) => text;
  const firstText = toParserText(firstDecoded);

  const parser = parse({
    delimiter: delimiter === WHITESPACE ? '\t' : delimiter,
    relax_column_count: true,
    // Files edited by several programs mix CRLF, LF and CR; any of them ends a record.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    // No `info`: building a context object per record doubled the parse time. Line numbers are
    // counted below instead, from the records themselves (blank lines kept so they can be counted).
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_BYTES,
    bom: true,
  });
  let bytesRead = firstBytes.length;
  const feed = (async () => {
    if (!parser.write(firstText)) await once(parser, 'drain');
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const bytes = toBytes(next.value);
      hash.update(bytes);
      bytesRead += bytes.length;
      if (!parser.write(toParserText(decoder.decode(bytes)))) await once(parser, 'drain');
    }
    parser.end(toParserText(decoder.end()));
  })();
  feed.catch((error: unknown) => parser.destroy(error instanceof Error ? error : new Error(String(error))));

  const batchSize = options.batchSize ?? 256;
  let headers: string[] | null = null;
  let mapping: ReturnType<typeof mapHeaders> | null = null;
  // --columns names the columns; the file's own header row (unless --no-header) is then skipped unread.
  let skipHeaderRow = Boolean(options.columns) && !options.noHeader;
  let skippedHeaderIsData = false;
  if (options.columns) {
    headers = options.columns.map((field, index) => field ?? `(column ${index + 1}, skipped)`);
    mapping = mapNamedColumns(options.columns);
    yield { type: 'header', headers, fields: [...mapping.fieldIndex.keys()], unknown: [], encoding: decoder.encoding, delimiter };
  }
  let items: ParsedItem[] = [];
  let rowsRead = 0;
  let nextLine = 1;
  const stats: ReadStats = { floatIds: 0, floatIdExample: null };
  const validateOptions = { dayFirst: options.dayFirst, decimalComma: options.decimalComma, zone: options.zone, stats };
  const totalRows: TotalRow[] = [];
  let totalAt: number[] = [];
  // Rows may be wider than the header by empty cells when the file writes them so (a separator at the end of every
  // line): the width of the first data row says how the file writes its rows; it is held back until the next row.
  let fileWidth: number | null = null;
  let firstWide: { item: ParsedItem; record: string[] } | null = null;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      // The line a record starts on: one line per record, plus the newlines inside its quoted fields.
      const line = nextLine;
      nextLine += 1;
      for (const field of record) if (field.includes('\n')) nextLine += countChar(field, '\n');
      if (record.length === 1 && record[0] === '') continue; // a blank line
      if (skipHeaderRow) {
        skipHeaderRow = false;
        // --columns without --no-header: a first line that passes as a row is most likely data, not a header.
        skippedHeaderIsData = record.length === headers!.length && lineLooksLikeData(record, options.kind) &&
          !('reason' in validateRecord(options.kind, record, mapping!, { dayFirst: options.dayFirst, decimalComma: options.decimalComma, zone: options.zone }));
        continue;
      }
      if (!headers) {
        headers = record.map((header) => header.replace(/^\uFEFF/, ''));
        mapping = mapHeaders(label, headers, options.kind, overrides);
        totalAt = totalCells(mapping, options.kind);
        yield { type: 'header', headers, fields: [...mapping.fieldIndex.keys()], unknown: mapping.unknown, encoding: decoder.encoding, delimiter };
        continue;
      }
      if (totalAt.length === 0) totalAt = totalCells(mapping!, options.kind);
      const total = totalWord(record, totalAt);
      if (total !== null) {
        totalRows.push({ line, text: total });
        continue;
      }
      rowsRead += 1;
      const item: ParsedItem = { line };
      if (options.keepRecords) item.record = record;
      const width = headers.length;
      const named = options.columns ? `--columns names ${width}` : `the header has ${width}`;
      const firstRow = fileWidth === null;
      fileWidth ??= record.length;
      if (record.length > width) {
        const emptyExtra = record.slice(width).every((cell) => cell.trim() === '');
        if (!emptyExtra || record.length !== fileWidth) item.rejection = tooWide(record, width, delimiter, named, emptyExtra ? fileWidth : null);
        else if (firstRow) firstWide = { item, record };
      } else if (record.length < width && (options.columns || record.length === 1)) {
        // A header file's row may leave out empty cells at its end; not a row of one field (a note, or the wrong
        // delimiter), and not under --columns, where the columns are counted by position.
        // One field holding words apart by spaces: a space-separated export read with the wrong delimiter.
        const hint = record.length === 1 && delimiter !== WHITESPACE && /\S[ \t]+\S/.test(record[0]!) ? ' (separated by spaces? use --delimiter whitespace)' : '';
        item.rejection = { field: '(row)', value: '', reason: `has ${record.length} field${record.length === 1 ? '' : 's'} but ${named}${hint}` };
      }
      if (!firstRow && firstWide !== null) {
        // The second row says whether the first one's empty cells at the end are the file's way: when this row is
        // as wide as the header, the first row had one field too many.
        if (record.length === width) {
          firstWide.item.rejection = tooWide(firstWide.record, width, delimiter, named, null);
          delete firstWide.item.row;
          fileWidth = width;
        }
        firstWide = null;
      }
      if (!item.rejection) {
        const row = validateRecord(options.kind, record, mapping!, validateOptions);
        if ('reason' in row) item.rejection = row;
        else item.row = row;
      }
      items.push(item);
      if (items.length >= batchSize && firstWide === null) {
        yield { type: 'batch', items, bytesRead };
        items = [];
      }
    }
    await feed;
  } catch (error) {
    if (error instanceof CsvError) throw csvErrorMessage(label, error, nextLine);
    throw error;
  }
  if (!headers) throw new DataRejectedError(`${label}: line 1: the file is empty (expected a header row)`);
  if (items.length) yield { type: 'batch', items, bytesRead };
  yield { type: 'end', contentHash: hash.digest('hex'), rowsRead, skippedHeaderIsData, encoding: decoder.encoding, stats, totalRows };
}
