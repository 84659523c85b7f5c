// The same data on both engines: a SQLite database built as usual (crm import, testDb), and a PostgreSQL database
// filled from it by crm db copy, ids and all, so every id a report shows is the same on both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import type { Engine, Sql } from '../../src/db/engine/sql.js';
import { runCrm, samples, tempDir } from './cli.js';
import { testDb, type TestInteraction, type TestOrder, type TestSurvey } from './db.js';
import { connect, newPostgresDatabase } from './engines.js';

/**
 * A --db value on ENGINE holding what the SQLite file FILE holds: the file itself on SQLite; on PostgreSQL a new
 * database filled from it by crm db copy (every table, ids and id counters kept).
 */
export async function sameDataOn(engine: Engine, file: string): Promise<string> {
  if (engine === 'sqlite') return file;
  const url = await newPostgresDatabase();
  const copy = await runCrm(['--db', file, 'db', 'copy', '--to', url]);
  if (copy.code !== 0) throw new Error(`crm db copy from ${file} failed: ${copy.stderr}`);
  return url;
}

/** testDb's data as a connection on ENGINE (store-function tests on both engines). */
export async function testSqlOn(
  engine: Engine,
  orders: TestOrder[],
  extra: { interactions?: TestInteraction[]; surveys?: TestSurvey[]; customers?: string[] } = {},
): Promise<Sql> {
  const db = testDb(orders, extra);
  if (engine === 'sqlite') return new SqliteSql(db, db.name);
  const file = db.name;
  db.close();
  return connect(await sameDataOn(engine, file));
}

/** A SQLite file in a temp folder, made by crm commands (init, imports): the start of a same-data test. */
export async function builtWith(commands: string[][]): Promise<string> {
  const file = path.join(tempDir(), 'crm.db');
  for (const argv of commands) {
    const result = await runCrm(['--db', file, ...argv]);
    if (result.code !== 0) throw new Error(`crm ${argv.join(' ')} failed: ${result.stderr}`);
  }
  return file;
}

const builtFiles = new Map<string, string>();
const keptDirs: string[] = [];
afterAll(() => {
  for (const dir of keptDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A --db value on ENGINE holding the samples KINDS imported (in that order, after crm init): imported once per test
 * file into a SQLite file kept until the file's tests end, then copied (a file copy on SQLite, crm db copy to PostgreSQL),
 * so each test may change its own database.
 */
export async function samplesOn(engine: Engine, kinds: readonly string[]): Promise<string> {
  const key = kinds.join(',');
  let built = builtFiles.get(key);
  if (built === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-samples-'));
    keptDirs.push(dir);
    built = path.join(dir, 'crm.db');
    for (const argv of [['init'], ...kinds.map((kind) => ['import', kind, path.join(samples, `${kind}.csv`)])]) {
      const result = await runCrm(['--db', built, ...argv]);
      if (result.code !== 0) throw new Error(`crm ${argv.join(' ')} failed: ${result.stderr}`);
    }
    builtFiles.set(key, built);
  }
  if (engine === 'postgres') return sameDataOn(engine, built);
  const copy = path.join(tempDir(), 'crm.db');
  fs.copyFileSync(built, copy);
  return copy;
}
