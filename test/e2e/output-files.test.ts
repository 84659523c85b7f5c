// Files crm writes at a path the user names: never through a planted link, a rejects file only when crm
// could have written it, and on a folder it cannot write or a full disk one line, exit 1, nothing left behind.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrm, tempDir } from '../helpers/cli.js';
import { fullDump, sampleDb } from '../helpers/db.js';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;
const leftovers = (dir: string): string[] => fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'));
const isRoot = process.getuid?.() === 0;

/** A sample database and a copy of bad-orders.csv (1 good row, 5 bad) beside it. */
async function setup(): Promise<{ dir: string; db: string; input: string }> {
  const { dir, db } = await sampleDb();
  const input = path.join(dir, 'in.csv');
  fs.copyFileSync(path.join(samples, 'bad-orders.csv'), input);
  return { dir, db, input };
}

type Folder = { folder: string; release: () => void } | { skip: string };

/** A folder nobody can write: mode 0500 for a normal user; root ignores modes, so a read-only bind mount. */
function unwritableFolder(dir: string): Folder {
  const folder = path.join(dir, 'locked');
  fs.mkdirSync(folder);
  if (!isRoot) {
    fs.chmodSync(folder, 0o500);
    return { folder, release: () => fs.chmodSync(folder, 0o700) };
  }
  const mounted = spawnSync('mount', ['-o', 'bind,ro', folder, folder], { encoding: 'utf8' });
  if (mounted.status !== 0) return { skip: `root cannot make a read-only folder here (mount: ${(mounted.stderr || String(mounted.error)).trim()})` };
  return { folder, release: () => void spawnSync('umount', [folder]) };
}

/** A folder on a full file system: a one-page tmpfs filled up (needs root and mount). */
function fullFolder(dir: string): Folder {
  const folder = path.join(dir, 'full');
  fs.mkdirSync(folder);
  if (!isRoot) return { skip: 'a full disk needs a tiny tmpfs, which only root can mount' };
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', folder], { encoding: 'utf8' });
  if (mounted.status !== 0) return { skip: `cannot mount a tmpfs here (mount: ${(mounted.stderr || String(mounted.error)).trim()})` };
  const fd = fs.openSync(path.join(folder, 'padding'), 'w');
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(512));
  } catch {
    // full
  } finally {
    fs.closeSync(fd);
  }
  return { folder, release: () => void spawnSync('umount', [folder]) };
}

const failureLine = /^crm: (--output|--rejects) .*: cannot write the file: .* \((EACCES|EROFS|ENOSPC|EDQUOT)\); nothing was written\n$/;

