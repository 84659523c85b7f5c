// The import of one file on PostgreSQL. Plain customer and order files take the bulk path below (COPY into a staging
// table, then set-based checks and an INSERT … SELECT … ON CONFLICT merge); every other file goes through the
// row-by-row writer both engines share (db/import-writer.ts). Either way one transaction per file, opened by the shared
// session. No table lock: other sessions keep writing the same tables while an import runs (crm log during a nightly
// import). So the ids the run creates are recorded as the ranges of ids that are all its own (import_created, what
// crm import undo deletes), rows it changes are locked before their earlier values are read, and a row another session
// wrote meanwhile in a way the import cannot go on from (the same new id, a customer deleted) stops it with a clear
// message and nothing written.
import { once } from 'node:events';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { ImportKind } from '../import/fields.js';
import type { ImportRow, Rejection } from '../import/validate.js';
import { serverProblem, type PgSql } from './engine/postgres.js';
import { concurrentChange, customerColumns, duplicateId, unknownCustomer, type ImportWork, type Value, type WriterOptions } from './import-store.js';
import { contentHash, ImportSession, rowWork, sessionWork } from './import-writer.js';
import { orderColumns } from './order-lines.js';

/** Starts an import on PostgreSQL: the transaction is open when this returns. */
export async function startPostgresImport(sql: PgSql, now: Date, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  return explainingConcurrentWrites(sql.label, await startWork(sql, now, kind, options));
}

/** A row of one of crm's tables as the summary names it. */
const rowNames: Record<string, string> = {
  customers: 'customer', orders: 'order', interactions: 'contact', payments: 'payment', surveys: 'survey', complaints: 'complaint',
};

/**
 * A key or foreign key the server refused in the middle of an import is another session's write since the import read
 * the table (the import checks both before it writes): said so, naming the row, instead of the bare constraint error.
 */
function concurrentWriteProblem(label: string, error: unknown): Error | null {
  const { code, detail, table } = error as { code?: unknown; detail?: unknown; table?: unknown };
  const text = typeof detail === 'string' ? detail : '';
  if (code === '23505') {
    // Key (external_id)=(O7) already exists.
    const key = /^Key \(external_id\)=\((.*)\) already exists\.?$/.exec(text);
    const name = typeof table === 'string' ? rowNames[table] : undefined;
    return concurrentChange(label, key && name ? `another session added ${name} ${key[1]}, which this file adds too` : `another session added a row this file adds too (${text})`);
  }
  if (code === '23503') {
    // Key (customer_id)=(12) is not present in table "customers".
    const key = /^Key \(\w+\)=\((\d+)\) is not present in table "(\w+)"\.?$/.exec(text);
    const name = key ? rowNames[key[2]!] : undefined;
    return concurrentChange(label, key && name ? `another session deleted the ${name} with internal id ${key[1]}, which rows of this file name` : `another session deleted a row this file refers to (${text})`);
  }
  return null;
}

/** WORK with the server's refusals that mean another session's write (concurrentWriteProblem) said as such. */
function explainingConcurrentWrites(label: string, work: ImportWork): ImportWork {
  const explained = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      throw concurrentWriteProblem(label, error) ?? error;
    }
  };
  work.write = explained(work.write.bind(work));
  work.finish = explained(work.finish.bind(work));
  work.convertLeadsWithSales = explained(work.convertLeadsWithSales.bind(work));
  work.commit = explained(work.commit.bind(work));
  if (work.bulk) work.bulk.settle = explained(work.bulk.settle.bind(work.bulk));
  return work;
}

