// crm log and crm followups, in-process on a temporary database (clock fixed at Monday 2026-11-23 09:00 UTC).
import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { dailyDb } from '../helpers/daily.js';

describe.each(engines)('crm log on %s', (engine) => {
  it('logs a call with a follow-up shorthand and the customer owner as default owner', async () => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['log', 'C0001', '--kind', 'call', '--summary', 'asked for the autumn price list', '--follow-up', '+3d']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('logged call #1 with 高建国 (C0001); follow-up due 2026-11-26\n');
    expect(await t.rows('SELECT kind, occurred_at AS at, owner, follow_up_at AS due FROM interactions')).toEqual([{ kind: 'call', at: '2026-11-23T09:00:00Z', owner: '张强', due: '2026-11-26' }]);
  });

  it('takes --at, --outcome, --owner and prints JSON', async () => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['log', 'gao1@example.cn', '-k', 'visit', '-s', 'tasting', '--outcome', 'ordered 2 gift boxes', '--owner', '李娜', '--at', '2026-11-20 15:30', '--follow-up', 'next-monday', '-f', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: 1, customer_id: 'C0001', kind: 'visit', occurred_at: '2026-11-20T15:30:00Z', follow_up_at: '2026-11-30' });
    expect(await t.value('SELECT owner FROM interactions')).toBe('李娜');
  });

  it.each([
    [['C0001', '--kind', 'call'], 'crm: missing --summary (give it, or run on a terminal to be asked)'],
    [['--summary', 'x'], 'crm: missing CUSTOMER, --kind (give them, or run on a terminal to be asked)'],
    [['C0001', '--kind', 'fax', '--summary', 'x'], 'crm: --kind: "fax" is not one of call, visit, email, message, meeting, note'],
    [['C0001', '--kind', 'call', '--summary', '  '], 'crm: --summary must not be empty'],
    [['C0001', '--kind', 'call', '--summary', 'x', '--follow-up', 'someday'], 'crm: --follow-up: "someday" is not a date (use 2026-12-01, today, tomorrow, +3d, +2w, +1m or next-monday)'],
    [['C0001', '--kind', 'call', '--summary', 'x', '--at', '2026-13-01'], 'crm: --at: "2026-13-01" is not a date or date-time (use 2026-11-23 or "2026-11-23 14:30")'],
    [['C0001', '--kind', 'call', '--summary', 'x', '--at', '2026-11-25', '--follow-up', 'tomorrow'], 'crm: --follow-up: 2026-11-24 is before the contact itself (2026-11-25)'],
    [['C9999', '--kind', 'call', '--summary', 'x'], 'crm: no customer matches "C9999" (try `crm customer search "C9999"`)'],
  ])('%j is one clear line, exit 2, nothing written', async (argv, message) => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['log', ...argv]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${message}\n`);
    expect(await t.value('SELECT count(*) FROM interactions')).toBe(0);
  });

  it('does not prompt with --no-input even on a terminal', async () => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['--no-input', 'log', 'C0001'], { tty: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing --kind, --summary');
  });

  it('an ambiguous customer in a script lists the candidates on stderr (exit 2)', async () => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['log', '李芳', '-k', 'call', '-s', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(0, 3)).toEqual([
      'crm: "李芳" matches 2 customers; name one by its id',
      '  C0002  李芳  (宁波鼎盛餐饮管理有限公司, 宁波, 13336342408)',
      '  C0146  李芳  (上海华美商贸行, 上海, 13095406045)',
    ]);
  });
});

describe.each(engines)('crm followups on %s', (engine) => {
  async function withFollowUps() {
    const t = await dailyDb(['customers'], engine);
    const log = async (customer: string, at: string, followUp: string, owner = '王伟') =>
      expect((await t.crm(['log', customer, '-k', 'call', '-s', `call ${customer}`, '--at', at, '--follow-up', followUp, '--owner', owner])).code).toBe(0);
    await log('C0001', '2026-11-01', '2026-11-10'); // #1 overdue 13 days
    await log('C0002', '2026-11-20', '2026-11-23', '李娜'); // #2 today
    await log('C0003', '2026-11-20', '2026-11-29'); // #3 this week (Sunday)
    await log('C0004', '2026-11-20', '2026-11-30'); // #4 later
    await log('C0005', '2026-11-05', '2026-11-21'); // #5 overdue 2 days
    await t.crm(['log', 'C0001', '-k', 'email', '-s', 'sent the brochure', '--at', '2026-11-15']); // #6 newer contact, no follow-up
    return t;
  }

  it('--overdue --format json is a stable array, oldest first, with the last contact', async () => {
    const t = await withFollowUps();
    const result = await t.crm(['followups', '--overdue', '--format', 'json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout);
    expect(rows.map((row: { id: number }) => row.id)).toEqual([1, 5]);
    expect(rows[0]).toEqual({
      id: 1, due: '2026-11-10', state: 'overdue', days_overdue: 13, customer_id: 'C0001', customer_name: '高建国', phone: '13616420445',
      owner: '王伟', reason: 'call C0001', last_contact_at: '2026-11-15T00:00:00Z', last_contact_summary: 'sent the brochure',
    });
  });

  it('--today, --week, --owner and the default list', async () => {
    const t = await withFollowUps();
    const ids = async (...argv: string[]) => JSON.parse((await t.crm(['followups', ...argv, '-f', 'json'])).stdout).map((row: { id: number }) => row.id);
    expect(await ids('--today')).toEqual([2]);
    expect(await ids('--week')).toEqual([2, 3]);
    expect(await ids()).toEqual([1, 5, 2, 3, 4]);
    expect(await ids('--owner', '李娜')).toEqual([2]);
    expect(await ids('--overdue', '--owner', 'nobody')).toEqual([]);
  });

  it('prints [] and exits 0 when nothing is due', async () => {
    const t = await dailyDb(['customers'], engine);
    expect(await t.crm(['followups', '--overdue', '--format', 'json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('refuses two windows at once', async () => {
    const t = await dailyDb(['customers'], engine);
    const result = await t.crm(['followups', '--overdue', '--today']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/option '--overdue' cannot be used with option '--today'/);
  });

  it('done closes one and logs it on the timeline; closing twice is exit 2', async () => {
    const t = await withFollowUps();
    const done = await t.crm(['followups', 'done', '1', '--note', 'sending samples']);
    expect(done).toEqual({ code: 0, stdout: 'follow-up #1 with 高建国 (C0001) done: sending samples\n', stderr: '' });
    expect(await t.value('SELECT follow_up_done_at || \' \' || follow_up_note FROM interactions WHERE id = 1')).toBe('2026-11-23T09:00:00Z sending samples');
    expect(await t.value("SELECT summary FROM interactions WHERE id = 7 AND kind = 'note'")).toBe('follow-up #1 done: sending samples');
    const ids = JSON.parse((await t.crm(['followups', '--overdue', '-f', 'json'])).stdout).map((row: { id: number }) => row.id);
    expect(ids).toEqual([5]);
    const again = await t.crm(['followups', 'done', '1']);
    expect(again).toMatchObject({ code: 2, stderr: 'crm: follow-up #1 was already done on 2026-11-23\n' });
    expect((await t.crm(['followups', 'done', '6'])).stderr).toBe('crm: no follow-up #6 (see `crm followups`)\n');
    expect((await t.crm(['followups', 'done', 'abc'])).stderr).toBe('crm: follow-up: "abc" is not an id (a whole number such as 12)\n');
  });
});
