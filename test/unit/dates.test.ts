import { describe, expect, it } from 'vitest';
import { addDays, ambiguousTwoDigitYear, daysBetween, otherOrderReading, parseDate, parseDateTime } from '../../src/util/dates.js';
import { halfWidth } from '../../src/util/width.js';

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

// The forms spreadsheets and shops write (issue 17): each checked by hand against a calendar.
describe('parseDate: spreadsheet and shop forms', () => {
  it.each([
    // with a time of day (the day is kept, the time checked)
    ['12/1/2010 8:26', false, '2010-12-01'],
    ['12/1/2010 08:26:59', false, '2010-12-01'],
    ['12/1/2010 8:26 AM', false, '2010-12-01'],
    ['12/1/2010 12:05 pm', false, '2010-12-01'],
    ['22/11/2026 08:26', true, '2026-11-22'],
    ['22.11.2026 08:26', true, '2026-11-22'],
    ['2026-11-22 14:30:05', false, '2026-11-22'],
    ['2026/11/22 14:30', false, '2026-11-22'],
    ['2026年11月22日 14:30', false, '2026-11-22'],
    ['2026年11月22日14:30:05', false, '2026-11-22'],
    ['2026年11月22日 14时30分', false, '2026-11-22'],
    ['2026年11月22号', false, '2026-11-22'],
    // month names
    ['22-Nov-2026', false, '2026-11-22'],
    ['22-nov-2026', false, '2026-11-22'],
    ['22 Nov 2026', false, '2026-11-22'],
    ['22 November 2026', false, '2026-11-22'],
    ['22 Sept 2026', false, '2026-09-22'],
    ['1st March 2024', false, '2024-03-01'],
    ['Nov 22, 2026', false, '2026-11-22'],
    ['November 22, 2026', false, '2026-11-22'],
    ['NOVEMBER 22 2026', false, '2026-11-22'],
    ['Feb. 29, 2024', false, '2024-02-29'],
    ['Nov 22, 2026 8:26 PM', false, '2026-11-22'],
    ['22-Nov-2026 08:26', false, '2026-11-22'],
    ['2026-Nov-22', false, '2026-11-22'],
    ['22-Nov-26', false, '2026-11-22'],
    // month names do not depend on --day-first
    ['22-Nov-2026', true, '2026-11-22'],
    ['Nov 2, 2026', true, '2026-11-02'],
    // two-digit years: 00-69 → 20xx, 70-99 → 19xx
    ['12/1/10', false, '2010-12-01'],
    ['12/1/10 8:26', false, '2010-12-01'],
    ['1/2/00', false, '2000-01-02'],
    ['1/2/69', false, '2069-01-02'],
    ['1/2/70', false, '1970-01-02'],
    ['1/2/99', false, '1999-01-02'],
    ['22/11/26', true, '2026-11-22'],
    ['22.11.26', true, '2026-11-22'],
    // year last with "-" and four digits
    ['11-22-2026', false, '2026-11-22'],
    ['22-11-2026', true, '2026-11-22'],
    // full-width digits
    ['２０２６年１１月２２日', false, '2026-11-22'],
    ['２０２６－１１－２２', false, '2026-11-22'],
    [' 2026-11-22 ', false, '2026-11-22'],
  ])('%j (day first: %s) → %s', (text, dayFirst, iso) => {
    expect(parseDate(text, { dayFirst })).toBe(iso);
  });

  it.each([
    ['2026-02-30', false],
    ['13/13/2026', false],
    ['13/13/2026', true],
    ['13/11/2026', false], // month 13
    ['11/22/2026', true], // month 22
    ['2/29/2025', false],
    ['12/1/2010 24:00', false],
    ['12/1/2010 8:60', false],
    ['12/1/2010 13:05 PM', false],
    ['12/1/2010 0:05 AM', false],
    ['2026年11月22日 25:00', false],
    ['2026年2月30日', false],
    ['31-Nov-2026', false],
    ['22-Foo-2026', false],
    ['Nov 2026', false],
    ['Nov 22', false],
    ['12-01-10', false], // 2012-01-10 or 2010-12-01? refused
    ['26-11-22', true],
    ['12/1/201', false],
    ['12/1/2010 8', false],
    ['2026-11/22', false],
    ['1/2/1899', false], // before the first year crm accepts
  ])('rejects %j (day first: %s)', (text, dayFirst) => {
    expect(parseDate(text, { dayFirst })).toBeNull();
  });

  it('names the other order of day and month when it would have read', () => {
    expect(otherOrderReading('13/11/2026')).toBe('2026-11-13');
    expect(otherOrderReading('11/22/2026', { dayFirst: true })).toBe('2026-11-22');
    expect(otherOrderReading('22/11/2026 08:26')).toBe('2026-11-22');
    expect(otherOrderReading('13/13/2026')).toBeNull();
    expect(otherOrderReading('2026-02-30')).toBeNull();
    expect(otherOrderReading('31-Nov-2026')).toBeNull();
  });

  it('knows a two-digit year after "-" is ambiguous', () => {
    expect(ambiguousTwoDigitYear('12-01-10')).toBe(true);
    expect(ambiguousTwoDigitYear('12/01/10')).toBe(false);
    expect(ambiguousTwoDigitYear('12-01-2010')).toBe(false);
  });

  it('halfWidth turns full-width digits and punctuation into ASCII and leaves other text alone', () => {
    expect(halfWidth('１２.００')).toBe('12.00');
    expect(halfWidth('１，２３４．５０')).toBe('1,234.50');
    expect(halfWidth('客户\u3000１')).toBe('客户 1');
    expect(halfWidth('plain')).toBe('plain');
    expect(halfWidth('￥１２')).toBe('￥12');
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2026-11-22', '2026-11-22T00:00:00Z'],
    ['2026-11-22 09:05', '2026-11-22T09:05:00Z'],
    ['2026-11-22T09:05:30+08:00', '2026-11-22T01:05:30Z'],
    ['2026-11-22T09:05:30+0800', '2026-11-22T01:05:30Z'],
    ['12/1/2010 8:26', '2010-12-01T08:26:00Z'],
    ['12/1/2010 8:26 PM', '2010-12-01T20:26:00Z'],
    ['12/1/2010 12:26 AM', '2010-12-01T00:26:00Z'],
    ['2026年11月22日 14:30', '2026-11-22T14:30:00Z'],
    ['22-Nov-2026 08:26:05', '2026-11-22T08:26:05Z'],
    ['Nov 22, 2026', '2026-11-22T00:00:00Z'],
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
