// One CSV record read by field name: trimmed text, typed values, and the rejection that names the field.
import { ambiguousTwoDigitYear, DATE_RANGE_TEXT, otherOrderReading, parseDate, yearOutOfRange } from '../util/dates.js';
import { parseImportedDateTime } from '../util/zone.js';
import { halfWidth } from '../util/width.js';
import { formatCents, otherDecimalMarkReading, parseMoneyToCents } from '../util/money.js';
import type { HeaderMapping } from './headers.js';

export interface Rejection {
  field: string;
  value: string;
  reason: string;
}

export interface ValidateOptions {
  dayFirst?: boolean;
  /** --decimal-comma: amounts and numbers written 1.234,50 (docs/rules.md#money). */
  decimalComma?: boolean;
  /** The shop's time zone: a date-time written without a zone is its wall clock (docs/rules.md#dates). */
  zone?: string;
  /** Counts what was read leniently, for the summary (one object for the whole file). */
  stats?: ReadStats;
}

/** What the reading of a file changed on the way in, for the import summary. */
export interface ReadStats {
  /** Ids a spreadsheet wrote as numbers with ".0" (12923.0), read as 12923. */
  floatIds: number;
  /** The first of them, as written. */
  floatIdExample: string | null;
}

/** 12923.0, 12923.00: an id column that a spreadsheet stored as a number. */
const FLOAT_ID = /^(\d+)\.0+$/;
/** 1,234 and 1,234.5: commas only between groups of three digits. */
const NUMBER_COMMA_GROUPS = /^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/;
/** 1.234 and 1.234,5 under --decimal-comma. */
const NUMBER_DOT_GROUPS = /^[-+]?\d{1,3}(\.\d{3})+(,\d*)?$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

const EMAIL = /^[^\s@",;<>()]+@[^\s@",;<>()]+\.[^\s@",;<>().]{2,}$/;
const PHONE_CHARS = /^\+?[\d\s\-().]+(?:\s*(?:ext|x|转)\s*\d+)?$/i;
const MAX_TEXT = 10_000;

export class RowRejected extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.reason);
  }
}

export function reject(field: string, value: string, reason: string): never {
  throw new RowRejected({ field, value: value.length > 60 ? `${value.slice(0, 57)}...` : value, reason });
}

/** Reads cells by field name; checks every cell for NUL bytes and absurd lengths once. */
export class RecordReader {
  constructor(
    private readonly record: string[],
    private readonly mapping: HeaderMapping,
    private readonly options: ValidateOptions,
  ) {}

  has(field: string): boolean {
    return this.mapping.fieldIndex.has(field);
  }

