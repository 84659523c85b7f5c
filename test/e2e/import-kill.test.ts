// A killed import leaves the database exactly as it was before that file (one transaction per file).
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the generator is a plain .mjs script shared with the benchmark
import { generate } from '../../bench/generate.mjs';
import { spawnCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';

function snapshot(file: string): { integrity: string; customers: number; orders: number; sum: number; runs: number } {
  const db = new Database(file, { readonly: true });
  try {
    const one = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      integrity: db.prepare('PRAGMA integrity_check').pluck().get() as string,
      customers: one('SELECT count(*) FROM customers'),
      orders: one('SELECT count(*) FROM orders'),
      sum: one('SELECT coalesce(sum(amount_cents), 0) FROM orders'),
      runs: one('SELECT count(*) FROM import_runs'),
    };
  } finally {
    db.close();
  }
}

describe('crash safety of one import', () => {
  it('SIGKILL part-way through a large orders file changes nothing', async () => {
    const dir = tempDir();
    const { customersFile, ordersFile } = generate({ customers: 20_000, orders: 300_000, out: dir, seed: 7 }) as { customersFile: string; ordersFile: string };
    const env = { CRM_DB: path.join(dir, 'crm.db') };
    expect(spawnCrm(['init'], { env }).code).toBe(0);
    expect(spawnCrm(['import', 'customers', customersFile], { env }).code).toBe(0);
    const before = snapshot(env.CRM_DB);
    const child = spawnCrmAsync(['import', 'orders', ordersFile], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited, `the import finished before it was killed: ${stderr}`).toBe('SIGKILL');
    expect(snapshot(env.CRM_DB)).toEqual(before);
    expect(before.integrity).toBe('ok');
    // And the database is usable afterwards: the same file imports completely.
    const again = spawnCrm(['import', 'orders', ordersFile, '--format', 'json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows_read: 300_000, new: 300_000 });
  });
});
