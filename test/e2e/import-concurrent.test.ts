// An import on PostgreSQL takes no table lock: other people's writes go on while it runs (crm log during a nightly
// import), and crm import undo still takes back exactly the run's rows (the ranges of ids it recorded as its own).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/engine/sql.js';
import { ImportSession } from '../../src/db/import-writer.js';
import { openStore } from '../../src/db/open-store.js';
import { runCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';
import { connect, engines, newDatabase, postgresAvailable, query, scalar, type Engine } from '../helpers/engines.js';

const HAND = '2026-11-23T09:00:00Z';

async function setup(engine: Engine, customers = 200) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const file = (name: string, lines: string[]) => {
    fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
    return path.join(dir, name);
  };
  const crm = (argv: string[]) => runCrm(['--db', db, ...argv]);
  expect((await crm(['init'])).code).toBe(0);
  const list = file('customers.csv', ['customer_id,name', ...Array.from({ length: customers }, (_, index) => `C${index},Name ${index}`)]);
  expect((await crm(['import', 'customers', list])).code).toBe(0);
  return { db, file, crm };
}

/** crm in its own process (its own connection), as a nightly job runs it. */
function spawned(argv: string[]) {
  const child = spawnCrmAsync(argv);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done };
}

/** Whether another session on this database has an open transaction that wrote (an import not yet committed). */
const importWriting = async (sql: Sql): Promise<boolean> =>
  (await sql.value<number>('SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL'))! > 0;

