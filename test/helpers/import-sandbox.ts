// An import engine test's sandbox: a new database opened in-process and a way to write input files beside it.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/open.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
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