async function startWork(sql: PgSql, now: Date, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  const session = new ImportSession(sql, now);
  await session.begin();
  try {
    if ((kind === 'customers' || kind === 'orders') && bulkEligible(kind, options, session.hasAliases)) {
      session.bulkChanges = true;
      await sql.exec('CREATE TEMP TABLE import_pending_changes (table_name TEXT COLLATE "C", row_id BIGINT, before TEXT) ON COMMIT DROP');
      const bulk = await createBulkStaging(session, sql, kind, options);
      const refuse = (): never => {
        throw new Error('a bulk import stages its rows (bulk.stage), it does not write them one by one');
      };
      return {
        bulk,
        write: refuse,
        check: refuse,
        beforeBatch: async () => undefined,
        finish: async () => null,
        customersCreated: 0,
        aliasRows: 0,
        ...sessionWork(session),
      };
    }
    return await rowWork(session, kind, options);
  } catch (error) {
    await session.rollback();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Bulk path: a plain customers file (no kind or referred_by column) or a plain orders file (one row per order, customers
// imported first), in a database without merged customers. Its rows follow no rule that depends on an earlier row of
// the same file beyond "an id once", so they are streamed with COPY into a temporary staging table as they are parsed
// (memory stays flat), then resolved, checked and merged by a few set-based statements in the same transaction. The
// outcome is the row-by-row path's, to the row: the same new/changed/unchanged counts, the same rejected lines with the
// same reasons (under --on-error abort: those the row path meets before it stops writing), the same derived keys.

/** One cell in COPY's text format. */
function copyCell(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

interface BulkColumn {
  name: string;
  type: 'TEXT' | 'BIGINT' | 'DOUBLE PRECISION';
}

export interface BulkRejection {
  line: number;
  record: string[] | undefined;
  field: string;
  value: string;
  reason: string;
}

export interface BulkOutcome {
  rowsNew: number;
  rowsChanged: number;
  rowsUnchanged: number;
  /** In line order, read as they are needed. */
  rejections: AsyncIterable<BulkRejection>;
}

/** What import/run.ts drives instead of write() when the import is staged in bulk. */
export interface BulkStaging {
  stage(row: ImportRow, line: number, record: string[] | undefined): void;
  stageRejected(line: number, record: string[] | undefined, rejection: Rejection): void;
  /** Sends the rows staged since the last flush (one COPY per parsed batch). */
  flush(): Promise<void>;
  settle(onError: 'abort' | 'skip'): Promise<BulkOutcome>;
}

/** Whether a file of KIND with these options can take the bulk path. */
export function bulkEligible(kind: ImportKind, options: WriterOptions, hasAliases: boolean): boolean {
  if (hasAliases) return false;
  const fields = options.presentCustomerFields ?? [];
  if (kind === 'customers') return !fields.includes('kind') && !fields.includes('referred_by');
  if (kind === 'orders') return !fields.includes('unit_price') && !options.createCustomers;
  return false;
}

export async function createBulkStaging(session: ImportSession, sql: PgSql, kind: 'customers' | 'orders', options: WriterOptions): Promise<BulkStaging> {
  const fields = options.presentCustomerFields ?? [];
  const present = fields.filter((field) => (customerColumns as readonly string[]).includes(field));
  const customerColumnsInFile = ['name', ...present.filter((field) => field !== 'name')];
  const typeOf: Record<string, BulkColumn['type']> = { quantity: 'DOUBLE PRECISION', amount_cents: 'BIGINT', cost_cents: 'BIGINT', customer_id: 'BIGINT' };
  // The target table's columns this file writes, in the row path's order.
  const targetColumns: string[] = kind === 'customers' ? customerColumnsInFile : orderColumns.filter((column) => column !== 'customer_id');
  const staged: BulkColumn[] = [
    { name: 'line', type: 'BIGINT' }, { name: 'field', type: 'TEXT' }, { name: 'value', type: 'TEXT' }, { name: 'reason', type: 'TEXT' },
    { name: 'record', type: 'TEXT' }, { name: 'external_id', type: 'TEXT' },
    ...(kind === 'customers' ? [{ name: 'created_at', type: 'TEXT' as const }] : [{ name: 'customer_ext', type: 'TEXT' as const }, { name: 'key_hash', type: 'TEXT' as const }]),
    ...targetColumns.map((name) => ({ name, type: typeOf[name] ?? ('TEXT' as const) })),
  ];
  const width = staged.length;
  await sql.exec(
    `DROP TABLE IF EXISTS pg_temp.import_stage;
     CREATE TEMP TABLE import_stage (${staged.map((column) => `${column.name} ${column.type}${column.type === 'TEXT' ? ' COLLATE "C"' : ''}`).join(', ')}) ON COMMIT DROP;`,
  );
  const copyText = `COPY import_stage (${staged.map((column) => column.name).join(', ')}) FROM STDIN`;
  let buffer: string[] = [];
  let derived = false;
  const push = (cells: unknown[]): void => {
    buffer.push(cells.map(copyCell).join('\t') + '\n');
  };
  const recordText = (record: string[] | undefined): string | null => (record === undefined ? null : JSON.stringify(record));

  const stage = (row: ImportRow, line: number, record: string[] | undefined): void => {
    if (row.kind === 'customers') {
      const values = customerColumnsInFile.map((column) => (column === 'status' ? (row.values.status ?? 'active') : (row.values[column] ?? null)));
      const createdAt = typeof row.values.created_at === 'string' ? row.values.created_at : null;
      push([line, null, null, null, recordText(record), row.externalId, createdAt, ...values]);
    } else if (row.kind === 'orders') {
      let hash: string | null = null;
      if (row.externalId === null) {
        derived = true;
        // As ImportSession.derivedKey: the same parts, so both engines derive the same key.
        const parts: Value[] = [row.customerExternalId, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status];
        hash = contentHash(parts);
      }
      push([line, null, null, null, recordText(record), row.externalId, row.customerExternalId, hash, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status]);
    } else {
      throw new Error(`bulk import of ${row.kind} rows into ${kind}`);
    }
  };

  const stageRejected = (line: number, record: string[] | undefined, rejection: Rejection): void => {
    const cells: unknown[] = [line, rejection.field, rejection.value, rejection.reason, recordText(record)];
    while (cells.length < width) cells.push(null);
    push(cells);
  };

  // One COPY for the whole file, written batch by batch as the file is parsed: the server takes in one batch while the
  // next is parsed, and a batch waits only when the server is behind (backpressure), so memory stays flat.
  let copy: CopyStreamQuery | null = null;
  let copyError: Error | null = null;
  let copyDone: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    if (copyError) throw copyError;
    if (buffer.length === 0) return;
    const text = buffer.join('');
    buffer = [];
    if (copy === null) {
      const stream = sql.client.query(copyFrom(copyText));
      copy = stream;
      copyDone = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', (error: Error) => {
          // The server gone mid-COPY (a broken pipe) is said as the server's problem, not as a file's.
          copyError = serverProblem(sql.label, error) ?? error;
          reject(copyError);
        });
      });
      copyDone.catch(() => undefined);
    }
    if (!copy.write(text)) await Promise.race([once(copy, 'drain'), copyDone]);
    if (copyError) throw copyError;
  };
  /** Ends the COPY: sent in full (end), or abandoned (the server discards what it took in, and the connection is free for ROLLBACK). */
  const endCopy = async (complete: boolean): Promise<void> => {
    if (copy === null) return;
    const stream = copy;
    copy = null;
    if (complete) {
      stream.end();
      await copyDone;
    } else {
      stream.destroy(new Error('import abandoned'));
      await copyDone!.catch(() => undefined);
    }
  };
  session.beforeRollback = () => endCopy(false);

  const settle = async (onError: 'abort' | 'skip'): Promise<BulkOutcome> => {
    await flush();
    await endCopy(true);
    await sql.exec('ANALYZE import_stage');
    const table = kind;
    const rowColumns = kind === 'customers' ? ['created_at', ...targetColumns] : ['customer_ext', 'key_hash', ...targetColumns];
    // Rows that passed validation, with their customer (orders) and their key.
    await sql.exec(
      kind === 'customers'
        ? `CREATE TEMP TABLE import_rows ON COMMIT DROP AS
             SELECT s.line, s.external_id AS key, CAST(0 AS BIGINT) AS customer_id, ${rowColumns.map((column) => `s.${column}`).join(', ')}
             FROM import_stage s WHERE s.reason IS NULL`
        : `CREATE TEMP TABLE import_rows ON COMMIT DROP AS
             SELECT s.line, s.external_id AS key, c.id AS customer_id, ${rowColumns.map((column) => `s.${column}`).join(', ')}
             FROM import_stage s LEFT JOIN customers c ON c.external_id = s.customer_ext WHERE s.reason IS NULL`,
    );
    if (derived) {
      // Rows without an id: content hash and occurrence number among the rows that reach the writer (customer known).
      await sql.exec(
        `UPDATE import_rows r SET key = 'o:' || n.key_hash || ':' || n.occurrence
         FROM (SELECT line, key_hash, row_number() OVER (PARTITION BY key_hash ORDER BY line) AS occurrence
               FROM import_rows WHERE key IS NULL AND customer_id IS NOT NULL) n
         WHERE r.line = n.line`,
      );
    }
    // The second and later rows naming an id (among rows whose customer is known).
    await sql.exec(
      `CREATE TEMP TABLE import_dups ON COMMIT DROP AS
         SELECT r.line, r.key FROM import_rows r
         JOIN (SELECT key, min(line) AS first FROM import_rows WHERE customer_id IS NOT NULL GROUP BY key HAVING count(*) > 1) d
           ON d.key = r.key AND r.line > d.first
         WHERE r.customer_id IS NOT NULL`,
    );
    const first = (await sql.get<{ v: number | null; u: number | null; d: number | null }>(
      `SELECT (SELECT min(line) FROM import_stage WHERE reason IS NOT NULL) AS v,
              (SELECT min(line) FROM import_rows WHERE customer_id IS NULL) AS u,
              (SELECT min(line) FROM import_dups) AS d`,
    ))!;
    const firstRejected = [first.v, first.u, first.d].filter((line): line is number => line !== null).reduce<number | null>((a, b) => (a === null || b < a ? b : a), null);
    // Under abort the row path stops writing at the first rejected row: rows after it are only checked (validation and
    // unknown customers are still reported; a repeated id is not), and the counts are those of the rows before it.
    const stopAt = onError === 'abort' ? firstRejected : null;
    const dupReason = duplicateId(kind === 'customers' ? 'customer_id' : 'order_id', '', kind === 'orders' && fields.includes('product')
      ? '; if these are the lines of one order, a unit price column (unit_price, UnitPrice, Price, 单价) makes the file a line-item file'
      : '').reason;
    const unknown = unknownCustomer('', ' (import customers first, or use --create-customers)').reason;
    await sql.run(
      `CREATE TEMP TABLE import_rejected ON COMMIT DROP AS
         SELECT line, field, value, reason FROM import_stage WHERE reason IS NOT NULL
         UNION ALL SELECT line, 'customer_id', customer_ext, CAST(@unknown AS TEXT) FROM import_rows WHERE customer_id IS NULL
         UNION ALL SELECT line, CAST(@dupField AS TEXT), key, CAST(@dupReason AS TEXT) FROM import_dups
           WHERE CAST(@stopAt AS BIGINT) IS NULL OR line = CAST(@stopAt AS BIGINT)`.replace(
        "SELECT line, 'customer_id', customer_ext,",
        kind === 'customers' ? "SELECT line, 'customer_id', CAST(NULL AS TEXT)," : "SELECT line, 'customer_id', customer_ext,",
      ),
      { unknown, dupField: kind === 'customers' ? 'customer_id' : 'order_id', dupReason, stopAt },
    );
    const same = targetColumns.map((column) => `t.${column} IS NOT DISTINCT FROM r.${column}`).concat(kind === 'orders' ? ['t.customer_id = r.customer_id'] : []).join(' AND ');
    await sql.run(
      `CREATE TEMP TABLE import_written ON COMMIT DROP AS
         SELECT r.*, t.id AS existing_id, CASE WHEN t.id IS NOT NULL AND ${same} THEN 1 ELSE 0 END AS same
         FROM import_rows r LEFT JOIN ${table} t ON t.external_id = r.key
         WHERE r.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM import_dups d WHERE d.line = r.line)
           AND (CAST(@stopAt AS BIGINT) IS NULL OR r.line < CAST(@stopAt AS BIGINT))`,
      { stopAt },
    );
    const counts = (await sql.get<{ new: number; changed: number; unchanged: number }>(
      `SELECT coalesce(sum(CASE WHEN existing_id IS NULL THEN 1 ELSE 0 END), 0) AS new,
              coalesce(sum(CASE WHEN existing_id IS NOT NULL AND same = 0 THEN 1 ELSE 0 END), 0) AS changed,
              coalesce(sum(same), 0) AS unchanged
       FROM import_written`,
    ))!;
    if (stopAt === null) await merge(counts.changed);
    return { rowsNew: counts.new, rowsChanged: counts.changed, rowsUnchanged: counts.unchanged, rejections: rejections() };
  };

  /**
   * Writes the checked rows: earlier values of changed rows recorded, changed rows updated, new rows inserted in file
   * order and the ranges of their ids noted. CHANGED rows are to be updated.
   */
  const merge = async (changed: number): Promise<void> => {
    const table = kind;
    const written = kind === 'customers' ? targetColumns : [...orderColumns];
    const before = ['updated_at', ...written].map((column) => `'${column}', t.${column}`).join(', ');
    // Other sessions write this table meanwhile (no table lock): the rows to change are locked first (in id order), so
    // the earlier values recorded below are the ones the update overwrites (an edit committed since the rows were
    // compared is among them), and nobody changes them until the commit. One deleted since cannot be written.
    const locked = (await sql.value<number>(
      `SELECT count(*) FROM (SELECT t.id FROM ${table} t JOIN import_written w ON t.id = w.existing_id WHERE w.same = 0 ORDER BY t.id FOR NO KEY UPDATE OF t) l`,
    ))!;
    if (locked < changed) {
      const gone = await sql.value<string>(
        `SELECT w.key FROM import_written w WHERE w.same = 0 AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = w.existing_id) ORDER BY w.line LIMIT 1`,
      );
      throw concurrentChange(sql.label, `another session deleted ${kind === 'customers' ? 'customer' : 'order'} ${gone ?? ''}`.trimEnd());
    }
    await sql.exec(
      `INSERT INTO import_pending_changes (table_name, row_id, before)
         SELECT '${table}', t.id, CAST(json_build_object(${before}) AS TEXT) FROM import_written w JOIN ${table} t ON t.id = w.existing_id WHERE w.same = 0`,
    );
    if (kind === 'orders') {
      // A one-row-per-order file rewrote an order that had lines: its lines go, and undo can put them back.
      await sql.exec(
        `INSERT INTO import_pending_changes (table_name, row_id, before)
           SELECT 'order_lines', l.order_id, CAST(json_agg(json_build_object('product', l.product, 'quantity', l.quantity,
                    'unit_price_cents', l.unit_price_cents, 'amount_cents', l.amount_cents, 'cost_cents', l.cost_cents) ORDER BY l.line) AS TEXT)
           FROM order_lines l JOIN import_written w ON w.existing_id = l.order_id AND w.same = 0 GROUP BY l.order_id;
         DELETE FROM order_lines WHERE order_id IN (SELECT existing_id FROM import_written WHERE existing_id IS NOT NULL AND same = 0);`,
      );
    }
    await sql.run(
      `UPDATE ${table} t SET ${written.map((column) => `${column} = w.${column}`).join(', ')}, updated_at = @writtenAt, updated_by = CAST(@actor AS TEXT)
       FROM import_written w WHERE t.id = w.existing_id AND w.same = 0`,
      { writtenAt: session.writtenAt, actor: sql.actor },
    );
    // The ids of the new rows, as islands of consecutive ids (id - row_number() is the same within one): other sessions'
    // rows may take ids between them. Written straight to the session's table of ranges, so memory stays flat.
    await session.storeRangesOf(table);
    await sql.run(
      `WITH inserted AS (
         INSERT INTO ${table} (external_id, ${written.join(', ')}, created_at, updated_at, created_by, updated_by)
         SELECT key, ${written.join(', ')}, ${kind === 'customers' ? 'coalesce(created_at, CAST(@now AS TEXT))' : 'CAST(@now AS TEXT)'}, CAST(@writtenAt AS TEXT),
                CAST(@actor AS TEXT), CAST(@actor AS TEXT)
         FROM import_written WHERE existing_id IS NULL ORDER BY line
         RETURNING id
       )
       INSERT INTO import_created_ranges (table_name, first_id, last_id)
       SELECT '${table}', min(id), max(id) FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS island FROM inserted) n GROUP BY island`,
      { now: session.now, writtenAt: session.writtenAt, actor: sql.actor },
    );
  };

  async function* rejections(): AsyncIterable<BulkRejection> {
    for (let after = 0; ;) {
      const page = await sql.all<{ line: number; field: string; value: string | null; reason: string; record: string | null }>(
        `SELECT j.line, j.field, j.value, j.reason, s.record FROM import_rejected j JOIN import_stage s ON s.line = j.line
         WHERE j.line > ? ORDER BY j.line LIMIT 1000`,
        [after],
      );
      if (page.length === 0) return;
      after = page[page.length - 1]!.line;
      for (const row of page) {
        yield { line: row.line, record: row.record === null ? undefined : (JSON.parse(row.record) as string[]), field: row.field, value: row.value ?? '', reason: row.reason };
      }
    }
  }

  return { stage, stageRejected, flush, settle };
}
