// crm export: the same column names the import accepts, so export → import reproduces the data; no formulas.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations.js';
import { runCrm, samples, tempDir } from '../helpers/cli.js';
import { businessData, count, sampleDb, withDb } from '../helpers/db.js';
import { engines, newDatabase, type Engine } from '../helpers/engines.js';
import { sampleFile } from '../helpers/sample-store.js';

const tricky = [
  'customer_id,name,company,email,phone,city,tags,notes,status,created_at',
  'T1,"=HYPERLINK(""http://evil.example"",""click"")",+Plus Co,t1@example.com,+86 138 0013 8000,上海,"vip,wholesale","line one\nline two, with ""quotes""",active,2024-03-01',
  "T2,'=already escaped,-minus,,,,@home,\"tab\tinside\",lead,2024-03-02T10:11:12Z",
  "T3,O'Brien; DROP TABLE customers;--,$(rm -rf /),,,`id`,,'quoted',active,",
  'T4,王芳,北京恒丰贸易有限公司,,,北京,,备注：老客户,active,2025年1月2日',
].join('\r\n');

const orders = [
  // No order ids: the derived keys must round-trip.
  'customer_id,order_date,amount,cost,product,quantity,status',
  'T1,2026-01-05,100.00,60.00,Tea,2,paid',
  'T1,2026-01-05,100.00,60.00,Tea,2,paid',
  'T2,2026-02-01,-35.50,,=refund,1.5,refunded',
  'T3,2026-03-01,"1,280.05",0.01,@mention,,paid',
  'T4,2026-03-02,0,,-,0.25,',
].join('\n');

const interactions = [
  'customer_id,kind,occurred_at,summary,outcome,follow_up_at',
  'T1,call,2026-01-06 09:30,"=1+1 asked for a quote",+ positive,2026-01-13',
  'T4,电话,2026-01-07,回访,,',
].join('\n');

async function crm(db: string, argv: string[]) {
  const result = await runCrm(['--db', db, ...argv]);
  if (result.code !== 0) throw new Error(`crm ${argv.join(' ')}: ${result.stderr}`);
  return result;
}

