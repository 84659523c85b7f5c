// Issue 17: shop files imported as they come, on the built crm: headers, dates, rows that do not fit the header,
// total lines, decimal commas, float ids, and merged customers that stay merged.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, query, type Engine } from '../helpers/engines.js';

async function fresh(engine: Engine): Promise<{ dir: string; db: string; env: Record<string, string>; write: (name: string, text: string) => string }> {
  const dir = tempDir();
  const db = await newDatabase(engine);
  expect(spawnCrm(['--db', db, 'init']).code).toBe(0);
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  return { dir, db, env: { CRM_DB: db }, write };
}

const ordersOf = (db: string) =>
  query<{ order: string; customer: string; day: string; cents: number }>(
    db,
    'SELECT o.external_id AS "order", c.external_id AS customer, o.order_date AS day, o.amount_cents AS cents FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id',
  );

describe.each(engines)('a shop export with one line per order, as it comes on %s', (engine) => {
  it('matches InvoiceNo, InvoiceDate and CustomerID, reads 12/1/2010 8:26, reads 17850.0 as 17850 and skips the total line', async () => {
    const { db, env, write } = await fresh(engine);
    const file = write(
      'invoices.csv',
      'InvoiceNo,InvoiceDate,CustomerID,Amount\n536365,12/1/2010 8:26,17850.0,139.12\n536366,12/1/2010 8:28,17850.0,22.20\n536367,12/1/2010 8:34,13047.0,278.73\nTotal,,,440.05\n',
    );
    const result = spawnCrm(['import', 'orders', file, '--create-customers'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 rows read: 3 new, 0 changed, 0 unchanged, 0 rejected');
    expect(result.stdout).toContain('warning: 1 total line of a spreadsheet skipped (line 5 "Total"): not imported');
    expect(result.stdout).toContain('3 ids written like 17850.0 read as 17850');
    expect(await ordersOf(db)).toEqual([
      { order: '536365', customer: '17850', day: '2010-12-01', cents: 13912 },
      { order: '536366', customer: '17850', day: '2010-12-01', cents: 2220 },
      { order: '536367', customer: '13047', day: '2010-12-01', cents: 27873 },
    ]);
    // The same file again changes nothing.
    expect(spawnCrm(['import', 'orders', file, '--create-customers'], { env }).stdout).toContain('3 rows read: 0 new, 0 changed, 3 unchanged, 0 rejected');
  });

  it('headers in any case and spacing: customerid, Order-Date, ORDER AMOUNT; --format json counts what was read leniently', async () => {
    const { env, write } = await fresh(engine);
    const file = write('o.csv', 'customerid,Order-Date,ORDER AMOUNT\n12923.0,22-Nov-2026,10\n12923,"Nov 23, 2026",20\n合计,,30\n');
    const result = spawnCrm(['import', 'orders', file, '--create-customers', '--format', 'json'], { env });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ rows_read: 2, new: 2, float_ids: 1, float_id_example: '12923.0', total_rows_skipped: [{ line: 4, text: '合计' }] });
    expect(result.stderr).toContain('warning: 1 total line of a spreadsheet skipped (line 4 "合计"): not imported');
  });

  it.each([
    ['12/1/10 8:26', [], '2010-12-01'],
    ['22/11/2026 08:26', ['--day-first'], '2026-11-22'],
    ['2026年11月22日 14:30', [], '2026-11-22'],
    ['2026-11-22 14:30:05', [], '2026-11-22'],
    ['22 November 2026', [], '2026-11-22'],
    ['November 22, 2026', [], '2026-11-22'],
  ])('order date %j %j is the day %s', async (date, flags, day) => {
    const { db, env, write } = await fresh(engine);
    const file = write('o.csv', `customer_id,order_date,amount\nC1,"${date}",10\n`);
    const result = spawnCrm(['import', 'orders', file, '--create-customers', ...flags], { env });
    expect(result.code).toBe(0);
    expect((await ordersOf(db)).map((order) => order.day)).toEqual([day]);
  });

  it('a date that reads only day first names --day-first, and nothing is written', async () => {
    const { db, env, write } = await fresh(engine);
    const file = write('o.csv', 'customer_id,order_date,amount\nC1,12/11/2026,10\nC1,13/11/2026,10\n');
    const result = spawnCrm(['import', 'orders', file, '--create-customers'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('o.csv:3: order_date "13/11/2026": not a date month first; with --day-first it reads 2026-11-13');
    expect(await ordersOf(db)).toEqual([]);
    expect(spawnCrm(['import', 'orders', file, '--create-customers', '--day-first'], { env }).code).toBe(0);
    expect((await ordersOf(db)).map((order) => order.day)).toEqual(['2026-11-12', '2026-11-13']);
  });
});

describe.each(engines)('rows that do not fit the header on %s', (engine) => {
  it('an amount 1,280.00 without quotes is refused with its line, not read as amount 1.00 and cost 280.00', async () => {
    const { db, env, write } = await fresh(engine);
    const file = write('o.csv', 'customer_id,order_date,amount,cost\nC1000,2026-11-01,99.00,\nC1001,2026-11-02,1,280.00,\nC1002,2026-11-03,5.00,1.00\n');
    const result = spawnCrm(['import', 'orders', file, '--create-customers'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'o.csv:3: (row): has 5 fields but the header has 4 and the rows before have 4; "1,280.00" looks like one amount cut in two by its comma: put it in quotes ("1,280.00") or write it without the comma',
    );
    expect(await ordersOf(db)).toEqual([]);
    const skipped = spawnCrm(['import', 'orders', file, '--create-customers', '--on-error', 'skip'], { env });
    expect(skipped.code).toBe(0);
    expect((await ordersOf(db)).map((order) => order.cents)).toEqual([9900, 500]);
  });

  it('a separator at the end of every line, and rows that leave out empty cells at the end, are read', async () => {
    const { db, env, write } = await fresh(engine);
    const file = write('o.csv', 'customer_id,order_date,amount,cost\nC1,2026-11-01,10,4,\nC1,2026-11-02,20,,\nC1,2026-11-03,30\n');
    const result = spawnCrm(['import', 'orders', file, '--create-customers'], { env });
    expect(result.code).toBe(0);
    expect((await ordersOf(db)).map((order) => order.cents)).toEqual([1000, 2000, 3000]);
  });
});

describe.each(engines)('decimal commas and full-width digits on %s', (engine) => {
  it('--decimal-comma reads 1.234,50 and 99,95; without it 1.234 and 99,95 are refused, 1,234.50 read', async () => {
    const { db, env, write } = await fresh(engine);
    const european = write('eu.csv', 'customer_id;order_date;amount\nC1;2026-11-01;1.234,50\nC1;2026-11-02;99,95\nC1;2026-11-03;１２,００\n');
    const result = spawnCrm(['import', 'orders', european, '--create-customers', '--decimal-comma'], { env });
    expect(result.code).toBe(0);
    expect((await ordersOf(db)).map((order) => order.cents)).toEqual([123450, 9995, 1200]);
    const plain = write('o.csv', 'customer_id,order_date,amount\nC2,2026-11-01,1.234\nC2,2026-11-02,"99,95"\nC2,2026-11-03,"1,234.50"\nC2,2026-11-04,￥１２\n');
    const refused = spawnCrm(['import', 'orders', plain, '--create-customers'], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('o.csv:2: amount "1.234": three digits after the dot, a thousands separator or three decimals? With --decimal-comma it reads 1234.00');
    expect(refused.stderr).toContain('o.csv:3: amount "99,95": not an amount with a decimal point; with --decimal-comma it reads 99.95');
    expect(refused.stderr).toContain('2 rows rejected; nothing was written');
    expect(spawnCrm(['import', 'orders', plain, '--create-customers', '--on-error', 'skip'], { env }).code).toBe(0);
    expect((await ordersOf(db)).filter((order) => order.customer === 'C2').map((order) => order.cents)).toEqual([123450, 1200]);
  });
});

describe.each(engines)('merged customers stay merged on %s', (engine) => {
  it('after crm customer merge C0023 C0080, the unchanged files land on C0023 and C0080 does not come back', async () => {
    const { db, env, write } = await fresh(engine);
    const customers = write('customers.csv', 'customer_id,name,phone\nC0023,Wang Fang,13800138000\nC0080,Wang F.,13900139000\n');
    const orders = write('orders.csv', 'customer_id,order_date,amount\nC0023,2026-01-01,10\nC0080,2026-02-01,20\nC0080,2026-03-01,30\nC0081,2026-03-01,5\n');
    const payments = write('payments.csv', 'customer_id,paid_on,amount\nC0080,2026-03-02,30\n');
    const interactions = write('interactions.csv', 'customer_id,kind,occurred_at,summary\nC0080,call,2026-03-03 10:00,asked about tea\n');
    expect(spawnCrm(['import', 'customers', customers], { env }).code).toBe(0);
    expect(spawnCrm(['import', 'orders', orders, '--create-customers'], { env }).code).toBe(0);
    expect(spawnCrm(['import', 'payments', payments], { env }).code).toBe(0);
    expect(spawnCrm(['import', 'interactions', interactions], { env }).code).toBe(0);
    const merge = spawnCrm(['customer', 'merge', 'C0023', 'C0080', '--yes'], { env });
    expect(merge.code, merge.stderr).toBe(0);

    const again = spawnCrm(['import', 'customers', customers], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2 rows read: 0 new, 0 changed, 1 unchanged, 0 rejected, 1 skipped');
    expect(again.stdout).toContain('merged customers (C0080 → C0023): 1 customer row skipped (the kept record is not overwritten; change it with crm customer edit)');
    const ordersAgain = spawnCrm(['import', 'orders', orders, '--create-customers'], { env });
    expect(ordersAgain.stdout).toContain('4 rows read: 0 new, 0 changed, 4 unchanged, 0 rejected');
    expect(ordersAgain.stdout).toContain('merged customers (C0080 → C0023): 2 rows went to the customer it was merged into');
    const json = JSON.parse(spawnCrm(['import', 'orders', orders, '--create-customers', '--format', 'json'], { env }).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ new: 0, changed: 0, unchanged: 4, customers_created: 0, merged_rows: 2, merged_customers_skipped: 0, merged_ids: { C0080: 'C0023' } });
    expect(spawnCrm(['import', 'payments', payments], { env }).stdout).toContain('1 row read: 0 new, 0 changed, 1 unchanged, 0 rejected');
    expect(spawnCrm(['import', 'interactions', interactions], { env }).stdout).toContain('1 row read: 0 new, 0 changed, 1 unchanged, 0 rejected');

    expect(await query<{ id: string; name: string; phone: string }>(db, 'SELECT external_id AS id, name, phone FROM customers ORDER BY external_id')).toEqual([
      { id: 'C0023', name: 'Wang Fang', phone: '13800138000' },
      { id: 'C0081', name: 'C0081', phone: null },
    ]);
    expect((await ordersOf(db)).map((order) => order.customer)).toEqual(['C0023', 'C0023', 'C0023', 'C0081']);

    // The merged id still names the customer everywhere a customer is named.
    const show = spawnCrm(['customer', 'show', 'C0080'], { env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Wang Fang (C0023)');
    expect(show.stderr).toContain('note: C0080 was merged into C0023');
    expect(spawnCrm(['pay', 'C0080', '5', '--date', '2026-03-05'], { env }).code).toBe(0);
    expect(spawnCrm(['log', 'C0080', '--kind', 'call', '--summary', 'called back', '--at', '2026-03-06'], { env }).code).toBe(0);
    expect((await query<{ n: number }>(db, "SELECT count(*) AS n FROM payments p JOIN customers c ON c.id = p.customer_id WHERE c.external_id = 'C0023'"))[0]!.n).toBe(2);
    expect((await query<{ n: number }>(db, "SELECT count(*) AS n FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE c.external_id = 'C0023'"))[0]!.n).toBe(2);
    const add = spawnCrm(['customer', 'add', '--name', 'Someone', '--id', 'C0080'], { env });
    expect(add.code).toBe(2);
    expect(add.stderr).toContain('--id C0080: a customer with this id already exists (or was merged into one)');
  });
});
