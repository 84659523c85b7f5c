// TRANSITION ONLY (removed when every store function takes Sql): the better-sqlite3 handle behind a SQLite
// connection, for code not yet moved to the connection type. On PostgreSQL it refuses with one line.
import { DatabaseError } from '../../errors.js';
import type { Db } from '../open.js';
import type { Sql } from './sql.js';
import { SqliteSql } from './sqlite.js';
import { setStoreZone, shopZoneOf } from '../day-bounds.js';

export function legacyDb(sql: Sql): Db {
  if (sql instanceof SqliteSql) return sql.handle;
  throw new DatabaseError(`${sql.label}: this command does not run on PostgreSQL yet`);
}

const wrapped = new WeakMap<Db, Sql>();

/**
 * TRANSITION ONLY, the other way: the connection type over an old SQLite handle (with the shop's zone it was given),
 * for code not yet moved to the connection type that calls a store function that has moved.
 */
export function legacySql(db: Db): Sql {
  let sql = wrapped.get(db);
  if (sql === undefined) {
    sql = new SqliteSql(db, db.name);
    const zone = shopZoneOf(db);
    // On SQLite setStoreZone finishes before it returns (it registers a function on the handle).
    if (zone !== undefined) void setStoreZone(sql, zone);
    wrapped.set(db, sql);
  }
  return sql;
}

/** TRANSITION ONLY: the same as legacySql. */
export const sqlOf = legacySql;
