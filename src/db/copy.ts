// crm db copy: the whole CRM from one database to another, on either engine (SQLite file or PostgreSQL), with ids
// kept. The tables come from the source's own schema (never a list kept here), in an order where every parent
// table comes before the tables pointing at it; the copy is one transaction on the target, read from one snapshot
// of the source, streamed in batches, with every table's row count checked before it commits
// (docs/storage.md; ARCHITECTURE.md#storage). Reading the schema is engine-specific and lives here.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import { CrmError, DatabaseError } from '../errors.js';
import { PgSql, serverProblem } from './engine/postgres.js';
import type { Sql } from './engine/sql.js';
import { SqliteSql } from './engine/sqlite.js';
import { storedSchemaVersion } from './open-store.js';

/** A target that already holds data: exit 1, nothing written. */
export class TargetNotEmptyError extends CrmError {}

export interface TableShape {
  name: string;
  columns: string[];
  /** The primary key's columns, in key order (the copy reads in this order). */
  key: string[];
  /** Tables this one points at (foreign keys), itself left out. */
  parents: string[];
  /** The column ids are generated for (AUTOINCREMENT / identity), if any. */
  generated: string | null;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** crm's own tables, not the engine's nor the schema version's (crm_schema is set by the migrations). */
async function sqliteShapes(sql: SqliteSql): Promise<TableShape[]> {
  const names = await sql.column<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  const shapes: TableShape[] = [];
  for (const name of names) {
    const info = await sql.all<{ name: string; pk: number; type: string }>('SELECT name, pk, type FROM pragma_table_info(?) ORDER BY cid', [name]);
    const keys = info.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => column.name);
    const foreign = await sql.all<{ table: string }>('SELECT "table" FROM pragma_foreign_key_list(?)', [name]);
    const autoincrement = (await sql.value<string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [name]))?.includes('AUTOINCREMENT');
    shapes.push({
      name,
      columns: info.map((column) => column.name),
      key: keys,
      parents: [...new Set(foreign.filter((fk) => fk.table !== name).map((fk) => fk.table))],
      generated: autoincrement && keys.length === 1 ? keys[0]! : null,
    });
  }
  return shapes;
}

