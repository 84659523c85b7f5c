// crm db copy: the whole CRM between a SQLite file and PostgreSQL in any direction, ids kept, one transaction on the
// target (all or nothing), a target holding data refused, never over the database's own files, never a password shown.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmTables } from '../../src/db/copy.js';
import { runCrm, tempDir } from '../helpers/cli.js';
import { businessDataOf, connect, engines, newDatabase, postgresAdminUrl, postgresAvailable, query, scalar, tableCounts, type Engine } from '../helpers/engines.js';
import { crmOk, sampleFile } from '../helpers/sample-store.js';

let folder: string;
let master: string;

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-copy-master-'));
  master = await sampleFile(folder);
}, 120_000);

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** A private copy of the sample file, to change or copy from. */
function sourceFile(): string {
  const file = path.join(tempDir(), 'crm.db');
  fs.copyFileSync(master, file);
  return file;
}

/** Every file crm export all writes, CSV and JSON, by name. */
async function exportAll(db: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const format of ['csv', 'json']) {
    const out = path.join(tempDir(), 'export');
    const result = await crmOk(db, ['export', 'all', '--format', format, '--output', out]);
    expect(result.stderr).toContain('wrote 212 customers');
    for (const name of fs.readdirSync(out)) files[name] = fs.readFileSync(path.join(out, name), 'utf8');
  }
  return files;
}

/** Every row of every table of a SQLite file, with its schema version and id counters (sqlite_sequence). */
function fileDump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const dump: Record<string, unknown[]> = { user_version: [db.pragma('user_version', { simple: true })] };
    for (const table of tables) dump[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all();
    return dump;
  } finally {
    db.close();
  }
}

const allZero = (counts: Record<string, number>): boolean => Object.values(counts).every((rows) => rows === 0);

describe('crm db copy', () => {
  it('takes every table of the schema, parents before the tables pointing at them', async () => {
    const sql = await connect(master);
    try {
      const tables = await crmTables(sql);
      const names = tables.map((table) => table.name);
      expect([...names].sort()).toEqual(Object.keys(await tableCounts(master)).filter((name) => name !== 'sqlite_sequence').sort());
      for (const table of tables) for (const parent of table.parents) expect(names.indexOf(parent)).toBeLessThan(names.indexOf(table.name));
      // Every table of the sample holds rows, so every table is really copied below.
      expect(Object.entries(await tableCounts(master)).filter(([, rows]) => rows === 0)).toEqual([]);
    } finally {
      await sql.close();
    }
  });

  it('file → file: the same rows, ids, id counters and crm export all', async () => {
    const source = sourceFile();
    const copy = path.join(tempDir(), 'copy.db');
    const result = await crmOk(source, ['db', 'copy', '--to', copy]);
    expect(result.stdout).toMatch(/^Copied .*crm\.db to .*copy\.db\n/);
    expect(result.stdout).toMatch(/│ orders\s+│\s+2,078 │/);
    expect(fileDump(copy)).toEqual(fileDump(source));
    expect(await exportAll(copy)).toEqual(await exportAll(source));
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
  });

  it.runIf(postgresAvailable)('file → server → server → file: the same crm export all, the same data, the same file down to ids and id counters', async () => {
    const source = sourceFile();
    const server = await newDatabase('postgres');
    const copied = await crmOk(source, ['db', 'copy', '--to', server, '--format', 'json']);
    const counts = await tableCounts(source);
    const reported = JSON.parse(copied.stdout) as { table: string; rows: number }[];
    expect(Object.fromEntries(reported.map((row) => [row.table, row.rows]))).toEqual(Object.fromEntries(Object.entries(counts).filter(([name]) => name !== 'sqlite_sequence')));
    expect(copied.stderr).toMatch(/^copied \d+ rows in 18 tables from .*crm\.db to postgresql:\/\/crm_test@.* \(schema version \d+, \d+ ms\)\n$/);
    const second = await newDatabase('postgres');
    await crmOk(server, ['db', 'copy', '--to', second]);
    const back = path.join(tempDir(), 'back.db');
    await crmOk(second, ['db', 'copy', '--to', back]);

    const expected = await exportAll(source);
    expect(Object.keys(expected)).toHaveLength(12);
    for (const db of [server, second, back]) {
      expect(await exportAll(db)).toEqual(expected);
      expect(await businessDataOf(db)).toEqual(await businessDataOf(source));
    }
    expect(await tableCounts(server)).toEqual(Object.fromEntries(Object.entries(counts).filter(([name]) => name !== 'sqlite_sequence')));
    expect(fileDump(back)).toEqual(fileDump(source));
    // The ids are the file's: an undo record's id range still names the same rows.
    expect(await query(server, 'SELECT id, external_id FROM customers ORDER BY id')).toEqual(await query(source, 'SELECT id, external_id FROM customers ORDER BY id'));
  });

  it.runIf(postgresAvailable)('a new row on the server gets an id past every id the file ever gave, as it would have in the file', async () => {
    const source = sourceFile();
    // The newest customer goes: its id stays used (SQLite never gives it again; undo id ranges rely on that).
    const newest = (await scalar<number>(source, 'SELECT max(id) FROM customers'))!;
    const db = new Database(source);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM customers WHERE id = ?').run(newest);
    db.close();
    const server = await newDatabase('postgres');
    await crmOk(source, ['db', 'copy', '--to', server]);
    const id = await scalar<number>(server, "INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('NEW', 'New', '2026-11-23', '2026-11-23') RETURNING id");
    expect(id).toBe(newest + 1);
    const back = path.join(tempDir(), 'back.db');
    await crmOk(server, ['db', 'copy', '--to', back]);
    expect(await scalar(back, "SELECT seq FROM sqlite_sequence WHERE name = 'customers'")).toBe(newest + 1);
  });
});

