// What an import is to the rest of crm: its outcomes, its run record, and where it starts (the row-by-row writer in
// db/import-writer.ts on both engines; the PostgreSQL bulk path in db/import-postgres.ts).
import { DatabaseError } from '../errors.js';
import type { PgSql } from './engine/postgres.js';
import type { BulkStaging } from './import-postgres.js';
import type { Sql } from './engine/sql.js';
import { startRowImport } from './import-writer.js';
import type { LineImportOutcome } from './order-lines.js';
import type { ImportKind } from '../import/fields.js';
import type { ImportRow, Rejection } from '../import/validate.js';

/** 'merged': a customers row whose id was merged into another customer, skipped (docs/rules.md#merged-customers). */
export type WriteOutcome = 'new' | 'changed' | 'unchanged' | 'merged' | Rejection;

export interface RunRecord {
  /** A CSV kind, 'contacts' (crm import contacts) or 'mail' (crm import mail, import/mail-run.ts). */
  kind: ImportKind | 'contacts' | 'mail';
  fileName: string;
  contentHash: string;
  startedAt: string;
  finishedAt: string;
  rowsRead: number;
  rowsNew: number;
  rowsChanged: number;
  rowsUnchanged: number;
  rowsRejected: number;
  customersCreated: number;
  options: Record<string, unknown>;
}

export const trackedTables = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints'] as const;
export type TrackedTable = (typeof trackedTables)[number];
export type Value = string | number | null;
export type Values = Record<string, Value>;

export const customerColumns = [
  'name', 'company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes', 'status',
  'kind', 'referred_by', 'converted_at', 'dropped_at', 'drop_reason',
] as const;
export const interactionColumns = ['customer_id', 'kind', 'occurred_at', 'summary', 'outcome', 'owner', 'follow_up_at'];
export const paymentColumns = ['customer_id', 'order_id', 'paid_on', 'amount_cents', 'method'];
export const surveyColumns = ['customer_id', 'surveyed_on', 'expected', 'perceived', 'would_recommend'];
export const complaintColumns = ['customer_id', 'opened_at', 'severity', 'summary', 'status', 'resolved_at', 'resolution', 'owner'];

export interface WriterOptions {
  createCustomers?: boolean;
  /** --credit-prefix for line-item order files (db/order-lines.ts). */
  creditPrefix?: string | null;
  /** The customer fields the file has columns for (customers import). */
  presentCustomerFields?: string[];
  /**
   * SQLite, orders: where a new order's customer is found, in Node (ids cached, the default while the customers fit
   * the cache) or in the INSERT itself (the default beyond it: a cache that cannot hold them all looks up nearly every
   * row). Tests choose one to exercise both.
   */
  customerLookup?: 'node' | 'statement';
}

export const duplicateId = (field: string, externalId: string, hint = ''): Rejection => ({
  field,
  value: externalId,
  reason: `appears more than once in this file (keep one row per id${hint})`,
});

/**
 * Another session changed, while this import ran, a row the import was writing in a way it cannot go on from (on
 * PostgreSQL, where an import does not lock other writers out): the import stops, nothing is written, and running it
 * again goes through. WHAT says what happened ("another session deleted order O7").
 */
export function concurrentChange(label: string, what: string): DatabaseError {
  return new DatabaseError(`${label}: while this import ran, ${what}; nothing was written: import the file again`);
}

export const unknownCustomer = (externalId: string, hint: string): Rejection => ({
  field: 'customer_id',
  value: externalId,
  reason: `unknown customer${hint}`,
});

export interface ImportRunRow {
  id: number;
  kind: string;
  file_name: string;
  content_hash: string;
  started_at: string;
  finished_at: string;
  rows_read: number;
  rows_new: number;
  rows_changed: number;
  rows_unchanged: number;
  rows_rejected: number;
  customers_created: number;
  undone_at: string | null;
}

export async function listImportRuns(sql: Sql, limit: number): Promise<ImportRunRow[]> {
  return sql.all<ImportRunRow>(
    `SELECT id, kind, file_name, content_hash, started_at, finished_at, rows_read, rows_new, rows_changed,
            rows_unchanged, rows_rejected, customers_created, undone_at
     FROM import_runs ORDER BY id DESC LIMIT ?`,
    [limit],
  );
}

/** The last earlier run of the same content, if any (to say "this file was imported before"). */
export async function previousRunOfContent(sql: Sql, kind: string, contentHash: string): Promise<number | undefined> {
  return (await sql.value<number | null>('SELECT max(id) FROM import_runs WHERE kind = ? AND content_hash = ?', [kind, contentHash])) ?? undefined;
}

/**
 * One import of one file as the import engine (import/run.ts) drives it, on either engine: the row-by-row writer
 * (db/import-writer.ts), or on PostgreSQL the bulk path for plain customer and order files (db/import-postgres.ts).
 */
export interface ImportWork {
  /** Set when the rows are staged in bulk and merged at the end (PostgreSQL COPY path): then write and check are not used. */
  readonly bulk?: BulkStaging;
  write(row: ImportRow, line: number): Promise<WriteOutcome | null>;
  /**
   * SQLite: the rows of one parsed batch (all valid), written in order, the outcome of each; many new rows per statement
   * where it can (db/import-sqlite.ts). With stopAtRejection it returns at the first rejected row, its outcome last.
   */
  writeMany?: (items: readonly { row?: ImportRow; line: number }[], stopAtRejection: boolean) => Promise<(WriteOutcome | null)[]>;
  /** The checks write() would make against the database, without writing (to report all problems under abort). */
  check(row: ImportRow): Promise<Rejection | null>;
  /** Called before each batch of rows with the rows read so far (a SQLite bulk load defers the table's indexes). */
  beforeBatch(rowsRead: number): Promise<void>;
  /** Writes what was staged (the orders of a line-item file); null for any other file. */
  finish(): Promise<LineImportOutcome | null>;
  readonly customersCreated: number;
  /** Rows that named a merged customer's id and were written to the customer it was merged into (a customers row is skipped instead: outcome 'merged'). */
  readonly aliasRows: number;
  readonly aliasesUsed: Map<string, string>;
  previousRunOfContent(kind: string, contentHash: string): Promise<number | undefined>;
  convertLeadsWithSales(): Promise<number>;
  /** Records the run and what it did, then commits; the run's id. */
  commit(run: RunRecord): Promise<number>;
  /** Read after commit. */
  controlGroupContacts(): Promise<{ contacts: number; customers: string[] }>;
  rollback(): Promise<void>;
}

/** Starts the import of one file of KIND: its transaction is open when this returns. */
export async function startImport(sql: Sql, now: Date, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  if (sql.engine === 'postgres') {
    const { startPostgresImport } = await import('./import-postgres.js');
    return startPostgresImport(sql as PgSql, now, kind, options);
  }
  return startRowImport(sql, now, kind, options);
}
