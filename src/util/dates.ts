// Date parsing for imported and typed dates; analysis code receives ISO dates and never reads the clock.
import { halfWidth } from './width.js';

export interface DateParseOptions {
  /** Accept 22/11/2026 as day-first (only with an explicit option: docs/rules.md#dates). */
  dayFirst?: boolean;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The years crm accepts in any date, typed or imported. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2200;
/** The accepted range in words, for messages. */
export const DATE_RANGE_TEXT = `${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31`;

function validYmd(year: number, month: number, day: number): boolean {
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function toIso(year: number, month: number, day: number): string | null {
  return validYmd(year, month, day) ? `${pad(year, 4)}-${pad(month)}-${pad(day)}` : null;
}

/**
 * Two-digit years (12/1/10, 22-Nov-26): 00–69 are 2000–2069, 70–99 are 1970–1999 (the pivot POSIX strptime uses;
 * docs/rules.md#dates).
 */
export const TWO_DIGIT_YEAR_PIVOT = 70;
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length !== 2) return year;
  return year < TWO_DIGIT_YEAR_PIVOT ? 2000 + year : 1900 + year;
}

const monthNumbers: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11,
  dec: 12, december: 12,
};

// A time after the date: "8:26", "08:26:05", "8:26 PM", "T08:26:05.123"; then an optional zone.
const TIME = String.raw`(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([ap])\.?m\.?)?)?\s*(Z|[+-]\d{2}:?\d{2})?`;
/** 2026-11-22, 2026/11/22, 2026.11.22, with a time. */
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${TIME}$`, 'i');
/** 2026年11月22日, 2026年11月22日 14:30, 2026年11月22日14时30分. */
const CJK = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?(?:\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?\s*[分秒]?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
/** 11/22/2026, 22.11.2026 (day first), 12/1/10, 11-22-2026, with a time. */
const YEAR_LAST = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})${TIME}$`, 'i');
/** 22-Nov-2026, 22 November 2026, 22 Nov, 2026, 22-Nov-26, with a time. */
const DAY_MONTH_NAME = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?[-\s/.]*([a-z]{3,9})\.?[-\s/.,]*(\d{4}|\d{2})${TIME}$`, 'i');
/** Nov 22, 2026, November 22 2026, Nov-22-2026, with a time. */
const MONTH_NAME_DAY = new RegExp(String.raw`^([a-z]{3,9})\.?[-\s/.]*(\d{1,2})(?:st|nd|rd|th)?(?:,\s*|[-\s/.]+)(\d{4}|\d{2})${TIME}$`, 'i');
/** 2026-Nov-22. */
const YEAR_MONTH_NAME = new RegExp(String.raw`^(\d{4})[-\s/.]*([a-z]{3,9})\.?[-\s/.]*(\d{1,2})${TIME}$`, 'i');

/** A date read from text, with its time of day when it had one (hour 0–23) and the zone as written. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  zone?: string;
}

function withTime(parts: DateParts, match: RegExpExecArray, at: number): DateParts | null {
  const [hourText, minuteText, secondText, meridiem, zone] = [match[at], match[at + 1], match[at + 2], match[at + 3], match[at + 4]];
  if (zone !== undefined) parts.zone = zone;
  if (hourText === undefined) return parts;
  let hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? 0);
  if (meridiem !== undefined) {
    // 12-hour clock: 12:05 AM is 00:05, 12:05 PM is 12:05; 0 or 13 o'clock PM is not a time.
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
  }
  // A time part must be a real time too: 25:00 or 10:99 is a typing error, not a date.
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { ...parts, hour, minute, second };
}

/**
 * Reads a date, and its time when it has one, in every form crm accepts (docs/rules.md#dates); null when the text is
 * none of them or not a real date. Numbers with the year last are month first unless dayFirst.
 */
export function parseDateParts(raw: string, options: DateParseOptions = {}): DateParts | null {
  const text = halfWidth(raw).trim();
  let match = YEAR_FIRST.exec(text);
  if (match) return checked({ year: Number(match[1]), month: Number(match[3]), day: Number(match[4]) }, match, 5);
  match = CJK.exec(text);
  if (match) {
    const parts = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
    if (!validYmd(parts.year, parts.month, parts.day)) return null;
    if (match[4] === undefined) return parts;
    const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
    return hour > 23 || minute > 59 || second > 59 ? null : { ...parts, hour, minute, second };
  }
  match = COMPACT.exec(text);
  if (match) return checked({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, null, 0);
  match = YEAR_LAST.exec(text);
  if (match) {
    // 12-01-10 could as well be 2012-01-10: a two-digit year is read last only after / or . (12/1/10).
    if (match[4]!.length === 2 && match[2] === '-') return null;
    const [first, second] = [Number(match[1]), Number(match[3])];
    const [month, day] = options.dayFirst ? [second, first] : [first, second];
    return checked({ year: fullYear(match[4]!), month, day }, match, 5);
  }
  match = DAY_MONTH_NAME.exec(text);
  if (match) return named(match[2]!, Number(match[1]), match[3]!, match, 4);
  match = MONTH_NAME_DAY.exec(text);
  if (match) return named(match[1]!, Number(match[2]), match[3]!, match, 4);
  match = YEAR_MONTH_NAME.exec(text);
  if (match) return named(match[2]!, Number(match[3]), match[1]!, match, 4);
  return null;
}

function checked(parts: DateParts, match: RegExpExecArray | null, timeAt: number): DateParts | null {
  if (!validYmd(parts.year, parts.month, parts.day)) return null;
  return match ? withTime(parts, match, timeAt) : parts;
}

function named(monthName: string, day: number, year: string, match: RegExpExecArray, timeAt: number): DateParts | null {
  const month = monthNumbers[monthName.toLowerCase()];
  return month === undefined ? null : checked({ year: fullYear(year), month, day }, match, timeAt);
}

/**
 * Parses a calendar date into "YYYY-MM-DD" (the day; a time after it is checked and left out). Accepted
 * (docs/rules.md#dates): 2026-11-22, 2026/11/22, 2026.11.22, 20261122, 2026年11月22日, ISO date-times,
 * 11/22/2026 (month first, as US spreadsheets write; with dayFirst 22/11/2026), 12/1/10 (two-digit year),
 * 22-Nov-2026, Nov 22, 2026, 22 November 2026, each with a time such as 8:26, 08:26:05 or 8:26 PM.
 * Impossible dates such as 2026-02-30 are rejected (null).
 */
export function parseDate(raw: string, options: DateParseOptions = {}): string | null {
  // The common case, already ISO: check it without rebuilding the string.
  if (raw.length === 10 && ISO_DATE.test(raw)) {
    return validYmd(Number(raw.slice(0, 4)), Number(raw.slice(5, 7)), Number(raw.slice(8, 10))) ? raw : null;
  }
  const parts = parseDateParts(raw, options);
  return parts ? toIso(parts.year, parts.month, parts.day) : null;
}

/**
 * For a date parseDate refused: the date it would be with the other order of day and month (dayFirst flipped), or
 * null when that does not read either. "13/11/2026" month first → "2026-11-13" day first.
 */
export function otherOrderReading(raw: string, options: DateParseOptions = {}): string | null {
  const text = halfWidth(raw).trim();
  if (!YEAR_LAST.test(text)) return null;
  return parseDate(text, { ...options, dayFirst: !options.dayFirst });
}

/** Whether refused text is a numeric date with a two-digit year after "-" (12-01-10: which number is the year?). */
export function ambiguousTwoDigitYear(raw: string): boolean {
  const match = YEAR_LAST.exec(halfWidth(raw).trim());
  return match !== null && match[2] === '-' && match[4]!.length === 2;
}

/**
 * Parses a date-time into ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ". A bare date means midnight UTC;
 * a time without a zone is taken as UTC (docs/rules.md#dates: dates are ISO-8601 text in UTC).
 */
export function parseDateTime(raw: string, options: DateParseOptions = {}): string | null {
  const parts = parseDateParts(raw, options);
  if (!parts) return null;
  const date = toIso(parts.year, parts.month, parts.day)!;
  if (parts.hour === undefined) return `${date}T00:00:00Z`;
  const iso = `${date}T${pad(parts.hour)}:${pad(parts.minute!)}:${pad(parts.second ?? 0)}${normaliseZone(parts.zone)}`;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function normaliseZone(zone: string | undefined): string {
  if (!zone || zone === 'Z') return 'Z';
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/**
 * Analysis calls daysBetween and addDays a few times per customer (a million customers: millions of calls)
 * over a few thousand distinct dates, and Date.parse was a tenth of `crm report summary`. So the parsed
 * times and formatted dates are remembered; the values are the same Date.parse/toISOString results as
 * before. Each cache is emptied when it grows past its limit (a long-running caller with ever new dates).
 */
const cacheLimit = 100_000;
const timeOfDate = new Map<string, number>();
const dateOfTime = new Map<number, string>();

/** Date.parse of midnight UTC on a YYYY-MM-DD date (NaN when it is not a date), remembered. */
function midnight(date: string): number {
  let time = timeOfDate.get(date);
  if (time === undefined) {
    if (timeOfDate.size >= cacheLimit) timeOfDate.clear();
    time = Date.parse(`${date}T00:00:00Z`);
    timeOfDate.set(date, time);
  }
  return time;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((midnight(to) - midnight(from)) / 86_400_000);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const time = midnight(date) + days * 86_400_000;
  let result = dateOfTime.get(time);
  if (result === undefined) {
    // An invalid date throws a RangeError here, as it always did (NaN is never a cache key that hits).
    result = new Date(time).toISOString().slice(0, 10);
    if (dateOfTime.size >= cacheLimit) dateOfTime.clear();
    dateOfTime.set(time, result);
  }
  return result;
}

/**
 * Whether text parseDate refused has the shape of a date but a year outside FIRST_YEAR..LAST_YEAR
 * (9999-12-31, 0001-01-01, 20261122 with a five-digit year), so a message can give the range.
 */
export function yearOutOfRange(raw: string): boolean {
  const text = raw.trim();
  const year = /^(\d{4,})(?:[-/.年]|\d{4}$)/.exec(text)?.[1] ?? /^\d{1,2}[/.]\d{1,2}[/.](\d{4,})$/.exec(text)?.[1];
  return year !== undefined && (Number(year) < FIRST_YEAR || Number(year) > LAST_YEAR);
}
