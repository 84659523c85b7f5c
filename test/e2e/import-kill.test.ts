// A killed import leaves the database exactly as it was before that file (one transaction per file).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the generator is a plain .mjs script shared with the benchmark
import { generate } from '../../bench/generate.mjs';
import { spawnCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';
import { connect, engines, newDatabase, type Engine } from '../helpers/engines.js';

async function snapshot(db: string, engine: Engine): Promise<{ integrity: string; tables: Record<string, number>; sum: number }> {
  const sql = await connect(db);
  try {
    const tables: Record<string, number> = {};
    for (const table of ['customers', 'orders', 'order_lines', 'import_runs', 'import_created', 'import_changes']) {
      tables[table] = (await sql.value<number>(`SELECT count(*) FROM ${table}`))!;
    }
    return {
      // A SQLite file is checked page by page; a PostgreSQL server keeps its own files consistent (WAL).
      integrity: engine === 'sqlite' ? (await sql.value<string>('PRAGMA integrity_check'))! : 'ok',
      tables,
      sum: (await sql.value<number>('SELECT coalesce(sum(amount_cents), 0) FROM orders'))!,
    };
  } finally {
    await sql.close();
  }
}

describe.each(engines)('crash safety of one import on %s', (engine) => {
  it('SIGKILL part-way through a large orders file changes nothing', async () => {
    const dir = tempDir();
    const { customersFile, ordersFile } = generate({ customers: 20_000, orders: 300_000, out: dir, seed: 7 }) as { customersFile: string; ordersFile: string };
    const env = { CRM_DB: await newDatabase(engine) };
    expect(spawnCrm(['init'], { env }).code).toBe(0);
    expect(spawnCrm(['import', 'customers', customersFile], { env }).code).toBe(0);
    const before = await snapshot(env.CRM_DB, engine);
    const child = spawnCrmAsync(['import', 'orders', ordersFile], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited, `the import finished before it was killed: ${stderr}`).toBe('SIGKILL');
    expect(await snapshot(env.CRM_DB, engine)).toEqual(before);
    expect(before.integrity).toBe('ok');
    // And the database is usable afterwards: the same file imports completely.
    const again = spawnCrm(['import', 'orders', ordersFile, '--format', 'json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows_read: 300_000, new: 300_000 });
  });
});
