// TRANSITION ONLY (removed when every store function takes Sql): the better-sqlite3 handle behind a SQLite
// connection, for code not yet moved to the connection type. On PostgreSQL it refuses with one line.
import { DatabaseError } from '../../errors.js';
import type { Db } from '../open.js';
import type { Sql } from './sql.js';
import { SqliteSql } from './sqlite.js';

export function legacyDb(sql: Sql): Db {
  if (sql instanceof SqliteSql) return sql.handle;
  throw new DatabaseError(`${sql.label}: this command does not run on PostgreSQL yet`);
}
