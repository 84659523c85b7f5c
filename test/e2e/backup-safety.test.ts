// Backups and restores that go wrong half-way: killed, concurrent, aimed at the database's own files, through
// a symbolic link, on a full disk. Nothing that is not a good backup may count as one or push one out.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';
import { count, fullDump, sampleDb, withDb } from '../helpers/db.js';
import { mountProblem, remountReadOnly, tmpfs } from '../helpers/mount.js';

/** Adds `rows` customers with 300 bytes of notes each to a database (about 0.4 MB per 1000 rows). */
function pad(db: string, rows: number): void {
  withDb(
    db,
    (handle) =>
      handle
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
           INSERT INTO customers (external_id, name, notes, created_at, updated_at)
           SELECT 'PAD' || i, 'Padding ' || i, hex(randomblob(150)), '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM n`,
        )
        .run(rows),
    false,
  );
}

const backups = (dir: string): string[] => (fs.existsSync(path.join(dir, 'backups')) ? fs.readdirSync(path.join(dir, 'backups')).sort() : []);
/** A PID no process has (above Linux's pid_max): a temporary file named with it belongs to a killed run. */
const DEAD_PID = 2147483646;

interface DoctorRow {
  check: string;
  status: string;
  detail: string;
  hint: string;
}

describe('a killed backup', () => {
  it('leaves no file that looks like a backup; its temporary copy is removed by the next backup or doctor', async () => {
    const { dir, db } = await sampleDb();
    pad(db, 80_000);
    const child = spawnCrmAsync(['--db', db, 'backup'], { cwd: dir });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    child.stdout!.resume();
    child.stderr!.resume();
    // Kill it as soon as its temporary copy appears: mid-copy or mid-check.
    const folder = path.join(dir, 'backups');
    for (let waited = 0; waited < 20_000 && child.exitCode === null; waited += 2) {
      if (backups(dir).some((name) => name.endsWith('.tmp'))) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    expect(backups(dir).filter((name) => name.endsWith('.db'))).toEqual([]);
    expect(backups(dir).some((name) => name.endsWith('.tmp'))).toBe(true);
    const doctor = await runCrm(['--db', db, 'doctor', '--format', 'json']);
    const checks = JSON.parse(doctor.stdout) as DoctorRow[];
    expect(checks.find((check) => check.check === 'leftovers')?.detail).toMatch(/^removed \d+ temporary files? \(\d+\.\d MB\) of an interrupted backup/);
    expect(checks.find((check) => check.check === 'backups')?.detail).toMatch(/^no good backup in /);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('a killed restore\'s temporary copy beside the database is removed by doctor; a running process\'s stays', async () => {
    const { dir, db } = await sampleDb();
    const dead = [`.crm.db.${DEAD_PID}.tmp`, `.crm.db.${DEAD_PID}.tmp-journal`];
    const running = `.crm.db.${process.pid}.tmp`;
    for (const name of [...dead, running]) fs.writeFileSync(path.join(dir, name), Buffer.alloc(300_000));
    const doctor = await runCrm(['--db', db, 'doctor', '--format', 'json']);
    const checks = JSON.parse(doctor.stdout) as DoctorRow[];
    expect(checks.find((check) => check.check === 'leftovers')?.detail).toBe(`removed 2 temporary files (0.6 MB) of an interrupted backup or restore: ${dead.join(', ')}`);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([running]);
  });

  it('--keep counts only backups that pass the integrity check; doctor names the newest good one and the unusable', async () => {
    const { dir, db } = await sampleDb(true);
    const good = JSON.parse((await runCrm(['--db', db, 'backup', '--format', 'json'], { now: new Date('2026-11-23T02:00:00Z') })).stdout).file as string;
    const folder = path.join(dir, 'backups');
    // What killed runs of older versions left: an empty file under a backup's name, a half-written one, a temporary copy.
    fs.writeFileSync(path.join(folder, 'crm-20261124-020000.db'), '');
    fs.writeFileSync(path.join(folder, 'crm-20261125-020000.db'), fs.readFileSync(good).subarray(0, 8192));
    fs.writeFileSync(path.join(folder, `.crm-20261125-020000.db.${DEAD_PID}.tmp`), Buffer.alloc(100_000));
    fs.writeFileSync(path.join(folder, `.crm-20261125-020000.db.${DEAD_PID}.tmp-journal`), Buffer.alloc(512));
    const kept = await runCrm(['--db', db, 'backup', '--keep', '2', '--format', 'json'], { now: new Date('2026-11-26T02:00:00Z') });
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain('removed 2 temporary files (0.1 MB) that an interrupted backup or restore left');
    expect(JSON.parse(kept.stdout).pruned).toBe('');
    // The only older good backup survives: the empty and the truncated file were not counted.
    expect(backups(dir)).toEqual(['crm-20261123-020000.db', 'crm-20261124-020000.db', 'crm-20261125-020000.db', 'crm-20261126-020000.db']);
    const checks = JSON.parse((await runCrm(['--db', db, 'doctor', '--format', 'json'], { now: new Date('2026-11-26T03:00:00Z') })).stdout) as DoctorRow[];
    const line = checks.find((check) => check.check === 'backups')!;
    expect(line.status).toBe('warn');
    expect(line.detail).toMatch(/^2 in .*; newest crm-20261126-020000\.db; 2 unusable: /);
    expect(line.detail).toContain('crm-20261124-020000.db (empty (a backup that did not finish))');
    expect(line.hint).toContain(`rm ${path.join(folder, 'crm-20261124-020000.db')}`);
    // Once two newer good backups exist, everything older goes: the oldest good one and the unusable files.
    const third = await runCrm(['--db', db, 'backup', '--keep', '2', '--format', 'json'], { now: new Date('2026-11-27T02:00:00Z') });
    expect(JSON.parse(third.stdout).pruned.split(', ').map((file: string) => path.basename(file))).toEqual([
      'crm-20261125-020000.db',
      'crm-20261124-020000.db',
      'crm-20261123-020000.db',
    ]);
    expect(backups(dir)).toEqual(['crm-20261126-020000.db', 'crm-20261127-020000.db']);
  });
});

describe('backup targets', () => {
  it('two backups to the same file at once: one writes it, the other refuses (exit 2); the file is whole', async () => {
    const { dir, db } = await sampleDb();
    pad(db, 60_000);
    const target = path.join(dir, 'same.db');
    const runs = [0, 1].map(() => {
      const child = spawnCrmAsync(['--db', db, 'backup', target], { cwd: dir });
      let stderr = '';
      child.stdout!.resume();
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      return (once(child, 'exit') as Promise<[number | null, string | null]>).then(([code]) => ({ code, stderr }));
    });
    const results = await Promise.all(runs);
    expect(results.map((result) => result.code).sort()).toEqual([0, 2]);
    expect(results.find((result) => result.code === 2)!.stderr).toContain(`${target} already exists; choose another file name`);
    expect(count(target, 'customers')).toBe(count(db, 'customers'));
    expect(withDb(target, (handle) => handle.pragma('integrity_check', { simple: true }))).toBe('ok');
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses the database itself, its -wal, -shm and -journal, and an existing backup (exit 2, nothing written)', async () => {
    const { dir, db } = await sampleDb();
    const existing = JSON.parse((await runCrm(['--db', db, 'backup', '--format', 'json'])).stdout).file as string;
    const before = fs.readFileSync(existing);
    const sizes = (): (number | null)[] => ['', '-wal', '-shm', '-journal'].map((suffix) => (fs.existsSync(`${db}${suffix}`) ? fs.statSync(`${db}${suffix}`).size : null));
    const sizesBefore = sizes();
    for (const [name, what] of [
      ['crm.db', 'the database'],
      ['crm.db-wal', "the database's write-ahead log"],
      ['crm.db-shm', "the database's shared-memory file"],
      ['crm.db-journal', "the database's rollback journal"],
    ] as const) {
      const refused = await runCrm(['--db', db, 'backup', name], { cwd: dir });
      expect(refused.code, name).toBe(2);
      expect(refused.stderr).toBe(`crm: ${name}: would overwrite ${what} ${db}${name.slice('crm.db'.length)}; name a new file for the backup\n`);
    }
    expect(sizes()).toEqual(sizesBefore);
    const again = await runCrm(['--db', db, 'backup', existing]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`crm: ${existing} already exists; choose another file name\n`);
    expect(fs.readFileSync(existing).equals(before)).toBe(true);
  });

  it('refuses the journal through a symbolically linked folder while the journal does not exist (exit 2, nothing written)', async () => {
    const { dir, db } = await sampleDb();
    const elsewhere = tempDir();
    fs.symlinkSync(dir, path.join(elsewhere, 'linked'));
    expect(fs.existsSync(`${db}-journal`)).toBe(false);
    const refused = await runCrm(['--db', db, 'backup', 'linked/crm.db-journal'], { cwd: elsewhere });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain("would overwrite the database's rollback journal");
    expect(fs.existsSync(`${db}-journal`)).toBe(false);
  });

  it('still writes into the backups folder when told to', async () => {
    const { dir, db } = await sampleDb();
    expect((await runCrm(['--db', db, 'backup'], { cwd: dir })).code).toBe(0);
    const written = await runCrm(['--db', db, 'backup', 'backups/by-hand.db'], { cwd: dir });
    expect(written.code, written.stderr).toBe(0);
    expect(count(path.join(dir, 'backups', 'by-hand.db'), 'customers')).toBe(count(db, 'customers'));
  });
});

describe('restore through a symbolic link', () => {
  for (const damaged of [false, true]) {
    it(`writes the file the link points at and the link stays a link (${damaged ? 'damaged' : 'healthy'} current database)`, async () => {
      const { dir, db } = await sampleDb();
      const backup = path.join(dir, 'monday.db');
      expect((await runCrm(['--db', db, 'backup', backup])).code).toBe(0);
      const real = path.join(dir, 'real.db');
      fs.renameSync(db, real);
      if (damaged) fs.writeFileSync(real, Buffer.alloc(5000, 7));
      else await runCrm(['--db', real, 'customer', 'add', '--name', 'Later Person', '--id', 'LATER']);
      const link = path.join(dir, 'link.db');
      fs.symlinkSync('real.db', link);
      const restored = await runCrm(['--db', link, 'restore', backup, '--yes']);
      expect(restored.code, restored.stderr).toBe(0);
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.readlinkSync(link)).toBe('real.db');
      expect(fullDump(real)).toEqual(fullDump(backup));
      expect(withDb(real, (handle) => handle.pragma('integrity_check', { simple: true }))).toBe('ok');
      expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });
  }
});

const noMount = mountProblem();

describe('restore on a full disk', () => {
  it.skipIf(noMount !== null)(`fails with one line and leaves the database, and no temporary copy or journal${noMount ? ` (skipped: ${noMount})` : ''}`, async () => {
    const disk = tmpfs('1m');
    const db = path.join(disk, 'crm.db');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    const before = fullDump(db);
    const listing = fs.readdirSync(disk).sort();
    const { dir, db: bigger } = await sampleDb(true);
    pad(bigger, 5000);
    const source = path.join(dir, 'big-backup.db');
    expect((await runCrm(['--db', bigger, 'backup', source])).code).toBe(0);
    const restored = await runCrm(['--db', db, 'restore', source, '--yes']);
    expect(restored.code).toBe(4);
    expect(restored.stderr).toMatch(/^crm: restoring .*crm\.db from .*big-backup\.db failed \(.*full.*\); the database was not changed\n$/);
    expect(fs.readdirSync(disk).sort()).toEqual(listing);
    expect(fullDump(db)).toEqual(before);
  });
});

describe('backup into a folder crm cannot write', () => {
  it.skipIf(noMount !== null)(`says so in one line, exit 1, and writes nothing${noMount ? ` (skipped: ${noMount})` : ''}`, async () => {
    const { db } = await sampleDb(true);
    const readOnly = tmpfs('1m');
    remountReadOnly(readOnly);
    const result = await runCrm(['--db', db, 'backup', path.join(readOnly, 'copy.db')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`crm: ${path.join(readOnly, 'copy.db')}: cannot write the backup there: the file system is read-only (EROFS); nothing was written\n`);
    expect(fs.readdirSync(readOnly)).toEqual([]);
  });
});
