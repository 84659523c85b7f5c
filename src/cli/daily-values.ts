// Flag values of the daily commands (log, followups, complaint, pay, survey): parsed once, one clear line when wrong.
import { UsageError } from '../errors.js';
import { yearOutOfRange } from '../util/dates.js';
import { parseTypedTime } from '../util/zone.js';
import { followUpDateHint, resolveFollowUpDate } from '../util/follow-up-dates.js';
import { parseMoneyToCents } from '../util/money.js';
import { dateRefusal, type CliContext } from './context.js';

/** The clock as ISO-8601 UTC to the second, the form every stored timestamp has. */
export function nowIso(context: CliContext): string {
  return context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function requireFollowUpDate(raw: string, today: string, flag: string): string {
  const date = resolveFollowUpDate(raw, today);
  if (!date) throw new UsageError(dateRefusal(flag, raw, `use ${followUpDateHint}`));
  return date;
}

/**
 * --at: a date or date-time on the shop's clock (context.zone(); a bare date is the start of that day there), or
 * with Z or an offset; "now" is the clock. Stored as a UTC instant. A time the clocks skipped (spring forward) is
 * refused; one that happened twice (fall back) is the earlier (docs/rules.md#dates).
 */
export function requireDateTime(raw: string, flag: string, context: CliContext): string {
  if (raw.trim().toLowerCase() === 'now') return nowIso(context);
  const zone = context.zone();
  const value = parseTypedTime(raw, zone);
  if (value.ok) return value.iso;
  if (value.reason === 'skipped') {
    throw new UsageError(`${flag}: "${raw}" never happened in ${zone}: the clocks jumped forward over it (the clocks read ${value.after} at that moment)`);
  }
  if (yearOutOfRange(raw)) throw new UsageError(dateRefusal(flag, raw, ''));
  throw new UsageError(`${flag}: "${raw}" is not a date or date-time (use 2026-11-23 or "2026-11-23 14:30")`);
}

export function requireAmount(raw: string, what: string): number {
  const cents = parseMoneyToCents(raw);
  if (cents === null) throw new UsageError(`${what}: "${raw}" is not an amount (use e.g. 1280, 1,280.50 or ¥1280)`);
  if (cents <= 0) throw new UsageError(`${what}: "${raw}" must be more than 0`);
  return cents;
}

/** A score on a scale, e.g. --expected 1-10; decimals allowed unless `whole`. */
export function requireScore(raw: string, flag: string, min: number, max: number, whole = false): number {
  const text = raw.trim();
  const pattern = whole ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const value = Number(text);
  if (!pattern.test(text) || value < min || value > max) {
    throw new UsageError(`${flag}: "${raw}" must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

export function requireId(raw: string, what: string): number {
  const text = raw.trim().replace(/^#/, '');
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${what}: "${raw}" is not an id (a whole number such as 12)`);
  }
  return Number(text);
}

/** Text a person typed for a required flag: trimmed, never empty. */
export function requireText(raw: string, flag: string): string {
  const text = raw.trim();
  if (text === '') throw new UsageError(`${flag} must not be empty`);
  return text;
}
