// crm complaint, crm pay and crm survey on a temporary database (clock fixed at 2026-11-23 09:00 UTC).
import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { dailyDb } from '../helpers/daily.js';

describe.each(engines)('crm complaint on %s', (engine) => {
  it('opens, resolves and lists with age and time to resolve; both ends are logged on the timeline', async () => {
    const t = await dailyDb(['customers'], engine);
    expect((await t.crm(['complaint', 'open', 'C0001', '--summary', 'tea arrived damp', '--severity', 'high', '--at', '2026-11-20'])).stdout)
      .toBe('opened complaint #1 (high) for 高建国 (C0001)\n');
    expect((await t.crm(['complaint', 'open', 'C0002', '-s', 'late delivery', '--at', '2026-11-21 09:00'])).code).toBe(0);
    const resolved = await t.crm(['complaint', 'resolve', '2', '--resolution', 'apologised, free sample'], { now: new Date('2026-11-22T21:00:00Z') });
    expect(resolved).toEqual({ code: 0, stdout: 'resolved complaint #2 in 1.5 days\n', stderr: '' });
    const list = JSON.parse((await t.crm(['complaint', 'list', '-f', 'json'])).stdout);
    expect(list).toEqual([
      { id: 1, opened_at: '2026-11-20T00:00:00Z', customer_id: 'C0001', customer_name: '高建国', severity: 'high', status: 'open', summary: 'tea arrived damp', age_days: 3.4, resolved_in_days: null, resolution: null },
      { id: 2, opened_at: '2026-11-21T09:00:00Z', customer_id: 'C0002', customer_name: '李芳', severity: 'normal', status: 'resolved', summary: 'late delivery', age_days: null, resolved_in_days: 1.5, resolution: 'apologised, free sample' },
    ]);
    expect(JSON.parse((await t.crm(['complaint', 'list', '--open', '-f', 'json'])).stdout).map((row: { id: number }) => row.id)).toEqual([1]);
    expect(JSON.parse((await t.crm(['complaint', 'list', '--customer', 'C0002', '-f', 'json'])).stdout).map((row: { id: number }) => row.id)).toEqual([2]);
    expect((await t.rows<{ line: string }>("SELECT kind || ': ' || summary AS line FROM interactions ORDER BY id")).map((row) => row.line).join(' | ')).toBe(
      'complaint: complaint #1 (high): tea arrived damp | complaint: complaint #2 (normal): late delivery | note: complaint #2 resolved: apologised, free sample',
    );
    const table = (await t.crm(['complaint', 'list'])).stdout;
    expect(table).toContain('1 resolved, on average in 1.5 days');
  });

  it.each([
    [['open', 'C0001'], 'crm: missing --summary (give it, or run on a terminal to be asked)'],
    [['open', 'C0001', '-s', 'x', '--severity', 'urgent'], "crm: option '--severity <level>' argument 'urgent' is invalid. Allowed choices are low, normal, high. (see --help)"],
    [['open', 'C0001', '-s', 'x', '--at', 'yesterday-ish'], 'crm: --at: "yesterday-ish" is not a date or date-time (use 2026-11-23 or "2026-11-23 14:30")'],
    [['resolve', '99', '-r', 'x'], 'crm: no complaint #99 (see `crm complaint list`)'],
    [['resolve', '1'], 'crm: missing --resolution (give it, or run on a terminal to be asked)'],
  ])('%j: exit 2, one line, nothing written', async (argv, message) => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['complaint', ...argv]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect((await t.tables())).toMatchObject({ complaints: 0, interactions: 0 });
  });

  it('resolving twice is an error', async () => {
    const t = await dailyDb(['customers'], engine);
    await t.crm(['complaint', 'open', 'C0001', '-s', 'x']);
    await t.crm(['complaint', 'resolve', '1', '-r', 'done']);
    expect(await t.crm(['complaint', 'resolve', '1', '-r', 'again'])).toMatchObject({ code: 2, stderr: 'crm: complaint #1 was already resolved on 2026-11-23\n' });
  });
});

