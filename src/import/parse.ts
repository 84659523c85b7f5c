// Bytes in, validated rows out: decoding, CSV parsing, header mapping and row validation, in batches.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { parse, CsvError } from 'csv-parse';
import { DataRejectedError } from '../errors.js';
import { ChunkDecoder, detectDelimiter, detectEncoding, WHITESPACE, whitespaceToTabs, type InputEncoding } from './decode.js';
import type { ImportKind } from './fields.js';
import { lineLooksLikeData, mapHeaders, mapNamedColumns, parseMapOverrides } from './headers.js';
import { validateRecord, type ImportRow, type Rejection } from './validate.js';

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
  | { type: 'end'; contentHash: string; rowsRead: number; skippedHeaderIsData: boolean; encoding: InputEncoding };

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
          !('reason' in validateRecord(options.kind, record, mapping!, { dayFirst: options.dayFirst }));
        continue;
      }
      if (!headers) {
        headers = record.map((header) => header.replace(/^\uFEFF/, ''));
        mapping = mapHeaders(label, headers, options.kind, overrides);
        yield { type: 'header', headers, fields: [...mapping.fieldIndex.keys()], unknown: mapping.unknown, encoding: decoder.encoding, delimiter };
        continue;
      }
      rowsRead += 1;
      const item: ParsedItem = { line };
      if (options.keepRecords) item.record = record;
      const extra = record.length > headers.length && record.slice(headers.length).every((cell) => cell.trim() === '');
      if (record.length !== headers.length && !extra) {
        const named = options.columns ? `--columns names ${headers.length}` : `the header has ${headers.length}`;
        // One field holding words apart by spaces: a space-separated export read with the wrong delimiter.
        const hint = record.length === 1 && delimiter !== WHITESPACE && /\S[ \t]+\S/.test(record[0]!) ? ' (separated by spaces? use --delimiter whitespace)' : '';
        item.rejection = { field: '(row)', value: '', reason: `has ${record.length} field${record.length === 1 ? '' : 's'} but ${named}${hint}` };
      } else {
        const row = validateRecord(options.kind, record, mapping!, { dayFirst: options.dayFirst });
        if ('reason' in row) item.rejection = row;
        else item.row = row;
      }
      items.push(item);
      if (items.length >= batchSize) {
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
  yield { type: 'end', contentHash: hash.digest('hex'), rowsRead, skippedHeaderIsData, encoding: decoder.encoding };
}
