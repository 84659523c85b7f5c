// The import engine in-process: idempotency, derived keys, partial updates, the run record.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/engine/sql.js';
import { importFile, type ImportOptions } from '../../src/import/run.js';
import { engines } from '../helpers/engines.js';
import { importSandboxOn } from '../helpers/import-sandbox.js';

const run = (sql: Sql, options: ImportOptions) => importFile(sql, { now: () => new Date('2026-11-23T10:00:00Z'), ...options });

describe.each(engines)('import engine on %s', (engine) => {
  const setup = () => importSandboxOn(engine);
  it('orders without ids: identical rows stay two orders, and a re-import changes nothing', async () => {
    const { sql: db, write } = await setup();
    const customers = write('c.csv', 'customer_id,name\nC1,Ann\n');
    await run(db, { kind: 'customers', file: customers });
    const orders = write('o.csv', 'customer_id,order_date,amount\nC1,2026-01-02,10\nC1,2026-01-02,10\nC1,2026-01-03,10\n');
    const first = await run(db, { kind: 'orders', file: orders });
    expect(first).toMatchObject({ rowsRead: 3, rowsNew: 3, rowsChanged: 0, rowsUnchanged: 0 });
    const second = await run(db, { kind: 'orders', file: orders });
    expect(second).toMatchObject({ rowsNew: 0, rowsChanged: 0, rowsUnchanged: 3, sameContentAsRun: first.runId });
    expect(await db.value('SELECT count(*) FROM orders')).toBe(3);
    // The same rows in another order are still the same orders.
    const shuffled = write('o2.csv', 'customer_id,order_date,amount\nC1,2026-01-03,10\nC1,2026-01-02,10\nC1,2026-01-02,10\n');
    expect(await run(db, { kind: 'orders', file: shuffled })).toMatchObject({ rowsNew: 0, rowsUnchanged: 3 });
    await db.close();
  });

  it('a file of many rows, some new, one changed, one repeated, one unknown customer: the same outcome as row by row (SQLite writes new rows many per statement)', async () => {
    const { sql: db, write } = await setup();
    await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name\nC1,Ann\nC2,Bob\n') });
    const order = (index: number, amount = 10, customer = index % 2 ? 'C1' : 'C2') => `O${index},${customer},2026-01-02,${amount}`;
    const head = 'order_id,customer_id,order_date,amount\n';
    const first = await run(db, { kind: 'orders', file: write('o1.csv', head + Array.from({ length: 300 }, (_, index) => order(index)).join('\n') + '\n') });
    expect(first).toMatchObject({ rowsNew: 300, rowsChanged: 0, rowsUnchanged: 0, rowsRejected: 0 });
    const rows = Array.from({ length: 600 }, (_, index) => order(index, index === 150 ? 11 : 10));
    rows[400] = order(20);
    rows[450] = order(450, 10, 'C9');
    const second = await run(db, { kind: 'orders', file: write('o2.csv', head + rows.join('\n') + '\n'), onError: 'skip' });
    expect(second).toMatchObject({ rowsRead: 600, rowsNew: 298, rowsChanged: 1, rowsUnchanged: 299, rowsRejected: 2 });
    expect(second.problems.map((problem) => [problem.line, problem.field, problem.value])).toEqual([[402, 'order_id', 'O20'], [452, 'customer_id', 'C9']]);
    expect(await db.value('SELECT count(*) FROM orders')).toBe(598);
    // What crm import undo would delete: exactly the 298 new orders.
    const created = `SELECT count(*) FROM orders o WHERE EXISTS (SELECT 1 FROM import_created r WHERE r.run_id = ? AND r.table_name = 'orders'
      AND o.id BETWEEN r.first_id AND r.last_id)`;
    expect(await db.value(created, [second.runId])).toBe(298);
    expect(await db.value(created, [first.runId])).toBe(300);
    expect(await db.value("SELECT count(*) FROM orders WHERE created_by IS NULL OR updated_by IS NULL")).toBe(0);
    await db.close();
  });

  for (const customerLookup of ['node', 'statement'] as const) {
    it(`a first import naming an unknown customer mid-file (customers found in ${customerLookup}): that row alone is rejected, or its customer created, and every order keeps its own customer`, async () => {
      const { sql: db, write } = await setup();
      await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name\nC1,Ann\nC2,Bob\n') });
      const head = 'order_id,customer_id,order_date,amount\n';
      const rows = Array.from({ length: 300 }, (_, index) => `O${index},${index === 200 ? 'C9' : index % 2 ? 'C1' : 'C2'},2026-01-02,10`);
      const file = write('o.csv', head + rows.join('\n') + '\n');
      // Each order's customer: odd numbers C1, even C2, O200 C9 (when it is kept).
      const mismatched = `SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE c.external_id <> CASE WHEN o.external_id = 'O200' THEN 'C9' WHEN CAST(substr(o.external_id, 2) AS INTEGER) % 2 = 1 THEN 'C1' ELSE 'C2' END`;

      const skipped = await run(db, { kind: 'orders', file, onError: 'skip', customerLookup });
      expect(skipped).toMatchObject({ rowsRead: 300, rowsNew: 299, rowsRejected: 1, customersCreated: 0 });
      expect(skipped.problems.map((problem) => [problem.line, problem.field, problem.value])).toEqual([[202, 'customer_id', 'C9']]);
      expect(await db.value('SELECT count(*) FROM orders')).toBe(299);
      expect(await db.value(mismatched)).toBe(0);

      const aborted = write('o-abort.csv', head + rows.map((row) => row.replace(/^O/, 'A')).join('\n') + '\n');
      await expect(run(db, { kind: 'orders', file: aborted, customerLookup })).rejects.toThrow(/o-abort\.csv: 1 r/);
      expect(await db.value("SELECT count(*) FROM orders WHERE external_id LIKE 'A%'")).toBe(0);

      const created = await run(db, { kind: 'orders', file, createCustomers: true, customerLookup });
      expect(created).toMatchObject({ rowsRead: 300, rowsNew: 1, rowsUnchanged: 299, customersCreated: 1 });
      expect(await db.value('SELECT count(*) FROM orders')).toBe(300);
      expect(await db.value(mismatched)).toBe(0);
      await db.close();
    });

    it(`a first import with --create-customers (customers found in ${customerLookup}): orders of customers not yet known are written with them, in file order`, async () => {
      const { sql: db, write } = await setup();
      await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name\nC1,Ann\n') });
      const rows = Array.from({ length: 400 }, (_, index) => `O${index},${index % 100 === 7 ? `N${index}` : 'C1'},2026-01-02,${index + 1}`);
      const summary = await run(db, { kind: 'orders', file: write('o.csv', 'order_id,customer_id,order_date,amount\n' + rows.join('\n') + '\n'), createCustomers: true, customerLookup });
      expect(summary).toMatchObject({ rowsRead: 400, rowsNew: 400, rowsRejected: 0, customersCreated: 4 });
      expect(await db.all("SELECT o.external_id AS id, c.external_id AS customer FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id <> 'C1' ORDER BY o.id")).toEqual(
        [7, 107, 207, 307].map((index) => ({ id: `O${index}`, customer: `N${index}` })),
      );
      expect(await db.value("SELECT sum(amount_cents) FROM orders")).toBe(((400 * 401) / 2) * 100);
      await db.close();
    });
  }

  it('a changed customer is updated, its history kept, and the previous values recorded', async () => {
    const { sql: db, write } = await setup();
    await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name,email,city\nC1,Ann,ann@example.com,Paris\nC2,Bob,,Rome\n') });
    await run(db, { kind: 'orders', file: write('o.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2026-01-02,10\n') });
    const second = await run(db, { kind: 'customers', file: write('c2.csv', 'customer_id,name,city\nC1,Ann,Lyon\nC2,Bob,Rome\n') });
    expect(second).toMatchObject({ rowsNew: 0, rowsChanged: 1, rowsUnchanged: 1 });
    // Columns the file does not have (email) are left alone.
    expect(await db.get("SELECT name, email, city FROM customers WHERE external_id = 'C1'")).toEqual({ name: 'Ann', email: 'ann@example.com', city: 'Lyon' });
    expect(await db.value('SELECT count(*) FROM orders')).toBe(1);
    const change = await db.get('SELECT table_name, before FROM import_changes WHERE run_id = ?', [second.runId]) as { table_name: string; before: string };
    expect(change.table_name).toBe('customers');
    expect(JSON.parse(change.before)).toMatchObject({ name: 'Ann', city: 'Paris' });
    await db.close();
  });

  it('records the run, its content hash and the id range it created', async () => {
    const { sql: db, write } = await setup();
    const summary = await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name\nC1,Ann\nC2,Bob\n') });
    const runRow = await db.get('SELECT kind, rows_read, rows_new, content_hash FROM import_runs WHERE id = ?', [summary.runId]) as Record<string, unknown>;
    expect(runRow).toMatchObject({ kind: 'customers', rows_read: 2, rows_new: 2 });
    expect(runRow.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.all('SELECT table_name, first_id, last_id FROM import_created WHERE run_id = ?', [summary.runId])).toEqual([
      { table_name: 'customers', first_id: 1, last_id: 2 },
    ]);
    // A re-import with one new row records just that row, although the conflicting inserts used up ids.
    const again = await run(db, { kind: 'customers', file: write('c2.csv', 'customer_id,name\nC1,Ann\nC2,Bob\nC3,Cy\n') });
    const c3 = await db.value("SELECT id FROM customers WHERE external_id = 'C3'");
    expect(await db.all('SELECT first_id, last_id FROM import_created WHERE run_id = ?', [again.runId])).toEqual([{ first_id: c3, last_id: c3 }]);
    await db.close();
  });

  it('--dry-run counts but writes nothing', async () => {
    const { sql: db, write } = await setup();
    const summary = await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name\nC1,Ann\n'), dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, rowsNew: 1, runId: null });
    expect(await db.value('SELECT count(*) FROM customers')).toBe(0);
    expect(await db.value('SELECT count(*) FROM import_runs')).toBe(0);
    await db.close();
  });

  it('--create-customers makes the missing customers from the order rows', async () => {
    const { sql: db, write } = await setup();
    const file = write('o.csv', 'customer_id,first_name,last_name,email,order_date,revenue\nAbbey O\'Reilly,Abbey,O\'Reilly,abbey@rfmail.com,2006-01-02,32\n');
    await expect(run(db, { kind: 'orders', file })).rejects.toMatchObject({ exitCode: 3, details: [expect.stringMatching(/o\.csv:2: customer_id "Abbey O'Reilly": unknown customer/)] });
    const summary = await run(db, { kind: 'orders', file, createCustomers: true });
    expect(summary).toMatchObject({ rowsNew: 1, customersCreated: 1 });
    expect(await db.get('SELECT external_id, name, email FROM customers')).toEqual({ external_id: "Abbey O'Reilly", name: "Abbey O'Reilly", email: 'abbey@rfmail.com' });
    await db.close();
  });

  it('reads a large input from a stream (stdin) as from a file', async () => {
    const { sql: db, write } = await setup();
    await run(db, { kind: 'customers', file: write('c.csv', 'customer_id,name\nC1,Ann\n') });
    const text = 'customer_id,order_date,amount\n' + Array.from({ length: 5000 }, (_, i) => `C1,2026-01-${String((i % 28) + 1).padStart(2, '0')},${i}.5\n`).join('');
    const fromFile = await run(db, { kind: 'orders', file: write('o.csv', text), dryRun: true });
    const piped = await run(db, { kind: 'orders', file: '-', input: Readable.from([Buffer.from(text.slice(0, 70_000)), Buffer.from(text.slice(70_000))]) });
    expect(fromFile).toMatchObject({ rowsRead: 5000, rowsNew: 5000 });
    expect(piped).toMatchObject({ file: 'stdin', rowsRead: 5000, rowsNew: 5000 });
    await db.close();
  });

  it('names the right line after blank lines and fields with line breaks', async () => {
    const { sql: db, write } = await setup();
    const file = write('c.csv', 'customer_id,name,notes\n\nC1,Ann,"two\r\nlines"\n\nC2,Bob,x\nC3,,x\n');
    await expect(run(db, { kind: 'customers', file })).rejects.toMatchObject({ details: [expect.stringMatching(/c\.csv:7: name: required value is empty/)] });
    const ok = await run(db, { kind: 'customers', file, onError: 'skip', rejectsFile: write('r.csv', '') });
    expect(ok).toMatchObject({ rowsRead: 3, rowsNew: 2, rowsRejected: 1 });
    expect(await db.value("SELECT notes FROM customers WHERE external_id = 'C1'")).toBe('two\r\nlines');
    await db.close();
  });

  it('an id named twice in one file is a rejected row, so a re-import stays "unchanged"', async () => {
    const { sql: db, write } = await setup();
    const file = write('dup.csv', 'customer_id,name,email\nD1,Dup A,a@example.com\nD1,Dup B,b@example.com\n');
    await expect(run(db, { kind: 'customers', file })).rejects.toMatchObject({ details: [expect.stringMatching(/dup\.csv:3: customer_id "D1": appears more than once in this file/)] });
    const first = await run(db, { kind: 'customers', file, onError: 'skip', rejectsFile: write('r.csv', '') });
    expect(first).toMatchObject({ rowsNew: 1, rowsRejected: 1 });
    const again = await run(db, { kind: 'customers', file, onError: 'skip', rejectsFile: write('r.csv', '') });
    expect(again).toMatchObject({ rowsNew: 0, rowsChanged: 0, rowsUnchanged: 1, rowsRejected: 1 });
    expect(await db.value("SELECT name FROM customers WHERE external_id = 'D1'")).toBe('Dup A');
    await db.close();
  });
});