describe.each(engines)('crm pay on %s', (engine) => {
  it('records payments and tells the balance left (orders − payments)', async () => {
    const t = await dailyDb(['customers', 'orders'], engine);
    const billed = await t.value("SELECT sum(amount_cents) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = 'C0001' AND o.status <> 'refunded'");
    const order = await t.value<string>("SELECT o.external_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = 'C0001' ORDER BY o.id LIMIT 1");
    const first = await t.crm(['pay', 'C0001', '1,000.50', '--order', order, '--date', '2026/11/20', '--method', 'bank transfer', '-f', 'json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ id: 1, customer_id: 'C0001', paid_on: '2026-11-20', amount: 1000.5, balance: (billed - 100_050) / 100 });
    const second = await t.crm(['pay', 'C0001', String(billed / 100)]);
    expect(second.stdout).toBe(`recorded payment #2: ${(billed / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} from 高建国 (C0001) on 2026-11-23; balance: 1,000.50 paid in advance\n`);
  });

  it.each([
    [['C0001', 'abc'], 'crm: AMOUNT: "abc" is not an amount (use e.g. 1280, 1,280.50 or ¥1280)'],
    [['C0001', '0'], 'crm: AMOUNT: "0" must be more than 0'],
    [['C0001', '-5'], 'crm: AMOUNT: "-5" must be more than 0'],
    [['C0001', '10', '--date', '2026-02-30'], 'crm: --date: "2026-02-30" is not a date (use YYYY-MM-DD)'],
    [['C0001', '10', '--order', 'O99999'], 'crm: --order: no order O99999'],
    [['C0001', '10', '--order', 'O00001'], 'crm: --order: order O00001 belongs to another customer, not C0001'],
    [['nobody at all', '10'], 'crm: no customer matches "nobody at all" (try `crm customer search "nobody at all"`)'],
  ])('%j: exit 2, one line, nothing written', async (argv, message) => {
    const t = await dailyDb(['customers', 'orders'], engine);
    const result = await t.crm(['pay', ...argv]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
    expect((await t.tables()).payments).toBe(0);
  });
});

describe.each(engines)('crm survey on %s', (engine) => {
  it('records a survey and prints C = perceived / expected', async () => {
    const t = await dailyDb(['customers'], engine);
    expect((await t.crm(['survey', 'C0001', '--expected', '8', '--perceived', '9', '--recommend', '9'])).stdout)
      .toBe('recorded survey #1 for 高建国 (C0001): satisfaction C = 1.13 (satisfied)\n');
    const json = await t.crm(['survey', 'C0001', '--expected', '7.5', '--perceived', '6', '--date', '2026-11-01', '-f', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ id: 2, customer_id: 'C0001', surveyed_on: '2026-11-01', satisfaction: 0.8, level: 'dissatisfied' });
    expect(await t.value('SELECT count(*) FROM surveys WHERE would_recommend IS NULL')).toBe(1);
  });

  it.each([
    [['--perceived', '9'], 'crm: missing --expected (scores from 1 to 10)'],
    [['--expected', '0', '--perceived', '9'], 'crm: --expected: "0" must be a number from 1 to 10'],
    [['--expected', '8', '--perceived', '11'], 'crm: --perceived: "11" must be a number from 1 to 10'],
    [['--expected', '8', '--perceived', 'good'], 'crm: --perceived: "good" must be a number from 1 to 10'],
    [['--expected', '8', '--perceived', '9', '--recommend', '7.5'], 'crm: --recommend: "7.5" must be a whole number from 0 to 10'],
  ])('%j: exit 2, one line, nothing written', async (argv, message) => {
    const t = await dailyDb(['customers'], engine);
    expect(await t.crm(['survey', 'C0001', ...argv])).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
    expect((await t.tables()).surveys).toBe(0);
  });
});
