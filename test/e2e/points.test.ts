// End-to-end, both engines: points earned by orders (once per order, at the level bonus of the order's day), reversed by
// refunds, added, redeemed oldest first, expiring. Every number is worked out by hand in the comments.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, scalar, tableCounts, type Engine } from '../helpers/engines.js';

// P1's orders. Ladder 普通=0 银卡=2000 金卡=5000; rule 1 point per 1.00 from 2025-01-01, 金卡 ×1.5, end of next year.
//   A1 2025-03-01 2,500.00  level before: nothing bought → 普通 ×1      → 2,500 (last day 2026-12-31)
//   A2 2025-06-01 3,000.40  before: 2,500 in the 12 months → 银卡 ×1    → 3,000 (2026-12-31)
//   A3 2025-09-01 1,000.00  before: 5,500.40 → 金卡 ×1.5                → 1,500 (2026-12-31)
//   A4 2026-10-01   200.99  before (2025-10-01 … 2026-09-30): 0 → 普通 ×1 → 200 (2027-12-31)
//   earned 7,200
const orders = (a4Status: string) => `order_id,customer_id,order_date,amount,status
A1,P1,2025-03-01,2500.00,paid
A2,P1,2025-06-01,3000.40,paid
A3,P1,2025-09-01,1000.00,paid
A4,P1,2026-10-01,200.99,${a4Status}
B1,P2,2024-12-31,900.00,paid
`;

async function shop(engine: Engine) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const env = { CRM_DB: db };
  fs.writeFileSync(path.join(dir, 'customers.csv'), 'customer_id,name\nP1,Pat One\nP2,Pat Two\n');
  fs.writeFileSync(path.join(dir, 'orders.csv'), orders('paid'));
  const steps = [
    ['init'], ['import', 'customers', path.join(dir, 'customers.csv')],
    ['member', 'levels', 'set', '普通=0 银卡=2000 金卡=5000'],
    ['points', 'rules', 'set', '--earn', '1', '--per', '1', '--level-bonus', '金卡=1.5', '--from', '2025-01-01'],
    ['import', 'orders', path.join(dir, 'orders.csv')],
  ];
  for (const argv of steps) {
    const result = await runCrm(argv, { env });
    expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
  }
  return { dir, db, env };
}

const at = (day: string) => new Date(`${day}T09:00:00Z`);

async function show(env: Record<string, string>, day = '2026-11-23') {
  const result = await runCrm(['points', 'show', 'P1', '--format', 'json'], { env, now: at(day) });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { balance: number; rows: { date: string; points: number; kind: string; order: string | null; level: string | null; expires_on: string | null }[]; notes: string[] };
}

