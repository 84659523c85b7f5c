// The same data on both engines for the analysis tests: a SQLite database built as usual (crm import, testDb), and a
// PostgreSQL database that crm init set up and that gets every row of every table copied from it, ids and all.
// Copying rows (not crm db copy, not crm import on the server) keeps these tests about the analyses alone.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import type { Engine, Sql } from '../../src/db/engine/sql.js';
import { runCrm, samples, tempDir } from './cli.js';
import { testDb, type TestInteraction, type TestOrder, type TestSurvey } from './db.js';
import { connect, newPostgresDatabase } from './engines.js';

interface ForeignKey {
  table: string;
  from: string;
}

/** Copies every row of every crm table of the SQLite file into the PostgreSQL database URL (crm init run there first). */
export async function copyRowsToPostgres(file: string, url: string): Promise<void> {
  const init = await runCrm(['--db', url, 'init']);
  if (init.code !== 0) throw new Error(`crm init on PostgreSQL failed: ${init.stderr}`);
  const source = new Database(file, { readonly: true, fileMustExist: true });
  const target = await connect(url);
  try {
    const tables = source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const parents = new Map<string, ForeignKey[]>(tables.map((table) => [table, source.prepare(`PRAGMA foreign_key_list("${table}")`).all() as ForeignKey[]]));
    // Parents before children; a column that refers to its own table is filled in afterwards.
    const ordered: string[] = [];
    const visit = (table: string, seen: Set<string>) => {
      if (ordered.includes(table) || seen.has(table)) return;
      seen.add(table);
      for (const key of parents.get(table) ?? []) if (key.table !== table && tables.includes(key.table)) visit(key.table, seen);
      ordered.push(table);
    };
    for (const table of tables) visit(table, new Set());
    const targetTables = new Set(await target.column<string>("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"));
    await target.transaction(async () => {
      for (const table of ordered) {
        if (!targetTables.has(table)) continue;
        const selfColumns = (parents.get(table) ?? []).filter((key) => key.table === table).map((key) => key.from);
        const targetColumns = new Set(
          await target.column<string>('SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [table]),
        );
        const columns = (source.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name).filter((name) => targetColumns.has(name));
        const rows = source.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`).raw(true).all() as unknown[][];
        const selfIndexes = selfColumns.map((column) => columns.indexOf(column));
        for (let start = 0; start < rows.length; start += 500) {
          const chunk = rows.slice(start, start + 500);
          const values = chunk.flatMap((row) => row.map((value, i) => (selfIndexes.includes(i) ? null : value)));
          const marks = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
          await target.run(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${marks}`, values);
        }
        for (const column of selfColumns) {
          const index = columns.indexOf(column);
          for (const row of rows) if (row[index] !== null) await target.run(`UPDATE "${table}" SET "${column}" = ? WHERE id = ?`, [row[index], row[columns.indexOf('id')]]);
        }
        if (columns.includes('id')) {
          const sequence = await target.value<string | null>('SELECT pg_get_serial_sequence(?, ?)', [table, 'id']);
          if (sequence) await target.run(`SELECT setval(CAST(? AS regclass), coalesce((SELECT max(id) FROM "${table}"), 0) + 1, false)`, [sequence]);
        }
      }
    });
  } finally {
    source.close();
    await target.close();
  }
}

/** A --db value on ENGINE holding what the SQLite file FILE holds (the file itself on SQLite). */
export async function sameDataOn(engine: Engine, file: string): Promise<string> {
  if (engine === 'sqlite') return file;
  const url = await newPostgresDatabase();
  await copyRowsToPostgres(file, url);
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
 * file into a SQLite file kept until the file's tests end, then copied (a file copy on SQLite, the rows on PostgreSQL),
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
