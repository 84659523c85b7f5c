// SQLite's fast path for the new rows of an import (ARCHITECTURE.md#storage): many rows in one INSERT statement,
// through the better-sqlite3 handle (statements prepared once per row count), instead of one statement and one await
// per row. The rules stay the row-by-row writer's (db/import-writer.ts): a statement either inserts every row it is
// given, or (a key already in the table or twice among its rows, or an order's customer not found) fails as a whole and changes nothing, and the writer
// then takes those rows one by one as before. So a first import of a file goes fast, and a re-import, a changed row or a
// repeated id get exactly the outcome, counts and rejections they always had.
import type Database from 'better-sqlite3';
import { SqliteSql } from './engine/sqlite.js';
import type { Sql } from './engine/sql.js';

type Statement = Database.Statement<unknown[], unknown>;

/** Rows per statement (9-10 values each, far below SQLite's limit of bound values); other sizes not yet measured. */
export const ROWS_PER_STATEMENT = 128;

/** INSERT of many rows into one table, all or nothing. */
export class MultiRowInsert {
  private readonly statements = new Map<number, Statement>();
  private readonly named: { actor: string };

  /**
   * HEAD is `INSERT INTO t (columns) VALUES`, ROW the marks of one row (`(?, ?, 'time', @actor, @actor)`): the run's
   * own times may be literals crm made; who writes is the one named parameter, bound once per statement.
   */
  constructor(
    private readonly handle: Database.Database,
    private readonly head: string,
    private readonly row: string,
    actor: string,
  ) {
    this.named = { actor };
  }

  private statement(rows: number): Statement {
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      statement = this.handle.prepare(`${this.head} ${Array.from({ length: rows }, () => this.row).join(', ')}`);
      this.statements.set(rows, statement);
    }
    return statement;
  }

  /**
   * Inserts ROWS rows whose values are PARAMS, row after row: the id of the first, or null when a key was taken or a
   * value looked up was not found (then nothing was written: a failing statement is undone as a whole, and the
   * transaction goes on).
   */
  insert(params: unknown[], rows: number): number | null {
    let result: Database.RunResult;
    try {
      result = this.statement(rows).run(params, this.named);
    } catch (error) {
      // A key taken, or a value looked up in the statement not found (db/import-writer.ts orderManyMarks).
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_NOTNULL') return null;
      throw error;
    }
    if (result.changes !== rows) throw new Error(`a multi-row insert wrote ${result.changes} of ${rows} rows`);
    // One writer (SQLite, inside BEGIN IMMEDIATE) and AUTOINCREMENT: the rows got consecutive ids, the last one this.
    return Number(result.lastInsertRowid) - rows + 1;
  }
}

/** The better-sqlite3 handle of SQL when it is a SQLite connection (the fast path is SQLite's only). */
export function sqliteHandleOf(sql: Sql): Database.Database | null {
  return sql instanceof SqliteSql ? sql.handle : null;
}