describe.each(engines)('points on %s', (engine) => {
  it('orders earn once, at the level bonus of their day; a refund takes its points back; re-imports earn nothing twice', async () => {
    const { dir, db, env } = await shop(engine);
    const ledger = await show(env);
    expect(ledger.rows.map((row) => [row.order, row.points, row.level, row.expires_on])).toEqual([
      ['A1', 2500, '普通 ×1', '2026-12-31'],
      ['A2', 3000, '银卡 ×1', '2026-12-31'],
      ['A3', 1500, '金卡 ×1.5', '2026-12-31'],
      ['A4', 200, '普通 ×1', '2027-12-31'],
    ]);
    // B1 is before the rule's first day: no points.
    expect(await scalar(db, "SELECT count(*) FROM points_ledger p JOIN customers c ON c.id = p.customer_id WHERE c.external_id = 'P2'")).toBe(0);
    expect(ledger.balance).toBe(7200);

    const again = await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env });
    expect(again.code).toBe(0);
    await runCrm(['points', 'sync'], { env });
    expect(await scalar(db, 'SELECT count(*) FROM points_ledger')).toBe(4);

    // A4 refunded: −200 dated the day crm saw it; importing the same file again changes nothing more.
    fs.writeFileSync(path.join(dir, 'orders.csv'), orders('refunded'));
    const refunded = await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env, now: at('2026-11-24') });
    expect(refunded.stderr).toContain('points: 0 order(s) earned, 1 adjusted');
    await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env, now: at('2026-11-25') });
    const after = await show(env, '2026-11-25');
    expect(after.rows.at(-1)).toMatchObject({ date: '2026-11-24', points: -200, kind: 'reverse', order: 'A4' });
    expect(after.balance).toBe(7000);
    // Paid again after all: the 200 come back once.
    fs.writeFileSync(path.join(dir, 'orders.csv'), orders('paid'));
    await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env, now: at('2026-11-26') });
    await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env, now: at('2026-11-26') });
    expect((await show(env, '2026-11-26')).balance).toBe(7200);
    expect(await scalar(db, 'SELECT count(*) FROM points_ledger')).toBe(6);
  });

  it('redeeming uses the oldest points first; more than the balance is refused with nothing written; the rest expires', async () => {
    const { db, env } = await shop(engine);
    const tooMuch = await runCrm(['points', 'redeem', 'P1', '7201', '--for', 'a teapot'], { env });
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr.trim()).toBe('crm: cannot redeem 7201 points: the balance is 7200 on 2026-11-23; nothing was written');
    expect(await scalar(db, "SELECT count(*) FROM points_ledger WHERE kind = 'redeem'")).toBe(0);

    // 5,000 redeemed: all of A1's 2,500 and 2,500 of A2's 3,000. Left: 500 (A2) + 1,500 (A3), last day 2026-12-31, and 200 (A4).
    const redeemed = await runCrm(['points', 'redeem', 'P1', '5000', '--for', 'tea set', '--format', 'json'], { env });
    expect(JSON.parse(redeemed.stdout)).toMatchObject({ customer_id: 'P1', points: -5000, kind: 'redeem', balance: 2200 });
    // On 2026-12-06 the 2,000 with last day 2026-12-31 expire within 30 days.
    const soon = await show(env, '2026-12-06');
    expect(soon.notes).toContain('2000 points expire before 2027-01-05 unless used');
    // On 2027-01-02 they have expired (on 2027-01-01): 200 are left.
    const later = await show(env, '2027-01-02');
    expect(later.balance).toBe(200);
    expect(later.rows.find((row) => row.kind === 'expired')).toMatchObject({ date: '2027-01-01', points: -2000 });

    const added = await runCrm(['points', 'add', 'P1', '100', '--reason', 'birthday', '--format', 'json'], { env, now: at('2027-01-02') });
    expect(JSON.parse(added.stdout)).toMatchObject({ points: 100, kind: 'add', balance: 300 });
    expect(await scalar(db, "SELECT expires_on FROM points_ledger WHERE kind = 'add'")).toBe('2028-12-31');
  });

  it('bad values: one line, exit 2, nothing written; a rule never rewrites the past', async () => {
    const { db, env } = await shop(engine);
    const before = await tableCounts(db);
    const bad = [
      ['points', 'add', 'P1', '0', '--reason', 'x'], ['points', 'add', 'P1', '1.5', '--reason', 'x'], ['points', 'add', 'P1', '10'],
      ['points', 'redeem', 'P1', '-5', '--for', 'x'], ['points', 'redeem', 'P1', '5'], ['points', 'add', 'nobody', '5', '--reason', 'x'],
      ['points', 'rules', 'set', '--earn', '0', '--per', '1'], ['points', 'rules', 'set', '--earn', '1', '--per', '0'],
      ['points', 'rules', 'set', '--earn', '1', '--per', '1', '--expire', '2y'], ['points', 'rules', 'set', '--earn', '1', '--per', '1', '--level-bonus', '铂金=2'],
      ['points', 'rules', 'set', '--earn', '1'], ['points', 'add', 'P1', '5', '--reason', 'x', '--date', '2027-01-01'],
    ];
    for (const argv of bad) {
      const result = await runCrm(argv, { env });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    const past = await runCrm(['points', 'rules', 'set', '--earn', '2', '--per', '1', '--from', '2026-01-01'], { env });
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('orders up to 2026-10-01 have already earned points');
    expect(await tableCounts(db)).toEqual(before);
    // A rule from the day after the last earned order is fine, and leaves every earned row as it was.
    expect((await runCrm(['points', 'rules', 'set', '--earn', '2', '--per', '1', '--from', '2026-10-02'], { env })).code).toBe(0);
    expect((await show(env)).balance).toBe(7200);
  });

  it('crm import points: an old ledger, idempotent by its id, all or nothing with each bad row named', async () => {
    const { dir, db, env } = await shop(engine);
    const file = path.join(dir, 'points.csv');
    // 300 earned in 2024 (last day by default: 2025-12-31), 100 redeemed; 40 given with their own last day.
    fs.writeFileSync(file, '\uFEFF积分流水号,会员编号,日期,积分,类型,说明,到期日\nOLD-1,P2,2024-05-01,300,获得,old shop,\nOLD-2,P2,2024-08-01,-100,兑换,cup,\nOLD-3,P2,2024-09-01,40,赠送,gift,2027-06-30\n');
    const first = await runCrm(['import', 'points', file, '--format', 'json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ written: true, rows_read: 3, new: 3, unchanged: 0, rejected: 0 });
    const again = await runCrm(['import', 'points', file, '--format', 'json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ new: 0, unchanged: 3 });
    expect(await scalar(db, 'SELECT count(*) FROM points_ledger WHERE external_id IS NOT NULL')).toBe(3);
    expect(await scalar(db, "SELECT expires_on FROM points_ledger WHERE external_id = 'OLD-1'")).toBe('2025-12-31');
    // As of 2026-11-23: the 200 left of 2024's 300 expired on 2026-01-01; the 40 remain.
    const p2 = JSON.parse((await runCrm(['points', 'show', 'P2', '--format', 'json'], { env })).stdout);
    expect(p2).toMatchObject({ balance: 40, expired: 200 });

    const before = await tableCounts(db);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'points_id,customer_id,date,points,kind\nN1,P2,2024-05-01,5,earn\nN2,NOBODY,2024-05-01,5,earn\nN3,P2,2024-02-30,5,earn\nN1,P2,2024-05-01,5,earn\nN4,P2,2024-05-01,5,redeem\nOLD-2,P2,2024-08-01,-99,redeem\n');
    const rejected = await runCrm(['import', 'points', bad], { env });
    expect(rejected.code).toBe(3);
    expect(rejected.stderr.split('\n').filter(Boolean)).toEqual([
      'crm: bad.csv: 5 bad rows; nothing was written',
      '  bad.csv:3: customer_id "NOBODY": no such customer (import customers first)',
      '  bad.csv:4: date "2024-02-30": not a date (YYYY-MM-DD)',
      '  bad.csv:5: points_id "N1": named twice in this file',
      '  bad.csv:6: points "5": redeem rows take points: below 0 (write -5)',
      '  bad.csv:7: points_id "OLD-2": imported before with other values; an old ledger row is not changed',
    ]);
    expect(await tableCounts(db)).toEqual(before);
    const header = path.join(dir, 'header.csv');
    fs.writeFileSync(header, 'id,customer\n1,P2\n');
    expect((await runCrm(['import', 'points', header], { env })).code).toBe(3);
    expect((await runCrm(['import', 'points', path.join(dir, 'missing.csv')], { env })).code).toBe(2);
  });

  it('crm report points adds up by level; points expiring within 30 days are in the report and the agenda', async () => {
    const { dir, env } = await shop(engine);
    await runCrm(['points', 'redeem', 'P1', '5000', '--for', 'tea set'], { env });
    fs.writeFileSync(path.join(dir, 'orders.csv'), orders('refunded'));
    await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env, now: at('2026-11-24') });
    // 2026 so far (to 2026-12-05). P1's level then: nothing billed in the 12 months (A4 refunded) → 普通.
    //   issued in 2026: A4's 200; taken back: the same 200 (2026-11-24); redeemed 5,000 (2026-11-23); nothing expired yet.
    //   outstanding: 7,200 − 5,000 − 200 = 2,000, worth 20.00 at 0.01 a point.
    const now = at('2026-12-05');
    const report = await runCrm(['report', 'points', '--period', '2026', '--format', 'json'], { env, now });
    expect(report.code, report.stderr).toBe(0);
    const parsed = JSON.parse(report.stdout);
    expect(parsed.rows).toEqual([{ level: '普通', customers: 1, issued: 200, taken_back: 200, redeemed: 5000, expired: 0, outstanding: 2000, value: 20 }]);
    // 500 left of A2 and 1,500 of A3 have 2026-12-31 as their last day: within 30 days of 2026-12-05.
    const expiring = [{ customer_id: 'P1', name: 'Pat One', owner: null, points: 2000, last_day: '2026-12-31', balance: 2000, what_to_do: 'remind them to use 2000 points by 2026-12-31' }];
    expect(parsed.sections.points_expiring.rows).toEqual(expiring);
    const worth = JSON.parse((await runCrm(['report', 'points', '--worth', '0.05', '--format', 'json'], { env, now })).stdout);
    expect(worth.rows[0]).toMatchObject({ issued: 7200, outstanding: 2000, value: 100 });
    expect((await runCrm(['report', 'points', '--worth', 'abc'], { env, now })).code).toBe(2);
    const agenda = await runCrm(['agenda', '--format', 'json'], { env, now });
    expect(JSON.parse(agenda.stdout).sections.points_expiring.rows).toEqual(expiring);
    // In 2027 the 2,000 have expired: the report of 2027 so far says so.
    const later = JSON.parse((await runCrm(['report', 'points', '--period', '2027', '--format', 'json'], { env, now: at('2027-01-02') })).stdout);
    expect(later.rows[0]).toMatchObject({ issued: 0, expired: 2000, outstanding: 0 });
  });

  it('merge moves the points, forget clears the reasons, undo of an orders import takes its points away', async () => {
    const { dir, db, env } = await shop(engine);
    await runCrm(['points', 'add', 'P2', '40', '--reason', 'called to say sorry'], { env });
    await runCrm(['points', 'redeem', 'P1', '100', '--for', 'a gift for Pat'], { env });
    expect((await runCrm(['customer', 'merge', 'P1', 'P2', '--yes'], { env })).code).toBe(0);
    expect((await show(env)).balance).toBe(7200 - 100 + 40);
    expect((await runCrm(['customer', 'forget', 'P1', '--yes'], { env })).code).toBe(0);
    expect(await scalar(db, 'SELECT count(*) FROM points_ledger WHERE reason IS NOT NULL')).toBe(0);
    expect((await show(env)).balance).toBe(7140);

    // A new orders file, imported and undone: its earning goes with it.
    fs.writeFileSync(path.join(dir, 'more.csv'), 'order_id,customer_id,order_date,amount\nA9,P1,2026-11-01,50.00\n');
    const imported = await runCrm(['import', 'orders', path.join(dir, 'more.csv'), '--format', 'json'], { env });
    expect((await show(env)).balance).toBe(7190);
    expect((await runCrm(['import', 'undo', String(JSON.parse(imported.stdout).run_id), '--yes'], { env })).code).toBe(0);
    expect((await show(env)).balance).toBe(7140);
  });

  it('a redemption dated in the past must leave today\'s balance covered', async () => {
    const { env } = await shop(engine);
    expect((await runCrm(['points', 'redeem', 'P1', '7000', '--for', 'teapot'], { env })).code).toBe(0);
    // On 2026-10-01 the balance was 7,200, but 7,000 have been used since: 200 are left to cover it.
    const backdated = await runCrm(['points', 'redeem', 'P1', '300', '--for', 'cups', '--date', '2026-10-01'], { env });
    expect(backdated.code).toBe(1);
    expect(backdated.stderr).toContain('the balance is 200 after what was used since');
  });
});
