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

const wrapped = new WeakMap<Db, Sql>();

/**
 * TRANSITION ONLY (removed with legacyDb): a SQLite handle as the connection type, for code not yet moved to Sql that
 * calls a store function already moved. One wrapper per handle; the shop's zone set on the handle applies to it.
 */
export function sqlOf(db: Db): Sql {
  let sql = wrapped.get(db);
  if (sql === undefined) {
    sql = new SqliteSql(db, db.name);
    wrapped.set(db, sql);
  }
  return sql;
}
