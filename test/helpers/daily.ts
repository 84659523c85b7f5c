// A temporary database with the sample customers (and optionally orders), for the daily-work tests.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { runCrm, samples, tempDir, type RunOptions, type RunResult } from './cli.js';

export interface DailyDb {
  dir: string;
  db: string;
  /** Runs crm in-process against this database (fixed clock 2026-11-23T09:00Z unless `now` is given). */
  crm(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** One value from a read-only query. */
  one<T = number>(sql: string, ...params: unknown[]): T;
  counts(): Record<string, number>;
}

export async function dailyDb(kinds: ('customers' | 'orders' | 'interactions' | 'payments' | 'surveys')[] = ['customers']): Promise<DailyDb> {
  return dailyDbAt(kinds);
}

/** The same, for any list of sample kinds (none: an empty database). */
export async function dailyDbAt(kinds: ('customers' | 'orders' | 'interactions' | 'payments' | 'surveys')[]): Promise<DailyDb> {
  const dir = tempDir();
  const db = path.join(dir, 'crm.db');
  const crm = (argv: string[], options: RunOptions = {}) => runCrm(['--db', db, ...argv], options);
  expect((await crm(['init'])).code).toBe(0);
  for (const kind of kinds) {
    const result = await crm(['import', kind, path.join(samples, `${kind}.csv`)]);
    expect(result.code, result.stderr).toBe(0);
  }
  const query = <T>(fn: (handle: Database.Database) => T): T => {
    const handle = new Database(db, { readonly: true });
    try {
      return fn(handle);
    } finally {
      handle.close();
    }
  };
  return {
    dir,
    db,
    crm,
    one: <T>(sql: string, ...params: unknown[]) => query((handle) => handle.prepare(sql).pluck().get(...params) as T),
    counts: () =>
      query((handle) => {
        const result: Record<string, number> = {};
        for (const table of ['customers', 'orders', 'interactions', 'complaints', 'payments', 'surveys']) {
          result[table] = handle.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
        }
        return result;
      }),
  };
}
