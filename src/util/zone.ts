// Time zones (docs/rules.md#dates): instants are stored in UTC; the calendar day, typed times and shown times are
// the shop's local time in an IANA zone. Pure: the zone is always passed in, never read from the process; offsets
// come from Intl (the ICU data Node ships), so daylight saving time follows the zone's own rules.
import { parseDate, parseDateParts, parseDateTime, type DateParseOptions } from './dates.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, found);
  }
  return found;
}

/**
 * The zone's canonical name when NAME is one Intl knows (`Asia/Shanghai`, `UTC`, `America/New_York`; any case),
 * else null. A leading ':' (the POSIX form `TZ=:Asia/Shanghai`) is dropped.
 */
export function checkZone(name: string): string | null {
  const text = name.trim().replace(/^:/, '');
  if (text === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The zone the process runs in, as Intl sees it (only the CLI layer asks, and only when no zone was given). */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock fields of an instant (milliseconds since the epoch) in ZONE. */
export function localFields(time: number, zone: string): LocalFields {
  const fields: LocalFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(zone).formatToParts(time)) {
    if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour' || part.type === 'minute' || part.type === 'second') {
      fields[part.type] = Number(part.value);
    }
  }
  return fields;
}

/** How far (ms) the wall clock F, read at the instant TIME, is ahead of UTC; whole seconds, as the fields are. */
function fieldsAhead(f: LocalFields, time: number): number {
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(time / 1000) * 1000;
}

const hourMs = 3_600_000;
/** Per zone: UTC hour (ms since the epoch / 1 h) → how far the zone is ahead at the start of that hour. */
const hourStarts = new Map<string, Map<number, number>>();

function aheadAtHourStart(hour: number, zone: string): number {
  let starts = hourStarts.get(zone);
  if (!starts) hourStarts.set(zone, (starts = new Map()));
  let ahead = starts.get(hour);
  if (ahead === undefined) {
    if (starts.size >= 200_000) starts.clear();
    ahead = fieldsAhead(localFields(hour * hourMs, zone), hour * hourMs);
    starts.set(hour, ahead);
  }
  return ahead;
}

/**
 * How far (ms, whole seconds) ZONE is ahead of UTC at the instant TIME. An import reads many cells in the same hours,
 * so the offsets at the starts of UTC hours are remembered: an hour that starts and ends on the same offset is taken
 * to keep it throughout; an hour in which it changes (the change need not fall on the hour) asks Intl for TIME itself.
 */
function aheadAt(time: number, zone: string): number {
  const hour = Math.floor(time / hourMs);
  const start = aheadAtHourStart(hour, zone);
  if (start === aheadAtHourStart(hour + 1, zone)) return start;
  return fieldsAhead(localFields(time, zone), time);
}

/** Minutes ZONE is ahead of UTC at the instant TIME (+480 in Asia/Shanghai, −300 in New York in winter). */
export function offsetMinutes(time: number, zone: string): number {
  return Math.round(aheadAt(time, zone) / 60_000);
}

const pad = (value: number, width = 2): string => String(Math.abs(value)).padStart(width, '0');

function dateText(f: LocalFields): string {
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
}

/** The calendar day (YYYY-MM-DD) it is in ZONE at the instant NOW. */
export function localDate(now: Date, zone: string): string {
  return dateText(localFields(now.getTime(), zone));
}

/** +08:00, -05:00, +00:00. */
export function offsetText(minutes: number): string {
  return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
}

/** Parses a stored instant (ISO-8601 with Z or an offset); NaN when it is not one. A bare date is not an instant. */
function instant(stored: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/.test(stored)) return Number.NaN;
  return Date.parse(stored);
}

/** A stored instant as the local wall clock in ZONE, `2026-11-20 15:30` (seconds only when not zero); other text unchanged. */
export function showLocal(stored: string, zone: string): string {
  const time = instant(stored);
  if (Number.isNaN(time)) return stored;
  const f = localFields(time, zone);
  return `${dateText(f)} ${pad(f.hour)}:${pad(f.minute)}${f.second ? `:${pad(f.second)}` : ''}`;
}

/**
 * A stored instant as ISO-8601 with ZONE's offset, `2026-11-20T15:30:00+08:00` (the same instant), and with Z
 * where the offset is zero (`2026-11-20T07:30:00Z` in UTC, as stored); other text unchanged.
 */
export function isoWithOffset(stored: string, zone: string): string {
  const time = instant(stored);
  if (Number.isNaN(time)) return stored;
  const f = localFields(time, zone);
  const offset = Math.round(fieldsAhead(f, time) / 60_000);
  return `${dateText(f)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${offset === 0 ? 'Z' : offsetText(offset)}`;
}

/** The local calendar day in ZONE of a stored instant; a bare date (or other text) is returned as it is. */
export function localDayOf(stored: string, zone: string): string {
  const time = instant(stored);
  return Number.isNaN(time) ? stored.slice(0, 10) : dateText(localFields(time, zone));
}