describe('output files', () => {
  it('--output never writes through a link planted at the temporary name, and the result is a private file', async () => {
    const { dir, db } = await setup();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious\n');
    const target = path.join(dir, 'out.csv');
    // The names the old code used, predictable from the process id.
    fs.symlinkSync(victim, path.join(dir, `.out.csv.${process.pid}.tmp`));
    fs.mkdirSync(path.join(dir, 'export'));
    fs.symlinkSync(victim, path.join(dir, 'export', `.customers.csv.${process.pid}.tmp`));
    expect((await runCrm(['--db', db, 'customer', 'list', '--format', 'csv', '--output', target])).code).toBe(0);
    expect((await runCrm(['--db', db, 'dashboard', '--output', path.join(dir, 'out.html')])).code).toBe(0);
    expect((await runCrm(['--db', db, 'export', 'customers', '--output', path.join(dir, 'export')])).code).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    for (const file of [target, path.join(dir, 'out.html'), path.join(dir, 'export', 'customers.csv')]) {
      expect(fs.lstatSync(file).isFile(), file).toBe(true);
      expect(mode(file), file).toBe(0o600);
    }
    expect(fs.readFileSync(target, 'utf8')).toMatch(/^\uFEFFcustomer_id,/);
  });

  it('a rejects file that is a link planted beside the input: exit 2, nothing imported, the target untouched', async () => {
    const { dir, db, input } = await setup();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious\n', { mode: 0o644 });
    fs.symlinkSync(victim, path.join(dir, 'in.rejects.csv'));
    const before = fullDump(db);
    const result = await runCrm(['--db', db, 'import', 'orders', input, '--on-error', 'skip']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^crm: --rejects .*in\.rejects\.csv: is a symbolic link; crm does not write through links; remove it or name another file \(nothing was written\)\n$/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(mode(victim)).toBe(0o644);
    expect(fullDump(db)).toEqual(before);
  });

  it('an existing rejects file crm could not have written is refused (exit 2) and left as it was', async (context) => {
    const { dir, db, input } = await setup();
    const before = fullDump(db);
    const cases: [string, string, number, RegExp][] = [
      ['shared.csv', '\uFEFForder_id,line,reason\r\n', 0o644, /readable or writable by others \(mode 0644\)/],
      ['precious.csv', 'my own data\n', 0o600, /is not a rejects file/],
    ];
    for (const [name, text, fileMode, message] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      fs.chmodSync(file, fileMode);
      const result = await runCrm(['--db', db, 'import', 'orders', input, '--on-error', 'skip', '--rejects', file]);
      expect(result.code, name).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), name).toEqual([expect.stringMatching(message)]);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
      expect(mode(file)).toBe(fileMode);
    }
    expect(fullDump(db)).toEqual(before);
    if (!isRoot) return context.skip('a file owned by someone else needs root to make');
    const foreign = path.join(dir, 'foreign.csv');
    fs.writeFileSync(foreign, '\uFEFForder_id,line,reason\r\n');
    fs.chownSync(foreign, 65534, 65534);
    fs.chmodSync(foreign, 0o666);
    const result = await runCrm(['--db', db, 'import', 'orders', input, '--on-error', 'skip', '--rejects', foreign]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^crm: --rejects .*foreign\.csv: belongs to another user \(uid 65534\)/);
    expect(fs.statSync(foreign)).toMatchObject({ uid: 65534, size: Buffer.byteLength('\uFEFForder_id,line,reason\r\n') });
    expect(mode(foreign)).toBe(0o666);
  });

  it('the same nightly import twice, with --rejects and with the default path, replaces its own rejects file', async () => {
    const { dir, db, input } = await setup();
    const named = path.join(dir, 'nightly.rejects.csv');
    for (let night = 1; night <= 2; night += 1) {
      const withFlag = await runCrm(['--db', db, 'import', 'orders', input, '--on-error', 'skip', '--rejects', named]);
      expect(withFlag.code, withFlag.stderr).toBe(0);
      const byDefault = await runCrm(['--db', db, 'import', 'orders', input, '--on-error', 'skip']);
      expect(byDefault.code, byDefault.stderr).toBe(0);
    }
    for (const file of [named, path.join(dir, 'in.rejects.csv')]) {
      expect(mode(file)).toBe(0o600);
      const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
      expect(lines).toHaveLength(6); // the header and the five bad rows, once
      expect(lines[0]).toMatch(/,line,reason$/);
    }
    expect(leftovers(dir)).toEqual([]);
  });

  it('an unwritable folder: --output, dashboard, export and --rejects say so in one line, exit 1, nothing left', async (context) => {
    const { dir, db, input } = await setup();
    const locked = unwritableFolder(dir);
    if ('skip' in locked) return context.skip(locked.skip);
    try {
      const before = fullDump(db);
      const runs = [
        ['customer', 'list', '--format', 'csv', '--output', path.join(locked.folder, 'c.csv')],
        ['dashboard', '--output', path.join(locked.folder, 'd.html')],
        ['export', 'all', '--output', locked.folder],
        ['import', 'orders', input, '--on-error', 'skip', '--rejects', path.join(locked.folder, 'r.csv')],
      ];
      for (const argv of runs) {
        // A real process: an uncaught stream error would show as a stack trace and another exit code.
        const result = spawnCrm(['--db', db, ...argv]);
        expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(1);
        expect(result.stderr, argv.join(' ')).toMatch(failureLine);
      }
      expect(fs.readdirSync(locked.folder)).toEqual([]);
      expect(fullDump(db)).toEqual(before); // the import wrote nothing: its rejects could not be kept
      const folder = spawnCrm(['--db', db, 'export', 'all', '--output', path.join(locked.folder, 'new')]);
      expect(folder.code).toBe(1);
      expect(folder.stderr).toMatch(/^crm: --output .*new: cannot create the folder: .* \((EACCES|EROFS)\)\n$/);
    } finally {
      locked.release();
    }
  });

  it('a full disk: export, --output and --rejects fail in one line with exit 1, no temporary file, an old file kept', async (context) => {
    const { dir, db, input } = await setup();
    const full = fullFolder(dir);
    if ('skip' in full) return context.skip(full.skip);
    try {
      const before = fullDump(db);
      const old = path.join(full.folder, 'r.csv');
      // An earlier night's rejects file (written before the disk filled up) must survive a failed run.
      fs.rmSync(path.join(full.folder, 'padding'));
      expect((await runCrm(['--db', db, 'import', 'orders', input, '--on-error', 'skip', '--rejects', old])).code).toBe(0);
      const kept = fs.readFileSync(old, 'utf8');
      const fd = fs.openSync(path.join(full.folder, 'padding'), 'w');
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(512));
      } catch {
        // full again
      } finally {
        fs.closeSync(fd);
      }
      const after = fullDump(db);
      const runs = [
        ['export', 'customers', '--output', full.folder],
        ['customer', 'list', '--format', 'csv', '--output', path.join(full.folder, 'c.csv')],
        ['import', 'orders', input, '--on-error', 'skip', '--rejects', old],
      ];
      for (const argv of runs) {
        const result = spawnCrm(['--db', db, ...argv]);
        expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(1);
        expect(result.stderr, argv.join(' ')).toMatch(failureLine);
      }
      expect(fs.readdirSync(full.folder).sort()).toEqual(['padding', 'r.csv']);
      expect(fs.readFileSync(old, 'utf8')).toBe(kept);
      expect(fullDump(db)).toEqual(after);
      expect(after).not.toEqual(before); // the first import did write its good row
    } finally {
      full.release();
    }
  });

  it('init on a dangling link or in a folder it cannot write: one clear line', async (context) => {
    const dir = tempDir();
    const link = path.join(dir, 'crm.db');
    fs.symlinkSync(path.join(dir, 'gone', 'real.db'), link);
    const dangling = await runCrm(['--db', link, 'init']);
    expect(dangling.code).toBe(4);
    expect(dangling.stderr).toBe(`crm: ${link} is a symbolic link to ${path.join(dir, 'gone', 'real.db')}, which does not exist; remove the link, or name the real file with --db\n`);
    expect(fs.existsSync(path.join(dir, 'gone'))).toBe(false);
    const locked = unwritableFolder(dir);
    if ('skip' in locked) return context.skip(locked.skip);
    try {
      const result = spawnCrm(['--db', path.join(locked.folder, 'crm.db'), 'init']);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^crm: .*crm\.db: cannot create the database: .* \((EACCES|EROFS)\)\n$/);
    } finally {
      locked.release();
    }
  });
});