describe('crm export', () => {
  it('export → import into an empty database reproduces the same data, and the original files still match', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'source.db');
    const files = { customers: tricky, orders, interactions };
    await crm(source, ['init']);
    for (const [kind, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, `${kind}.csv`), text);
      await crm(source, ['import', kind, path.join(dir, `${kind}.csv`)]);
    }
    await crm(source, ['import', 'orders', path.join(samples, 'orders.csv'), '--create-customers']);
    const out = path.join(dir, 'export');
    const exported = await crm(source, ['export', 'all', '--output', out]);
    expect(exported.stderr).toContain('wrote 2 interactions');
    expect(fs.readdirSync(out).sort()).toEqual(['complaints.csv', 'customers.csv', 'interactions.csv', 'orders.csv', 'payments.csv', 'surveys.csv']);
    for (const name of fs.readdirSync(out)) expect(fs.statSync(path.join(out, name)).mode & 0o777).toBe(0o600);

    const copy = path.join(dir, 'copy.db');
    await crm(copy, ['init']);
    for (const kind of ['customers', 'orders', 'interactions']) {
      const result = await crm(copy, ['import', kind, path.join(out, `${kind}.csv`), '--format', 'json']);
      expect(JSON.parse(result.stdout)).toMatchObject({ rejected: 0, changed: 0, unknown_columns: [] });
    }
    expect(businessData(copy)).toEqual(businessData(source));
    // Values survived literally (formula text kept, not executed; negative amounts stayed numbers).
    const data = businessData(copy) as { customers: { external_id: string; name: string; company: string }[]; orders: { amount_cents: number; product: string }[] };
    expect(data.customers.find((row) => row.external_id === 'T1')!.name).toBe('=HYPERLINK("http://evil.example","click")');
    // A spreadsheet's text prefix ' is not part of the value (Excel shows '=x as =x), on import as on re-import.
    expect(data.customers.find((row) => row.external_id === 'T2')!.name).toBe('=already escaped');
    expect(data.orders.find((row) => row.product === '=refund')!.amount_cents).toBe(-3550);
    // The derived order keys round-tripped: the original files are "unchanged" in the copy.
    for (const kind of ['orders', 'interactions']) {
      const again = await crm(copy, ['import', kind, path.join(dir, `${kind}.csv`), '--format', 'json']);
      expect(JSON.parse(again.stdout)).toMatchObject({ new: 0, changed: 0 });
    }
    expect(count(copy, 'orders')).toBe(count(source, 'orders'));
  });

  it('export → import into the SAME database adds nothing, also for rows made with log, complaint, pay and survey', async () => {
    const { dir, db } = await sampleDb(true);
    for (const argv of [
      ['log', 'C0001', '--kind', 'call', '--summary', 'asked about the new tea', '--at', '2026-11-20 10:00'],
      ['complaint', 'open', 'C0001', '--summary', 'box arrived broken'],
      ['pay', 'C0001', '12.50', '--date', '2026-11-21', '--method', 'cash'],
      ['survey', 'C0001', '--expected', '8', '--perceived', '7', '--recommend', '9', '--date', '2026-11-22'],
    ]) await crm(db, argv);
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    await crm(db, ['export', 'all', '--output', first]);
    const before = businessData(db);
    const rows = { interactions: count(db, 'interactions'), payments: count(db, 'payments'), surveys: count(db, 'surveys') };
    expect(rows.interactions).toBeGreaterThanOrEqual(2);
    expect(rows.payments).toBe(1);
    expect(rows.surveys).toBe(1);
    for (const kind of ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints']) {
      const result = await crm(db, ['import', kind, path.join(first, `${kind}.csv`), '--format', 'json']);
      expect(JSON.parse(result.stdout), kind).toMatchObject({ new: 0, changed: 0, rejected: 0 });
    }
    expect({ interactions: count(db, 'interactions'), payments: count(db, 'payments'), surveys: count(db, 'surveys') }).toEqual(rows);
    expect(businessData(db)).toEqual(before);
    // And a second export is the same, byte for byte.
    await crm(db, ['export', 'all', '--output', second]);
    for (const name of fs.readdirSync(first)) expect(fs.readFileSync(path.join(second, name)).equals(fs.readFileSync(path.join(first, name))), name).toBe(true);
  });

  it('gives rows made before schema version 8 an id on upgrade, never one a file already used', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'old.db');
    fs.closeSync(fs.openSync(db, 'wx', 0o600));
    withDb(db, (handle) => {
      for (const migration of migrations.filter((step) => step.version < 8)) handle.exec(migration.sql);
      handle.pragma('user_version = 6');
      handle.exec(`INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('K1', 'Kim', 'x', 'x');
        INSERT INTO interactions (external_id, customer_id, kind, occurred_at, created_at, updated_at) VALUES (NULL, 1, 'call', '2026-01-01', 'x', 'x'), ('crm-1', 1, 'note', '2026-01-02', 'x', 'x'), (NULL, 1, 'visit', '2026-01-03', 'x', 'x');
        INSERT INTO payments (customer_id, paid_on, amount_cents, created_at, updated_at) VALUES (1, '2026-01-04', 100, 'x', 'x');
        INSERT INTO surveys (customer_id, surveyed_on, expected, perceived, created_at, updated_at) VALUES (1, '2026-01-05', 8, 8, 'x', 'x');`);
    }, false);
    await crm(db, ['customer', 'list']);
    const ids = withDb(db, (handle) => ({
      interactions: handle.prepare('SELECT external_id FROM interactions ORDER BY id').pluck().all(),
      payments: handle.prepare('SELECT external_id FROM payments').pluck().all(),
      surveys: handle.prepare('SELECT external_id FROM surveys').pluck().all(),
    })) as Record<string, string[]>;
    expect(ids.interactions[0]).toMatch(/^crm-1-[0-9a-f]{12}$/);
    expect(ids.interactions.slice(1)).toEqual(['crm-1', 'crm-3']);
    expect(ids).toMatchObject({ payments: ['crm-1'], surveys: ['crm-1'] });
  });

  it('never writes a cell a spreadsheet would execute', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'crm.db');
    await crm(db, ['init']);
    fs.writeFileSync(path.join(dir, 'c.csv'), tricky);
    fs.writeFileSync(path.join(dir, 'o.csv'), orders);
    await crm(db, ['import', 'customers', path.join(dir, 'c.csv')]);
    await crm(db, ['import', 'orders', path.join(dir, 'o.csv')]);
    for (const kind of ['customers', 'orders']) {
      const { stdout } = await crm(db, ['export', kind]);
      const records = parse(stdout.replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][];
      const header = records[0]!;
      for (const record of records.slice(1)) {
        record.forEach((cell, index) => {
          const numeric = ['amount', 'cost', 'quantity'].includes(header[index]!) && /^-?\d+(\.\d+)?$/.test(cell);
          if (!numeric) expect(cell, `${kind}.${header[index]}`).not.toMatch(/^[=+\-@\t\r]/);
        });
      }
    }
  });

  it('writes one kind to stdout as CSV or JSON; all needs --output', async () => {
    const { db } = await sampleDb(true);
    const csv = await crm(db, ['export', 'customers']);
    expect(csv.stdout.startsWith('\uFEFFcustomer_id,name,company,email,phone,city,region,channel,owner,tags,notes,status,created_at,kind,referred_by,converted_at,dropped_at,drop_reason\r\n')).toBe(true);
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(214);
    const json = JSON.parse((await crm(db, ['export', 'orders', '--format', 'json'])).stdout);
    expect(json).toHaveLength(count(db, 'orders'));
    expect(json[0]).toEqual({ order_id: 'O00001', customer_id: 'C0072', order_date: '2024-11-07', amount: 68.4, cost: 44.92, product: 'Jasmine tea 100g', quantity: 2, status: 'paid' });
    const all = await runCrm(['--db', db, 'export', 'all']);
    expect(all.code).toBe(2);
    expect(all.stderr).toContain('--output DIR');
    expect((await runCrm(['--db', db, 'export', 'things'])).code).toBe(2);
  });
});