/** A stored UTC form of an instant: `2026-11-20T07:30:00Z`. */
export function utcIso(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type LocalTimeResult =
  | { ok: true; time: number; ambiguous: boolean }
  /** The wall-clock time does not exist (the clocks jumped over it); `after` is the same time shifted by the jump. */
  | { ok: false; after: LocalFields; time: number };

/**
 * The instant a local wall-clock time in ZONE names. On the day the clocks go back a time happens twice: the
 * earlier instant is taken (ambiguous: true). On the day they go forward a time in the gap never happens: not ok,
 * with the time the clock showed that far after the jump (02:30 → 03:30 in New York on 2026-03-08).
 */
export function localToInstant(fields: LocalFields, zone: string): LocalTimeResult {
  const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  // Offsets around the time: zones change their offset at most once within a day or so.
  const offsets = new Set([offsetMinutes(wall - 86_400_000, zone), offsetMinutes(wall, zone), offsetMinutes(wall + 86_400_000, zone)]);
  const matches: number[] = [];
  for (const offset of offsets) {
    const time = wall - offset * 60_000;
    // The wall clock at TIME reads FIELDS exactly when the zone is that far ahead there (TIME is whole seconds).
    if (aheadAt(time, zone) === offset * 60_000) matches.push(time);
  }
  if (matches.length) return { ok: true, time: Math.min(...matches), ambiguous: new Set(matches).size > 1 };
  // In the gap: read the wall time with the offset before the jump; the clock shows it that much later.
  const time = wall - offsetMinutes(wall - 86_400_000, zone) * 60_000;
  return { ok: false, after: localFields(time, zone), time };
}

/** `2026-03-08 03:30` for messages. */
export function fieldsText(f: LocalFields): string {
  return `${dateText(f)} ${pad(f.hour)}:${pad(f.minute)}${f.second ? `:${pad(f.second)}` : ''}`;
}

export type TypedTimeResult =
  | { ok: true; iso: string; ambiguous: boolean }
  | { ok: false; reason: 'not-a-time' }
  | { ok: false; reason: 'skipped'; after: string };

/**
 * A date or date-time a person typed, read in ZONE, as a stored UTC instant (`2026-11-20T07:30:00Z`).
 * `2026-11-20 15:30` (or with T, / or . and optional seconds) is the wall clock in ZONE; a bare date is the
 * start of that day there; a time with Z or an offset (`2026-11-20T15:30+08:00`) names its instant itself.
 * A time the clocks skipped is refused (reason 'skipped', with the time it would have been after the jump);
 * a time that happened twice is its earlier instant (ambiguous: true).
 */
export function parseTypedTime(raw: string, zone: string): TypedTimeResult {
  const text = raw.trim();
  if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && /\d[T ]\d/.test(text)) {
    const iso = parseDateTime(text);
    return iso ? { ok: true, iso, ambiguous: false } : { ok: false, reason: 'not-a-time' };
  }
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  let fields: LocalFields;
  if (match) {
    const day = parseDate(`${match[1]}-${pad(Number(match[2]))}-${pad(Number(match[3]))}`);
    const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
    if (!day || hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'not-a-time' };
    fields = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), hour, minute, second };
  } else {
    const day = parseDate(text);
    if (!day) return { ok: false, reason: 'not-a-time' };
    fields = { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)), hour: 0, minute: 0, second: 0 };
    // A day whose midnight the clocks skip (some zones jump at 00:00) starts at the jump.
    const start = localToInstant(fields, zone);
    return { ok: true, iso: utcIso(start.time), ambiguous: start.ok && start.ambiguous };
  }
  const found = localToInstant(fields, zone);
  if (!found.ok) return { ok: false, reason: 'skipped', after: fieldsText(found.after) };
  return { ok: true, iso: utcIso(found.time), ambiguous: found.ambiguous };
}

/**
 * A date-time cell of an imported file: written without a zone it is the shop's wall clock in ZONE (a bare date
 * the start of that day there), as a typed --at is; with Z or an offset it names its own instant (crm export
 * writes UTC with Z, so an export reads back to the same instants in any zone). Null when it is not a date-time;
 * { skipped } when the clocks jumped over that wall-clock time.
 */
export function parseImportedDateTime(raw: string, zone: string | undefined, options: DateParseOptions = {}): string | { skipped: string } | null {
  const parts = parseDateParts(raw, options);
  if (!parts) return null;
  if (parts.zone !== undefined || zone === undefined || zone === 'UTC') return parseDateTime(raw, options);
  const fields = { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
  const found = localToInstant(fields, zone);
  if (!found.ok && parts.hour !== undefined) return { skipped: fieldsText(found.after) };
  return utcIso(found.time);
}
