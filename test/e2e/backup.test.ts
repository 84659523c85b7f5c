// backup, restore, doctor, and what opening does with a newer or older schema.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrations } from '../../src/db/migrations.js';
import { once } from 'node:events';
import { runCrm, samples, spawnCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';
import { count, fullDump, sampleDb, withDb } from '../helpers/db.js';
import { businessDataOf, engines, newDatabase, postgresAdminUrl, query, scalar, tableCounts, type Engine } from '../helpers/engines.js';
import { crmOk, sampleOn } from '../helpers/sample-store.js';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('crm backup', () => {
  it('writes backups/crm-YYYYMMDD-HHMMSS.db (0600), checks it, and --keep prunes older ones', async () => {
    const { dir, db } = await sampleDb(true);
    const first = await runCrm(['--db', db, 'backup', '--format', 'json']);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.file).toBe(path.join(dir, 'backups', 'crm-20261123-090000.db'));
    expect(result.integrity).toBe('ok');
    expect(result.bytes).toBe(fs.statSync(result.file).size);
    expect(mode(result.file)).toBe(0o600);
    expect(fs.existsSync(`${result.file}-wal`)).toBe(false);
    expect(count(result.file, 'orders')).toBe(count(db, 'orders'));
    // Same second: a second name, never an overwrite.
    const second = JSON.parse((await runCrm(['--db', db, 'backup', '--format', 'json'])).stdout);
    expect(second.file).toBe(path.join(dir, 'backups', 'crm-20261123-090000-2.db'));
    const later = await runCrm(['--db', db, 'backup', '--keep', '2', '--format', 'json'], { now: new Date('2026-11-24T02:00:00Z') });
    expect(JSON.parse(later.stdout).pruned).toBe(result.file);
    expect(fs.readdirSync(path.join(dir, 'backups')).sort()).toEqual(['crm-20261123-090000-2.db', 'crm-20261124-020000.db']);
  });

  it('writes to a named file, and refuses to overwrite one', async () => {
    const { dir, db } = await sampleDb();
    const target = path.join(dir, 'copy.db');
    const made = await runCrm(['--db', db, 'backup', target]);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(target);
    expect(made.stdout).toMatch(/Integrity\s*│ ok/);
    const again = await runCrm(['--db', db, 'backup', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });
});

describe('crm backup with several databases in one folder', () => {
  it('names backups after the database, and --keep and doctor only look at that database\'s own', async () => {
    const dir = tempDir();
    const w = path.join(dir, 'w.db');
    const t = path.join(dir, 't.db');
    for (const db of [w, t]) expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    const wBackup = JSON.parse((await runCrm(['--db', w, 'backup', '--format', 'json'], { now: new Date('2026-11-23T09:00:00Z') })).stdout);
    expect(wBackup.file).toBe(path.join(dir, 'backups', 'w-20261123-090000.db'));
    await runCrm(['--db', t, 'backup'], { now: new Date('2026-11-24T09:00:00Z') });
    const tKept = await runCrm(['--db', t, 'backup', '--keep', '1', '--format', 'json'], { now: new Date('2026-11-25T09:00:00Z') });
    expect(tKept.code).toBe(0);
    expect(JSON.parse(tKept.stdout).pruned).toBe(path.join(dir, 'backups', 't-20261124-090000.db'));
    expect(fs.readdirSync(path.join(dir, 'backups')).sort()).toEqual(['t-20261125-090000.db', 'w-20261123-090000.db']);
    const doctor = JSON.parse((await runCrm(['--db', w, 'doctor', '--format', 'json'])).stdout) as { check: string; detail: string }[];
    expect(doctor.find((check) => check.check === 'backups')!.detail).toMatch(/^1 in .*; newest w-20261123-090000\.db/);
  });
});

describe('crm restore', () => {
  it('puts a backup back after backing up the current database; needs --yes in a script', async () => {
    const { dir, db } = await sampleDb();
    const backup = path.join(dir, 'monday.db');
    await runCrm(['--db', db, 'backup', backup]);
    const mondayData = fullDump(db);
    await runCrm(['--db', db, 'import', 'orders', path.join(samples, 'orders.csv')]);
    expect(count(db, 'orders')).toBeGreaterThan(0);

    const refused = await runCrm(['--db', db, 'restore', backup]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing without --yes/);
    expect(count(db, 'orders')).toBeGreaterThan(0);

    const restored = await runCrm(['--db', db, 'restore', backup, '--yes'], { now: new Date('2026-11-24T08:00:00Z') });
    expect(restored.code).toBe(0);
    expect(restored.stderr).toContain('restored');
    expect(fullDump(db)).toEqual(mondayData);
    const aside = path.join(dir, 'backups', 'crm-20261124-080000-before-restore.db');
    expect(count(aside, 'orders')).toBeGreaterThan(0);
    expect(mode(aside)).toBe(0o600);
    expect(mode(db)).toBe(0o600);
  });

  it('refuses a file that is not a crm database, a newer one, or a damaged one (exit 4, nothing changed)', async () => {
    const { dir, db } = await sampleDb();
    const before = fullDump(db);
    const notDb = path.join(dir, 'notes.txt');
    fs.writeFileSync(notDb, 'hello '.repeat(1000));
    const other = path.join(dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)').close();
    const newer = path.join(dir, 'newer.db');
    await runCrm(['--db', db, 'backup', newer]);
    withDb(newer, (handle) => handle.pragma(`user_version = ${latestSchemaVersion + 1}`), false);
    for (const [file, message] of [[notDb, 'not a readable crm database'], [other, 'not a crm database'], [newer, 'newer than this crm']]) {
      const result = await runCrm(['--db', db, 'restore', file!, '--yes']);
      expect(result.code, file).toBe(4);
      expect(result.stderr).toContain(message);
    }
    expect((await runCrm(['--db', db, 'restore', path.join(dir, 'missing.db'), '--yes'])).code).toBe(2);
    expect(fullDump(db)).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  it('replaces a damaged database', async () => {
    const { dir, db } = await sampleDb();
    const backup = path.join(dir, 'good.db');
    await runCrm(['--db', db, 'backup', backup]);
    fs.writeFileSync(db, Buffer.alloc(8192, 0x41));
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${db}${suffix}`, { force: true });
    expect((await runCrm(['--db', db, 'customer', 'list'])).code).toBe(4);
    const restored = await runCrm(['--db', db, 'restore', backup, '--yes']);
    expect(restored.code).toBe(0);
    expect(count(db, 'customers')).toBe(213);
  });
});

describe('crm doctor', () => {
  it('reports a healthy database (exit 0) and warns when others can read it', async () => {
    const { db } = await sampleDb();
    const healthy = await runCrm(['--db', db, 'doctor', '--format', 'json']);
    expect(healthy.code).toBe(0);
    const checks = JSON.parse(healthy.stdout) as { check: string; status: string; detail: string }[];
    const status = Object.fromEntries(checks.map((check) => [check.check, check.status]));
    expect(status).toMatchObject({ integrity: 'ok', 'foreign keys': 'ok', 'orphaned rows': 'ok', 'schema version': 'ok', permissions: 'ok', backups: 'warn' });
    expect(checks.find((check) => check.check === 'rows')!.detail).toContain('customers 213');
    fs.chmodSync(db, 0o644);
    const open = await runCrm(['--db', db, 'doctor', '--format', 'json']);
    expect(open.code).toBe(0);
    expect(JSON.parse(open.stdout).find((check: { check: string }) => check.check === 'permissions')).toMatchObject({ status: 'warn', hint: `chmod 600 ${db}` });
  });

  it('exits 4 with what to do for orphaned rows, a damaged file and a missing one', async () => {
    const { dir, db } = await sampleDb(true);
    withDb(db, (handle) => {
      handle.pragma('foreign_keys = OFF');
      handle.prepare("DELETE FROM customers WHERE external_id = 'C0001'").run();
    }, false);
    const orphans = spawnCrm(['--db', db, 'doctor']);
    expect(orphans.code).toBe(4);
    expect(orphans.stdout).toMatch(/orphaned rows\s*│ fail/);
    expect(orphans.stderr).toMatch(/orders without their customer/);
    expect(orphans.stderr).toMatch(/fix: crm restore a good backup/);

    const damaged = path.join(dir, 'damaged.db');
    fs.writeFileSync(damaged, Buffer.alloc(8192, 0x41));
    const bad = await runCrm(['--db', damaged, 'doctor']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('not a database');
    const missing = await runCrm(['--db', path.join(dir, 'none.db'), 'doctor']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('crm init');
  });
});

describe('schema versions', () => {
  it('refuses a database from a newer crm with exit 4 and leaves the file byte for byte unchanged', async () => {
    const { db } = await sampleDb();
    withDb(db, (handle) => {
      handle.pragma('journal_mode = DELETE');
      handle.pragma(`user_version = ${latestSchemaVersion + 1}`);
    }, false);
    const bytes = fs.readFileSync(db);
    for (const argv of [['customer', 'list'], ['import', 'customers', path.join(samples, 'customers.csv')], ['backup']]) {
      const result = spawnCrm(['--db', db, ...argv]);
      expect(result.code, argv.join(' ')).toBe(4);
      expect(result.stderr).toContain(`schema version ${latestSchemaVersion + 1} is newer than this crm`);
    }
    expect(fs.readFileSync(db).equals(bytes)).toBe(true);
    expect(fs.existsSync(`${db}-wal`)).toBe(false);
  });

  it('migrates an older database after an automatic backup of it', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'old.db');
    fs.closeSync(fs.openSync(db, 'wx', 0o600));
    withDb(db, (handle) => {
      handle.exec(migrations.find((migration) => migration.version === 1)!.sql);
      handle.pragma('user_version = 1');
      handle.prepare("INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('K1', 'Old Friend', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')").run();
    }, false);
    const result = await runCrm(['--db', db, 'customer', 'list', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ customer_id: 'K1', name: 'Old Friend' }]);
    const backup = path.join(dir, 'backups', `old-20261123-090000-before-v${latestSchemaVersion}.db`);
    expect(result.stderr).toContain(`upgraded the database schema from version 1 to ${latestSchemaVersion}`);
    expect(result.stderr).toContain(backup);
    expect(withDb(backup, (handle) => handle.pragma('user_version', { simple: true }))).toBe(1);
    expect(count(backup, 'customers')).toBe(1);
    expect(mode(backup)).toBe(0o600);
    expect(withDb(db, (handle) => handle.pragma('user_version', { simple: true }))).toBe(latestSchemaVersion);
    // Opening again: nothing left to migrate, no second backup.
    await runCrm(['--db', db, 'customer', 'list']);
    expect(fs.readdirSync(path.join(dir, 'backups'))).toHaveLength(1);
  });

  it('refuses an SQLite file that is not a crm database instead of adding tables to it', async () => {
    const dir = tempDir();
    const other = path.join(dir, 'other.db');
    const handle = new Database(other);
    handle.exec('CREATE TABLE notes (x)');
    handle.close();
    const result = await runCrm(['--db', other, 'customer', 'list']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('not a crm database');
    expect(withDb(other, (h) => h.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get())).toBe(1);
  });
});

describe('crm restore while an import runs', () => {
  it('waits for the import to commit, keeps its rows in the before-restore copy, then restores', async () => {
    const { dir, db } = await sampleDb();
    const backup = path.join(dir, 'good.db');
    await runCrm(['--db', db, 'backup', backup]);
    const wanted = fullDump(backup);
    const rows = Array.from({ length: 2000 }, (_, index) => `W${index},Waiting Person ${index}`).join('\n');
    const importer = spawnCrmAsync(['--db', db, 'import', 'customers', '-'], { cwd: dir });
    const imported = once(importer, 'close');
    importer.stdout!.resume();
    importer.stdin!.write(`customer_id,name\n${rows.slice(0, rows.length / 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const restorer = spawnCrmAsync(['--db', db, 'restore', backup, '--yes'], { cwd: dir });
    let stderr = '';
    restorer.stderr!.on('data', (chunk) => (stderr += chunk));
    const restored = once(restorer, 'close');
    await new Promise((resolve) => setTimeout(resolve, 700));
    importer.stdin!.end(`${rows.slice(rows.length / 2)}\n`);
    expect((await imported)[0]).toBe(0);
    expect((await restored)[0], stderr).toBe(0);
    const aside = /kept in (\S+)/.exec(stderr)![1]!;
    expect(count(aside, 'customers')).toBe(2213);
    expect(fullDump(db)).toEqual(wanted);
  });
});

describe.each(engines)('crm backup and restore on %s', (engine: Engine) => {
  it('backs up to the same kind of SQLite file (0600, integrity ok) and restores it into an empty database with the same data', async () => {
    const cwd = tempDir();
    const db = await sampleOn(engine);
    const made = await crmOk(db, ['backup', '--format', 'json'], { cwd });
    const result = JSON.parse(made.stdout) as { file: string; bytes: number; integrity: string };
    const name = engine === 'sqlite' ? 'source' : new URL(db).pathname.slice(1);
    const folder = engine === 'sqlite' ? path.join(path.dirname(db), 'backups') : path.join(cwd, 'backups');
    expect(result).toMatchObject({ file: path.join(folder, `${name}-20261123-090000.db`), integrity: 'ok' });
    expect(result.bytes).toBe(fs.statSync(result.file).size);
    expect(mode(result.file)).toBe(0o600);
    expect(fs.readdirSync(folder)).toEqual([path.basename(result.file)]);
    withDb(result.file, (backup) => expect(backup.pragma('integrity_check', { simple: true })).toBe('ok'));
    expect(await businessDataOf(result.file)).toEqual(await businessDataOf(db));
    expect(await tableCounts(result.file)).toMatchObject(await tableCounts(db));
    // --keep counts this database's backups in that folder.
    const later = await crmOk(db, ['backup', '--keep', '1', '--format', 'json'], { cwd });
    expect(JSON.parse(later.stdout).pruned).toBe(result.file);

    const restored = await newDatabase(engine);
    const asked = await runCrm(['--db', restored, 'restore', JSON.parse(later.stdout).file]);
    expect(asked.code).toBe(2);
    await crmOk(restored, ['restore', JSON.parse(later.stdout).file, '--yes']);
    expect(await businessDataOf(restored)).toEqual(await businessDataOf(db));
    const exports = async (target: string) => (await crmOk(target, ['export', 'orders', '--format', 'json'])).stdout;
    expect(await exports(restored)).toBe(await exports(db));
  });

  it.runIf(engine === 'postgres')('restores only into an empty server database (exit 1, nothing written otherwise)', async () => {
    const cwd = tempDir();
    const db = await sampleOn('postgres');
    const backup = JSON.parse((await crmOk(db, ['backup', '--format', 'json'], { cwd })).stdout).file as string;
    const before = await tableCounts(db);
    const refused = await runCrm(['--db', db, 'restore', backup, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds data .*; crm restore fills only an empty server database .*nothing was written\n$/);
    expect(await tableCounts(db)).toEqual(before);
  });
});

describe.runIf(engines.includes('postgres'))('crm restore of an older backup into a server', () => {
  it('upgrades a copy of it to the current schema on the way and leaves the file as it was', async () => {
    const file = path.join(tempDir(), 'old.db');
    const old = new Database(file);
    for (const migration of migrations.filter((step) => step.version <= 12)) {
      old.exec(migration.sql);
      old.pragma(`user_version = ${migration.version}`);
    }
    old.prepare("INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('OLD1', 'Old One', '2020-01-01', '2020-01-01')").run();
    old.close();
    const before = fs.readFileSync(file);
    const server = await newDatabase('postgres');
    const restored = await crmOk(server, ['restore', file, '--yes']);
    expect(restored.stderr).toMatch(/^restored postgresql:\/\/.*: 1 customers, 0 orders \(1 rows in \d+ tables\), integrity ok\n$/);
    expect(await scalar(server, 'SELECT max(version) FROM crm_schema')).toBe(latestSchemaVersion);
    expect(await query(server, 'SELECT external_id, name FROM customers')).toEqual([{ external_id: 'OLD1', name: 'Old One' }]);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});

describe.each(engines)('crm doctor on %s', (engine: Engine) => {
  it('reports the schema version and row counts of a healthy database (exit 0), the same counts on both engines', async () => {
    const cwd = tempDir();
    const db = await sampleOn(engine);
    const doctor = await runCrm(['--db', db, 'doctor', '--format', 'json'], { cwd });
    expect(doctor.code, doctor.stderr).toBe(0);
    const checks = JSON.parse(doctor.stdout) as { check: string; status: string; detail: string }[];
    expect(checks.find((check) => check.check === 'schema version')).toMatchObject({ status: 'ok', detail: String(latestSchemaVersion) });
    expect(checks.find((check) => check.check === 'rows')!.detail).toBe(
      'customers 212, orders 2078, interactions 582, complaints 1, payments 1961, surveys 111, import_runs 7, audit_log 2',
    );
    if (engine === 'postgres') {
      expect(checks.map((check) => check.check)).toEqual(['server', 'schema version', 'foreign keys', 'id counters', 'rows', 'backups']);
      expect(checks[0]!.detail).toMatch(/^PostgreSQL \d+\.\d+.*, postgresql:\/\/crm_test@[^,]*, [\d.]+ MB$/);
      expect(doctor.stdout).not.toContain(new URL(postgresAdminUrl).password);
    }
  });

  it.runIf(engine === 'postgres')('on a server: exit 4 for an id counter behind its rows and for a database without crm, changing nothing', async () => {
    const db = await sampleOn('postgres');
    await scalar(db, "SELECT setval(pg_get_serial_sequence('orders', 'id'), 3)");
    const behind = await runCrm(['--db', db, 'doctor'], { cwd: tempDir() });
    expect(behind.code).toBe(4);
    expect(behind.stderr).toMatch(/^crm: postgresql:\/\/.*: id counters: behind the rows: orders \(next id 4, largest \d+\)\n  fix: /);
    const empty = await newDatabase('postgres');
    const none = await runCrm(['--db', empty, 'doctor', '--format', 'json'], { cwd: tempDir() });
    expect(none.code).toBe(4);
    expect(JSON.parse(none.stdout)[1]).toMatchObject({ check: 'schema version', status: 'fail' });
    expect(await scalar(empty, "SELECT to_regclass('crm_schema')::text")).toBeNull();
  });
});
