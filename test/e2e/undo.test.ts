// crm import undo: created rows go, changed rows get their earlier values, and later changes block it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';
import { connect, engines, newDatabase, query, scalar, type Engine } from '../helpers/engines.js';

/** One statement that changes a test database (an edit made outside crm). */
async function change(db: string, text: string): Promise<void> {
  const sql = await connect(db);
  try {
    await sql.run(text);
  } finally {
    await sql.close();
  }
}

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 9));

async function setup(engine: Engine) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const crm = (argv: string[], now = day(23)) => runCrm(['--db', db, ...argv], { now });
  return { dir, db, file, crm };
}

/** The tables an undo must put back exactly, with every column (updated_at too). */
async function data(db: string) {
  return {
    customers: await query(db, 'SELECT * FROM customers ORDER BY id'),
    orders: await query(db, 'SELECT * FROM orders ORDER BY id'),
  };
}

const customersV1 = 'customer_id,name,email,city\nC1,Anna,anna@example.com,Berlin\nC2,Bo,,Paris\nC3,Chen,chen@example.cn,上海\n';
const customersV2 = 'customer_id,name,city\nC1,Anna Schmidt,Berlin\nC2,Bo,Lyon\nC4,Dana,Rome\n';
const orders = 'customer_id,name,order_date,amount\nC1,,2026-11-01,10.00\nC9,Nine,2026-11-02,99.50\nC9,Nine,2026-11-02,99.50\n';