describe.each(engines)('crm export on %s', (engine: Engine) => {
  it('writes every kind, to stdout and to files (0600), byte for byte as from the SQLite file with the same data', async () => {
    const dir = tempDir();
    const file = await sampleFile(dir);
    const db = engine === 'sqlite' ? file : await newDatabase('postgres');
    if (engine === 'postgres') await crm(file, ['db', 'copy', '--to', db]);
    for (const kind of ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints']) {
      for (const format of ['csv', 'json']) {
        const mine = await crm(db, ['export', kind, '--format', format]);
        expect(mine.stdout).toBe((await crm(file, ['export', kind, '--format', format])).stdout);
      }
    }
    // The line-item orders (the sample has some) come out one row per line.
    expect((await crm(db, ['export', 'orders'])).stdout).toContain('\r\nL1,C0001,2026-11-01,7.00,,Tea,2,3.50,');
    const out = path.join(dir, 'out');
    const all = await crm(db, ['export', 'all', '--output', out]);
    expect(all.stderr).toContain('1 campaign not exported (interactions.csv names it)');
    expect(all.stderr).toContain('  crm campaign create autumn-letter --tier lead --as-of 2026-08-01 --holdout 20% --seed 2026 --window 60d\n');
    for (const name of fs.readdirSync(out)) expect(fs.statSync(path.join(out, name)).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(out, 'customers.csv'), 'utf8')).toBe((await crm(file, ['export', 'customers'])).stdout);
  });
});
