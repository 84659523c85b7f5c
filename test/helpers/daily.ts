// A temporary database with the sample customers (and optionally orders) on either engine, for the daily-work tests.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { runCrm, samples, tempDir, type RunOptions, type RunResult } from './cli.js';
import { connect, newPostgresDatabase, type Engine } from './engines.js';

export interface DailyDb {
  dir: string;
  /** The --db value: a file, or a PostgreSQL URL. */
  db: string;
  engine: Engine;
  /** Runs crm in-process against this database (fixed clock 2026-11-23T09:00Z unless `now` is given). */
  crm(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** One value from a read-only query. */
  one<T = number>(sql: string, ...params: unknown[]): T;
  counts(): Record<string, number>;
  /** One value from a query, on either engine. */
  value<T = number>(sql: string, ...params: unknown[]): Promise<T>;
  /** The rows of a query, on either engine. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Row counts of the daily tables, on either engine. */
  tables(): Promise<Record<string, number>>;
}

export async function dailyDb(kinds: ('customers' | 'orders' | 'interactions' | 'payments' | 'surveys')[] = ['customers'], engine: Engine = 'sqlite'): Promise<DailyDb> {
  return dailyDbAt(kinds, engine);
}

const dailyTables = ['customers', 'orders', 'interactions', 'complaints', 'payments', 'surveys'];

/** The same, for any list of sample kinds (none: an empty database), made by crm init and crm import on ENGINE. */
export async function dailyDbAt(kinds: ('customers' | 'orders' | 'interactions' | 'payments' | 'surveys')[], engine: Engine = 'sqlite'): Promise<DailyDb> {
  const dir = tempDir();
  const db = engine === 'sqlite' ? path.join(dir, 'crm.db') : await newPostgresDatabase();
  const t = dailyHandle(dir, db, engine);
  expect((await t.crm(['init'])).code).toBe(0);
  for (const kind of kinds) {
    const result = await t.crm(['import', kind, path.join(samples, `${kind}.csv`)]);
    expect(result.code, result.stderr).toBe(0);
  }
  return t;
}

/** The database DB (a file in DIR, or a PostgreSQL URL) as a DailyDb. */
function dailyHandle(dir: string, db: string, engine: Engine): DailyDb {
  const crm = (argv: string[], options: RunOptions = {}) => runCrm(['--db', db, ...argv], options);
  const value = async <T>(text: string, ...params: unknown[]): Promise<T> => {
    const sql = await connect(db);
    try {
      return (await sql.value<T>(text, params)) as T;
    } finally {
      await sql.close();
    }
  };
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
    engine,
    crm,
    value,
    rows: async <T>(text: string, ...params: unknown[]): Promise<T[]> => {
      const sql = await connect(db);
      try {
        return await sql.all<T>(text, params);
      } finally {
        await sql.close();
      }
    },
    tables: async () => {
      const sql = await connect(db);
      try {
        const result: Record<string, number> = {};
        for (const table of dailyTables) result[table] = (await sql.value<number>(`SELECT count(*) FROM ${table}`))!;
        return result;
      } finally {
        await sql.close();
      }
    },
    one: <T>(sql: string, ...params: unknown[]) => query((handle) => handle.prepare(sql).pluck().get(...params) as T),
    counts: () =>
      query((handle) => {
        const result: Record<string, number> = {};
        for (const table of dailyTables) {
          result[table] = handle.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
        }
        return result;
      }),
  };
}
