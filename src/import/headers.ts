// Maps a file's header row to import fields through the alias table and --map overrides.
import { DataRejectedError, UsageError } from '../errors.js';
import { kindFields, type ImportKind } from './fields.js';

export interface HeaderMapping {
  /** For each column of the file, the field it feeds, or null when the column is left out. */
  columns: (string | null)[];
  /** Headers that matched no field: kept out and listed in the summary. */
  unknown: string[];
  /** Field name → column index. */
  fieldIndex: Map<string, number>;
}

/**
 * The key a header is matched by: case, spaces, "-", "_" and "." do not count, and a unit in brackets at the end
 * is dropped. "Customer ID", "customer-id", " CUSTOMER_ID ", "CustomerID" → "customerid"; Chinese is kept as is.
 */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[（(].*[)）]$/, '')
    .replace(/[\s\-_.]+/g, '');
}

/** Parses repeatable --map "Their Header=field" values. */
export function parseMapOverrides(values: string[], kind: ImportKind): Map<string, string | null> {
  const known = new Set(kindFields[kind].fields.map((field) => field.name));
  const overrides = new Map<string, string | null>();
  for (const value of values) {
    const at = value.lastIndexOf('=');
    if (at <= 0) throw new UsageError(`--map "${value}": expected "Their Header=field"`);
    const header = value.slice(0, at).trim();
    const field = value.slice(at + 1).trim();
    if (field === '' || field === '-') {
      overrides.set(normaliseHeader(header), null);
      continue;
    }
    if (!known.has(field)) {
      throw new UsageError(`--map "${value}": unknown field "${field}" for ${kind}; known fields: ${[...known].join(', ')}`);
    }
    overrides.set(normaliseHeader(header), field);
  }
  return overrides;
}

/**
 * Whether a line skipped as the header (--columns without --no-header) is more likely data: no cell is the name or
 * an alias of a field, and some cell has a digit in it (a header of plain words that passes as a customer row, say
 * "Kundennr,Kundenname", is not taken for data).
 */
export function lineLooksLikeData(record: string[], kind: ImportKind): boolean {
  const names = new Set(kindFields[kind].fields.flatMap((field) => [field.name, ...field.aliases].map(normaliseHeader)));
  return !record.some((cell) => names.has(normaliseHeader(cell))) && record.some((cell) => /\d/.test(cell));
}

export function mapHeaders(
  file: string,
  headers: string[],
  kind: ImportKind,
  overrides: Map<string, string | null> = new Map(),
): HeaderMapping {
  const spec = kindFields[kind];
  const aliasToField = new Map<string, string>();
  for (const field of spec.fields) {
    for (const alias of field.aliases) {
      const key = normaliseHeader(alias);
      if (!aliasToField.has(key)) aliasToField.set(key, field.name);
    }
  }
  const columns: (string | null)[] = [];
  const unknown: string[] = [];
  const fieldIndex = new Map<string, number>();
  headers.forEach((header, index) => {
    const key = normaliseHeader(header);
    const field = overrides.has(key) ? overrides.get(key)! : (aliasToField.get(key) ?? null);
    if (field === null) {
      if (!overrides.has(key)) unknown.push(header.trim() === '' ? `(column ${index + 1} without header)` : header);
      columns.push(null);
      return;
    }
    if (fieldIndex.has(field)) {
      const first = headers[fieldIndex.get(field)!]!;
      throw new DataRejectedError(
        `${file}: line 1: columns "${first}" and "${header}" both map to field ${field}; drop one with --map "${header}=-"`,
      );
    }
    fieldIndex.set(field, index);
    columns.push(field);
  });
  for (const group of spec.required) {
    if (!group.some((field) => fieldIndex.has(field))) {
      const aliases = spec.fields.find((field) => field.name === group[0])!.aliases.slice(0, 4).join('", "');
      // One header holding several words apart by spaces: a space-separated file read with the wrong delimiter.
      const spaced = headers.length === 1 && /\S[ \t]+\S/.test(headers[0]!) ? '; the header is one column of words separated by spaces: use --delimiter whitespace' : '';
      throw new DataRejectedError(
        `${file}: line 1: missing required column ${group.join(' or ')} (for example "${aliases}"); map yours with --map "Header=${group[0]}"${spaced}`,
      );
    }
  }
  return { columns, unknown, fieldIndex };
}

/**
 * --columns "customer_id,-,order_date,-,amount": the file's columns named by field, in order; "-" skips a column.
 * For files without a header row (--no-header) or whose header should be ignored. Bad names are usage errors.
 */
export function parseColumnList(raw: string, kind: ImportKind): (string | null)[] {
  const spec = kindFields[kind];
  const known = new Set(spec.fields.map((field) => field.name));
  const names = raw.split(',').map((name) => name.trim());
  const columns: (string | null)[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '-') {
      columns.push(null);
      continue;
    }
    if (!known.has(name)) throw new UsageError(`--columns: unknown field "${name}" for ${kind}; known fields: ${[...known].join(', ')} (or - to skip a column)`);
    if (seen.has(name)) throw new UsageError(`--columns: field "${name}" is named twice`);
    seen.add(name);
    columns.push(name);
  }
  for (const group of spec.required) {
    if (!group.some((field) => seen.has(field))) throw new UsageError(`--columns: missing required field ${group.join(' or ')} for ${kind}`);
  }
  return columns;
}

/** The mapping for columns named with --columns: every column's field is given, nothing is unknown. */
export function mapNamedColumns(columns: (string | null)[]): HeaderMapping {
  const fieldIndex = new Map<string, number>();
  columns.forEach((field, index) => {
    if (field !== null) fieldIndex.set(field, index);
  });
  return { columns: [...columns], unknown: [], fieldIndex };
}
