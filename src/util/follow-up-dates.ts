// Follow-up dates as people type them: a date, today/tomorrow, +3d/+2w/+1m, next-monday. Pure; `today` is passed in.
import { addDays, parseDate } from './dates.js';

const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const shortWeekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Adds calendar months, clamping to the last day of a shorter month (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

function weekdayIndex(name: string): number {
  const full = weekdays.indexOf(name);
  return full >= 0 ? full : shortWeekdays.indexOf(name);
}

/**
 * Resolves a follow-up date against `today` (YYYY-MM-DD). Accepted: any date parseDate accepts;
 * today, tomorrow; +N (days), +Nd, +Nw, +Nm; next-monday … next-sunday (also "next monday", "monday",
 * "mon"): the first such weekday strictly after today, so on a Monday "next-monday" is a week later.
 * Returns null when the text is none of these.
 */
export function resolveFollowUpDate(raw: string, today: string): string | null {
  const text = raw.trim().toLowerCase();
  if (text === '') return null;
  if (text === 'today') return today;
  if (text === 'tomorrow') return addDays(today, 1);
  const relative = /^\+\s*(\d{1,4})\s*([dwm]?)$/.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    if (relative[2] === 'm') return amount > 120 ? null : addMonths(today, amount);
    const days = relative[2] === 'w' ? amount * 7 : amount;
    return days > 3660 ? null : addDays(today, days);
  }
  const weekday = /^(?:next[-\s]?)?([a-z]+)$/.exec(text);
  if (weekday) {
    const target = weekdayIndex(weekday[1]!);
    if (target >= 0) {
      const current = new Date(`${today}T00:00:00Z`).getUTCDay();
      const ahead = ((target - current + 7) % 7) || 7;
      return addDays(today, ahead);
    }
  }
  return parseDate(raw);
}

/** What a follow-up flag accepts, for error messages and help. */
export const followUpDateHint = '2026-12-01, today, tomorrow, +3d, +2w, +1m or next-monday';
