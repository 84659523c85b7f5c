// Importing interactions, payments and surveys: the samples, idempotent re-import, bad rows (same engine as customers/orders).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrm, tempDir, type RunOptions } from '../helpers/cli.js';
import { engines, newDatabase, scalar, tableCounts, type Engine } from '../helpers/engines.js';

/** A database on ENGINE with the given samples imported (as helpers/daily.ts makes a SQLite one). */
async function dailyDb(engine: Engine, kinds: ('customers' | 'orders')[]) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const crm = (argv: string[], options: RunOptions = {}) => runCrm(['--db', db, ...argv], options);
  expect((await crm(['init'])).code).toBe(0);
  for (const kind of kinds) {
    const result = await crm(['import', kind, path.join(samples, `${kind}.csv`)]);
    expect(result.code, result.stderr).toBe(0);
  }
  return {
    dir,
    db,
    crm,
    one: async (sql: string) => scalar<number>(db, sql),
    counts: async () => {
      const all = await tableCounts(db);
      return Object.fromEntries(['customers', 'orders', 'interactions', 'complaints', 'payments', 'surveys'].map((table) => [table, all[table]]));
    },
  };
}

const sampleRows = (kind: string) => fs.readFileSync(path.join(samples, `${kind}.csv`), 'utf8').trim().split('\n').length - 1;

describe.each(engines)('crm import interactions|payments|surveys on %s', (engine) => {
  it('imports the samples, consistent with the sample customers and orders, and a re-import changes nothing', async () => {
    const t = await dailyDb(engine, ['customers', 'orders']);
    for (const kind of ['interactions', 'payments', 'surveys']) {
      const first = spawnCrm(['import', kind, path.join(samples, `${kind}.csv`), '--format', 'json'], { env: { CRM_DB: t.db } });
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ kind, rows_read: sampleRows(kind), new: sampleRows(kind), rejected: 0, unknown_columns: [] });
      const before = await t.counts();
      const again = await t.crm(['import', kind, path.join(samples, `${kind}.csv`), '--format', 'json']);
      expect(JSON.parse(again.stdout)).toMatchObject({ new: 0, changed: 0, unchanged: sampleRows(kind), rejected: 0 });
      expect(await t.counts()).toEqual(before);
    }
    // Chinese kind labels map to kinds; Chinese survey headers map to fields; payments point at their orders.
    expect(await t.one("SELECT count(*) FROM interactions WHERE kind NOT IN ('call','visit','email','message','meeting','note')")).toBe(0);
    expect(await t.one('SELECT count(*) FROM payments WHERE order_id IS NULL')).toBe(0);
    expect(await t.one('SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.customer_id <> p.customer_id')).toBe(0);
    expect(await t.one('SELECT count(*) FROM surveys WHERE expected BETWEEN 1 AND 10 AND perceived BETWEEN 1 AND 10')).toBe(sampleRows('surveys'));
    // Nobody has paid more for an order than it cost them.
    expect(await t.one('SELECT count(*) FROM (SELECT o.id FROM orders o JOIN payments p ON p.order_id = o.id GROUP BY o.id, o.amount_cents HAVING sum(p.amount_cents) > o.amount_cents) AS overpaid')).toBe(0);
  });

  it('a changed row is updated, not duplicated', async () => {
    const t = await dailyDb(engine, ['customers', 'orders']);
    const file = path.join(t.dir, 'payments.csv');
    fs.writeFileSync(file, 'payment_id,customer_id,paid_on,amount,method\nX1,C0001,2026-11-20,100.00,cash\n');
    await t.crm(['import', 'payments', file]);
    fs.writeFileSync(file, 'payment_id,customer_id,paid_on,amount,method\nX1,C0001,2026-11-20,120.00,cash\n');
    const result = await t.crm(['import', 'payments', file, '--format', 'json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ new: 0, changed: 1 });
    expect(await t.one('SELECT amount_cents FROM payments')).toBe(12000);
    expect(await t.one('SELECT count(*) FROM payments')).toBe(1);
  });

  it.each([
    ['interactions', 'customer_id,kind,occurred_at,summary\nC0001,call,2026-11-20 10:00,ok\nC0001,fax,2026-11-20,bad kind\n', 'interactions.csv:3: kind "fax": not one of call, visit, email, message, meeting, note, complaint'],
    ['interactions', 'customer_id,kind,occurred_at,summary\nC0001,call,2026-11-20 10:00,ok\nC0001,call,2026-11-31,bad date\n', 'interactions.csv:3: occurred_at "2026-11-31": not a valid date or date-time'],
    ['payments', 'customer_id,order_id,paid_on,amount\nC0001,,2026-11-20,10\nC0001,O99999,2026-11-20,10\n', 'payments.csv:3: order_id "O99999": unknown order'],
    ['payments', 'customer_id,paid_on,amount\nC0001,2026-11-20,10\nC0001,2026-11-20,ten\n', 'payments.csv:3: amount "ten": not an amount'],
    ['surveys', '客户编号,调查日期,期望,感知\nC0001,2026-11-20,8,9\nC0001,2026-11-20,8,11\n', 'surveys.csv:3: perceived "11": must be between 1 and 10'],
    ['surveys', 'customer_id,surveyed_on,expected,perceived\nC0001,2026-11-20,8,9\nC9999,2026-11-20,8,9\n', 'surveys.csv:3: customer_id "C9999": unknown customer (import customers first)'],
  ])('%s: a bad row aborts the file (exit 3) and writes nothing', async (kind, text, problem) => {
    const t = await dailyDb(engine, ['customers', 'orders']);
    const file = path.join(t.dir, `${kind}.csv`);
    fs.writeFileSync(file, text);
    const before = await t.counts();
    const result = await t.crm(['import', kind, file]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(problem);
    expect(await t.counts()).toEqual(before);
  });
});
