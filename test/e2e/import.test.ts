// End-to-end: the built crm binary imports the samples into a temporary database.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrm, tempDir } from '../helpers/cli.js';
import { businessDataOf, engines, newDatabase, query, scalar, type Engine } from '../helpers/engines.js';

function freshDb(): { dir: string; db: string; env: Record<string, string> } {
  const dir = tempDir();
  const db = path.join(dir, 'crm.db');
  return { dir, db, env: { CRM_DB: db } };
}

/** A new database on ENGINE (crm init not run yet), with a folder for input files beside it. */
async function freshStore(engine: Engine): Promise<{ dir: string; db: string; env: Record<string, string> }> {
  const dir = tempDir();
  const db = await newDatabase(engine);
  return { dir, db, env: { CRM_DB: db } };
}

async function counts(db: string): Promise<Record<string, number>> {
  const one = async (text: string) => (await scalar<number>(db, text))!;
  return {
    customers: await one('SELECT count(*) FROM customers'),
    orders: await one('SELECT count(*) FROM orders'),
    revenue: await one('SELECT coalesce(sum(amount_cents), 0) FROM orders'),
    runs: await one('SELECT count(*) FROM import_runs'),
  };
}

// About the SQLite file itself (its mode, its bytes): SQLite only.
describe('crm init', () => {
  it('creates the database readable by its owner only, and leaves an existing one alone', () => {
    const { db, env } = freshDb();
    const first = spawnCrm(['init'], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('created');
    expect(fs.statSync(db).mode & 0o777).toBe(0o600);
    const before = fs.readFileSync(db);
    const second = spawnCrm(['init'], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('already exists');
    expect(fs.readFileSync(db).equals(before)).toBe(true);
  });

  it('tells how to create a missing database (exit 4)', () => {
    const { env } = freshDb();
    const result = spawnCrm(['customer', 'list'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/no database at .*crm init/);
    expect(result.stdout).toBe('');
  });
});

describe.each(engines)('crm import on %s', (engine) => {
  it('imports customers and orders, and a re-import changes nothing', async () => {
    const { db, env } = await freshStore(engine);
    expect(spawnCrm(['init'], { env }).code).toBe(0);
    const customers = spawnCrm(['import', 'customers', path.join(samples, 'customers.csv')], { env });
    expect(customers.code).toBe(0);
    expect(customers.stdout).toContain('213 rows read: 213 new, 0 changed, 0 unchanged, 0 rejected');
    const orders = spawnCrm(['import', 'orders', path.join(samples, 'orders.csv'), '--format', 'json'], { env });
    expect(orders.code).toBe(0);
    const summary = JSON.parse(orders.stdout);
    expect(summary).toMatchObject({ kind: 'orders', new: summary.rows_read, changed: 0, unchanged: 0, rejected: 0 });
    const before = await counts(db);
    const again = spawnCrm(['import', 'orders', path.join(samples, 'orders.csv'), '--format', 'json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ new: 0, changed: 0, unchanged: summary.rows_read, same_content_as_run: 2 });
    expect(await counts(db)).toEqual({ ...before, runs: before.runs + 1 });
  });

  it('reads the GBK file with Chinese headers as the same customers', async () => {
    const { db, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const gbk = spawnCrm(['import', 'customers', path.join(samples, 'customers-gbk.csv')], { env });
    expect(gbk.code).toBe(0);
    expect(gbk.stdout).toContain('encoding gb18030');
    expect(gbk.stdout).toContain('213 new');
    const utf8 = spawnCrm(['import', 'customers', path.join(samples, 'customers.csv')], { env });
    expect(utf8.stdout).toContain('0 new, 0 changed, 213 unchanged');
    const [row] = await query(db, "SELECT name, city, owner, created_at FROM customers WHERE external_id = 'C0001'");
    expect(row).toEqual({ name: '高建国', city: '广州', owner: '张强', created_at: '2025-07-18T00:00:00Z' });
  });

  it('--on-error abort writes nothing, lists the problems and exits 3', async () => {
    const { db, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    spawnCrm(['import', 'customers', path.join(samples, 'customers.csv')], { env });
    const before = await counts(db);
    const bad = spawnCrm(['import', 'orders', path.join(samples, 'bad-orders.csv')], { env });
    expect(bad.code).toBe(3);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('5 rows rejected; nothing was written');
    expect(bad.stderr).toContain('bad-orders.csv:2: order_date "2026-02-30": not a valid date');
    expect(bad.stderr).toContain('bad-orders.csv:3: amount "sixty-eight": not an amount');
    expect(bad.stderr).toContain('bad-orders.csv:4: customer_id "C9999": unknown customer');
    expect(bad.stderr).toContain('bad-orders.csv:5: customer_id: required value is empty');
    expect(bad.stderr).toContain('bad-orders.csv:7: amount "1e400": not an amount');
    expect(await counts(db)).toEqual(before);
  });

  it('counts a single row in the singular', async () => {
    const { dir, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    fs.writeFileSync(path.join(dir, 'one.csv'), 'customer_id,name\nX1,Solo\n');
    const result = spawnCrm(['import', 'customers', path.join(dir, 'one.csv')], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  1 row read: 1 new, 0 changed, 0 unchanged, 0 rejected');
  });

  it('--on-error skip writes the good rows and the bad ones to the rejects file', async () => {
    const { dir, db, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    spawnCrm(['import', 'customers', path.join(samples, 'customers.csv')], { env });
    const rejects = path.join(dir, 'rejects.csv');
    const result = spawnCrm(['import', 'orders', path.join(samples, 'bad-orders.csv'), '--on-error', 'skip', '--rejects', rejects], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('6 rows read: 1 new, 0 changed, 0 unchanged, 5 rejected');
    const lines = fs.readFileSync(rejects, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('order_id,customer_id,order_date,product,quantity,amount,cost,status,line,reason');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe('B001,C0001,2026-02-30,Green tea 250g,1,68.00,37.40,paid,2,"order_date ""2026-02-30"": not a valid date (expected e.g. 2026-11-22, 2026/11/22, 11/22/2026, 22-Nov-2026 or 2026年11月22日)"');
    expect(await scalar(db, "SELECT amount_cents FROM orders WHERE external_id = 'B005'")).toBe(128000);
  });

  it('reads stdin with "-"', async () => {
    const { db, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const csv = 'customer_id;name;email\r\nX1;"Smith; John";john@example.com\r\nX2;王芳;\r\n';
    const result = spawnCrm(['import', 'customers', '-', '--format', 'json'], { env, stdin: csv });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ file: 'stdin', delimiter: ';', new: 2 });
    expect(await query(db, "SELECT external_id, name, email FROM customers WHERE external_id = 'X1'")).toEqual([
      { external_id: 'X1', name: 'Smith; John', email: 'john@example.com' },
    ]);
  });

  it('stops before reading rows when a required column is missing (exit 3)', async () => {
    const { dir, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const file = path.join(dir, 'orders.csv');
    fs.writeFileSync(file, 'order_id,customer_id,amount\n1,C1,10\n');
    const result = spawnCrm(['import', 'orders', file], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/orders\.csv: line 1: missing required column order_date/);
  });

  it('honours --map and lists unknown columns', async () => {
    const { dir, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const file = path.join(dir, 'c.csv');
    fs.writeFileSync(file, 'Kundennummer,Name,Lieblingsfarbe\nK1,Anna,blau\n');
    const result = spawnCrm(['import', 'customers', file, '--map', 'Kundennummer=customer_id', '--format', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ new: 1, unknown_columns: ['Lieblingsfarbe'] });
  });

  it('a GBK file written by hand with Chinese headers and CRLF imports orders', async () => {
    const { dir, db, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const file = path.join(dir, 'orders-gbk.csv');
    const text = '订单编号,客户编号,客户名称,下单日期,产品,数量,金额,成本\r\nD1,K9,张三,2026年3月1日,绿茶,2,"￥1,280.50",600\r\n';
    fs.writeFileSync(file, iconv.encode(text, 'gbk'));
    const result = spawnCrm(['import', 'orders', file, '--create-customers', '--format', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ encoding: 'gb18030', new: 1, customers_created: 1 });
    expect(await query(db, "SELECT c.name, o.order_date, o.amount_cents, o.cost_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id = 'K9'"))
      .toEqual([{ name: '张三', order_date: '2026-03-01', amount_cents: 128050, cost_cents: 60000 }]);
  });

  it('--on-error skip checks the rejects path before reading: a missing folder or the input itself is exit 2, nothing written', async () => {
    const { dir, db, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const file = path.join(dir, 'c.csv');
    fs.writeFileSync(file, 'customer_id,name,email\nR7,A,bad\nR8,B,b8@example.com\n');
    const missing = spawnCrm(['import', 'customers', file, '--on-error', 'skip', '--rejects', path.join(dir, 'nope', 'x.csv')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^crm: --rejects .*: folder .*nope does not exist\n$/);
    const itself = spawnCrm(['import', 'customers', file, '--on-error', 'skip', '--rejects', file], { env });
    expect(itself.code).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toContain('R8,B');
    expect((await counts(db)).customers).toBe(0);
    // A rejected cell that a spreadsheet would run comes out with Excel's text prefix.
    fs.writeFileSync(file, 'customer_id,name,email\nR9,=HYPERLINK("x"),bad\n');
    spawnCrm(['import', 'customers', file, '--on-error', 'skip'], { env });
    expect(fs.readFileSync(path.join(dir, 'c.rejects.csv'), 'utf8')).toContain(`R9,"'=HYPERLINK(""x"")",bad,2,"email ""bad"": not a valid e-mail address"`);
  });

  it('--format json prints the summary on stdout also when the file is rejected (written: false, exit 3)', async () => {
    const { dir, env } = await freshStore(engine);
    spawnCrm(['init'], { env });
    const file = path.join(dir, 'c.csv');
    fs.writeFileSync(file, 'customer_id,name,email\nR7,A,bad\nR8,B,b8@example.com\n');
    const result = spawnCrm(['import', 'customers', file, '--format', 'json'], { env });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ written: false, rows_read: 2, new: 0, rejected: 1, problems: [{ line: 2, field: 'email', value: 'bad' }] });
    expect(result.stderr).toMatch(/1 row rejected; nothing was written/);
  });
});

describe('crm import on both engines', () => {
  // The same commands on a SQLite file and on a PostgreSQL database give the same output, byte for byte, once the
  // timings (and the folder each database's files are in) are set aside, and the same data.
  it.skipIf(engines.length < 2)('the samples: the same summaries, run log, undo and data on SQLite and PostgreSQL', async () => {
    const outputs: Record<string, string[]> = {};
    const data: Record<string, unknown> = {};
    for (const engine of engines) {
      const { dir, db } = await freshStore(engine);
      const said: string[] = [];
      const crm = async (...argv: string[]) => {
        const result = await runCrm(['--db', db, ...argv], { cwd: dir });
        const text = `${argv.join(' ')} → ${result.code}\n${result.stdout}${result.stderr}`
          .replaceAll(dir, 'DIR')
          .replace(/"elapsed_ms": \d+/g, '"elapsed_ms": 0')
          .replace(/"rows_per_second": \d+/g, '"rows_per_second": 0')
          .replace(/\d+\.\d\d s, [\d,]+ rows\/s/g, 'T s, N rows/s');
        said.push(text);
        return result;
      };
      expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
      for (const kind of ['customers', 'orders', 'interactions', 'payments', 'surveys'] as const) {
        await crm('import', kind, path.join(samples, `${kind}.csv`), '--format', 'json');
      }
      await crm('import', 'orders', path.join(samples, 'orders.csv'), '--format', 'json');
      await crm('import', 'customers', path.join(samples, 'customers-gbk.csv'));
      await crm('import', 'orders', path.join(samples, 'bad-orders.csv'), '--format', 'json');
      await crm('import', 'orders', path.join(samples, 'bad-orders.csv'), '--on-error', 'skip', '--rejects', path.join(dir, 'rejects.csv'), '--format', 'json');
      said.push(fs.readFileSync(path.join(dir, 'rejects.csv'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'more.csv'), 'order_id,customer_id,order_date,amount\nX1,C0001,2026-03-01,10\nO00001,C0072,2024-11-07,70\n');
      await crm('import', 'orders', path.join(dir, 'more.csv'), '--dry-run', '--format', 'json');
      await crm('import', 'orders', path.join(dir, 'more.csv'));
      // A plain customers file (the bulk path on PostgreSQL): a changed row, a new one, a repeated id, a bad e-mail.
      const plain = path.join(dir, 'plain.csv');
      fs.writeFileSync(plain, 'customer_id,name,email,city,created_at,status\nC0001,New Name,new@example.com,Paris,2024-01-01,\nZ1,Zed,,Rome,,\nZ1,Zed again,,,,\nZ2,Bad,notanemail,,,\nC0002,,,,,\n');
      await crm('import', 'customers', plain, '--format', 'json');
      await crm('import', 'customers', plain, '--on-error', 'skip', '--format', 'json');
      said.push(fs.readFileSync(path.join(dir, 'plain.rejects.csv'), 'utf8'));
      await crm('import', 'customers', plain, '--on-error', 'skip', '--dry-run');
      await crm('import', 'undo', '10', '--yes', '--format', 'json');
      await crm('import', 'log', '--format', 'json', '--limit', '50');
      await crm('import', 'log');
      await crm('import', 'undo', '3', '--yes', '--format', 'json');
      await crm('import', 'undo', '9', '--yes');
      await crm('import', 'log', '--format', 'json', '--limit', '3');
      expect(said.map((text) => Number(/^[^\n]* → (\d+)\n/.exec(text)?.[1] ?? -1))).toEqual([0, 0, 0, 0, 0, 0, 0, 3, 0, -1, 0, 0, 3, 0, -1, 0, 0, 0, 0, 0, 0, 0]);
      outputs[engine] = said;
      data[engine] = await businessDataOf(db);
    }
    for (const [index, text] of outputs.sqlite!.entries()) expect(outputs.postgres![index]).toBe(text);
    expect(data.postgres).toEqual(data.sqlite);
  });
});