describe.each(engines)('crm db copy into %s', (engine: Engine) => {
  it('refuses a target that already holds data: exit 1, nothing written', async () => {
    const target = await newDatabase(engine);
    await crmOk(sourceFile(), ['db', 'copy', '--to', target]);
    const before = await tableCounts(target);
    const other = sourceFile();
    const again = await runCrm(['--db', other, 'db', 'copy', '--to', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds data \(.*customers.*\); db copy writes only into an empty database; nothing was written\n$/);
    expect(again.stdout).toBe('');
    expect(await tableCounts(target)).toEqual(before);
    // A database with one row anywhere (here only the audit log) is not empty either.
    const small = await newDatabase(engine);
    await crmOk(small, ['init']);
    await query(small, "INSERT INTO audit_log (at, action) VALUES ('2026-11-23', 'note') RETURNING id");
    const refused = await runCrm(['--db', other, 'db', 'copy', '--to', small]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds data (audit_log)');
    expect((await tableCounts(small)).customers).toBe(0);
  });

  it('a copy that fails half-way (a row pointing at a missing customer) leaves the target empty; a good copy then fits', async () => {
    const source = sourceFile();
    const db = new Database(source);
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at) VALUES ('ORPHAN', 999999, '2026-01-01', 100, 'x', 'x')").run();
    db.close();
    const target = await newDatabase(engine);
    const failed = await runCrm(['--db', source, 'db', 'copy', '--to', target]);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/nothing was written\n$/);
    expect(failed.stderr.split('\n')).toHaveLength(2);
    const counts = await tableCounts(target);
    expect(counts.customers).toBe(0);
    expect(allZero(counts)).toBe(true);
    await crmOk(sourceFile(), ['db', 'copy', '--to', target]);
    expect(await businessDataOf(target)).toEqual(await businessDataOf(master));
  });

  it.runIf(engine === 'postgres')('a copy killed half-way leaves the server database as it was', async () => {
    const { spawnCrmAsync } = await import('../helpers/cli.js');
    const source = sourceFile();
    // Many rows, so the copy is still writing when it is killed.
    const db = new Database(source);
    const insert = db.prepare("INSERT INTO audit_log (at, action, detail) VALUES ('2026-11-23', 'note', ?)");
    db.transaction(() => {
      for (let i = 0; i < 300_000; i++) insert.run(`padding ${i}`);
    })();
    db.close();
    const target = await newDatabase('postgres');
    await crmOk(target, ['init']);
    const child = spawnCrmAsync(['--db', source, 'db', 'copy', '--to', target]);
    // Kill once the copy has begun writing on the server (its transaction holds rows).
    const started = Date.now();
    for (;;) {
      const writing = await scalar<number>(
        postgresAdminUrl,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crm' AND datname = ? AND state <> 'idle' AND xact_start IS NOT NULL",
        [new URL(target).pathname.slice(1)],
      );
      if (writing! > 0 || Date.now() - started > 20_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (...end) => resolve(end)));
    // Killed, not finished: the copy was still under way.
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    // The server notices the broken connection and rolls its transaction back.
    for (let i = 0; i < 100; i++) {
      const open = await scalar<number>(postgresAdminUrl, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crm' AND datname = ?", [new URL(target).pathname.slice(1)]);
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(allZero(await tableCounts(target))).toBe(true);
  });

  it('never writes over the database, its journal files or a backup; a folder is no target', async () => {
    const source = sourceFile();
    fs.mkdirSync(path.join(path.dirname(source), 'backups'));
    fs.writeFileSync(`${source}-wal`, '');
    for (const to of [source, `${source}-wal`, `${source}-journal`, path.join(path.dirname(source), 'backups', 'crm-20261122-020000.db'), path.dirname(source)]) {
      const result = await runCrm(['--db', source, 'db', 'copy', '--to', to]);
      expect(result.code, to).toBe(2);
      expect(result.stderr).toMatch(/nothing was written|a folder/);
    }
    expect(fs.readdirSync(path.join(path.dirname(source), 'backups'))).toEqual([]);
    // Another kind of URL is refused as such, naming --to, and never becomes a file.
    const ftp = await runCrm(['--db', source, 'db', 'copy', '--to', 'ftp://host/crm'], { cwd: path.dirname(source) });
    expect([ftp.code, ftp.stderr]).toEqual([2, 'crm: --to: "ftp://" is not a database crm can open; give a file path or a postgresql:// URL\n']);
    expect(fs.readdirSync(path.dirname(source)).sort()).toEqual(['backups', 'crm.db', 'crm.db-wal']);
    expect(fs.existsSync(`${source}-journal`)).toBe(false);
  });
});

describe.runIf(postgresAvailable)('crm db copy and passwords', () => {
  it('never shows the password of either URL, also when it refuses', async () => {
    const password = new URL(postgresAdminUrl).password;
    expect(password).not.toBe('');
    const server = await newDatabase('postgres');
    expect(server).toContain(password);
    const source = sourceFile();
    const first = await runCrm(['--db', source, 'db', 'copy', '--to', server]);
    const refused = await runCrm(['--db', source, 'db', 'copy', '--to', server]);
    const back = await runCrm(['--db', server, 'db', 'copy', '--to', path.join(tempDir(), 'b.db')]);
    const same = await runCrm(['--db', server, 'db', 'copy', '--to', server]);
    const missing = await runCrm(['--db', source, 'db', 'copy', '--to', server.replace(/\/[^/]*$/, '/crm_no_such_database')]);
    expect([first.code, refused.code, back.code, same.code, missing.code]).toEqual([0, 1, 0, 2, 4]);
    for (const result of [first, refused, back, same, missing]) expect(result.stdout + result.stderr).not.toContain(password);
  });
});
