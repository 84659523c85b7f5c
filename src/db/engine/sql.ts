// The one connection type every query in src/db goes through, whichever engine holds the data
// (ARCHITECTURE.md#storage). Statements are written once, in the SQL both engines speak, with parameters as
// @name (an object) or ? (an array); where the dialects differ, the statement asks the connection's dialect.
import type { Dialect } from './dialect.js';

export type Engine = 'sqlite' | 'postgres';

/** Parameters of one statement: named (@name in the text) or positional (? in the text). */
export type Params = Record<string, unknown> | readonly unknown[];

export interface RunResult {
  /** Rows the statement inserted, changed or deleted. */
  changes: number;
}

export interface Sql {
  readonly engine: Engine;
  readonly dialect: Dialect;
  /** What the database is called in messages: a file path, or postgresql://user@host:port/database (never a password). */
  readonly label: string;
  /**
   * Who is writing (docs/storage.md#who-wrote-a-row): the login on PostgreSQL (current_user, read once when
   * connecting), the operating-system user on SQLite. Every INSERT and UPDATE of crm's records writes it as
   * created_by / updated_by.
   */
  readonly actor: string;
  all<T = Record<string, unknown>>(text: string, params?: Params): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(text: string, params?: Params): Promise<T | undefined>;
  /** The first column of the first row, or undefined. */
  value<T = unknown>(text: string, params?: Params): Promise<T | undefined>;
  /** The first column of every row. */
  column<T = unknown>(text: string, params?: Params): Promise<T[]>;
  /** Rows as arrays of column values, in SELECT order (cheaper than objects for wide scans). */
  rows<T extends unknown[] = unknown[]>(text: string, params?: Params): Promise<T[]>;
  run(text: string, params?: Params): Promise<RunResult>;
  /**
   * An INSERT of one row into a table whose key is `id` (written without RETURNING): the new row's id, or undefined
   * when no row was inserted (ON CONFLICT … DO NOTHING). SQLite reads the rowid it just assigned (RETURNING there
   * costs several times the insert on an indexed table); PostgreSQL adds RETURNING id.
   */
  insert(text: string, params?: Params): Promise<number | undefined>;
  /** Several statements without parameters (schema changes). */
  exec(text: string): Promise<void>;
  /** Rows in batches, read as they are needed: a million rows never sit in memory at once. */
  batches<T = Record<string, unknown>>(text: string, params?: Params, size?: number): AsyncIterable<T[]>;
  /** As batches, with each row an array of column values. */
  rowBatches<T extends unknown[] = unknown[]>(text: string, params?: Params, size?: number): AsyncIterable<T[]>;
  /**
   * FN inside one transaction: committed when it resolves, rolled back when it throws. Nested calls are
   * savepoints. `write` takes the write lock at the start (SQLite BEGIN IMMEDIATE), so a reader that later
   * writes is never refused halfway.
   */
  transaction<T>(fn: () => Promise<T>, mode?: 'read' | 'write'): Promise<T>;
  /** Whether a transaction is open on this connection. */
  readonly inTransaction: boolean;
  close(): Promise<void>;
}

