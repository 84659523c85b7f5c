// No path option writes over the database, its -wal/-shm/-journal or a backup: not by its own name, not
// through a symbolic or hard link, not by another spelling. One line, exit 2, nothing touched.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protectedReason } from '../../src/files/protected-paths.js';
import { runCrm, samples, spawnCrm } from '../helpers/cli.js';
import { fullDump, sampleDb } from '../helpers/db.js';

interface Fixture {
  dir: string;
  db: string;
  backup: string;
  input: string;
  /** Every protected file's bytes (the database's through its rows: opening it may touch the -wal). */
  state: () => unknown;
}

async function fixture(): Promise<Fixture> {
  const { dir, db } = await sampleDb();
  const made = await runCrm(['--db', db, 'backup', '--format', 'json']);
  expect(made.code, made.stderr).toBe(0);
  const backup = JSON.parse(made.stdout).file as string;
  const input = path.join(dir, 'in.csv');
  fs.copyFileSync(path.join(samples, 'bad-orders.csv'), input);
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.symlinkSync('crm.db', path.join(dir, 'alias.csv'));
  fs.linkSync(db, path.join(dir, 'hard.csv'));
  fs.symlinkSync('backups', path.join(dir, 'saved'));
  const state = () => ({ db: fullDump(db), backup: fs.readFileSync(backup).toString('base64'), backups: fs.readdirSync(path.dirname(backup)).sort() });
  return { dir, db, backup, input, state };
}

/** The same protected files, spelled every way a user or an attacker might. */
function spellings({ dir, backup }: Fixture): string[] {
  return [
    path.join(dir, 'crm.db'),
    `${dir}/./crm.db`,
    `${dir}/sub/../crm.db`,
    `${dir}//crm.db`,
    path.join(dir, 'alias.csv'),
    path.join(dir, 'hard.csv'),
    path.join(dir, 'crm.db-wal'),
    path.join(dir, 'crm.db-shm'),
    path.join(dir, 'crm.db-journal'),
    backup,
    path.join(dir, 'saved', path.basename(backup)),
    path.join(dir, 'backups', 'new.csv'),
  ];
}

const oneLine = (stderr: string): string[] => stderr.trimEnd().split('\n');

