// --period parsing: each accepted form resolved to [since, asOf] and the period before it; each refusal.
import { describe, expect, it } from 'vitest';
import { addMonths, resolvePeriod } from '../../src/report/period.js';

const today = '2026-11-23';

describe('resolvePeriod', () => {
  it.each([
    // [flags, since, asOf, previous since, previous asOf]
    [{}, null, today, null, null],
    [{ asOf: '2026-06-30' }, null, '2026-06-30', null, null],
    [{ since: '2026-11-01' }, '2026-11-01', today, '2026-10-09', '2026-10-31'],
    [{ period: '30d' }, '2026-10-25', today, '2026-09-25', '2026-10-24'],
    [{ period: '1d' }, today, today, '2026-11-22', '2026-11-22'],
    [{ period: '90d', asOf: '2026-03-31' }, '2026-01-01', '2026-03-31', '2025-10-03', '2025-12-31'],
    [{ period: '12m' }, '2025-11-24', today, '2024-11-24', '2025-11-23'],
    [{ period: '1m', asOf: '2026-03-31' }, '2026-03-01', '2026-03-31', '2026-02-01', '2026-02-28'],
    [{ period: '2025' }, '2025-01-01', '2025-12-31', '2024-01-01', '2024-12-31'],
    [{ period: '2025-Q3' }, '2025-07-01', '2025-09-30', '2025-04-01', '2025-06-30'],
    [{ period: '2025q1' }, '2025-01-01', '2025-03-31', '2024-10-01', '2024-12-31'],
    [{ period: '2025-11' }, '2025-11-01', '2025-11-30', '2025-10-01', '2025-10-31'],
    [{ period: '2024-02' }, '2024-02-01', '2024-02-29', '2024-01-01', '2024-01-31'],
    [{ period: '2026-1' }, '2026-01-01', '2026-01-31', '2025-12-01', '2025-12-31'],
    // Spans still running on 2026-11-23 end that day, "so far", and the span before is cut to as many days:
    // November 1–23 against October 1–23 (22 days after the first in both).
    [{ period: '2026-11' }, '2026-11-01', today, '2026-10-01', '2026-10-23'],
    // Q4: October 1 + 53 days = November 23; Q3: July 1 + 53 days = August 23.
    [{ period: '2026-Q4' }, '2026-10-01', today, '2026-07-01', '2026-08-23'],
    // 2026 so far (326 days after January 1) against 2025 to November 23.
    [{ period: '2026' }, '2026-01-01', today, '2025-01-01', '2025-11-23'],
  ])('%j → [%s, %s], previous [%s, %s]', (flags, since, asOf, previousSince, previousAsOf) => {
    const resolved = resolvePeriod({ today, ...flags });
    expect(typeof resolved).toBe('object');
    if (typeof resolved === 'string') return;
    expect([resolved.since, resolved.asOf]).toEqual([since, asOf]);
    expect(resolved.previous).toEqual(previousSince === null ? null : { since: previousSince, asOf: previousAsOf });
  });

  it('a month still running on its 30th against a shorter month before: the previous span stops at its own end', () => {
    // March 1–30 against February 1 + 29 days = March 2, past February's end: February 1–28 whole.
    const resolved = resolvePeriod({ today: '2026-03-30', period: '2026-03' });
    expect(resolved).toEqual({ since: '2026-03-01', asOf: '2026-03-30', previous: { since: '2026-02-01', asOf: '2026-02-28' } });
    // On the span's last day it is whole, as before.
    expect(resolvePeriod({ today: '2026-03-31', period: '2026-03' })).toEqual({ since: '2026-03-01', asOf: '2026-03-31', previous: { since: '2026-02-01', asOf: '2026-02-28' } });
  });

  it.each([
    [{ period: '30x' }, 'is not one of'],
    [{ period: '0d' }, 'at least 1'],
    [{ period: '2025-13' }, 'is not one of'],
    [{ period: '2025-Q5' }, 'is not one of'],
    [{ period: '30d', since: '2026-01-01' }, 'cannot be used together'],
    [{ period: '2025', asOf: '2025-06-30' }, 'leave out --as-of'],
    [{ since: '2026-12-01' }, 'is after'],
    [{ period: '2026-12' }, 'has not started yet (today is 2026-11-23)'],
    [{ period: '2027' }, 'has not started yet'],
  ])('%j is refused', (flags, message) => {
    const resolved = resolvePeriod({ today, ...flags });
    expect(typeof resolved).toBe('string');
    expect(resolved).toContain(message);
  });
});

describe('addMonths', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2026-11-23', -12, '2025-11-23'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2025-12-15', 1, '2026-01-15'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});