async function postgresShapes(sql: Sql): Promise<TableShape[]> {
  const columns = await sql.all<{ table_name: string; column_name: string; is_identity: string }>(
    `SELECT table_name::text AS table_name, column_name::text AS column_name, is_identity::text AS is_identity
     FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'crm_schema'
       AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema())
     ORDER BY table_name, ordinal_position`,
  );
  const keys = await sql.all<{ table_name: string; column_name: string }>(
    `SELECT t.relname::text AS table_name, a.attname::text AS column_name
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE i.indisprimary AND t.relnamespace = current_schema()::regnamespace
     ORDER BY t.relname, k.position`,
  );
  const foreign = await sql.all<{ table_name: string; parent: string }>(
    `SELECT t.relname::text AS table_name, p.relname::text AS parent
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid
     WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace`,
  );
  const byName = new Map<string, TableShape>();
  for (const row of columns) {
    let shape = byName.get(row.table_name);
    if (!shape) byName.set(row.table_name, (shape = { name: row.table_name, columns: [], key: [], parents: [], generated: null }));
    shape.columns.push(row.column_name);
    if (row.is_identity === 'YES') shape.generated = row.column_name;
  }
  for (const row of keys) byName.get(row.table_name)?.key.push(row.column_name);
  for (const row of foreign) {
    const shape = byName.get(row.table_name);
    if (shape && row.parent !== row.table_name && !shape.parents.includes(row.parent)) shape.parents.push(row.parent);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Parents before children; ties in name order, so the order is the same on both engines. */
function parentsFirst(shapes: TableShape[]): TableShape[] {
  const done = new Set<string>();
  const ordered: TableShape[] = [];
  const known = new Set(shapes.map((shape) => shape.name));
  while (ordered.length < shapes.length) {
    const next = shapes.find((shape) => !done.has(shape.name) && shape.parents.every((parent) => done.has(parent) || !known.has(parent)));
    if (!next) throw new DatabaseError(`the tables ${shapes.filter((shape) => !done.has(shape.name)).map((shape) => shape.name).join(', ')} point at each other; crm cannot order the copy`);
    done.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

/** Every table of crm's schema in SQL, parents first: what a copy, a backup of a server or doctor goes through. */
export async function crmTables(sql: Sql): Promise<TableShape[]> {
  return parentsFirst(sql instanceof SqliteSql ? await sqliteShapes(sql) : await postgresShapes(sql));
}

/** The crm tables of SQL that hold at least one row. */
export async function tablesWithRows(sql: Sql): Promise<string[]> {
  const found: string[] = [];
  for (const table of await crmTables(sql)) {
    if ((await sql.value(`SELECT 1 FROM ${quote(table.name)} LIMIT 1`)) !== undefined) found.push(table.name);
  }
  return found;
}

/** The next id a table would give, as the engine keeps it: SQLite's sqlite_sequence, PostgreSQL's identity sequence. */
async function sequenceValues(sql: Sql, tables: TableShape[]): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  if (sql instanceof SqliteSql) {
    if ((await sql.value("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")) === undefined) return values;
    for (const row of await sql.all<{ name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence')) values.set(row.name, Number(row.seq));
    return values;
  }
  for (const table of tables) {
    if (table.generated === null) continue;
    const last = await sql.value<number | null>(
      'SELECT last_value FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = (SELECT split_part(pg_get_serial_sequence(?, ?), \'.\', 2))',
      [quote(table.name), table.generated],
    );
    if (last !== null && last !== undefined) values.set(table.name, Number(last));
  }
  return values;
}

/**
 * Moves each generated-id counter of TARGET past both the largest id copied and the source's own counter (ids of
 * deleted rows are never given again on SQLite: crm import undo removes id ranges, which must stay one run's rows).
 */
async function setSequences(target: Sql, tables: TableShape[], source: Map<string, number>): Promise<void> {
  for (const table of tables) {
    if (table.generated === null) continue;
    const largest = Number((await target.value<number | null>(`SELECT max(${quote(table.generated)}) FROM ${quote(table.name)}`)) ?? 0);
    const next = Math.max(largest, source.get(table.name) ?? 0);
    if (next <= 0) continue;
    if (target instanceof SqliteSql) {
      const changed = await target.run('UPDATE sqlite_sequence SET seq = ? WHERE name = ?', [next, table.name]);
      if (changed.changes === 0) await target.run('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', [table.name, next]);
    } else {
      await target.value('SELECT setval(pg_get_serial_sequence(?, ?), CAST(? AS BIGINT), true)', [quote(table.name), table.generated, next]);
    }
  }
}

/** One value in COPY's text format: \N for NULL, backslash escapes for the characters that end a field or a row. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text;
}

/** Batches of rows as COPY text, one chunk per batch. */
async function* copyText(batches: AsyncIterable<unknown[][]>): AsyncIterable<string> {
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) text += `${row.map(copyField).join('\t')}\n`;
    yield text;
  }
}

/**
 * Writes the rows of BATCHES (arrays in COLUMNS order) into TABLE of TARGET: PostgreSQL streams them with COPY (the
 * server's bulk path, read as it is sent), SQLite runs one prepared INSERT per row with no await between rows.
 */
async function writeRows(target: Sql, table: string, columns: string[], batches: AsyncIterable<unknown[][]>): Promise<void> {
  if (target instanceof PgSql) {
    const copy = target.client.query(pgCopy.from(`COPY ${quote(table)} (${columns.map(quote).join(', ')}) FROM STDIN`));
    try {
      await pipeline(Readable.from(copyText(batches)), copy);
    } catch (error) {
      throw serverProblem(target.label, error) ?? error;
    }
    return;
  }
  if (!(target instanceof SqliteSql)) throw new Error('db copy: unknown engine');
  const statement = target.handle.prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  for await (const batch of batches) for (const row of batch) statement.run(...row);
}

export interface CopyResult {
  version: number;
  tables: { table: string; rows: number }[];
}

export interface CopyOptions {
  /** Told after each table is written. */
  onTable?: (table: string, rows: number) => void;
  /** Rows read per batch (default 2000). */
  batchSize?: number;
}

/**
 * Copies every row of every crm table from SOURCE into TARGET (open, migrated to the same schema version, and
 * empty: refused otherwise with nothing written), keeping ids. One transaction on the target; the source is read
 * from one snapshot. Per-table counts are compared with the source's before the commit: a difference rolls back.
 */
export async function copyDatabase(source: Sql, target: Sql, options: CopyOptions = {}): Promise<CopyResult> {
  const version = await storedSchemaVersion(source);
  const targetVersion = await storedSchemaVersion(target);
  if (version !== targetVersion) {
    throw new DatabaseError(`${source.label} has schema version ${version} and ${target.label} ${targetVersion}; both must be the same (run any crm command on the older one first)`);
  }
  const tables = await crmTables(source);
  const targetTables = new Map((await crmTables(target)).map((table) => [table.name, table]));
  for (const table of tables) {
    const there = targetTables.get(table.name);
    const missing = table.columns.filter((column) => !there?.columns.includes(column));
    if (!there || missing.length) {
      throw new DatabaseError(`${target.label} has no ${there ? `column ${missing.join(', ')} in ` : ''}table ${table.name} of the same schema version; nothing was written`);
    }
  }
  const batchSize = options.batchSize ?? 2000;
  return source.transaction(async () => {
    // One snapshot of the source for every table (PostgreSQL reads each statement's own snapshot otherwise).
    if (source.engine === 'postgres') await source.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const sequences = await sequenceValues(source, tables);
    return target.transaction(async () => {
      // No other writer may fill the target between the emptiness check and the commit (SQLite: BEGIN IMMEDIATE
      // holds the write lock already; readers still read the empty tables meanwhile).
      if (target.engine === 'postgres') await target.exec(`LOCK TABLE ${tables.map((table) => quote(table.name)).join(', ')} IN EXCLUSIVE MODE`);
      const full = await tablesWithRows(target);
      if (full.length > 0) {
        throw new TargetNotEmptyError(`${target.label} already holds data (${full.join(', ')}); db copy writes only into an empty database; nothing was written`);
      }
      // SQLite checks a foreign key at each statement unless told to wait for the commit. PostgreSQL's are not
      // deferrable, but one checks at the end of its statement, and a table is one COPY: a customer referred by a
      // partner with a higher id goes in as it is. Parents go first. No row is written twice: an UPDATE on the server
      // would stamp updated_by with the login copying (docs/storage.md#who-wrote-a-row), and a copy keeps who wrote it.
      if (target instanceof SqliteSql) await target.exec('PRAGMA defer_foreign_keys = ON');
      const copied: { table: string; rows: number }[] = [];
      for (const table of tables) {
        const order = table.key.length ? ` ORDER BY ${table.key.map(quote).join(', ')}` : '';
        let rows = 0;
        const read = source.rowBatches(`SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)}${order}`, undefined, batchSize);
        const counted = async function* (): AsyncIterable<unknown[][]> {
          for await (const batch of read) {
            rows += batch.length;
            yield batch;
          }
        };
        await writeRows(target, table.name, table.columns, counted());
        const written = (await target.value<number>(`SELECT count(*) FROM ${quote(table.name)}`)) ?? 0;
        const inSource = (await source.value<number>(`SELECT count(*) FROM ${quote(table.name)}`)) ?? 0;
        if (written !== rows || inSource !== rows) {
          throw new DatabaseError(`${table.name}: ${rows} rows read, ${written} written, ${inSource} in the source; the copy was rolled back, nothing was written`);
        }
        copied.push({ table: table.name, rows });
        options.onTable?.(table.name, rows);
      }
      await setSequences(target, tables, sequences);
      // SQLite checks the deferred foreign keys at the commit: a row pointing at nothing fails it, and it rolls back.
      return { version, tables: copied };
    }, 'write');
  }, 'read');
}
