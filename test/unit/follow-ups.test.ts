// Follow-up date shorthands and due windows, case by case (2026-11-23 is a Monday).
import { describe, expect, it } from 'vitest';
import { addMonths, resolveFollowUpDate } from '../../src/util/follow-up-dates.js';
import { daysOverdue, dueRange, followUpState } from '../../src/analysis/follow-ups.js';

const monday = '2026-11-23';

describe('resolveFollowUpDate', () => {
  it.each([
    ['2026-12-01', monday, '2026-12-01'],
    ['2026/12/1', monday, '2026-12-01'],
    ['2026年12月1日', monday, '2026-12-01'],
    ['today', monday, '2026-11-23'],
    ['Tomorrow', monday, '2026-11-24'],
    ['+3d', monday, '2026-11-26'],
    ['+3', monday, '2026-11-26'],
    ['+0d', monday, '2026-11-23'],
    ['+2w', monday, '2026-12-07'],
    ['+1m', monday, '2026-12-23'],
    ['+1m', '2026-01-31', '2026-02-28'],
    ['+1m', '2028-01-31', '2028-02-29'],
    ['+2m', '2026-12-15', '2027-02-15'],
    ['+10d', '2026-12-28', '2027-01-07'],
    // next-<weekday> is the first such day strictly after today: on a Monday, next-monday is a week on.
    ['next-monday', monday, '2026-11-30'],
    ['next monday', monday, '2026-11-30'],
    ['next-tuesday', monday, '2026-11-24'],
    ['next-sunday', monday, '2026-11-29'],
    ['friday', monday, '2026-11-27'],
    ['fri', monday, '2026-11-27'],
    ['next-monday', '2026-11-29', '2026-11-30'],
    ['next-saturday', '2026-11-28', '2026-12-05'],
  ])('%s on %s is %s', (raw, today, expected) => {
    expect(resolveFollowUpDate(raw, today)).toBe(expected);
  });

  it.each(['', 'someday', 'next-moonday', '-3d', '+3y', '+99999d', '2026-02-30', 'next-', '+m'])('rejects %j', (raw) => {
    expect(resolveFollowUpDate(raw, monday)).toBeNull();
  });

  it('addMonths clamps to the end of a shorter month and crosses years', () => {
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-11-23', 12)).toBe('2027-11-23');
  });
});

describe('due windows', () => {
  it.each([
    ['all', { from: null, to: null }],
    ['overdue', { from: null, to: '2026-11-22' }],
    ['today', { from: '2026-11-23', to: '2026-11-23' }],
    ['week', { from: '2026-11-23', to: '2026-11-29' }],
  ] as const)('%s', (window, range) => {
    expect(dueRange(window, monday)).toEqual(range);
  });

  it.each([
    ['2026-11-01', 'overdue', 22],
    ['2026-11-22', 'overdue', 1],
    ['2026-11-23', 'today', 0],
    ['2026-11-24', 'upcoming', 0],
  ] as const)('due %s is %s, %i days late', (due, state, late) => {
    expect(followUpState(due, monday)).toBe(state);
    expect(daysOverdue(due, monday)).toBe(late);
  });
});
