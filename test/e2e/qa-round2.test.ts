// Found by the second QA pass: each case gives the right exit code and loses nothing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, tempDir } from '../helpers/cli.js';

async function sampleDb(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = path.join(dir, 'shop.db');
  await runCrm(['--db', db, 'init']);
  await runCrm(['--db', db, 'import', 'customers', path.join(samples, 'customers.csv')]);
  await runCrm(['--db', db, 'import', 'orders', path.join(samples, 'orders.csv')]);
  return { dir, db };
}

describe('second QA pass', () => {
  it('backup --keep on a damaged database exits 4 and prunes no older backup', async () => {
    const { dir, db } = await sampleDb();
    expect((await runCrm(['--db', db, 'backup'], { now: new Date('2026-11-20T01:00:00Z') })).code).toBe(0);
    expect((await runCrm(['--db', db, 'backup'], { now: new Date('2026-11-21T01:00:00Z') })).code).toBe(0);
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096 * 6, 0x5a), 0, 4096 * 6, 4096 * 4);
    fs.closeSync(fd);
    const result = await runCrm(['--db', db, 'backup', '--keep', '1'], { now: new Date('2026-11-22T01:00:00Z') });
    expect(result.code).toBe(4);
    const backups = fs.readdirSync(path.join(dir, 'backups')).filter((name) => name.startsWith('shop-20261120') || name.startsWith('shop-20261121'));
    expect(backups).toHaveLength(2);
  });

  it('an empty file is not a database: exit 4, and the file is left as it was', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'z.db');
    fs.writeFileSync(db, '');
    const result = await runCrm(['--db', db, 'report', 'receivables', '--format', 'csv']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/z\.db is an empty file, not a crm database/);
    expect(result.stdout).toBe('');
    expect(fs.statSync(db).size).toBe(0);
  });

  it('--output naming a folder is a usage error and leaves no temporary copy', async () => {
    const { dir, db } = await sampleDb();
    const folder = path.join(dir, 'out');
    fs.mkdirSync(folder);
    const result = await runCrm(['--db', db, 'report', 'profit', '--output', folder]);
    expect(result.code).toBe(2);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('an empty CRM_DB counts as unset (./crm.db)', async () => {
    const dir = tempDir();
    expect((await runCrm(['init'], { cwd: dir, env: { CRM_DB: '' } })).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'crm.db'))).toBe(true);
  });
});
