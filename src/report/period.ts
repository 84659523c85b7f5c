// --period 30d|90d|12m|2025|2025-Q3|2025-11 and --since/--as-of resolved to [since, asOf]; pure, the CLI passes today.
import { addDays, DATE_RANGE_TEXT, daysBetween, FIRST_YEAR, LAST_YEAR } from '../util/dates.js';

/** The longest relative --period. */
const MAX_PERIOD = { days: 36_500, months: 1200 } as const;

/** The orders a report looks at: order_date in [since, asOf]; since null means from the beginning. */
export interface ReportPeriod {
  since: string | null;
  asOf: string;
  /** Partners count as customers in the customer analyses (`--include-partners`). */
  includePartners?: boolean;
}

export interface ResolvedPeriod extends ReportPeriod {
  /** The period of the same length just before (for "against the previous one"); null without a start. */
  previous: ReportPeriod | null;
}

export interface PeriodInput {
  period?: string;
  since?: string;
  /** An explicit --as-of (already a valid ISO date). */
  asOf?: string;
  /** Today, from the CLI: the default --as-of. */
  today: string;
}

const pad = (value: number): string => String(value).padStart(2, '0');
const monthStart = (year: number, month: number): string => `${year}-${pad(month)}-01`;
/** The last day of the month `month` (1–12) of `year`. */
const monthEnd = (year: number, month: number): string => addDays(month === 12 ? `${year + 1}-01-01` : monthStart(year, month + 1), -1);

/** Adds whole months to a YYYY-MM-DD date; the day is clamped to the month's length (03-31 − 1 month = 02-28). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const last = Number(monthEnd(targetYear, targetMonth).slice(8));
  return `${targetYear}-${pad(targetMonth)}-${pad(Math.min(day, last))}`;
}

/** A calendar span [first, last] and the span of the same kind before it. */
function calendarSpan(text: string): { since: string; asOf: string; previous: ReportPeriod } | null {
  let match = /^(\d{4})$/.exec(text);
  if (match) {
    const year = Number(match[1]);
    return { since: `${year}-01-01`, asOf: `${year}-12-31`, previous: { since: `${year - 1}-01-01`, asOf: `${year - 1}-12-31` } };
  }
  match = /^(\d{4})-?[Qq]([1-4])$/.exec(text);
  if (match) {
    const year = Number(match[1]);
    const first = (Number(match[2]) - 1) * 3 + 1;
    const since = monthStart(year, first);
    const previousSince = addMonths(since, -3);
    return { since, asOf: monthEnd(year, first + 2), previous: { since: previousSince, asOf: addDays(since, -1) } };
  }
  match = /^(\d{4})-(\d{1,2})$/.exec(text);
  if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const since = monthStart(year, month);
    return { since, asOf: monthEnd(year, month), previous: { since: addMonths(since, -1), asOf: addDays(since, -1) } };
  }
  return null;
}

/**
 * The first day of the N months ending on asOf: 12m as of 2026-11-23 starts 2025-11-24. When asOf is the
 * last day of a month the months are whole calendar months (1m as of 03-31 is March, the one before February).
 */
function monthsEndingOn(asOf: string, months: number): string {
  if (addDays(asOf, 1).endsWith('-01')) return addMonths(`${asOf.slice(0, 7)}-01`, -(months - 1));
  return addDays(addMonths(asOf, -months), 1);
}

/** The same number of days just before [since, asOf]. */
export function previousPeriod(period: ReportPeriod): ReportPeriod | null {
  if (period.since === null) return null;
  const days = daysBetween(period.since, period.asOf) + 1;
  const asOf = addDays(period.since, -1);
  return { since: addDays(asOf, -(days - 1)), asOf };
}

/**
 * Resolves the period flags; a string is the usage message when they do not fit together.
 * - Nd (days) and Nm (months) end at --as-of (default today) and include it: 30d as of 11-23 is 10-25 … 11-23.
 * - 2025, 2025-Q3, 2025-11 are calendar spans: since = the first day, as-of = the last; they cannot be
 *   combined with --as-of or --since. Their previous period is the year, quarter or month before. A span still
 *   running ends today and its previous period after as many days (2026-11 on 11-23: 11-01 … 11-23 against
 *   10-01 … 10-23); one that has not started is refused.
 * - Without --period: [--since, --as-of], --since optional (from the beginning).
 */
export function resolvePeriod(input: PeriodInput): ResolvedPeriod | string {
  const raw = input.period?.trim();
  if (raw === undefined || raw === '') {
    const asOf = input.asOf ?? input.today;
    const since = input.since ?? null;
    if (since !== null && since > asOf) return `--since ${since} is after the as-of date ${asOf}`;
    const period = { since, asOf };
    return { ...period, previous: previousPeriod(period) };
  }
  if (input.since !== undefined) return '--period and --since cannot be used together (the period sets the start)';
  const relative = /^(\d+)\s*([dm])$/i.exec(raw);
  if (relative) {
    const count = Number(relative[1]);
    if (count < 1) return `--period "${raw}": the length must be at least 1`;
    const longest = relative[2]!.toLowerCase() === 'd' ? MAX_PERIOD.days : MAX_PERIOD.months;
    if (count > longest) return `--period "${raw}" is too long: at most ${MAX_PERIOD.days}d or ${MAX_PERIOD.months}m (a hundred years)`;
    const asOf = input.asOf ?? input.today;
    if (relative[2]!.toLowerCase() === 'd') {
      const period = { since: addDays(asOf, -(count - 1)), asOf };
      return { ...period, previous: previousPeriod(period) };
    }
    const since = monthsEndingOn(asOf, count);
    const previousAsOf = addDays(since, -1);
    return { since, asOf, previous: { since: monthsEndingOn(previousAsOf, count), asOf: previousAsOf } };
  }
  const span = calendarSpan(raw);
  if (span && (span.since < `${FIRST_YEAR}-01-01` || span.asOf > `${LAST_YEAR}-12-31`)) {
    return `--period ${raw} is outside the dates crm accepts (${DATE_RANGE_TEXT})`;
  }
  if (!span) return `--period "${raw}" is not one of 30d, 12m, 2025, 2025-Q3, 2025-11`;
  if (input.asOf !== undefined) return `--period ${raw} sets its own end (${span.asOf}); leave out --as-of`;
  if (span.since > input.today) return `--period ${raw} has not started yet (today is ${input.today})`;
  if (span.asOf <= input.today) return span;
  // A span still running ends today, "so far": counted to its last day, a report would call follow-ups due later this
  // month overdue and customers who may still buy lost. The span before is cut to as many days, so the two compare.
  const previousSince = span.previous.since!;
  const cut = addDays(previousSince, daysBetween(span.since, input.today));
  return { since: span.since, asOf: input.today, previous: { since: previousSince, asOf: cut < span.previous.asOf ? cut : span.previous.asOf } };
}
