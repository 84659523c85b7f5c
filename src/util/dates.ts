// Date parsing for imported and typed dates; analysis code receives ISO dates and never reads the clock.

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
 * Parses a calendar date into "YYYY-MM-DD". Accepted: 2026-11-22, 2026/11/22, 2026.11.22,
 * 20261122, 2026年11月22日, an ISO date-time (the date part is taken), and with dayFirst
 * 22/11/2026 or 22.11.2026; without it, 11/22/2026 (month first, as US spreadsheets write).
 * Impossible dates such as 2026-02-30 are rejected (null).
 */
export function parseDate(raw: string, options: DateParseOptions = {}): string | null {
  // The common case, already ISO: check it without rebuilding the string.
  if (raw.length === 10 && ISO_DATE.test(raw)) {
    return validYmd(Number(raw.slice(0, 4)), Number(raw.slice(5, 7)), Number(raw.slice(8, 10))) ? raw : null;
  }
  const text = raw.trim();
  let match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match) {
    // A time part must be a real time too: 25:00 or 10:99 is a typing error, not a date.
    if (match[4] !== undefined && (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6] ?? 0) > 59)) return null;
    return toIso(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  match = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/.exec(text);
  if (match) return toIso(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (match) return toIso(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (match) {
    const first = Number(match[1]);
    const second = Number(match[2]);
    const year = Number(match[3]);
    return options.dayFirst ? toIso(year, second, first) : toIso(year, first, second);
  }
  return null;
}

/**
 * Parses a date-time into ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ". A bare date means midnight UTC;
 * a time without a zone is taken as UTC (docs/rules.md#dates: dates are ISO-8601 text in UTC).
 */
export function parseDateTime(raw: string, options: DateParseOptions = {}): string | null {
  const text = raw.trim();
  const date = parseDate(text, options);
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (match) {
    const [, y, mo, d, h, mi, s, zone] = match;
    if (!toIso(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
    const iso = `${pad(Number(y), 4)}-${pad(Number(mo))}-${pad(Number(d))}T${pad(Number(h))}:${mi}:${s ?? '00'}${normaliseZone(zone)}`;
    const time = Date.parse(iso);
    return Number.isNaN(time) ? null : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return date ? `${date}T00:00:00Z` : null;
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

/** Today's date (UTC) as YYYY-MM-DD; only the CLI layer calls this. */
export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
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
