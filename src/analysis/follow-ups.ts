// Which follow-ups a listing means (--overdue, --today, --week) and how late one is; pure, `today` passed in.
import { addDays, daysBetween } from '../util/dates.js';

export type FollowUpWindow = 'all' | 'overdue' | 'today' | 'week';

/** Inclusive bounds on the due date (YYYY-MM-DD); null means open-ended. */
export interface DueRange {
  from: string | null;
  to: string | null;
}

/**
 * all: every open follow-up; overdue: due before today; today: due today;
 * week: due today or in the six days after (the coming seven days; overdue ones are listed by --overdue).
 */
export function dueRange(window: FollowUpWindow, today: string): DueRange {
  switch (window) {
    case 'all':
      return { from: null, to: null };
    case 'overdue':
      return { from: null, to: addDays(today, -1) };
    case 'today':
      return { from: today, to: today };
    case 'week':
      return { from: today, to: addDays(today, 6) };
  }
}

export type FollowUpState = 'overdue' | 'today' | 'upcoming';

export function followUpState(due: string, today: string): FollowUpState {
  if (due < today) return 'overdue';
  return due === today ? 'today' : 'upcoming';
}

/** Days past due (0 when not yet due). */
export function daysOverdue(due: string, today: string): number {
  return Math.max(0, daysBetween(due, today));
}