  /** Trimmed text, null when empty, undefined when the file has no such column. */
  text(field: string): string | null | undefined {
    const index = this.mapping.fieldIndex.get(field);
    if (index === undefined) return undefined;
    const raw = this.record[index];
    if (raw === undefined) return null;
    let value = raw.trim();
    if (value === '') return null;
    // crm export writes text a spreadsheet would run as a formula with a leading ' (as Excel does): take it off.
    if (/^'+[=+\-@\t\r]/.test(value)) value = value.slice(1);
    if (value.includes('\0')) reject(field, value.replace(/\0/g, '\\0'), 'contains a NUL byte');
    if (value.length > MAX_TEXT) reject(field, value, `longer than ${MAX_TEXT} characters`);
    return value;
  }

  required(field: string): string {
    const value = this.text(field);
    if (value === null || value === undefined) reject(field, '', 'required value is empty');
    return value;
  }

  /** An id: text, except that 12923.0 (a spreadsheet's number) is read as 12923 and counted. */
  id(field: string): string | null | undefined {
    const value = this.text(field);
    return value === null || value === undefined ? value : this.wholeId(value);
  }

  requiredId(field: string): string {
    return this.wholeId(this.required(field));
  }

  private wholeId(value: string): string {
    // Cheap first test: most ids do not end in 0.
    if (value.charCodeAt(value.length - 1) !== 48) return value;
    const match = FLOAT_ID.exec(value);
    if (!match) return value;
    const stats = this.options.stats;
    if (stats) {
      stats.floatIds += 1;
      stats.floatIdExample ??= value;
    }
    return match[1]!;
  }

  date(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const date = parseDate(value, { dayFirst: this.options.dayFirst });
    if (!date) reject(field, value, this.dateProblem(value, 'not a valid date (expected e.g. 2026-11-22, 2026/11/22, 11/22/2026, 22-Nov-2026 or 2026年11月22日)'));
    return date;
  }

  dateTime(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const date = parseImportedDateTime(value, this.options.zone, { dayFirst: this.options.dayFirst });
    if (date === null) reject(field, value, this.dateProblem(value, 'not a valid date or date-time'));
    if (typeof date !== 'string') reject(field, value, `the clocks skipped this time in ${this.options.zone} (daylight saving began); it would be ${date.skipped}`);
    return date;
  }

  /** Why a date was refused: the other order of day and month when that reads, a two-digit year that could be first, the range. */
  private dateProblem(value: string, otherwise: string): string {
    const other = otherOrderReading(value, { dayFirst: this.options.dayFirst });
    if (other !== null) {
      return this.options.dayFirst
        ? `not a date day first; without --day-first it reads ${other}`
        : `not a date month first; with --day-first it reads ${other}`;
    }
    if (ambiguousTwoDigitYear(value)) return 'a two-digit year after "-" could be the first number as well; write the year with four digits (2026-11-22)';
    if (yearOutOfRange(value)) return `outside the dates crm accepts (${DATE_RANGE_TEXT})`;
    return otherwise;
  }

  money(field: string, value: string | null | undefined): number | null {
    if (value === null || value === undefined) return null;
    const cents = parseMoneyToCents(value, { decimalComma: this.options.decimalComma });
    if (cents === null) reject(field, value, this.moneyProblem(value));
    return cents;
  }

  /** Why an amount was refused: what the other decimal mark would make of it, when that reads. */
  private moneyProblem(value: string): string {
    const decimalComma = Boolean(this.options.decimalComma);
    const other = otherDecimalMarkReading(value, { decimalComma });
    if (other === null) {
      return decimalComma ? 'not an amount (expected e.g. 1.234,50, 99,95 or ¥1234 under --decimal-comma)' : 'not an amount (expected e.g. 1234.50, 1,234.50 or ¥1234)';
    }
    const reading = formatCents(other.cents, false);
    if (decimalComma) {
      return other.ambiguous
        ? `three digits after the comma, a thousands separator or three decimals? Without --decimal-comma it reads ${reading}`
        : `not an amount with a decimal comma; without --decimal-comma it reads ${reading}`;
    }
    return other.ambiguous
      ? `three digits after the dot, a thousands separator or three decimals? With --decimal-comma it reads ${reading}`
      : `not an amount with a decimal point; with --decimal-comma it reads ${reading}`;
  }

  number(field: string, value: string | null | undefined): number | null {
    if (value === null || value === undefined) return null;
    let normalised = halfWidth(value);
    if (this.options.decimalComma) {
      if (NUMBER_DOT_GROUPS.test(normalised)) normalised = normalised.replace(/\./g, '');
      normalised = normalised.includes('.') ? '' : normalised.replace(',', '.');
    } else if (NUMBER_COMMA_GROUPS.test(normalised)) {
      normalised = normalised.replace(/,/g, '');
    }
    if (!NUMBER.test(normalised)) reject(field, value, this.options.decimalComma ? 'not a number (expected e.g. 8,5 under --decimal-comma)' : 'not a number');
    const number = Number(normalised);
    if (!Number.isFinite(number) || Math.abs(number) > 1e12) reject(field, value, 'number out of range');
    return number;
  }

  email(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    if (!EMAIL.test(value) || value.length > 254) reject(field, value, 'not a valid e-mail address');
    return value;
  }

  phone(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const digits = value.replace(/\D/g, '').length;
    if (!PHONE_CHARS.test(value) || digits < 5 || digits > 20) reject(field, value, 'not a valid phone number');
    return value;
  }

  typed(field: string, type: string): string | number | null | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    switch (type) {
      case 'email':
        return this.email(field, value);
      case 'phone':
        return this.phone(field, value);
      case 'date':
        return this.date(field, value);
      case 'datetime':
        return this.dateTime(field, value);
      case 'money':
        return this.money(field, value);
      default:
        return value;
    }
  }
}

