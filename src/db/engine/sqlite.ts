// The SQLite side of the connection type: better-sqlite3, one connection, statements prepared once and kept.
// better-sqlite3 is synchronous; these methods return settled promises, so a caller awaits the same way on
// both engines and pays one microtask per call (reads of many rows come in batches for that reason).
import type Database from 'better-sqlite3';
import { operatingSystemUser } from '../../util/os-user.js';
import { sqliteDialect } from './dialect.js';
import type { Params, RunResult, Sql } from './sql.js';

type Statement = Database.Statement<unknown[], unknown>;

const none: readonly unknown[] = [];

/** The arguments of a call to better-sqlite3 (spread, so an array passed in is not copied first). */
function bind(params: Params | undefined): readonly unknown[] {
  if (params === undefined) return none;
  return Array.isArray(params) ? (params as readonly unknown[]) : [params];
}

export class SqliteSql implements Sql {
  readonly engine = 'sqlite' as const;
  readonly dialect = sqliteDialect;
  private readonly statements = new Map<string, Statement>();
  private depth = 0;

  constructor(
    /** The better-sqlite3 handle: for the SQLite-only paths in src/db (bulk import, backup, pragmas), nothing above. */
    readonly handle: Database.Database,
    readonly label: string,
    /** Who writes (Sql.actor): the operating-system user unless the caller knows better (the CLI's Io). */
    readonly actor: string = operatingSystemUser(),
  ) {}

  private prepare(text: string): Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.handle.prepare(text);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** The statement for TEXT returning rows as objects (raw false) or arrays (raw true); a busy one is not reused. */
  private reader(text: string, raw: boolean): Statement {
    let statement = this.prepare(text);
    if (statement.busy) statement = this.handle.prepare(text);
    return statement.raw(raw);
  }

  async all<T>(text: string, params?: Params): Promise<T[]> {
    return this.reader(text, false).all(...bind(params)) as T[];
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    return this.reader(text, false).get(...bind(params)) as T | undefined;
  }

  async value<T>(text: string, params?: Params): Promise<T | undefined> {
    const row = this.reader(text, true).get(...bind(params)) as unknown[] | undefined;
    return row?.[0] as T | undefined;
  }

  async column<T>(text: string, params?: Params): Promise<T[]> {
    return (this.reader(text, true).all(...bind(params)) as unknown[][]).map((row) => row[0] as T);
  }

  async rows<T extends unknown[]>(text: string, params?: Params): Promise<T[]> {
    return this.reader(text, true).all(...bind(params)) as T[];
  }

  async run(text: string, params?: Params): Promise<RunResult> {
    const statement = this.prepare(text);
    // A statement with RETURNING is a reader to better-sqlite3; run() still executes it and counts its changes.
    return { changes: (statement.busy ? this.handle.prepare(text) : statement).run(...bind(params)).changes };
  }

  async insert(text: string, params?: Params): Promise<number | undefined> {
    const result = this.prepare(text).run(...bind(params));
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
  }

  async exec(text: string): Promise<void> {
    this.handle.exec(text);
  }

  async *batches<T>(text: string, params?: Params, size = 2000): AsyncIterable<T[]> {
    yield* this.read<T>(text, false, params, size);
  }

  async *rowBatches<T extends unknown[]>(text: string, params?: Params, size = 2000): AsyncIterable<T[]> {
    yield* this.read<T>(text, true, params, size);
  }

  private async *read<T>(text: string, raw: boolean, params: Params | undefined, size: number): AsyncIterable<T[]> {
    // A statement that is iterating cannot run again until it ends: a nested read of the same text gets its own,
    // and so does this read (another call may take the cached statement while this one is paused at a yield).
    const statement = this.handle.prepare(text).raw(raw);
    let batch: T[] = [];
    for (const row of statement.iterate(...bind(params)) as Iterable<T>) {
      batch.push(row);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  get inTransaction(): boolean {
    return this.handle.inTransaction;
  }

  async transaction<T>(fn: () => Promise<T>, mode: 'read' | 'write' = 'write'): Promise<T> {
    const savepoint = `crm_${this.depth}`;
    if (this.depth === 0) this.handle.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    else this.handle.exec(`SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = await fn();
      this.depth--;
      this.handle.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.depth--;
      if (this.handle.inTransaction) {
        if (this.depth === 0) this.handle.exec('ROLLBACK');
        else this.handle.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.handle.open) this.handle.close();
  }
}

/** The better-sqlite3 handle of a SQLite connection, for the file-only operations in src/db (online backup); never above src/db. */
export function sqliteHandle(sql: Sql): Database.Database {
  if (sql instanceof SqliteSql) return sql.handle;
  throw new Error(`${sql.label}: a SQLite file operation was asked of a ${sql.engine} database`);
}
