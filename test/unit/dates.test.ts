import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, parseDate, parseDateTime } from '../../src/util/dates.js';

describe('parseDate', () => {
  it.each([
    ['2026-11-22', '2026-11-22'],
    ['2026/11/22', '2026-11-22'],
    ['2026/1/5', '2026-01-05'],
    ['2026.11.22', '2026-11-22'],
    ['20261122', '2026-11-22'],
    ['2026年11月22日', '2026-11-22'],
    ['2026年1月5日', '2026-01-05'],
    ['2026-11-22T10:30:00Z', '2026-11-22'],
    ['2026-11-22 10:30', '2026-11-22'],
    ['11/22/2026', '2026-11-22'],
    ['2024-02-29', '2024-02-29'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it('reads day first only when asked', () => {
    expect(parseDate('22/11/2026')).toBeNull();
    expect(parseDate('22/11/2026', { dayFirst: true })).toBe('2026-11-22');
    expect(parseDate('03/04/2026')).toBe('2026-03-04');
    expect(parseDate('03/04/2026', { dayFirst: true })).toBe('2026-04-03');
  });

  it.each(['2026-11-22T25:00:00', '2026-11-22T10:99', '2026-11-22T23:59:60', '', '2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', 'yesterday', '2026-11', '12/11'])('rejects %j', (text) => {
    expect(parseDate(text)).toBeNull();
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2026-11-22', '2026-11-22T00:00:00Z'],
    ['2026-11-22 09:05', '2026-11-22T09:05:00Z'],
    ['2026-11-22T09:05:30+08:00', '2026-11-22T01:05:30Z'],
    ['2026-11-22T09:05:30+0800', '2026-11-22T01:05:30Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseDateTime(text)).toBe(iso);
  });
  it('rejects impossible times', () => {
    expect(parseDateTime('2026-11-22 25:00')).toBeNull();
  });
});

describe('day arithmetic', () => {
  it('counts whole days across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
