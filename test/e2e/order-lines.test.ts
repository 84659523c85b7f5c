// A shop's line-item export on the built crm (docs/rules.md#order-lines): lines of one invoice are one order, a credit
// note nets revenue but is no purchase, report products sees each line, undo and the export round-trip.
// Hand-checked: customer 17850 has invoices 1001 (6 × 2.55 + 2 × 3.39 + 3 × 1.25 = 25.83, lines not adjacent) and
// 1003 (3.39), and credit note C1004 (−2 × 2.55 = −5.10): 2 purchases, revenue 25.83 + 3.39 − 5.10 = 24.12, last
// purchase 2026-03-01 (31 days before 2026-04-01; the credit note of 2026-03-10 is no purchase).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, scalar, type Engine } from '../helpers/engines.js';

const lines = [
  'order_id,customer_id,order_date,product,quantity,unit_price,country',
  '1001,17850,2026-01-05,WHITE MUG,6,2.55,United Kingdom',
  '1001,17850,2026-01-05,RED CUP,2,3.39,United Kingdom',
  '1002,13047,2026-02-01,WHITE MUG,10,2.55,United Kingdom',
  '1001,17850,2026-01-05,TEA TOWEL,3,1.25,United Kingdom',
  '1003,17850,2026-03-01,RED CUP,1,3.39,United Kingdom',
  'C1004,17850,2026-03-10,WHITE MUG,-2,2.55,United Kingdom',
  '',
].join('\n');

