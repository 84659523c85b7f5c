// Time where the shop is (docs/rules.md#dates): a shop in Asia/Shanghai (UTC+8) at 2026-11-23T23:30Z, which is
// 07:30 on Tuesday the 24th there. Its "today" is the 24th, its typed times are its wall clock, and stored times
// are shown on that clock; the same database read in UTC shows the same instants.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dailyDb } from '../helpers/daily.js';
import { runCrm } from '../helpers/cli.js';

const now = new Date('2026-11-23T23:30:00Z');
const shanghai = { now, env: { TZ: 'Asia/Shanghai' } };

describe('a shop in Asia/Shanghai at 07:30 local on the 24th (23:30 UTC on the 23rd)', () => {
  it('"today" and "tomorrow" are local days: the follow-up of tomorrow is due on the 25th', async () => {
    const t = await dailyDb();
    const logged = await t.crm(['log', 'C0001', '--kind', 'call', '--summary', 'price list', '--follow-up', 'tomorrow'], shanghai);
    expect(logged).toMatchObject({ code: 0, stderr: '' });
    expect(logged.stdout).toBe('logged call #1 with 高建国 (C0001); follow-up due 2026-11-25\n');
    // The contact happened now: stored as the UTC instant.
    expect(t.one('SELECT occurred_at FROM interactions')).toBe('2026-11-23T23:30:00Z');
    const plus3 = await t.crm(['log', 'C0002', '--kind', 'call', '--summary', 'x', '--follow-up', '+3d', '-f', 'json'], shanghai);
    expect(JSON.parse(plus3.stdout)).toMatchObject({ occurred_at: '2026-11-24T07:30:00+08:00', follow_up_at: '2026-11-27' });
  });

  it('followups --today and the agenda use the 24th', async () => {
    const t = await dailyDb();
    expect((await t.crm(['log', 'C0001', '-k', 'call', '-s', 'due on the 24th', '--at', '2026-11-20 10:00', '--follow-up', '2026-11-24'], shanghai)).code).toBe(0);
    expect((await t.crm(['log', 'C0002', '-k', 'call', '-s', 'due on the 23rd', '--at', '2026-11-20 10:00', '--follow-up', '2026-11-23'], shanghai)).code).toBe(0);
    const today = JSON.parse((await t.crm(['followups', '--today', '-f', 'json'], shanghai)).stdout) as { reason: string; due: string; state: string }[];
    expect(today.map((row) => [row.due, row.state, row.reason])).toEqual([['2026-11-24', 'today', 'due on the 24th']]);
    const overdue = JSON.parse((await t.crm(['followups', '--overdue', '-f', 'json'], shanghai)).stdout) as { due: string; days_overdue: number }[];
    expect(overdue.map((row) => [row.due, row.days_overdue])).toEqual([['2026-11-23', 1]]);
    const agenda = await t.crm(['agenda'], shanghai);
    expect(agenda.stdout).toContain('Agenda for 2026-11-24');
    // The same moment in UTC is still the 23rd.
    const utc = JSON.parse((await t.crm(['followups', '--today', '-f', 'json'], { now })).stdout) as { due: string }[];
    expect(utc.map((row) => row.due)).toEqual(['2026-11-23']);
    expect((await t.crm(['agenda'], { now })).stdout).toContain('Agenda for 2026-11-23');
  });

  it('--at "2026-11-20 15:30" is stored as 07:30Z and shown as 15:30 (tables) or with +08:00 (CSV, JSON)', async () => {
    const t = await dailyDb();
    expect((await t.crm(['log', 'C0001', '-k', 'visit', '-s', 'tasting', '--at', '2026-11-20 15:30', '--follow-up', '2026-12-01'], shanghai)).code).toBe(0);
    expect(t.one('SELECT occurred_at FROM interactions')).toBe('2026-11-20T07:30:00Z');
    const show = await t.crm(['customer', 'show', 'C0001'], shanghai);
    expect(show.stdout).toMatch(/│ 2026-11-20 15:30 │ visit/);
    expect(show.stdout).not.toContain('07:30');
    const csv = (await t.crm(['followups', '-f', 'csv'], shanghai)).stdout;
    expect(csv).toContain(',2026-11-20T15:30:00+08:00,tasting');
    const json = JSON.parse((await t.crm(['customer', 'show', 'C0001', '-f', 'json'], shanghai)).stdout) as { timeline: { at: string }[] };
    expect(json.timeline[0]!.at).toBe('2026-11-20T15:30:00+08:00');
    // Read in UTC, the same instant.
    expect((await t.crm(['customer', 'show', 'C0001'], { now })).stdout).toMatch(/│ 2026-11-20 07:30 │ visit/);
    expect((await t.crm(['followups', '-f', 'csv'], { now })).stdout).toContain(',2026-11-20T07:30:00Z,tasting');
    // The follow-up may not be before the contact's local day: the 20th in Shanghai.
    const before = await t.crm(['log', 'C0001', '-k', 'call', '-s', 'x', '--at', '2026-11-21 00:30', '--follow-up', '2026-11-20'], shanghai);
    expect(before.stderr).toBe('crm: --follow-up: 2026-11-20 is before the contact itself (2026-11-21)\n');
  });

  it('complaints: --at in local time, listed on the local clock, their age in local days', async () => {
    const t = await dailyDb();
    expect((await t.crm(['complaint', 'open', 'C0001', '-s', 'tea arrived damp', '--at', '2026-11-17 07:00'], shanghai)).code).toBe(0);
    expect(t.one('SELECT opened_at FROM complaints')).toBe('2026-11-16T23:00:00Z');
    const list = await t.crm(['complaint', 'list'], shanghai);
    expect(list.stdout).toContain('2026-11-17 07:00');
    // Opened on the 17th there, today the 24th: a week, so on the agenda.
    expect((await t.crm(['agenda'], shanghai)).stdout).toMatch(/complaint #1 \(normal\) open 7\s+│?\s*days/);
  });

  it('pay and survey default to the local today', async () => {
    const t = await dailyDb(['customers', 'orders']);
    expect((await t.crm(['pay', 'C0001', '100'], shanghai)).code).toBe(0);
    expect(t.one('SELECT paid_on FROM payments ORDER BY id DESC LIMIT 1')).toBe('2026-11-24');
  });
});

describe('the zone: --tz > CRM_TZ > TZ > the system', () => {
  const typed = async (options: { env?: Record<string, string>; argv?: string[] }) => {
    const t = await dailyDb();
    const result = await t.crm([...(options.argv ?? []), 'log', 'C0001', '-k', 'call', '-s', 'x', '--at', '2026-07-01 12:00'], { now, env: options.env });
    expect(result.stderr).toBe('');
    return t.one<string>('SELECT occurred_at FROM interactions');
  };

  it('takes the first one given', async () => {
    expect(await typed({ env: { TZ: 'America/New_York' } })).toBe('2026-07-01T16:00:00Z');
    expect(await typed({ env: { TZ: 'America/New_York', CRM_TZ: 'Asia/Shanghai' } })).toBe('2026-07-01T04:00:00Z');
    expect(await typed({ env: { TZ: 'America/New_York', CRM_TZ: 'Asia/Shanghai' }, argv: ['--tz', 'UTC'] })).toBe('2026-07-01T12:00:00Z');
    // An empty CRM_TZ counts as unset; TZ may be written :Zone.
    expect(await typed({ env: { TZ: ':Asia/Kolkata', CRM_TZ: '' } })).toBe('2026-07-01T06:30:00Z');
  });

  it.each([
    [['--tz', 'Mars/Base'], {}, 'crm: --tz: "Mars/Base" is not a time zone crm knows (use a name such as Asia/Shanghai, Europe/Berlin or UTC)'],
    [[], { CRM_TZ: 'Beijing' }, 'crm: CRM_TZ: "Beijing" is not a time zone crm knows (use a name such as Asia/Shanghai, Europe/Berlin or UTC)'],
    [[], { TZ: 'CST-8' }, 'crm: TZ: "CST-8" is not a time zone crm knows (use a name such as Asia/Shanghai, Europe/Berlin or UTC)'],
  ])('an unknown zone %j %j is one line, exit 2', async (argv, env, message) => {
    const t = await dailyDb();
    const result = await t.crm([...argv, 'followups'], { now, env });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });
});

describe('daylight saving time (America/New_York, 2026: clocks forward 03-08 02:00, back 11-01 02:00)', () => {
  const newYork = { now, env: { TZ: 'America/New_York' } };

  it('a time the clocks skipped is refused, nothing written', async () => {
    const t = await dailyDb();
    const result = await t.crm(['log', 'C0001', '-k', 'call', '-s', 'x', '--at', '2026-03-08 02:30'], newYork);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('crm: --at: "2026-03-08 02:30" never happened in America/New_York: the clocks jumped forward over it (the clocks read 2026-03-08 03:30 at that moment)\n');
    expect(t.one('SELECT count(*) FROM interactions')).toBe(0);
  });

  it('a time that happened twice is the earlier one (still summer time)', async () => {
    const t = await dailyDb();
    expect((await t.crm(['log', 'C0001', '-k', 'call', '-s', 'x', '--at', '2026-11-01 01:30'], newYork)).code).toBe(0);
    expect(t.one('SELECT occurred_at FROM interactions')).toBe('2026-11-01T05:30:00Z');
  });
});

describe('export in one zone, import in another', () => {
  it('gives the same instants', async () => {
    const t = await dailyDb();
    expect((await t.crm(['log', 'C0001', '-k', 'visit', '-s', 'tasting', '--at', '2026-11-20 15:30'], shanghai)).code).toBe(0);
    expect((await t.crm(['complaint', 'open', 'C0001', '-s', 'damp', '--at', '2026-11-21 08:00'], shanghai)).code).toBe(0);
    const out = path.join(t.dir, 'out');
    expect((await t.crm(['export', 'all', '--output', out], shanghai)).code).toBe(0);
    const copy = path.join(t.dir, 'copy.db');
    const newYork = { now, env: { TZ: 'America/New_York' } };
    expect((await runCrm(['--db', copy, 'init'], newYork)).code).toBe(0);
    for (const kind of ['customers', 'interactions', 'complaints']) {
      const result = await runCrm(['--db', copy, 'import', kind, path.join(out, `${kind}.csv`)], newYork);
      expect(result.code, result.stderr).toBe(0);
    }
    const shown = (await runCrm(['--db', copy, 'complaint', 'list', '-f', 'json'], shanghai)).stdout;
    expect((JSON.parse(shown) as { opened_at: string }[])[0]!.opened_at).toBe('2026-11-21T08:00:00+08:00');
    const exported = fs.readFileSync(path.join(out, 'interactions.csv'), 'utf8');
    expect(exported).toContain('2026-11-20T07:30:00Z');
  });
});

describe('an imported file written on the shop clock', () => {
  it('reads a time without a zone as the shop\'s wall clock, and one with Z or an offset as written', async () => {
    const t = await dailyDb();
    const file = path.join(t.dir, 'contacts.csv');
    fs.writeFileSync(
      file,
      'interaction_id,customer_id,kind,occurred_at,summary\n' +
        'I1,C0001,call,2026-11-20 15:30,local wall clock\n' +
        'I2,C0001,call,2026-11-20T07:30:00Z,written in UTC\n' +
        'I3,C0001,call,2026-11-20T15:30:00+08:00,written with its offset\n' +
        'I4,C0001,call,2026/11/21,a bare day\n',
    );
    const imported = await t.crm(['import', 'interactions', file], shanghai);
    expect(imported.code, imported.stderr).toBe(0);
    expect(t.one("SELECT group_concat(occurred_at, ' ') FROM (SELECT occurred_at FROM interactions ORDER BY external_id)")).toBe(
      '2026-11-20T07:30:00Z 2026-11-20T07:30:00Z 2026-11-20T07:30:00Z 2026-11-20T16:00:00Z',
    );
  });

  it('refuses, by line, a time the clocks skipped in the shop\'s zone', async () => {
    const t = await dailyDb();
    const file = path.join(t.dir, 'contacts.csv');
    fs.writeFileSync(file, 'interaction_id,customer_id,kind,occurred_at,summary\nI1,C0001,call,2026-03-08 02:30,in the gap\n');
    const imported = await t.crm(['import', 'interactions', file], { now, env: { TZ: 'America/New_York' } });
    expect(imported.code).toBe(3);
    expect(imported.stderr).toContain(`${file}:2: occurred_at "2026-03-08 02:30": the clocks skipped this time in America/New_York (daylight saving began); it would be 2026-03-08 03:30`);
    expect(t.one('SELECT count(*) FROM interactions')).toBe(0);
  });
});

describe('a report period over contacts and complaints', () => {
  it('counts them by the shop\'s day: a call at 07:00 on 1 November in Shanghai (23:00 UTC on 31 October) is November\'s', async () => {
    const t = await dailyDb();
    expect((await t.crm(['log', 'C0001', '-k', 'call', '-s', 'early call', '--at', '2026-11-01 07:00'], shanghai)).code).toBe(0);
    expect((await t.crm(['complaint', 'open', 'C0001', '-s', 'late delivery', '--at', '2026-11-01 06:00'], shanghai)).code).toBe(0);
    expect(t.one("SELECT occurred_at FROM interactions WHERE summary = 'early call'")).toBe('2026-10-31T23:00:00Z');
    type Owner = { owner: string; interactions: number; complaints: number };
    const november = async (options: { now: Date; env?: Record<string, string> }) =>
      (JSON.parse((await t.crm(['report', 'salespeople', '--since', '2026-11-01', '--as-of', '2026-11-23', '-f', 'json'], options)).stdout) as { rows: Owner[] }).rows;
    const total = (rows: Owner[], key: 'interactions' | 'complaints') => rows.reduce((sum, row) => sum + (row[key] ?? 0), 0);
    const local = await november(shanghai);
    // Two contacts (the call, and the complaint's own timeline entry) and one complaint.
    expect([total(local, 'interactions'), total(local, 'complaints')]).toEqual([2, 1]);
    // The same database read on a UTC clock: the call was on 31 October there.
    const utc = await november({ now });
    expect([total(utc, 'interactions'), total(utc, 'complaints')]).toEqual([0, 0]);
  });
});