describe('protected paths', () => {
  it('--rejects naming the database, a journal or a backup: exit 2, one line, nothing read or written', async () => {
    const setup = await fixture();
    const before = setup.state();
    for (const target of spellings(setup)) {
      const result = await runCrm(['--db', setup.db, 'import', 'orders', setup.input, '--on-error', 'skip', '--rejects', target]);
      expect(result.code, `${target}: ${result.stderr}`).toBe(2);
      expect(oneLine(result.stderr), target).toEqual([expect.stringMatching(/^crm: --rejects .*: would (overwrite|write into) .*; name another file \(nothing was written\)$/)]);
    }
    expect(setup.state()).toEqual(before);
  });

  it('the issue\'s example: import … --rejects crm.db in the database\'s folder keeps every customer', async () => {
    const setup = await fixture();
    const before = setup.state();
    const result = spawnCrm(['import', 'customers', 'in.csv', '--on-error', 'skip', '--rejects', 'crm.db'], { cwd: setup.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^crm: --rejects crm\.db: would overwrite the database \/.*\/crm\.db; name another file \(nothing was written\)\n$/);
    expect(setup.state()).toEqual(before);
  });

  it('--output of a listing naming the database, a journal or a backup: exit 2, one line, nothing written', async () => {
    const setup = await fixture();
    const before = setup.state();
    for (const target of spellings(setup)) {
      const result = await runCrm(['--db', setup.db, 'customer', 'list', '--format', 'csv', '--output', target]);
      expect(result.code, `${target}: ${result.stderr}`).toBe(2);
      expect(oneLine(result.stderr), target).toEqual([expect.stringMatching(/^crm: --output .*: would (overwrite|write into) .*; name another file \(nothing was written\)$/)]);
      expect(result.stderr).not.toMatch(/wrote/);
    }
    // Relative spellings resolve against the working folder, as the user meant them.
    for (const target of ['crm.db', './crm.db', 'sub/../crm.db-wal', 'backups/x.csv']) {
      const result = await runCrm(['--db', setup.db, 'customer', 'list', '--format', 'csv', '--output', target], { cwd: setup.dir });
      expect(result.code, target).toBe(2);
    }
    expect(fs.readdirSync(setup.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(setup.state()).toEqual(before);
  });

  it('crm dashboard --output onto a backup and crm export into the backups folder are refused', async () => {
    const setup = await fixture();
    const before = setup.state();
    const dashboard = await runCrm(['--db', setup.db, 'dashboard', '--output', setup.backup]);
    expect(dashboard.code).toBe(2);
    expect(oneLine(dashboard.stderr)).toEqual([expect.stringMatching(/^crm: --output .*crm-\d{8}-\d{6}\.db: would write into the database's backups folder /)]);
    for (const folder of [path.join(setup.dir, 'backups'), path.join(setup.dir, 'saved'), path.join(setup.dir, 'backups', 'deeper')]) {
      const exported = await runCrm(['--db', setup.db, 'export', 'all', '--output', folder]);
      expect(exported.code, folder).toBe(2);
      expect(oneLine(exported.stderr)).toHaveLength(1);
    }
    expect(fs.existsSync(path.join(setup.dir, 'backups', 'deeper'))).toBe(false);
    // A kind's file planted as a link to the database is refused before any file is written.
    const out = path.join(setup.dir, 'out');
    fs.mkdirSync(out);
    fs.symlinkSync(setup.db, path.join(out, 'orders.csv'));
    const planted = await runCrm(['--db', setup.db, 'export', 'all', '--output', out]);
    expect(planted.code).toBe(2);
    expect(planted.stderr).toMatch(/^crm: --output .*orders\.csv: would overwrite the database /);
    expect(fs.readdirSync(out)).toEqual(['orders.csv']);
    expect(setup.state()).toEqual(before);
  });

  it('a database reached through a link is protected under its real name too, and other files still work', async () => {
    const setup = await fixture();
    const link = path.join(setup.dir, 'sub', 'link.db');
    fs.symlinkSync(setup.db, link);
    const before = setup.state();
    for (const target of [setup.db, `${setup.db}-wal`, `${link}-shm`, path.join(setup.dir, 'backups', 'x.html'), path.join(setup.dir, 'sub', 'backups', 'x.html')]) {
      const result = await runCrm(['--db', link, 'report', 'profit', '--format', 'csv', '--output', target]);
      expect(result.code, target).toBe(2);
    }
    expect(setup.state()).toEqual(before);
    const fine = await runCrm(['--db', link, 'customer', 'list', '--format', 'csv', '--output', path.join(setup.dir, 'customers.csv')]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fs.readFileSync(path.join(setup.dir, 'customers.csv'), 'utf8')).toMatch(/^\uFEFFcustomer_id,name,/);
  });

  it('protectedReason: names what would be overwritten, and nothing for other files', async () => {
    const setup = await fixture();
    expect(protectedReason(`${setup.dir}/sub/../crm.db`, setup.db)).toMatch(/^would overwrite the database /);
    expect(protectedReason(path.join(setup.dir, 'crm.db-journal'), setup.db)).toMatch(/rollback journal/);
    expect(protectedReason(path.join(setup.dir, 'hard.csv'), setup.db)).toMatch(/^would overwrite the database /);
    expect(protectedReason(path.join(setup.dir, 'crm.db.csv'), setup.db)).toBeNull();
    expect(protectedReason(path.join(setup.dir, 'backups.csv'), setup.db)).toBeNull();
    expect(protectedReason(path.join(setup.dir, 'crm.db'), undefined)).toBeNull();
  });
});