describe.each(engines)('crm import undo on %s', (engine) => {
  it('takes runs back newest first: created rows removed, changed rows exactly as before', async () => {
    const { db, file, crm } = await setup(engine);
    await crm(['init']);
    expect((await crm(['import', 'customers', file('v1.csv', customersV1)], day(20))).code).toBe(0);
    const afterRun1 = await data(db);
    expect((await crm(['import', 'customers', file('v2.csv', customersV2)], day(21))).code).toBe(0);
    const afterRun2 = await data(db);
    const run3 = await crm(['import', 'orders', file('orders.csv', orders), '--create-customers'], day(22));
    expect(run3.stdout).toContain('3 new');

    const undo3 = await crm(['import', 'undo', '3', '--yes', '--format', 'json']);
    expect(undo3.code).toBe(0);
    expect(JSON.parse(undo3.stdout)).toMatchObject({ run_id: 3, removed: { orders: 3, customers: 1 }, restored: {} });
    expect(await data(db)).toEqual(afterRun2);

    const undo2 = await crm(['import', 'undo', '2', '--yes']);
    expect(undo2.code).toBe(0);
    expect(undo2.stdout).toBe(`undid import run 2 (customers from ${file('v2.csv', customersV2)}): removed 1 customers; restored 2 customers\n`);
    expect(await data(db)).toEqual(afterRun1);

    const log = JSON.parse((await crm(['import', 'log', '--format', 'json'])).stdout) as { run_id: number; undone_at: string | null }[];
    expect(log.map((run) => [run.run_id, run.undone_at])).toEqual([[3, '2026-11-23T09:00:00Z'], [2, '2026-11-23T09:00:00Z'], [1, null]]);
    expect(await scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'import-undo'")).toBe(2);
    // Re-importing the undone file works as the first time did.
    expect((await crm(['import', 'customers', file('v2.csv', customersV2)])).stdout).toContain('1 new, 2 changed');
  });

  it('refuses, naming the rows, when a later run changed them (even in the same second), and changes nothing', async () => {
    const { db, file, crm } = await setup(engine);
    await crm(['init']);
    await crm(['import', 'customers', file('v1.csv', customersV1)]);
    await crm(['import', 'customers', file('v2.csv', customersV2)]);
    const before = await data(db);
    const refused = await crm(['import', 'undo', '1', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot undo import run 1: 2 of its rows were changed since: customer C1 (changed by run 2), customer C2 (changed by run 2); nothing was changed');
    expect(refused.stderr).toContain('undo the later runs first');
    expect(await data(db)).toEqual(before);
  });

  it('refuses when a row was edited after the run, and when rows added since depend on rows it created', async () => {
    const { db, file, crm } = await setup(engine);
    await crm(['init']);
    await crm(['import', 'customers', file('v1.csv', customersV1)], day(20));
    await crm(['import', 'orders', file('o.csv', 'order_id,customer_id,order_date,amount\nA1,C3,2026-11-21,5\n')], day(21));
    const dependants = await crm(['import', 'undo', '1', '--yes']);
    expect(dependants.code).toBe(1);
    expect(dependants.stderr).toContain('rows added since depend on rows it created: order A1 of customer C3 (added since)');
    expect((await crm(['import', 'undo', '2', '--yes'])).code).toBe(0);

    await change(db, "UPDATE customers SET city = 'Hamburg', updated_at = '2026-11-22T10:00:00Z' WHERE external_id = 'C1'");
    const edited = await crm(['import', 'undo', '1', '--yes']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('customer C1 (edited at 2026-11-22T10:00:00Z)');
    expect(await scalar(db, 'SELECT count(*) FROM customers')).toBe(3);
  });

  it('sees an edit made in the same second as the run (the run stamps its rows to the millisecond)', async () => {
    const { db, file, crm } = await setup(engine);
    await crm(['init']);
    await crm(['import', 'customers', file('v1.csv', customersV1)], day(20));
    const edit = await crm(['customer', 'edit', 'C2', '--city', 'Lyon'], day(20));
    expect(edit.code, edit.stderr).toBe(0);
    const before = await data(db);
    const refused = await crm(['import', 'undo', '1', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('customer C2 (edited at 2026-11-20T09:00:00Z)');
    expect(await data(db)).toEqual(before);
  });

  it('undoes runs recorded before schema version 4 (no written_at) by comparing times', async () => {
    const { db, file, crm } = await setup(engine);
    await crm(['init']);
    await crm(['import', 'customers', file('v1.csv', customersV1)], day(20));
    await crm(['import', 'customers', file('v2.csv', customersV2)], day(21));
    await change(db, 'UPDATE import_runs SET written_at = NULL');
    await change(db, "UPDATE customers SET updated_at = '2026-11-22T08:00:00Z' WHERE external_id = 'C4'");
    const refused = await crm(['import', 'undo', '2', '--yes']);
    expect(refused.stderr).toContain('customer C4 (edited at 2026-11-22T08:00:00Z)');
    await change(db, "UPDATE customers SET updated_at = '2026-11-21T09:00:00Z' WHERE external_id = 'C4'");
    expect((await crm(['import', 'undo', '2', '--yes'])).code).toBe(0);
    expect(await query(db, 'SELECT external_id, name, city FROM customers ORDER BY id')).toEqual([
      { external_id: 'C1', name: 'Anna', city: 'Berlin' },
      { external_id: 'C2', name: 'Bo', city: 'Paris' },
      { external_id: 'C3', name: 'Chen', city: '上海' },
    ]);
  });

  it('says what is wrong with the run number, and asks for --yes in scripts', async () => {
    const { file, crm } = await setup(engine);
    await crm(['init']);
    await crm(['import', 'customers', file('v1.csv', customersV1)]);
    const noYes = await crm(['import', 'undo', '1']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/Undo import run 1 \(customers from .*v1.csv: 3 new, 0 changed\): refusing without --yes/);
    expect((await crm(['import', 'undo', '7', '--yes'])).stderr).toContain('no import run 7');
    expect((await crm(['import', 'undo', 'x', '--yes'])).code).toBe(2);
    expect((await crm(['import', 'undo', '1', '--yes'])).code).toBe(0);
    const twice = await crm(['import', 'undo', '1', '--yes']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('import run 1 was already undone at 2026-11-23T09:00:00Z');
  });
});

// On a server other sessions write while an import runs: the rows the run records as its own (import_created) must be
// its own, or undo would delete another session's rows. An import takes no table lock (db/import-postgres.ts): a session
// adding customers meanwhile goes on, its rows may take ids between the run's, and the run records only the ranges of
// ids that are all its own (test/e2e/import-concurrent.test.ts times those writes).
describe.skipIf(!engines.includes('postgres'))('crm import undo on postgres, with other sessions writing', () => {
  it('two imports and a session adding customers at the same time: undo takes back exactly each run\'s rows', async () => {
    const { db, file } = await setup('postgres');
    const crmNow = (argv: string[]) => runCrm(['--db', db, ...argv]);
    expect((await crmNow(['init'])).code).toBe(0);
    const rows = (prefix: string, kind: string) =>
      ['customer_id,name' + (kind ? ',kind' : ''), ...Array.from({ length: 4000 }, (_, index) => `${prefix}${index},Name ${index}${kind ? `,${kind}` : ''}`)].join('\n') + '\n';
    // One file through the bulk path (no kind column), one through the row-by-row path (a kind column).
    const a = file('a.csv', rows('A', ''));
    const b = file('b.csv', rows('B', 'customer'));
    const run = (path: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawnCrmAsync(['--db', db, 'import', 'customers', path, '--format', 'json']);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const other = await connect(db);
    let added = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await other.run("INSERT INTO customers (external_id, name, created_at, updated_at) VALUES (?, 'by hand', '2026-11-23T09:00:00Z', '2026-11-23T09:00:00Z')", [`H${added}`]);
        added += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const [first, second] = await Promise.all([run(a), run(b)]);
    stop = true;
    await writer;
    await other.close();
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(added).toBeGreaterThan(0);
    const runA = (JSON.parse(first.stdout) as { run_id: number }).run_id;
    const runB = (JSON.parse(second.stdout) as { run_id: number }).run_id;
    const undoA = await crmNow(['import', 'undo', String(runA), '--yes', '--format', 'json']);
    expect(undoA.code, undoA.stderr).toBe(0);
    expect(JSON.parse(undoA.stdout)).toMatchObject({ removed: { customers: 4000 } });
    const prefixes = async () =>
      Object.fromEntries((await query<{ p: string; n: number }>(db, 'SELECT substr(external_id, 1, 1) AS p, count(*) AS n FROM customers GROUP BY 1 ORDER BY 1')).map((row) => [row.p, row.n]));
    expect(await prefixes()).toEqual({ B: 4000, H: added });
    expect(JSON.parse((await crmNow(['import', 'undo', String(runB), '--yes', '--format', 'json'])).stdout)).toMatchObject({ removed: { customers: 4000 } });
    expect(await prefixes()).toEqual({ H: added });
  });
});
