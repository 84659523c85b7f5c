// Complaint age and time to resolve, to one decimal of a day.
import { describe, expect, it } from 'vitest';
import { complaintTiming, daysBetweenTimes } from '../../src/analysis/complaints.js';

describe('complaint timing', () => {
  it.each([
    ['2026-11-20T00:00:00Z', '2026-11-23T12:00:00Z', 3.5],
    ['2026-11-23T08:00:00Z', '2026-11-23T14:00:00Z', 0.3],
    ['2026-11-23T09:00:00Z', '2026-11-23T09:00:00Z', 0],
    ['2026-11-24T00:00:00Z', '2026-11-23T00:00:00Z', 0],
  ])('%s to %s is %d days', (from, to, days) => {
    expect(daysBetweenTimes(from, to)).toBe(days);
  });

  it('an open complaint has an age, a resolved one a time to resolve', () => {
    expect(complaintTiming('2026-11-01T09:00:00Z', null, '2026-11-23T09:00:00Z')).toEqual({ age_days: 22, resolved_in_days: null });
    expect(complaintTiming('2026-11-01T09:00:00Z', '2026-11-03T21:00:00Z', '2026-11-23T09:00:00Z')).toEqual({ age_days: null, resolved_in_days: 2.5 });
  });
});
