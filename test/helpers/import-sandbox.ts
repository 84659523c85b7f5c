// An import engine test's sandbox: a new database opened in-process and a way to write input files beside it.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/open.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { openStore } from '../../src/db/open-store.js';
import { newPostgresDatabase, type Engine } from './engines.js';
import { tempDir } from './cli.js';

/** A SQLite handle as the connection type the import engine takes. */
export const asSql = (db: Db): SqliteSql => new SqliteSql(db, db.name);

export function importSandbox(): { dir: string; db: Db; write: (name: string, text: string) => string } {
  const dir = tempDir();
  const db = openDatabase(path.join(dir, 'crm.db'), { create: true });
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  return { dir, db, write };
}

/** The same on ENGINE: a new database (set up as crm init does) as the connection type, and a folder for input files. */
export async function importSandboxOn(engine: Engine): Promise<{ dir: string; sql: Sql; write: (name: string, text: string) => string }> {
  const { dir, db, write } = importSandbox();
  if (engine === 'sqlite') return { dir, sql: asSql(db), write };
  db.close();
  const sql = await openStore({ engine: 'postgres', url: await newPostgresDatabase() }, { create: true });
  return { dir, sql, write };
}
