// Returns and the shop's days on the built commands (docs/rules.md#which-orders-count, #dates): an import does not
// make a lead with only a credit note a customer; in Asia/Shanghai (UTC+8) a follow-up done at 07:00 on the day after
// it was due (23:00 UTC on the due day) is late, and a lead recorded on 1 November (stored as 16:00 UTC on 31 October)
// is November's lead in the funnel. Read in UTC, the same database gives the UTC days, as before.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';
import { dailyDb, dailyDbAt } from '../helpers/daily.js';
import { engines } from '../helpers/engines.js';

const shanghai = { env: { TZ: 'Asia/Shanghai' } };
const rowsOf = (stdout: string) => (JSON.parse(stdout) as { rows: Record<string, unknown>[] }).rows;

describe('an import of orders', () => {
  it('turns a lead with a purchase into a customer, but not a lead with only a credit note', async () => {
    const t = await dailyDbAt([]);
    fs.writeFileSync(path.join(t.dir, 'c.csv'), 'customer_id,name,kind\nL1,Ann,lead\nL2,Bo,lead\n');
    fs.writeFileSync(path.join(t.dir, 'o.csv'), 'order_id,customer_id,order_date,amount\nC1,L1,2026-05-10,-10\nO2,L2,2026-05-11,25\nC3,L2,2026-05-09,-5\n');
    expect((await t.crm(['import', 'customers', path.join(t.dir, 'c.csv')])).code).toBe(0);
    const imported = await t.crm(['import', 'orders', path.join(t.dir, 'o.csv')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(t.one<string>("SELECT kind || ' ' || coalesce(converted_at, '-') FROM customers WHERE external_id = 'L1'")).toBe('lead -');
    // L2's credit note of the 9th is no purchase: it converts on the day of its first purchase.
    expect(t.one<string>("SELECT kind || ' ' || coalesce(converted_at, '-') FROM customers WHERE external_id = 'L2'")).toBe('customer 2026-05-11');
  });
});

describe.each(engines)('a shop in Asia/Shanghai, salespeople on %s', (engine) => {
  it('a follow-up due on the 20th and done at 07:00 on the 21st (23:00 UTC on the 20th) is late', async () => {
    const t = await dailyDb(['customers'], engine);
    const log = (customer: string, summary: string) =>
      t.crm(['log', customer, '-k', 'call', '-s', summary, '--at', '2026-11-10 10:00', '--follow-up', '2026-11-20'], shanghai);
    expect((await log('C0001', 'done late')).code).toBe(0);
    expect((await log('C0002', 'done on time')).code).toBe(0);
    // #1 at 07:00 on the 21st there; #2 at 23:30 on the 20th there (15:30 UTC on the 20th).
    expect((await t.crm(['followups', 'done', '1'], { ...shanghai, now: new Date('2026-11-20T23:00:00Z') })).code).toBe(0);
    expect((await t.crm(['followups', 'done', '2'], { ...shanghai, now: new Date('2026-11-20T15:30:00Z') })).code).toBe(0);
    // On PostgreSQL the shop's day of an instant is computed in the server's session zone.
    const followUps = async (options: { env?: Record<string, string> }) => {
      const rows = rowsOf((await runCrm(['--db', t.db, 'report', 'salespeople', '--since', '2026-11-01', '--as-of', '2026-11-23', '-f', 'json'], options)).stdout);
      const sum = (key: string) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0);
      return { onTime: sum('followups_on_time'), late: sum('followups_late') };
    };
    expect(await followUps(shanghai)).toEqual({ onTime: 1, late: 1 });
    // On a UTC clock both were done on the 20th.
    expect(await followUps({})).toEqual({ onTime: 2, late: 0 });
  });
});

describe('a shop in Asia/Shanghai', () => {

  it('a lead recorded on 1 November is a November lead in the funnel', async () => {
    const t = await dailyDbAt([]);
    fs.writeFileSync(path.join(t.dir, 'c.csv'), 'customer_id,name,kind,source,created_at\nL1,Ann,lead,web,2026-11-01\n');
    expect((await t.crm(['import', 'customers', path.join(t.dir, 'c.csv')], shanghai)).code).toBe(0);
    expect(t.one<string>('SELECT created_at FROM customers')).toBe('2026-10-31T16:00:00Z');
    const leads = async (options: { env?: Record<string, string> }) =>
      rowsOf((await t.crm(['report', 'funnel', '--since', '2026-11-01', '--as-of', '2026-11-23', '-f', 'json'], options)).stdout)[0]?.leads ?? 0;
    expect(await leads(shanghai)).toBe(1);
    // On a UTC clock the instant is on 31 October.
    expect(await leads({})).toBe(0);
  });
});
