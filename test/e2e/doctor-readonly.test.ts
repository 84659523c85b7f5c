// crm doctor on a database in a read-only folder: says what is wrong (not "restore a backup") and how to check anyway.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crmBin, runCrm, samples } from '../helpers/cli.js';
import { mountProblem, remountReadOnly, tmpfs } from '../helpers/mount.js';

interface DoctorRow {
  check: string;
  status: string;
  detail: string;
  hint: string;
}

const noMount = mountProblem();

describe('crm doctor in a read-only folder', () => {
  it.skipIf(noMount !== null)(`names the read-only folder and a command that checks a copy, and the command works${noMount ? ` (skipped: ${noMount})` : ''}`, async () => {
    const folder = tmpfs('20m');
    const db = path.join(folder, 'crm.db');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    expect((await runCrm(['--db', db, 'import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
    expect(fs.existsSync(`${db}-shm`)).toBe(false);
    remountReadOnly(folder);
    const doctor = await runCrm(['--db', db, 'doctor', '--format', 'json']);
    expect(doctor.code).toBe(4);
    const checks = JSON.parse(doctor.stdout) as DoctorRow[];
    expect(checks.map((check) => check.hint).join(' ')).not.toContain('restore');
    const folderCheck = checks.find((check) => check.check === 'folder')!;
    expect(folderCheck.status).toBe('fail');
    expect(folderCheck.detail).toBe(`${folder} is on a read-only file system: crm cannot open crm.db there, because SQLite has to create crm.db-shm beside a database in WAL mode even to read it; the database itself may be fine`);
    expect(doctor.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    // The suggested command really checks the database: run it (with this build's crm).
    const command = folderCheck.hint.replace(/^make the folder writable, or check a copy: /, '').replace(/crm --db/, `node ${crmBin} --db`);
    const copied = spawnSync('sh', ['-c', `${command} --format json; status=$?; rm -rf "$dir"; exit $status`], { encoding: 'utf8' });
    expect(copied.status, copied.stderr).toBe(0);
    const fromCopy = JSON.parse(copied.stdout) as DoctorRow[];
    expect(fromCopy.find((check) => check.check === 'integrity')!.detail).toBe('ok');
    expect(fromCopy.find((check) => check.check === 'rows')!.detail).toMatch(/^customers 213,/);
  });

  it.skipIf(noMount !== null)(`any other command says the folder is read-only, not "unable to open database file"${noMount ? ` (skipped: ${noMount})` : ''}`, async () => {
    const folder = tmpfs('20m');
    const db = path.join(folder, 'crm.db');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    remountReadOnly(folder);
    const list = await runCrm(['--db', db, 'customer', 'list']);
    expect(list.code).toBe(4);
    expect(list.stderr).toBe(
      `crm: ${db}: the folder ${folder} is on a read-only file system, and SQLite must create crm.db-shm beside the database even to read it; make the folder writable, or copy the database (with its -wal file) to a writable folder and use --db there\n`,
    );
  });
});
