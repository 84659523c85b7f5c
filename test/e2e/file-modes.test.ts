// Files holding customer data are created readable by their owner only (0600), whatever the umask.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, tempDir } from '../helpers/cli.js';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('file modes', () => {
  it('database, backups, exports and rejects files are 0600 even under umask 000', async () => {
    const previous = process.umask(0);
    try {
      const dir = tempDir();
      const db = path.join(dir, 'crm.db');
      const crm = (argv: string[]) => runCrm(['--db', db, ...argv]);
      expect((await crm(['init'])).code).toBe(0);
      await crm(['import', 'customers', path.join(samples, 'customers.csv')]);
      const rejects = path.join(dir, 'bad.rejects.csv');
      await crm(['import', 'orders', path.join(samples, 'bad-orders.csv'), '--on-error', 'skip', '--rejects', rejects]);
      const backup = JSON.parse((await crm(['backup', '--format', 'json'])).stdout).file as string;
      await crm(['export', 'all', '--output', path.join(dir, 'export')]);
      for (const file of [db, `${db}-wal`, `${db}-shm`, rejects, backup, path.join(dir, 'export', 'customers.csv'), path.join(dir, 'export', 'orders.csv')]) {
        if (file.endsWith('-wal') || file.endsWith('-shm')) {
          if (fs.existsSync(file)) expect(mode(file), file).toBe(0o600);
          continue;
        }
        expect(mode(file), file).toBe(0o600);
      }
      expect(mode(path.join(dir, 'backups'))).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });
});
