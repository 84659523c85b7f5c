// End-to-end: files without a header, named with --columns, separated by whitespace (the CDNOW sample's shape).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, spawnCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, query, type Engine } from '../helpers/engines.js';

const cdnow = path.join(projectRoot, 'test/fixtures/datasets/CDNOW_sample.txt');
const cdnowFlags = ['--no-header', '--delimiter', 'whitespace', '--columns', 'customer_id,-,order_date,-,amount', '--create-customers'];

async function freshDb(engine: Engine): Promise<{ dir: string; db: string; env: Record<string, string> }> {
  const dir = tempDir();
  const db = await newDatabase(engine);
  expect(spawnCrm(['init'], { env: { CRM_DB: db } }).code).toBe(0);
  return { dir, db, env: { CRM_DB: db } };
}

describe.each(engines)('crm import orders --no-header --delimiter whitespace --columns on %s', (engine) => {
  it('imports the CDNOW sample: 6,919 rows, 2,357 customers, compact dates, $244,091.94 in all', async () => {
    const { db, env } = await freshDb(engine);
    const result = spawnCrm(['import', 'orders', cdnow, ...cdnowFlags, '--format', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ written: true, rows_read: 6919, new: 6919, rejected: 0, customers_created: 2357, delimiter: 'whitespace' });
    // Totals of the file's fifth column and its date range, checked with awk over the file.
    expect(await query(db, 'SELECT sum(amount_cents) AS total, min(order_date) AS first, max(order_date) AS last FROM orders')).toEqual([{ total: 24409194, first: '1997-01-01', last: '1998-06-30' }]);
    // Customer 00004's first row: " 00004 0001 19970101  2   29.33" (the sample id and the CD count are skipped).
    expect(await query(db, `SELECT o.order_date, o.amount_cents, o.quantity FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = '00004' ORDER BY o.order_date LIMIT 1`)).toEqual([{ order_date: '1997-01-01', amount_cents: 2933, quantity: null }]);
  });

  it('without --no-header the first line is taken as a header and skipped; a bad field names the line', async () => {
    const { dir, env } = await freshDb(engine);
    const file = path.join(dir, 'orders.txt');
    fs.writeFileSync(file, 'who  ignored   when     total\n C1  x  20260105   10.00\n C1  x  20260230  5.00\n');
    const result = spawnCrm(['import', 'orders', file, '--delimiter', 'whitespace', '--columns', 'customer_id,-,order_date,amount', '--create-customers'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('1 row rejected; nothing was written');
    expect(result.stderr).toMatch(/orders\.txt:3: order_date "20260230"/);
  });

  it('a row with more or fewer fields than --columns names says so (there is no header to blame), all-or-nothing', async () => {
    const { dir, env } = await freshDb(engine);
    const file = path.join(dir, 'orders.txt');
    fs.writeFileSync(file, ' C1 x 19970105 2 10.00\n C1 x 19970106 2\n C1 x 19970107 2 5.00 extra\n');
    const result = spawnCrm(['import', 'orders', file, ...cdnowFlags], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('2 rows rejected; nothing was written');
    expect(result.stderr).toContain('orders.txt:2: (row): has 4 fields but --columns names 5');
    expect(result.stderr).toContain('orders.txt:3: (row): has 6 fields but --columns names 5');
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    const none = spawnCrm(['import', 'orders', empty, ...cdnowFlags], { env });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('empty.txt: line 1: the file is empty (expected rows)');
  });

  it('the CDNOW sample without --delimiter whitespace: every row is one field, and the problem says which flag is missing', async () => {
    const { env } = await freshDb(engine);
    const result = spawnCrm(['import', 'orders', cdnow, '--no-header', '--columns', 'customer_id,-,order_date,-,amount', '--create-customers'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('6919 rows rejected; nothing was written');
    expect(result.stderr).toContain(`${cdnow}:1: (row): has 1 field but --columns names 5 (separated by spaces? use --delimiter whitespace)`);
  });

  it('a space-separated file with a header, read without --delimiter whitespace, is told to use it', async () => {
    const { dir, env } = await freshDb(engine);
    const file = path.join(dir, 'spaced.txt');
    fs.writeFileSync(file, 'customer_id  order_date  amount\nC1  2025-01-01  5.00\n');
    const result = spawnCrm(['import', 'orders', file, '--create-customers'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/line 1: missing required column customer_id .*; the header is one column of words separated by spaces: use --delimiter whitespace\n/);
    expect(spawnCrm(['import', 'orders', file, '--create-customers', '--delimiter', 'whitespace'], { env }).code).toBe(0);
  });

  it('--no-header without --columns, and --columns with --map, are usage errors (exit 2)', async () => {
    const { env } = await freshDb(engine);
    const alone = spawnCrm(['import', 'orders', cdnow, '--no-header'], { env });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--no-header needs --columns');
    const both = spawnCrm(['import', 'orders', cdnow, '--columns', 'customer_id,-,order_date,-,amount', '--map', 'x=amount'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--columns and --map cannot be used together');
  });
});

describe.each(engines)('crm import --columns without --no-header on %s', (engine) => {
  it('warns when the line it skipped as the header reads as a valid row (the CDNOW sample without --no-header loses a purchase)', async () => {
    const { env } = await freshDb(engine);
    const flags = ['--delimiter', 'whitespace', '--columns', 'customer_id,-,order_date,-,amount', '--create-customers'];
    const text = spawnCrm(['import', 'orders', cdnow, ...flags], { env });
    expect(text.code).toBe(0);
    // 6,919 lines, the first taken as the header: customer 00004's 1997-01-01 purchase is not imported.
    expect(text.stdout).toContain('6918 rows read');
    const warning = `warning: ${cdnow}:1 was skipped as the header (--columns without --no-header) but reads as a valid row; if the file has no header, import it again with --no-header`;
    expect(text.stdout).toContain(`  ${warning}\n`);
    const json = spawnCrm(['import', 'orders', cdnow, ...flags, '--format', 'json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ skipped_header_is_data: true, rows_read: 6918 });
    expect(json.stderr).toBe(`${warning}\n`);
  });

  it('says nothing when the skipped line of a customers file is a header of plain words, though it would pass as a customer', async () => {
    const { dir, env } = await freshDb(engine);
    const file = path.join(dir, 'customers.csv');
    fs.writeFileSync(file, 'Kundennr,Kundenname\nK1,Anna\n');
    const result = spawnCrm(['import', 'customers', file, '--columns', 'customer_id,name', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ skipped_header_is_data: false, rows_read: 1 });
    expect(result.stderr).toBe('');
    // The same file without its header: K0 with a number in it reads as data.
    fs.writeFileSync(file, 'K0,Otto\nK1,Anna\n');
    expect(JSON.parse(spawnCrm(['import', 'customers', file, '--columns', 'customer_id,name', '--format', 'json'], { env }).stdout)).toMatchObject({ skipped_header_is_data: true });
  });

  it('says nothing when the skipped line is a real header', async () => {
    const { dir, env } = await freshDb(engine);
    const file = path.join(dir, 'orders.txt');
    fs.writeFileSync(file, 'who  ignored   when     total\n C1  x  20260105   10.00\n');
    const result = spawnCrm(['import', 'orders', file, '--delimiter', 'whitespace', '--columns', 'customer_id,-,order_date,amount', '--create-customers', '--format', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ skipped_header_is_data: false, rows_read: 1 });
    expect(result.stderr).toBe('');
  });
});