function crm(db: string, argv: string[]): { stdout: string; stderr: string } {
  const result = spawnCrm(['--db', db, ...argv]);
  if (result.code !== 0) throw new Error(`crm ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

async function setup(engine: Engine): Promise<{ dir: string; db: string; file: string }> {
  const dir = tempDir();
  const db = await newDatabase(engine);
  crm(db, ['init']);
  const file = path.join(dir, 'lines.csv');
  fs.writeFileSync(file, lines);
  return { dir, db, file };
}

describe.each(engines)('a line-item order file on %s', (engine) => {
  it('imports twice with the same result, and the analyses see 2 purchases and 24.12 for 17850', async () => {
    const { db, file } = await setup(engine);
    const first = JSON.parse(crm(db, ['import', 'orders', file, '--create-customers', '--format', 'json']).stdout) as Record<string, unknown>;
    expect(first).toMatchObject({ rows_read: 6, new: 4, changed: 0, unchanged: 0, rejected: 0, customers_created: 2 });
    expect(first.order_lines).toEqual({ lines: 6, orders: 4, returns: 1, grouped_without_order_id: 0, credit_notes: 1, credit_prefix: 'C' });
    const text = crm(db, ['import', 'orders', file, '--create-customers']).stdout;
    expect(text).toContain('6 rows read: 0 new, 0 changed, 4 unchanged, 0 rejected');
    expect(text).toContain('line items: 6 lines made 4 orders');
    expect(text).toContain('1 return (orders below zero)');

    expect(await scalar(db, "SELECT amount_cents FROM orders WHERE external_id = '1001'")).toBe(2583);
    expect(await scalar(db, "SELECT amount_cents FROM orders WHERE external_id = 'C1004'")).toBe(-510);
    expect(await scalar(db, 'SELECT count(*) FROM order_lines')).toBe(6);

    const rfm = JSON.parse(crm(db, ['rfm', '--as-of', '2026-04-01', '--format', 'json']).stdout) as { rows: Record<string, unknown>[]; notes: string[] };
    expect(rfm.rows.find((row) => row.customer_id === '17850')).toMatchObject({ recency_days: 31, frequency: 2, monetary: 24.12 });
    expect(rfm.rows.find((row) => row.customer_id === '13047')).toMatchObject({ recency_days: 59, frequency: 1, monetary: 25.5 });
    expect(rfm.notes).toContain('1 return (-5.10) netted: they reduce revenue and profit but are no purchase (not counted in frequency, recency or lifecycle)');
    for (const command of [['pyramid'], ['lifecycle'], ['segment']]) {
      expect(crm(db, [...command, '--as-of', '2026-04-01']).stdout).toContain('1 return (-5.10) netted');
    }

    const card = JSON.stringify(JSON.parse(crm(db, ['customer', 'show', '17850', '--format', 'json']).stdout));
    expect(card).toContain('"orders":2');
    expect(card).toContain('"revenue":24.12');
    expect(card).toContain('"last_order":"2026-03-01"');
    expect(card).toContain('WHITE MUG × 6; RED CUP × 2; TEA TOWEL × 3');
    expect(card).toContain('"type":"return"');

    const products = JSON.parse(crm(db, ['report', 'products', '--as-of', '2026-04-01', '--since', '2026-01-01', '--format', 'json']).stdout) as { rows: Record<string, unknown>[] };
    const byName = Object.fromEntries(products.rows.map((row) => [row.product, row]));
    // WHITE MUG: 6 + 10 − 2 units, 15.30 + 25.50 − 5.10; bought in 1001 and 1002 (the credit note is no order).
    expect(byName['WHITE MUG']).toMatchObject({ units: 14, orders: 2, revenue: 35.7 });
    expect(byName['RED CUP']).toMatchObject({ units: 3, orders: 2, revenue: 10.17 });
    expect(byName['TEA TOWEL']).toMatchObject({ units: 3, orders: 1, revenue: 3.75 });
  });

  it('undo takes the orders and their lines back', async () => {
    const { db, file } = await setup(engine);
    const run = JSON.parse(crm(db, ['import', 'orders', file, '--create-customers', '--format', 'json']).stdout) as { run_id: number };
    crm(db, ['import', 'undo', String(run.run_id), '--yes']);
    expect(await scalar(db, 'SELECT count(*) FROM orders')).toBe(0);
    expect(await scalar(db, 'SELECT count(*) FROM order_lines')).toBe(0);
    expect(crm(db, ['export', 'orders']).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('export → import into an empty database → export gives the same file, one row per line', async () => {
    const { dir, db, file } = await setup(engine);
    crm(db, ['import', 'orders', file, '--create-customers']);
    const out = path.join(dir, 'first');
    crm(db, ['export', 'all', '--output', out]);
    const orders = fs.readFileSync(path.join(out, 'orders.csv'), 'utf8');
    expect(orders.split('\r\n').slice(0, 4)).toEqual([
      '\uFEFForder_id,customer_id,order_date,amount,cost,product,quantity,unit_price,status',
      '1001,17850,2026-01-05,15.30,,WHITE MUG,6,2.55,',
      '1001,17850,2026-01-05,6.78,,RED CUP,2,3.39,',
      '1001,17850,2026-01-05,3.75,,TEA TOWEL,3,1.25,',
    ]);
    // Re-importing the export into the same database changes nothing.
    expect(crm(db, ['import', 'orders', path.join(out, 'orders.csv')]).stdout).toContain('0 new, 0 changed, 4 unchanged');
    const copy = await newDatabase(engine);
    crm(copy, ['init']);
    crm(copy, ['import', 'customers', path.join(out, 'customers.csv')]);
    crm(copy, ['import', 'orders', path.join(out, 'orders.csv')]);
    const again = path.join(dir, 'again');
    crm(copy, ['export', 'all', '--output', again]);
    expect(fs.readFileSync(path.join(again, 'orders.csv'), 'utf8')).toBe(orders);
  });

  it('a Price header without a quantity is not read as the amount', async () => {
    const { dir, db } = await setup(engine);
    const file = path.join(dir, 'price.csv');
    fs.writeFileSync(file, 'customer_id,date,price\nC1,2026-01-05,12.00\n');
    const result = spawnCrm(['--db', db, 'import', 'orders', file, '--create-customers']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('price.csv:2: quantity: required with a unit price (amount = quantity × unit price); the file has no quantity column');
  });
});
