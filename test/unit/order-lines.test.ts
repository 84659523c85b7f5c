// Line-item order files (docs/rules.md#order-lines): line amounts, the order a set of lines makes, credit notes,
// staging of non-adjacent lines, idempotent re-import, lines replaced as a set and put back by undo.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { creditLines, orderFromLines, type StoredLine } from '../../src/db/order-lines.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { undoImportRun } from '../../src/db/undo.js';
import { mapHeaders } from '../../src/import/headers.js';
import { importFile, type ImportOptions } from '../../src/import/run.js';
import { lineCents } from '../../src/import/validate.js';
import { engines } from '../helpers/engines.js';
import { importSandboxOn } from '../helpers/import-sandbox.js';

const run = (db: Sql, options: ImportOptions) => importFile(db, { now: () => new Date('2026-11-23T10:00:00Z'), createCustomers: true, ...options });
const line = (product: string | null, quantity: number | null, unit: number | null, amount: number, cost: number | null = null): StoredLine => ({
  product, quantity, unit_price_cents: unit, amount_cents: amount, cost_cents: cost,
});
const orderOf = async (db: Sql, id: string) =>
  (await db.get('SELECT id, amount_cents, cost_cents, product, quantity, order_date FROM orders WHERE external_id = ?', [id])) as
    { id: number; amount_cents: number; cost_cents: number | null; product: string | null; quantity: number | null; order_date: string };
const linesOf = (db: Sql, orderId: number) =>
  db.all('SELECT line, product, quantity, amount_cents FROM order_lines WHERE order_id = ? ORDER BY line', [orderId]);

describe('line amounts', () => {
  it('quantity × unit price in cents, rounded half away from zero', () => {
    expect(lineCents(6, 255)).toBe(1530); // 6 × 2.55
    expect(lineCents(2, 339)).toBe(678); // 2 × 3.39
    expect(lineCents(-2, 255)).toBe(-510); // a returned line
    expect(lineCents(0.5, 199)).toBe(100); // 99.5 → 100
    expect(lineCents(-0.5, 199)).toBe(-100);
    expect(lineCents(0.1, 30)).toBe(3); // 0.1 × 0.30 = 0.03 exactly, not 0.029999…
  });

  it('a header named Price is the unit price, never the amount', () => {
    const mapping = mapHeaders('f.csv', ['InvoiceNo', 'customer_id', 'order_date', 'Quantity', 'Price'], 'orders');
    expect(mapping.fieldIndex.get('unit_price')).toBe(4);
    expect(mapping.fieldIndex.has('amount')).toBe(false);
    expect(mapHeaders('f.csv', ['customer_id', 'date', '单价', '数量'], 'orders').fieldIndex.get('unit_price')).toBe(2);
  });
});

describe('the order a set of lines makes', () => {
  it('sums amounts, costs and quantities; one product name only when every line has it', () => {
    // 15.30 + 6.78 + 3.75 = 25.83; costs 9.00 + 4.00 + 2.00 = 15.00; 6 + 2 + 3 = 11 units.
    const order = orderFromLines([line('Mug', 6, 255, 1530, 900), line('Cup', 2, 339, 678, 400), line('Towel', 3, 125, 375, 200)]);
    expect(order).toMatchObject({ amount: 2583, cost: 1500, product: null, quantity: 11 });
    expect(order.stored).toHaveLength(3);
    expect(orderFromLines([line('Mug', 1, 255, 255), line('Mug', 2, 255, 510)])).toMatchObject({ amount: 765, cost: null, product: 'Mug', quantity: 3 });
  });

  it('a cost is known only when every line has one', () => {
    expect(orderFromLines([line('Mug', 6, 255, 1530, 900), line('Cup', 2, 339, 678)]).cost).toBeNull();
  });

  it('a single line without a unit price is a plain order: no lines kept', () => {
    expect(orderFromLines([line('Mug', 2, null, 1000, 600)])).toMatchObject({ amount: 1000, cost: 600, product: 'Mug', quantity: 2, stored: [] });
    expect(orderFromLines([line('Mug', 2, 500, 1000)]).stored).toHaveLength(1);
  });

  it('a credit note turns positive lines negative and leaves negative ones', () => {
    expect(creditLines([line('Mug', 2, 255, 510, 300), line('Cup', -1, 339, -339)])).toEqual([line('Mug', -2, 255, -510, -300), line('Cup', -1, 339, -339)]);
  });
});

