// One CSV record read by field name: trimmed text, typed values, and the rejection that names the field.
import { parseDate, parseDateTime } from '../util/dates.js';
import { parseMoneyToCents } from '../util/money.js';
import type { HeaderMapping } from './headers.js';

export interface Rejection {
  field: string;
  value: string;
  reason: string;
}

export interface ValidateOptions {
  dayFirst?: boolean;
}

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

  date(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const date = parseDate(value, { dayFirst: this.options.dayFirst });
    if (!date) reject(field, value, 'not a valid date (expected e.g. 2026-11-22, 2026/11/22 or 2026年11月22日)');
    return date;
  }

  dateTime(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const date = parseDateTime(value, { dayFirst: this.options.dayFirst });
    if (!date) reject(field, value, 'not a valid date or date-time');
    return date;
  }

  money(field: string, value: string | null | undefined): number | null {
    if (value === null || value === undefined) return null;
    const cents = parseMoneyToCents(value);
    if (cents === null) reject(field, value, 'not an amount (expected e.g. 1234.50, 1,234.50 or ¥1234)');
    return cents;
  }

  number(field: string, value: string | null | undefined): number | null {
    if (value === null || value === undefined) return null;
    const normalised = value.replace(/,/g, '');
    if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(normalised)) reject(field, value, 'not a number');
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

