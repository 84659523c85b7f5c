// Time zones (docs/rules.md#dates), checked by hand against the zones' published rules:
// Asia/Shanghai is UTC+8 all year; America/New_York is UTC−5, UTC−4 from 2026-03-08 02:00 (clocks to 03:00)
// to 2026-11-01 02:00 (clocks back to 01:00); Asia/Kolkata is UTC+5:30.
import { describe, expect, it } from 'vitest';
import {
  checkZone, isoWithOffset, localDate, localDayOf, localToInstant, offsetMinutes, offsetText, parseTypedTime, showLocal,
} from '../../src/util/zone.js';

const at = (iso: string) => Date.parse(iso);

describe('checkZone', () => {
  it('knows IANA names in any case, UTC, and the POSIX :Zone form', () => {
    expect(checkZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(checkZone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(checkZone('UTC')).toBe('UTC');
    expect(checkZone(':Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('refuses what is not a zone', () => {
    expect(checkZone('Mars/Base')).toBeNull();
    expect(checkZone('')).toBeNull();
    expect(checkZone('UTC0')).toBeNull();
  });
});

describe('the local day and clock', () => {
  it('Shanghai at 23:30 UTC is 07:30 on the next day', () => {
    expect(localDate(new Date('2026-11-23T23:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
    expect(localDate(new Date('2026-11-23T23:30:00Z'), 'UTC')).toBe('2026-11-23');
    // New York at 03:00 UTC is 22:00 the day before (UTC−5 in November after the change back).
    expect(localDate(new Date('2026-11-24T03:00:00Z'), 'America/New_York')).toBe('2026-11-23');
  });

  it('offsets follow daylight saving time', () => {
    expect(offsetMinutes(at('2026-11-20T07:30:00Z'), 'Asia/Shanghai')).toBe(480);
    expect(offsetMinutes(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(offsetMinutes(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutes(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetText(480)).toBe('+08:00');
    expect(offsetText(-300)).toBe('-05:00');
    expect(offsetText(330)).toBe('+05:30');
    expect(offsetText(0)).toBe('+00:00');
  });

  it('shows a stored instant as the wall clock and with its offset; leaves dates and other text alone', () => {
    expect(showLocal('2026-11-20T07:30:00Z', 'Asia/Shanghai')).toBe('2026-11-20 15:30');
    expect(showLocal('2026-11-20T07:30:15Z', 'Asia/Shanghai')).toBe('2026-11-20 15:30:15');
    expect(showLocal('2026-11-20T07:30:00Z', 'UTC')).toBe('2026-11-20 07:30');
    expect(isoWithOffset('2026-11-20T07:30:00Z', 'Asia/Shanghai')).toBe('2026-11-20T15:30:00+08:00');
    expect(isoWithOffset('2026-07-01T16:00:00Z', 'America/New_York')).toBe('2026-07-01T12:00:00-04:00');
    expect(isoWithOffset('2026-11-20T07:30:00Z', 'UTC')).toBe('2026-11-20T07:30:00Z');
    expect(isoWithOffset('2026-01-20T07:30:00Z', 'Europe/London')).toBe('2026-01-20T07:30:00Z');
    expect(showLocal('2026-11-20', 'Asia/Shanghai')).toBe('2026-11-20');
    expect(isoWithOffset('2026-11-20', 'Asia/Shanghai')).toBe('2026-11-20');
    expect(showLocal('soon', 'Asia/Shanghai')).toBe('soon');
    expect(localDayOf('2026-11-20T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-21');
    expect(localDayOf('2026-11-20', 'Asia/Shanghai')).toBe('2026-11-20');
  });
});

describe('local wall-clock time → instant', () => {
  const fields = (year: number, month: number, day: number, hour: number, minute: number) => ({ year, month, day, hour, minute, second: 0 });

  it('an ordinary time is its one instant', () => {
    expect(localToInstant(fields(2026, 11, 20, 15, 30), 'Asia/Shanghai')).toEqual({ ok: true, time: at('2026-11-20T07:30:00Z'), ambiguous: false });
    expect(localToInstant(fields(2026, 7, 1, 12, 0), 'America/New_York')).toEqual({ ok: true, time: at('2026-07-01T16:00:00Z'), ambiguous: false });
  });

  it('a time the clocks skipped does not exist; the same moment reads an hour later', () => {
    const result = localToInstant(fields(2026, 3, 8, 2, 30), 'America/New_York');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.after).toEqual(fields(2026, 3, 8, 3, 30));
  });

  it('a time that happened twice is the earlier (still on summer time, −04:00)', () => {
    expect(localToInstant(fields(2026, 11, 1, 1, 30), 'America/New_York')).toEqual({ ok: true, time: at('2026-11-01T05:30:00Z'), ambiguous: true });
    // Just before and after the doubled hour there is one instant each.
    expect(localToInstant(fields(2026, 11, 1, 0, 59), 'America/New_York')).toEqual({ ok: true, time: at('2026-11-01T04:59:00Z'), ambiguous: false });
    expect(localToInstant(fields(2026, 11, 1, 2, 0), 'America/New_York')).toEqual({ ok: true, time: at('2026-11-01T07:00:00Z'), ambiguous: false });
  });
});

describe('parseTypedTime', () => {
  it('reads a typed local time in the zone and stores UTC', () => {
    expect(parseTypedTime('2026-11-20 15:30', 'Asia/Shanghai')).toEqual({ ok: true, iso: '2026-11-20T07:30:00Z', ambiguous: false });
    expect(parseTypedTime('2026/11/20T15:30:05', 'Asia/Shanghai')).toEqual({ ok: true, iso: '2026-11-20T07:30:05Z', ambiguous: false });
    expect(parseTypedTime('2026-11-20 15:30', 'UTC')).toEqual({ ok: true, iso: '2026-11-20T15:30:00Z', ambiguous: false });
  });

  it('a bare date is the start of that day in the zone', () => {
    expect(parseTypedTime('2026-11-20', 'Asia/Shanghai')).toEqual({ ok: true, iso: '2026-11-19T16:00:00Z', ambiguous: false });
    expect(parseTypedTime('2026年11月20日', 'America/New_York')).toEqual({ ok: true, iso: '2026-11-20T05:00:00Z', ambiguous: false });
  });

  it('a time with Z or an offset names its own instant, whatever the zone', () => {
    expect(parseTypedTime('2026-11-20T15:30:00+08:00', 'America/New_York')).toEqual({ ok: true, iso: '2026-11-20T07:30:00Z', ambiguous: false });
    expect(parseTypedTime('2026-11-20 07:30Z', 'Asia/Shanghai')).toEqual({ ok: true, iso: '2026-11-20T07:30:00Z', ambiguous: false });
  });

  it('refuses skipped times, impossible times and what is not a time', () => {
    expect(parseTypedTime('2026-03-08 02:30', 'America/New_York')).toEqual({ ok: false, reason: 'skipped', after: '2026-03-08 03:30' });
    expect(parseTypedTime('2026-11-20 25:00', 'UTC')).toEqual({ ok: false, reason: 'not-a-time' });
    expect(parseTypedTime('2026-02-30 10:00', 'UTC')).toEqual({ ok: false, reason: 'not-a-time' });
    expect(parseTypedTime('yesterday', 'UTC')).toEqual({ ok: false, reason: 'not-a-time' });
  });

  it('the fall-back hour is the earlier instant, flagged', () => {
    expect(parseTypedTime('2026-11-01 01:30', 'America/New_York')).toEqual({ ok: true, iso: '2026-11-01T05:30:00Z', ambiguous: true });
  });
});