describe.each(engines)('importing a line-item file on %s', (engine) => {
  const setup = () => importSandboxOn(engine);
  // Order 1001's three lines are far apart: lines 2, 3 and 305, in different batches of the parser (256 rows).
  const filler = Array.from({ length: 300 }, (_, index) => `${2000 + index},C2,2026-02-01,Tea,1,1.00`).join('\n');
  const text = [
    'InvoiceNo,customer_id,order_date,product,Quantity,UnitPrice',
    '1001,C1,2026-01-05,Mug,6,2.55',
    '1001,C1,2026-01-05,Cup,2,3.39',
    filler,
    '1003,C1,2026-03-01,Cup,1,3.39',
    '1001,C1,2026-01-05,Towel,3,1.25',
    'C1004,C1,2026-03-10,Mug,2,2.55',
    '',
  ].join('\n');

  it('makes one order of the lines of one id wherever they are, and a re-import changes nothing', async () => {
    const { sql: db, write } = await setup();
    const file = write('lines.csv', text);
    const first = await run(db, { kind: 'orders', file, map: ['InvoiceNo=order_id'] });
    expect(first).toMatchObject({ rowsRead: 305, rowsNew: 303, rowsChanged: 0, rowsUnchanged: 0, rowsRejected: 0 });
    expect(first.orderLines).toMatchObject({ lines: 305, ordersNew: 303, ordersChanged: 0, ordersUnchanged: 0, returns: 1, creditNotes: 1, creditPrefix: 'C', creditPrefixAuto: true });
    const order = await orderOf(db, '1001');
    expect(order).toMatchObject({ amount_cents: 2583, product: null, quantity: 11, order_date: '2026-01-05' });
    expect(await linesOf(db, order.id)).toEqual([
      { line: 1, product: 'Mug', quantity: 6, amount_cents: 1530 },
      { line: 2, product: 'Cup', quantity: 2, amount_cents: 678 },
      { line: 3, product: 'Towel', quantity: 3, amount_cents: 375 },
    ]);
    // C1004: C + digits among digit ids is a credit note; its positive line becomes −2 × 2.55.
    expect(await orderOf(db, 'C1004')).toMatchObject({ amount_cents: -510, quantity: -2 });
    const second = await run(db, { kind: 'orders', file, map: ['InvoiceNo=order_id'] });
    expect(second).toMatchObject({ rowsNew: 0, rowsChanged: 0, rowsUnchanged: 303 });
    expect(await db.value('SELECT count(*) FROM order_lines')).toBe(305);
  });

  it('replaces the lines of a changed order as a set, and undo puts the earlier set back', async () => {
    const { sql: db, write } = await setup();
    await run(db, { kind: 'orders', file: write('lines.csv', text), map: ['InvoiceNo=order_id'] });
    const changed = write('changed.csv', 'order_id,customer_id,order_date,product,quantity,unit_price\n1001,C1,2026-01-05,Mug,1,2.55\n1001,C1,2026-01-05,Plate,2,4.00\n');
    const summary = await run(db, { kind: 'orders', file: changed });
    expect(summary).toMatchObject({ rowsNew: 0, rowsChanged: 1 });
    const order = await orderOf(db, '1001');
    expect(order.amount_cents).toBe(255 + 800);
    expect(await linesOf(db, order.id)).toEqual([
      { line: 1, product: 'Mug', quantity: 1, amount_cents: 255 },
      { line: 2, product: 'Plate', quantity: 2, amount_cents: 800 },
    ]);
    await undoImportRun(db, summary.runId!, '2026-11-23T11:00:00Z');
    expect((await orderOf(db, '1001')).amount_cents).toBe(2583);
    expect((await linesOf(db, order.id)).map((row) => (row as { product: string }).product)).toEqual(['Mug', 'Cup', 'Towel']);
  });

  it('undo of the first run removes its orders and their lines', async () => {
    const { sql: db, write } = await setup();
    const summary = await run(db, { kind: 'orders', file: write('lines.csv', text), map: ['InvoiceNo=order_id'] });
    await undoImportRun(db, summary.runId!, '2026-11-23T11:00:00Z');
    expect(await db.value('SELECT count(*) FROM orders')).toBe(0);
    expect(await db.value('SELECT count(*) FROM order_lines')).toBe(0);
  });

  it('lines without an order id: one order per customer and order date as written', async () => {
    const { sql: db, write } = await setup();
    const file = write('noid.csv', [
      'customer_id,order_date,product,quantity,price',
      'C1,2026-01-05T08:26:00,Mug,6,2.55',
      'C2,2026-01-05T08:26:00,Mug,1,2.55',
      'C1,2026-01-05T08:26:00,Cup,2,3.39',
      'C1,2026-01-05T15:00:00,Cup,1,3.39',
      '',
    ].join('\n'));
    const summary = await run(db, { kind: 'orders', file });
    expect(summary.orderLines).toMatchObject({ lines: 4, ordersNew: 3, ordersChanged: 0, ordersUnchanged: 0, grouped: 3, returns: 0 });
    const amounts = await db.rows("SELECT c.external_id, o.amount_cents FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id");
    expect(amounts).toEqual([['C1', 2208], ['C2', 255], ['C1', 339]]);
    expect((await run(db, { kind: 'orders', file })).rowsUnchanged).toBe(3);
  });

  it('an order id that is not C + digits among digit ids is no credit note; --credit-prefix names the rule', async () => {
    const { sql: db, write } = await setup();
    const file = write('ids.csv', 'order_id,customer_id,order_date,product,quantity,unit_price\nO1,C1,2026-01-05,Mug,1,2.55\nCR2,C1,2026-01-06,Mug,1,2.55\n');
    const plain = await run(db, { kind: 'orders', file, dryRun: true });
    expect(plain.orderLines).toMatchObject({ creditNotes: 0, returns: 0 });
    const prefixed = await run(db, { kind: 'orders', file, creditPrefix: 'CR' });
    expect(prefixed.orderLines).toMatchObject({ creditNotes: 1, returns: 1, creditPrefix: 'CR', creditPrefixAuto: false });
    expect((await orderOf(db, 'CR2')).amount_cents).toBe(-255);
  });

  it('rejects a line without a customer, a unit price without a quantity, and a line disagreeing with its order', async () => {
    const { sql: db, write } = await setup();
    const file = write('bad.csv', [
      'order_id,customer_id,order_date,product,quantity,unit_price',
      '1,C1,2026-01-05,Mug,1,2.55',
      '2,,2026-01-05,Mug,1,2.55',
      '3,C1,2026-01-05,Mug,,2.55',
      '1,C1,2026-01-06,Cup,1,3.39',
      '',
    ].join('\n'));
    const summary = await run(db, { kind: 'orders', file, onError: 'skip', rejectsFile: path.join(path.dirname(file), 'r.csv') });
    expect(summary.problems).toEqual([
      { line: 3, field: 'customer_id', value: '', reason: 'required value is empty' },
      { line: 4, field: 'quantity', value: '', reason: 'required with a unit price (amount = quantity × unit price)' },
      { line: 5, field: 'order_date', value: '2026-01-06', reason: 'order 1 has order_date 2026-01-05 on line 2: the lines of one order share it' },
    ]);
    expect((await orderOf(db, '1')).amount_cents).toBe(255);
  });
});

describe.each(engines)('a line amount too large for whole cents on %s', (engine) => {
  const setup = () => importSandboxOn(engine);
  it('is rejected by line and field, never stored as an approximate real', async () => {
    const { sql: db, write } = await setup();
    const file = write('huge.csv', 'order_id,customer_id,order_date,product,quantity,unit_price\n1,C1,2026-01-05,Mug,99999999999,99999999\n2,C1,2026-01-06,Cup,2,3.39\n');
    await expect(run(db, { kind: 'orders', file })).rejects.toThrow(/1 row rejected/);
    const skipped = await run(db, { kind: 'orders', file, onError: 'skip' });
    expect(skipped.problems).toEqual([expect.objectContaining({ line: 2, field: 'quantity', reason: 'quantity × unit price is too large to be an amount' })]);
    // SQLite stores whatever it is given; PostgreSQL's column is a 64-bit integer already.
    if (engine === 'sqlite') expect(await db.value("SELECT count(*) FROM orders WHERE typeof(amount_cents) <> 'integer'")).toBe(0);
    expect(await orderOf(db, '2')).toMatchObject({ amount_cents: 678 });
  });
});