/** Waits until another session on this database waits for a lock (a row this test's session holds); false after 10 s. */
async function someoneWaits(sql: Sql): Promise<boolean> {
  for (let tries = 0; tries < 500; tries += 1) {
    // Inside a transaction the statistics views answer from one snapshot unless it is cleared.
    await sql.value('SELECT pg_stat_clear_snapshot()');
    const waiting = await sql.value<number>(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
    );
    if (waiting! > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe.skipIf(!postgresAvailable)('an import on postgres does not hold up other sessions', () => {
  it('contacts, customers and orders added by hand while a bulk orders import and a row-by-row contacts import run do not wait; undo takes back exactly the runs\' rows', async () => {
    const { db, file, crm } = await setup('postgres');
    // 50,000 orders: a plain orders file, the bulk path (COPY, then one INSERT … SELECT). 1,500 contacts: row by row.
    const orders = file('orders.csv', ['order_id,customer_id,order_date,amount',
      ...Array.from({ length: 50_000 }, (_, index) => `O${index},C${index % 200},2026-01-${String((index % 28) + 1).padStart(2, '0')},${(index % 97) + 1}.50`)]);
    const contacts = file('contacts.csv', ['interaction_id,customer_id,kind,occurred_at,summary',
      ...Array.from({ length: 1500 }, (_, index) => `I${index},C${index % 200},call,2026-01-02T10:00:00Z,call ${index}`)]);
    const other = await connect(db);
    const customerOf = (await other.value<number>("SELECT id FROM customers WHERE external_id = 'C0'"))!;
    // What crm log, crm customer add and a hand-entered order write, one after another, each timed.
    const writes: { ms: number; inside: boolean }[] = [];
    let added = 0;
    let stop = false;
    const timed = async (text: string, params: unknown[]) => {
      const before = await importWriting(other);
      const started = performance.now();
      await other.run(text, params);
      const ms = performance.now() - started;
      // Inside: an import was writing (its transaction open) both before this insert and after it returned.
      writes.push({ ms, inside: before && (await importWriting(other)) });
    };
    const writer = (async () => {
      while (!stop) {
        await timed("INSERT INTO interactions (customer_id, kind, occurred_at, summary, created_at, updated_at) VALUES (?, 'call', ?, 'logged by hand', ?, ?)",
          [customerOf, HAND, HAND, HAND]);
        await timed("INSERT INTO customers (external_id, name, created_at, updated_at) VALUES (?, 'by hand', ?, ?)", [`H${added}`, HAND, HAND]);
        await timed("INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at) VALUES (?, ?, '2026-11-23', 100, ?, ?)",
          [`HO${added}`, customerOf, HAND, HAND]);
        added += 1;
      }
    })();
    const ordersImport = spawned(['--db', db, 'import', 'orders', orders, '--format', 'json']);
    const contactsImport = spawned(['--db', db, 'import', 'interactions', contacts, '--format', 'json']);
    const [ordersRun, contactsRun] = await Promise.all([ordersImport.done, contactsImport.done]);
    stop = true;
    await writer;
    await other.close();
    expect(ordersRun.code, ordersRun.stderr).toBe(0);
    expect(contactsRun.code, contactsRun.stderr).toBe(0);

    // The hand-made rows went in while the imports were writing, none of them waiting for an import to commit.
    const inside = writes.filter((write) => write.inside);
    expect(inside.length).toBeGreaterThanOrEqual(30);
    expect(Math.max(...writes.map((write) => write.ms))).toBeLessThan(1000);

    const ordersRunId = (JSON.parse(ordersRun.stdout) as { run_id: number }).run_id;
    const contactsRunId = (JSON.parse(contactsRun.stdout) as { run_id: number }).run_id;
    // The contacts run's ids have hand-logged contacts between them: several ranges, none holding another session's row.
    expect(await scalar<number>(db, "SELECT count(*) FROM import_created WHERE run_id = ? AND table_name = 'interactions'", [contactsRunId])).toBeGreaterThan(1);
    const othersInRanges = await scalar<number>(db, `SELECT count(*) FROM import_created r
      JOIN (SELECT 'orders' AS t, id, external_id FROM orders UNION ALL SELECT 'interactions', id, external_id FROM interactions) x
        ON x.t = r.table_name AND x.id BETWEEN r.first_id AND r.last_id
      WHERE r.run_id IN (?, ?) AND x.external_id NOT LIKE 'O%' AND x.external_id NOT LIKE 'I%'`, [ordersRunId, contactsRunId]);
    expect(othersInRanges).toBe(0);

    const undoOrders = await crm(['import', 'undo', String(ordersRunId), '--yes', '--format', 'json']);
    expect(undoOrders.code, undoOrders.stderr).toBe(0);
    expect(JSON.parse(undoOrders.stdout)).toMatchObject({ removed: { orders: 50_000 } });
    const undoContacts = await crm(['import', 'undo', String(contactsRunId), '--yes', '--format', 'json']);
    expect(undoContacts.code, undoContacts.stderr).toBe(0);
    expect(JSON.parse(undoContacts.stdout)).toMatchObject({ removed: { interactions: 1500 } });
    // Every row added by hand is still there; nothing of the runs is.
    expect(await query(db, `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM orders WHERE external_id LIKE 'HO%') AS hand_orders,
      (SELECT count(*) FROM interactions) AS contacts, (SELECT count(*) FROM interactions WHERE summary = 'logged by hand') AS hand_contacts,
      (SELECT count(*) FROM customers WHERE external_id LIKE 'H%') AS hand_customers`)).toEqual([
      { orders: added, hand_orders: added, contacts: added, hand_contacts: added, hand_customers: added },
    ]);
  });

  it('another session adding an order with an id the file adds: the import stops with a clear message, nothing written', async () => {
    const { db, file } = await setup('postgres', 20);
    const orders = file('orders.csv', ['order_id,customer_id,order_date,amount', ...Array.from({ length: 2000 }, (_, index) => `O${index},C${index % 20},2026-01-02,10`)]);
    const other = await connect(db);
    try {
      // Not committed yet when the import comes to write O1999: its insert waits for this transaction, then finds the id taken.
      await other.exec('BEGIN');
      await other.run("INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at) SELECT 'O1999', id, '2026-11-23', 100, ?, ? FROM customers WHERE external_id = 'C0'", [HAND, HAND]);
      const run = spawned(['--db', db, 'import', 'orders', orders]);
      expect(await someoneWaits(other)).toBe(true);
      await other.exec('COMMIT');
      const result = await run.done;
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^crm: postgresql:\/\/\S+: while this import ran, another session added order O1999, which this file adds too; nothing was written: import the file again\n$/);
      expect(await query(db, 'SELECT external_id FROM orders')).toEqual([{ external_id: 'O1999' }]);
      expect(await scalar(db, "SELECT count(*) FROM import_runs WHERE kind = 'orders'")).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('another session deleting a customer whose new orders the file adds: the import stops with a clear message, nothing written', async () => {
    const { db, file, crm } = await setup('postgres', 20);
    expect((await crm(['import', 'orders', file('v1.csv', ['order_id,customer_id,order_date,amount', 'O0,C0,2026-01-02,10'])])).code).toBe(0);
    const before = await query(db, 'SELECT * FROM orders');
    const other = await connect(db);
    try {
      // The other session is changing O0, which the file changes too: the import waits for it after it has read the
      // customers, and by then C7, whose order O1 the file adds, is gone.
      await other.exec('BEGIN');
      await other.run("UPDATE orders SET amount_cents = 1500 WHERE external_id = 'O0'");
      await other.run("DELETE FROM customers WHERE external_id = 'C7'");
      const run = spawned(['--db', db, 'import', 'orders', file('v2.csv', ['order_id,customer_id,order_date,amount', 'O0,C0,2026-01-02,20', 'O1,C7,2026-01-03,30'])]);
      expect(await someoneWaits(other)).toBe(true);
      await other.exec('COMMIT');
      const result = await run.done;
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^crm: postgresql:\/\/\S+: while this import ran, another session deleted the customer with internal id \d+, which rows of this file name; nothing was written: import the file again\n$/);
      expect(await query(db, 'SELECT * FROM orders')).toEqual([{ ...before[0], amount_cents: 1500 }]);
      expect(await scalar(db, "SELECT count(*) FROM import_runs WHERE kind = 'orders'")).toBe(1);
    } finally {
      await other.close();
    }
  });

  // The file changes C5; another session is editing C5 at that moment. The import waits for that one row (not the table),
  // then records the edited values as C5's earlier ones, so undo gives back the edit rather than what was there before it.
  it.each([
    ['bulk path', 'customer_id,name', 'C5,From the file'],
    ['row path', 'customer_id,name,kind', 'C5,From the file,customer'],
  ])('an edit committed while the import changes the same row is what undo restores (%s)', async (_path, header, row) => {
    const { db, file, crm } = await setup('postgres', 20);
    const customers = file('changes.csv', [header, row, header.endsWith('kind') ? 'N1,New one,customer' : 'N1,New one']);
    const other = await connect(db);
    try {
      await other.exec('BEGIN');
      await other.run("UPDATE customers SET name = 'Edited by hand', updated_at = ? WHERE external_id = 'C5'", [HAND]);
      const run = spawned(['--db', db, 'import', 'customers', customers, '--format', 'json']);
      expect(await someoneWaits(other)).toBe(true);
      await other.exec('COMMIT');
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ new: 1, changed: 1 });
      expect(await scalar(db, "SELECT name FROM customers WHERE external_id = 'C5'")).toBe('From the file');
      const undo = await crm(['import', 'undo', String((JSON.parse(result.stdout) as { run_id: number }).run_id), '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(await query(db, "SELECT name, updated_at FROM customers WHERE external_id IN ('C5', 'N1')")).toEqual([{ name: 'Edited by hand', updated_at: HAND }]);
    } finally {
      await other.close();
    }
  });

  it('a long list of ranges (another session writing the same table all along) moves to a temporary table and is recorded whole', async () => {
    const db = await newDatabase('postgres');
    const sql = await openStore({ engine: 'postgres', url: db }, { create: true });
    try {
      const session = new ImportSession(sql, new Date('2026-11-23T10:00:00Z'));
      await session.begin();
      // Ids of rows this run "created", every other one (another session took the ids between): 2,500 ranges.
      for (let index = 0; index < 2500; index += 1) session.noteCreated('interactions', 100 + 2 * index);
      await session.keepRangesSmall();
      // Named again: in a range kept in the temporary table, in one in memory; not: an id between ranges.
      expect(await session.firstSight('interactions', 100 + 2 * 10, 'x1')).toBe(false);
      expect(await session.firstSight('interactions', 100 + 2 * 2499, 'x2')).toBe(false);
      expect(await session.firstSight('interactions', 101 + 2 * 10, 'x3')).toBe(true);
      const runId = await session.commit({
        kind: 'interactions', fileName: 'x.csv', contentHash: 'x', startedAt: HAND, finishedAt: HAND, rowsRead: 0, rowsNew: 0, rowsChanged: 0,
        rowsUnchanged: 0, rowsRejected: 0, customersCreated: 0, options: {},
      });
      expect(await sql.get('SELECT count(*) AS ranges, min(first_id) AS first, max(last_id) AS last, sum(last_id - first_id) AS spread FROM import_created WHERE run_id = ?', [runId]))
        .toEqual({ ranges: 2500, first: 100, last: 100 + 2 * 2499, spread: 0 });
    } finally {
      await sql.close();
    }
  });
});

describe.each(engines)('import id ranges on %s', (engine) => {
  it('a re-import mixing known and new rows records one range: the ids its own inserts used up are its own', async () => {
    const { db, file, crm } = await setup(engine, 10);
    const line = (id: string, summary: string) => `${id},C1,call,2026-01-02T10:00:00Z,${summary}`;
    const header = 'interaction_id,customer_id,kind,occurred_at,summary';
    expect((await crm(['import', 'interactions', file('a.csv', [header, ...Array.from({ length: 300 }, (_, index) => line(`I${index}`, 'first'))])])).code).toBe(0);
    // Known, new and changed rows in turn: on PostgreSQL every known row's insert uses up an id between the new ones.
    const mixed = Array.from({ length: 300 }, (_, index) => (index % 3 === 0 ? line(`J${index}`, 'new') : line(`I${index}`, index % 3 === 1 ? 'first' : 'changed')));
    const second = await crm(['import', 'interactions', file('b.csv', [header, ...mixed]), '--format', 'json']);
    expect(second.code, second.stderr).toBe(0);
    const runId = (JSON.parse(second.stdout) as { run_id: number }).run_id;
    expect(JSON.parse(second.stdout)).toMatchObject({ new: 100, changed: 100, unchanged: 100 });
    expect(await query(db, 'SELECT count(*) AS ranges FROM import_created WHERE run_id = ?', [runId])).toEqual([{ ranges: 1 }]);
    const undo = await crm(['import', 'undo', String(runId), '--yes', '--format', 'json']);
    expect(JSON.parse(undo.stdout)).toMatchObject({ removed: { interactions: 100 }, restored: { interactions: 100 } });
    expect(await query(db, 'SELECT summary, count(*) AS n FROM interactions GROUP BY summary')).toEqual([{ summary: 'first', n: 300 }]);
  });
});
