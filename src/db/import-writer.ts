// The row-by-row import writer, once for both engines (ARCHITECTURE.md#storage): every file on SQLite, and on PostgreSQL
// every file the bulk path (db/import-postgres.ts) does not take. The rules live here only: what a row means, how it is
// matched (its id, or a key derived from its content), whether it changed, merged ids, --create-customers, lead
// conversion, and the record crm import undo reads. Statements go through the connection type Sql, in the SQL both
// engines accept; what differs (opening the transaction, temporary tables' DDL, deferred indexes on SQLite) asks the
// engine or its dialect.
import { createHash } from 'node:crypto';
import type { Sql } from './engine/sql.js';
import {
  complaintColumns, customerColumns, duplicateId, interactionColumns, paymentColumns, previousRunOfContent, surveyColumns, trackedTables,
  unknownCustomer, type ImportWork, type RunRecord, type TrackedTable, type Value, type Values, type WriteOutcome, type WriterOptions,
} from './import-store.js';
import { MultiRowInsert, ROWS_PER_STATEMENT, sqliteHandleOf } from './import-sqlite.js';
import { dropOrderLines, LineStaging, orderColumns, readOrderLines, type StoredLine } from './order-lines.js';
import { billed, purchase } from './report-sales.js';
import type { ImportKind } from '../import/fields.js';
import type { ComplaintRow, CustomerRow, ImportRow, InteractionRow, OrderRow, PaymentRow, Rejection, SurveyRow } from '../import/validate.js';

/** Customer ids an import keeps at hand (order files name the same customers again and again): some 20 MB at most. */
const CUSTOMER_CACHE_SIZE = 250_000;
/**
 * Ranges of created ids one table keeps in memory. More ranges than this come only from other sessions writing the same
 * table all along (PostgreSQL); then the older ones move to the temporary table import_created_ranges, so memory stays
 * flat whatever the length of the file.
 */
const RANGES_IN_MEMORY = 1000;
/** Ranges written to a table in one statement. */
const RANGES_PER_STATEMENT = 200;
/** From this many rows (and a quarter of the table) on, a SQLite bulk load rebuilds secondary indexes once instead of per row. */
const BULK_ROWS = 50_000;

/**
 * The rows a run created in one table, as ranges of ids that are all the run's own (crm import undo deletes exactly
 * these). On SQLite the run is the only writer: one range per table. On PostgreSQL other sessions write the same tables
 * while an import runs (no table lock keeps them out), and their rows may take ids between the run's: a new range starts
 * wherever an id that is not the run's may lie between. A session's ids only grow, so the ranges come in order.
 */
interface CreatedIds {
  /** The ranges in memory, in increasing order: firsts[i] … lasts[i]. */
  firsts: number[];
  lasts: number[];
  /**
   * The highest id the run took from the table's counter such that every id after the last range's end up to it is the
   * run's too (used up by its own inserts that found the key taken, rows of none); NaN when another id may lie between.
   */
  reach: number;
  /** Whether older ranges (or the bulk path's) are in the temporary table import_created_ranges. */
  stored: boolean;
}

/**
 * One import of one file, inside one transaction: a crash, Ctrl-C or kill before commit leaves the database exactly as
 * it was (docs/storage.md#transactions). SQLite: BEGIN IMMEDIATE, the only writer. PostgreSQL: no table lock, so other
 * sessions go on writing (crm log during a nightly import); the run records the ids it created as ranges that are all
 * its own (CreatedIds, import_created), and it reads a row again under a row lock before it changes it, so the earlier
 * values it records for undo are the ones it overwrites (KeyedUpsert.matched; the bulk path locks its rows in one go).
 */
export class ImportSession {
  /** When the run happened, to the second (created_at of new rows, the run log). */
  readonly now: string;
  /**
   * The updated_at every row this run writes gets, to the millisecond. Edits made by hand stamp whole
   * seconds, so a row still carrying this exact value was not touched since the run, even when an
   * edit followed within the same second (crm import undo relies on it).
   */
  readonly writtenAt: string;
  private readonly sequenceBefore = new Map<TrackedTable, number>();
  private readonly created = new Map<TrackedTable, CreatedIds>();
  /** Whether the temporary table import_created_ranges exists and was emptied for this run. */
  private rangesTable = false;
  /** The run's id, once committed. */
  private runId: number | null = null;
  /**
   * Whether other sessions may write the tables this run writes (PostgreSQL): then the ids used up by the run's own
   * inserts that found a key taken are noted (takenId), and a row is read again under a row lock before it is changed.
   */
  readonly othersWrite: boolean;
  private readonly pendingChanges: { table: TrackedTable | 'order_lines'; id: number; before: string }[] = [];
  /** Whether any customer was ever merged: only then is a missing id looked up among the merged ids. */
  hasAliases = false;
  /** Merged ids the file named → the external id of the customer they were merged into. */
  readonly aliasesUsed = new Map<string, string>();
  /** The PostgreSQL bulk path records earlier values of changed rows in a temporary table (import_pending_changes). */
  bulkChanges = false;
  /** Ends what must end before ROLLBACK can be sent (an open COPY). */
  beforeRollback: (() => Promise<void>) | null = null;
  private finished = false;
  private readonly customerIds = new Map<string, number>();
  private readonly deferredIndexes: { name: string; sql: string }[] = [];
  private deferredTable: TrackedTable | null = null;

  constructor(readonly sql: Sql, now: Date = new Date()) {
    this.writtenAt = now.toISOString();
    this.now = this.writtenAt.replace(/\.\d{3}Z$/, 'Z');
    this.othersWrite = sql.engine === 'postgres';
  }

  /** Opens the transaction (and the table for keys this run claimed); the session is in it when this resolves. */
  async begin(): Promise<void> {
    const { sql } = this;
    if (sql.engine === 'sqlite') {
      // The import resolves every parent row itself (customerId/orderId below) before it writes a child, so SQLite's
      // per-row foreign-key probe is redundant work here; it is switched back on at the end. (PRAGMA foreign_keys
      // cannot change inside a transaction, hence before BEGIN.)
      await sql.exec('PRAGMA foreign_keys = OFF');
      await sql.exec('BEGIN IMMEDIATE');
      for (const table of trackedTables) {
        this.sequenceBefore.set(table, Number((await sql.value('SELECT seq FROM sqlite_sequence WHERE name = ?', [table])) ?? 0));
      }
    } else {
      // No table lock: others keep reading and writing these tables while the run goes on. Only the rows it changes
      // are locked (until it commits); the ids it creates are recorded as ranges all its own.
      await sql.exec('BEGIN');
    }
    await sql.exec(sql.dialect.ddl('CREATE TEMP TABLE IF NOT EXISTS import_claimed_keys (key TEXT PRIMARY KEY) WITHOUT ROWID;'));
    await sql.exec('DELETE FROM import_claimed_keys');
    this.hasAliases = (await sql.value('SELECT 1 FROM customer_aliases LIMIT 1')) !== undefined;
  }

  /**
   * For a SQLite bulk load, drops the table's secondary (non-unique) indexes and rebuilds them before commit:
   * inserting into random-order B-trees row by row is what makes a large import slow, and sorting once at the end is
   * much faster. DDL is transactional, so a crash still leaves the old indexes, and readers keep seeing the previous
   * snapshot. Unique indexes stay: upserts need them. (PostgreSQL loads large plain files by COPY instead.)
   */
  async beforeBatch(table: TrackedTable, rowsRead: number): Promise<void> {
    await this.keepRangesSmall();
    if (this.sql.engine !== 'sqlite' || this.deferredTable) return;
    if (rowsRead < Math.max(BULK_ROWS, (this.sequenceBefore.get(table) ?? 0) / 4)) return;
    this.deferredTable = table;
    const indexes = await this.sql.all<{ name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
      [table],
    );
    for (const index of indexes) {
      // The name comes from sqlite_master, quoted as an identifier.
      await this.sql.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
      this.deferredIndexes.push(index);
    }
  }

  /**
   * Notes a row this run created: it extends the table's last range when every id between is the run's own (always on
   * SQLite, the only writer), else starts a new range. (A conflicting insert may use up an id without a row, so the
   * counter alone would overstate the range.)
   */
  noteCreated(table: TrackedTable, id: number): void {
    let ids = this.created.get(table);
    if (ids === undefined) {
      ids = { firsts: [], lasts: [], reach: NaN, stored: false };
      this.created.set(table, ids);
    }
    const last = ids.lasts.length - 1;
    if (last >= 0 && (!this.othersWrite || id === ids.reach + 1)) ids.lasts[last] = id;
    else {
      ids.firsts.push(id);
      ids.lasts.push(id);
    }
    ids.reach = id;
  }

  /**
   * The select-list item (with its leading comma) that reads which id the run's last insert into TABLE used up, when
   * that insert found the key taken and wrote nothing: PostgreSQL's currval, read in the statement right after it. Empty
   * on SQLite. The column it gives is taken_id (noteTaken).
   */
  takenId(table: TrackedTable): string {
    return this.othersWrite ? `, currval(pg_get_serial_sequence('${table}', 'id')) AS taken_id` : '';
  }

  /**
   * Notes an id the run's own insert into TABLE used up without a row (takenId): when it follows the last id the run
   * took, the next row it creates may still extend the last range, for no other session's row lies between.
   */
  noteTaken(table: TrackedTable, id: number | null | undefined): void {
    const ids = this.created.get(table);
    if (ids === undefined || id === null || id === undefined) return;
    ids.reach = id === ids.reach + 1 ? id : NaN;
  }

  /** Whether ID is one of the rows this run created in TABLE. */
  private async isCreated(table: TrackedTable, id: number): Promise<boolean> {
    const ids = this.created.get(table);
    if (ids === undefined) return false;
    const { firsts, lasts } = ids;
    if (firsts.length > 0 && id >= firsts[0]!) {
      // The last range starting at or before id (binary search: the list may hold a thousand ranges).
      let low = 0;
      let high = firsts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (firsts[middle]! <= id) low = middle;
        else high = middle - 1;
      }
      if (id <= lasts[low]!) return true;
    }
    if (!ids.stored) return false;
    const range = await this.sql.get<{ last_id: number }>(
      'SELECT last_id FROM import_created_ranges WHERE table_name = ? AND first_id <= ? ORDER BY first_id DESC LIMIT 1',
      [table, id],
    );
    return range !== undefined && id <= range.last_id;
  }

  /** The temporary table for ranges that are not kept in memory, created (and emptied of an earlier run's) on first use. */
  private async ensureRangesTable(): Promise<void> {
    if (this.rangesTable) return;
    await this.sql.exec(this.sql.dialect.ddl(
      'CREATE TEMP TABLE IF NOT EXISTS import_created_ranges (table_name TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, PRIMARY KEY (table_name, first_id)) WITHOUT ROWID;',
    ));
    await this.sql.exec('DELETE FROM import_created_ranges');
    this.rangesTable = true;
  }

  /**
   * For a path that writes TABLE's created ranges into import_created_ranges itself (the PostgreSQL bulk path, which
   * finds them in SQL): the table is there when this resolves, and commit records what it holds.
   */
  async storeRangesOf(table: TrackedTable): Promise<void> {
    await this.ensureRangesTable();
    const ids = this.created.get(table);
    if (ids === undefined) this.created.set(table, { firsts: [], lasts: [], reach: NaN, stored: true });
    else ids.stored = true;
  }

  /** Moves all but the newest range of a table holding many to import_created_ranges (called between batches of rows). */
  async keepRangesSmall(): Promise<void> {
    for (const [table, ids] of this.created) {
      if (ids.firsts.length <= RANGES_IN_MEMORY) continue;
      await this.ensureRangesTable();
      const older = ids.firsts.length - 1;
      await this.writeRanges(null, table, ids.firsts.splice(0, older), ids.lasts.splice(0, older));
      ids.stored = true;
    }
  }

  /** Writes ranges of TABLE: into import_created for run RUNID, or (null) into import_created_ranges. */
  private async writeRanges(runId: number | null, table: TrackedTable, firsts: readonly number[], lasts: readonly number[]): Promise<void> {
    const target = runId === null ? 'import_created_ranges (table_name, first_id, last_id)' : 'import_created (run_id, table_name, first_id, last_id)';
    const marks = runId === null ? '(?, ?, ?)' : '(?, ?, ?, ?)';
    for (let start = 0; start < firsts.length; start += RANGES_PER_STATEMENT) {
      const end = Math.min(firsts.length, start + RANGES_PER_STATEMENT);
      const params: (string | number)[] = [];
      for (let index = start; index < end; index += 1) {
        if (runId !== null) params.push(runId);
        params.push(table, firsts[index]!, lasts[index]!);
      }
      await this.sql.run(`INSERT INTO ${target} VALUES ${Array.from({ length: end - start }, () => marks).join(', ')}`, params);
    }
  }

  /** Whether KEY was not claimed yet in this run (and now is). */
  private async claim(key: string): Promise<boolean> {
    return (await this.sql.run('INSERT INTO import_claimed_keys (key) VALUES (?) ON CONFLICT DO NOTHING', [key])).changes === 1;
  }

  /**
   * False when this run has already written this id: a row it created, or an existing row it already
   * matched (remembered in a temporary table, so memory stays flat; only rows that existed are noted).
   */
  async firstSight(table: TrackedTable, id: number, externalId: string): Promise<boolean> {
    if (await this.isCreated(table, id)) return false;
    return this.claim(`seen:${table}:${externalId}`);
  }

  recordChange(table: TrackedTable, id: number, before: Values): void {
    // Kept until the run row exists (its id is known only at the end); only changed rows, so this stays small.
    this.pendingChanges.push({ table, id, before: JSON.stringify(before) });
  }

  /**
   * The lines an order had before this run replaced them (an order changed by a line file): recorded as a change of
   * table order_lines with the order's id, so crm import undo can put the set back. The order's own change is
   * recorded too, and that is what undo checks for later edits.
   */
  recordLinesBefore(orderId: number, lines: readonly StoredLine[]): void {
    this.pendingChanges.push({ table: 'order_lines', id: orderId, before: JSON.stringify(lines) });
  }

  /** Whether the customers (as many as the table's id counter says) are more than the cache of their ids holds. */
  get manyCustomers(): boolean {
    return (this.sequenceBefore.get('customers') ?? 0) > CUSTOMER_CACHE_SIZE;
  }

  /** A customer id this run already looked up (order files name the same customers again and again), without a query. */
  cachedCustomerId(externalId: string): number | undefined {
    return this.customerIds.get(externalId);
  }

  /** Customer id by external id (or by a merged id), with a bounded cache. */
  async customerId(externalId: string): Promise<number | undefined> {
    const cached = this.customerIds.get(externalId);
    if (cached !== undefined) return cached;
    let id = await this.sql.value<number>('SELECT id FROM customers WHERE external_id = ?', [externalId]);
    if (id === undefined) id = await this.alias(externalId);
    if (id !== undefined) {
      if (this.customerIds.size >= CUSTOMER_CACHE_SIZE) this.customerIds.clear();
      this.customerIds.set(externalId, id);
    }
    return id;
  }

  /** The customer a merged id now names (crm customer merge), noted for the summary. */
  async alias(externalId: string): Promise<number | undefined> {
    if (!this.hasAliases) return undefined;
    const found = await this.sql.get<{ id: number; external_id: string }>(
      'SELECT c.id, c.external_id FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE a.external_id = ?',
      [externalId],
    );
    if (found === undefined) return undefined;
    this.aliasesUsed.set(externalId, found.external_id);
    return found.id;
  }

  async orderId(externalId: string): Promise<number | undefined> {
    return this.sql.value<number>('SELECT id FROM orders WHERE external_id = ?', [externalId]);
  }

  /**
   * A stable key for a row without an id of its own: a hash of its content plus its occurrence
   * number in this file, so re-importing is idempotent and two identical rows stay two rows.
   */
  async derivedKey(prefix: string, parts: Value[]): Promise<string> {
    const hash = contentHash(parts);
    for (let occurrence = 1; ; occurrence += 1) {
      const key = `${prefix}${hash}:${occurrence}`;
      if (await this.claim(key)) return key;
    }
  }

  /**
   * A lead that has a sale is a customer now (issue 11): kind becomes 'customer' and converted_at the day of
   * its first billed purchase (a date already stored or given by the file is kept). A credit note is no sale: a
   * lead with only returns stays a lead. Run before commit by imports of customers and orders; each change is
   * recorded, so crm import undo turns the customer back into a lead.
   */
  async convertLeadsWithSales(): Promise<number> {
    // Most databases have no leads: then nothing is read. Otherwise one pass over the orders of leads (during a
    // bulk load the orders index is deferred, so a per-lead lookup would scan every order once per lead).
    const anyLead = await this.sql.value("SELECT 1 FROM customers WHERE kind <> 'customer' AND kind = 'lead' LIMIT 1");
    if (anyLead === undefined) return 0;
    // On PostgreSQL the leads are locked as they are read (another session may be editing one): what is recorded for
    // undo is what this run overwrites. A lead converted meanwhile comes back as a customer and is left alone.
    const leads = await this.sql.all<{ id: number; kind: string; converted_at: string | null; updated_at: string; first_sale: string }>(
      `WITH first_sale AS (
         SELECT customer_id, min(order_date) AS first_sale FROM orders
         WHERE customer_id IN (SELECT id FROM customers WHERE kind <> 'customer' AND kind = 'lead') AND ${billed} AND ${purchase}
         GROUP BY customer_id
       )
       SELECT c.id, c.kind, c.converted_at, c.updated_at, f.first_sale FROM first_sale f JOIN customers c ON c.id = f.customer_id${
         this.othersWrite ? ' FOR NO KEY UPDATE OF c' : ''}`,
    );
    for (const lead of leads) {
      if (lead.kind !== 'lead') continue;
      this.recordChange('customers', lead.id, { kind: lead.kind, converted_at: lead.converted_at, updated_at: lead.updated_at });
      await this.sql.run("UPDATE customers SET kind = 'customer', converted_at = ?, updated_at = ?, updated_by = ? WHERE id = ?", [
        lead.converted_at ?? lead.first_sale, this.writtenAt, this.sql.actor, lead.id,
      ]);
    }
    return leads.filter((lead) => lead.kind === 'lead').length;
  }

  /**
   * Contacts this run wrote (new or changed) for a campaign with a customer of its control group (issue 11: logging such
   * a contact warns, since it spoils the comparison). Read after commit, when the indexes a bulk load deferred are back.
   */
  async controlGroupContacts(): Promise<{ contacts: number; customers: string[] }> {
    // This run's contacts: the ids it created (its ranges, recorded by commit) and the rows it changed (what crm import
    // undo would take back).
    const created = this.created.has('interactions');
    const changed = this.pendingChanges.filter((change) => change.table === 'interactions').map((change) => change.id);
    if ((!created || this.runId === null) && changed.length === 0) return { contacts: 0, customers: [] };
    // From the control groups (a few customers each) to their contacts (SQLite's CROSS JOIN keeps that join order).
    const join = this.sql.engine === 'sqlite' ? 'CROSS JOIN' : 'JOIN';
    const rows = await this.sql.all<{ customer: string; campaign: string }>(
      `SELECT c.external_id AS customer, k.name AS campaign FROM campaign_members m
       ${join} interactions i ON i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id
       JOIN customers c ON c.id = i.customer_id JOIN campaigns k ON k.id = i.campaign_id
       WHERE m.arm = 'control' AND (EXISTS (SELECT 1 FROM import_created r WHERE r.run_id = @run AND r.table_name = 'interactions'
           AND i.id BETWEEN r.first_id AND r.last_id) OR i.id IN (${this.sql.dialect.jsonValues('@changed', 'bigint')}))
       ORDER BY i.id`,
      { run: this.runId ?? 0, changed: JSON.stringify(changed) },
    );
    return { contacts: rows.length, customers: [...new Set(rows.map((row) => `${row.customer} (${row.campaign})`))] };
  }

  /** Records the run and what it did, then commits; the run's id. */
  async commit(run: RunRecord): Promise<number> {
    const { sql } = this;
    for (const index of this.deferredIndexes) await sql.exec(index.sql);
    const runId = (await sql.insert(
      `INSERT INTO import_runs (kind, file_name, content_hash, started_at, finished_at, rows_read, rows_new, rows_changed,
         rows_unchanged, rows_rejected, customers_created, options, written_at, created_by)
       VALUES (@kind, @fileName, @contentHash, @startedAt, @finishedAt, @rowsRead, @rowsNew, @rowsChanged,
         @rowsUnchanged, @rowsRejected, @customersCreated, @options, @writtenAt, @actor)`,
      // written_at: the updated_at every row of this run got; crm import undo uses it to see later edits.
      { ...run, options: JSON.stringify(run.options), writtenAt: this.writtenAt, actor: sql.actor },
    ))!;
    // The ranges of ids it created: those in memory (one per table on SQLite), then those kept in the temporary table.
    for (const [table, ids] of this.created) await this.writeRanges(runId, table, ids.firsts, ids.lasts);
    if (this.rangesTable) {
      await sql.run('INSERT INTO import_created (run_id, table_name, first_id, last_id) SELECT ?, table_name, first_id, last_id FROM import_created_ranges', [runId]);
      await sql.exec('DELETE FROM import_created_ranges');
    }
    // The first change recorded for a row wins (its values from before the run): the file's own changes, then the
    // leads this run converted.
    if (this.bulkChanges) {
      await sql.run(
        'INSERT INTO import_changes (run_id, table_name, row_id, before) SELECT ?, table_name, row_id, before FROM import_pending_changes ON CONFLICT DO NOTHING',
        [runId],
      );
    }
    for (const { table, id, before } of this.pendingChanges) {
      await sql.run('INSERT INTO import_changes (run_id, table_name, row_id, before) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [runId, table, id, before]);
    }
    await sql.exec('DELETE FROM import_claimed_keys');
    await sql.exec('COMMIT');
    this.finished = true;
    this.runId = runId;
    if (sql.engine === 'sqlite') await sql.exec('PRAGMA foreign_keys = ON');
    return runId;
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.beforeRollback?.().catch(() => undefined);
    await this.sql.exec('ROLLBACK').catch(() => undefined);
    if (this.sql.engine === 'sqlite') await this.sql.exec('PRAGMA foreign_keys = ON');
  }
}

/** The content hash of a derived key (both engines and both import paths derive the same keys). */
export function contentHash(parts: readonly Value[]): string {
  return createHash('sha1').update(parts.map((part) => (part === null ? '\u0000' : String(part))).join('\u001f')).digest('base64url').slice(0, 20);
}

/** A keyed upsert on one table. */
class KeyedUpsert {
  private readonly insertText: string;
  private readonly selectText: string;
  private readonly lockText: string;
  private readonly updateText: string;
  /** Whether a row brings its own created_at (a customers file's column); other tables take the run's time. */
  private readonly ownCreatedAt: boolean;
  /** SQLite: many new rows in one statement (db/import-sqlite.ts); null on PostgreSQL. */
  private readonly multi: MultiRowInsert | null;

  /**
   * MANYMARKS: the marks of the columns in a multi-row insert, when one is not a plain `?` (orders look their customer
   * up there, by the external id bound in its place).
   */
  constructor(
    private readonly session: ImportSession,
    private readonly table: TrackedTable,
    private readonly columns: readonly string[],
    manyMarks?: string,
  ) {
    // Table and column names come from the fixed lists in this file, never from user text; values are parameters.
    const list = columns.join(', ');
    const marks = columns.map(() => '?').join(', ');
    // Insert first: a new row costs one statement; only a key already present is read back and compared. Who wrote the
    // row (created_by, updated_by) is written with it but never compared: the same data imported again by someone else
    // is unchanged, and stays as it was.
    // The run's own times are the same for every row: they are part of the statement (crm makes them, ISO 8601 checked
    // here, never text from a file), so a row binds only its values and who wrote it. On SQLite each bound value of a
    // row costs (some 0.2 µs), and this keeps a large import binding as many as before who-wrote-it was kept.
    const stamp = (time: string): string => {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(time)) throw new Error(`not a time crm made: ${time}`);
      return `'${time}'`;
    };
    this.ownCreatedAt = table === 'customers';
    this.insertText = `INSERT INTO ${table} (external_id, ${list}, created_at, updated_at, created_by, updated_by)
      VALUES (?, ${marks}, ${this.ownCreatedAt ? '?' : stamp(session.now)}, ${stamp(session.writtenAt)}, ?, ?) ON CONFLICT (external_id) DO NOTHING`;
    const handle = sqliteHandleOf(session.sql);
    this.multi = handle === null ? null : new MultiRowInsert(
      handle,
      `INSERT INTO ${table} (external_id, ${list}, created_at, updated_at, created_by, updated_by) VALUES`,
      `(?, ${manyMarks ?? marks}, ${this.ownCreatedAt ? '?' : stamp(session.now)}, ${stamp(session.writtenAt)}, @actor, @actor)`,
      session.sql.actor,
    );
    // Right after an insert that found the key taken: on PostgreSQL it also reads the id that insert used up.
    this.selectText = `SELECT id, updated_at, ${list}${session.takenId(table)} FROM ${table} WHERE external_id = ?`;
    // PostgreSQL only (othersWrite): the row read again under a row lock before this run changes it.
    this.lockText = `SELECT id, updated_at, ${list} FROM ${table} WHERE external_id = ? FOR NO KEY UPDATE`;
    this.updateText = `UPDATE ${table} SET ${columns.map((column) => `${column} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`;
  }

  /**
   * values are in the order of `columns`. 'duplicate': the file names this id a second time (the second row would undo
   * the first on every re-import). seen: the key was already claimed (firstSight) by this row.
   */
  upsert(externalId: string, values: Value[], createdAt?: string | null, seen = false): Promise<'new' | 'changed' | 'unchanged' | 'duplicate'> {
    const { session } = this;
    // Written as a chain, not an async function: on SQLite this is the per-row cost of a large import.
    const actor = session.sql.actor;
    const params = this.ownCreatedAt ? [externalId, ...values, createdAt ?? session.now, actor, actor] : [externalId, ...values, actor, actor];
    return session.sql.insert(this.insertText, params).then((inserted) => {
      if (inserted === undefined) return this.matched(externalId, values, createdAt, seen);
      session.noteCreated(this.table, inserted);
      return 'new';
    });
  }

  /** Whether insertMany can be used (SQLite). */
  get many(): boolean {
    return this.multi !== null;
  }

  /**
   * SQLite's fast path: ROWS new rows in one statement, PARAMS row after row as upsert binds them (external id, values,
   * and for customers created_at). False when a key was taken or repeated: then nothing was written, and the rows go
   * through upsert one by one.
   */
  insertMany(params: Value[], rows: number): boolean {
    const first = this.multi!.insert(params, rows);
    if (first === null) return false;
    this.session.noteCreated(this.table, first);
    this.session.noteCreated(this.table, first + rows - 1);
    return true;
  }

  /** The params of one row for insertMany, appended to PARAMS. */
  pushRow(params: Value[], externalId: string, values: readonly Value[], createdAt?: string | null): void {
    params.push(externalId);
    for (const value of values) params.push(value);
    if (this.ownCreatedAt) params.push(createdAt ?? this.session.now);
  }

  private same(row: Values, values: readonly Value[]): boolean {
    for (let index = 0; index < this.columns.length; index += 1) {
      if (row[this.columns[index]!] !== values[index]) return false;
    }
    return true;
  }

  /** A row whose key is in the table already: the same row a second time, unchanged, or changed (and updated). */
  private async matched(externalId: string, values: Value[], createdAt: string | null | undefined, seen: boolean): Promise<'new' | 'changed' | 'unchanged' | 'duplicate'> {
    const { session } = this;
    const { sql, writtenAt } = session;
    let existing = await sql.get<{ id: number; updated_at: string; taken_id?: number } & Values>(this.selectText, [externalId]);
    // Deleted by another session since the insert found it (PostgreSQL): written as a new row after all.
    if (existing === undefined) return this.upsert(externalId, values, createdAt, seen);
    if (existing.taken_id !== undefined) session.noteTaken(this.table, existing.taken_id);
    if (!seen && !(await session.firstSight(this.table, existing.id, externalId))) return 'duplicate';
    if (this.same(existing, values)) return 'unchanged';
    if (session.othersWrite) {
      // Read again under a row lock: the values recorded for undo are the ones this run overwrites, and no one else
      // changes the row until the run commits (an edit made since the first read is seen here).
      existing = await sql.get<{ id: number; updated_at: string } & Values>(this.lockText, [externalId]);
      if (existing === undefined) return this.upsert(externalId, values, createdAt, true);
      if (this.same(existing, values)) return 'unchanged';
    }
    const before: Values = { updated_at: existing.updated_at };
    for (const column of this.columns) before[column] = existing[column] ?? null;
    session.recordChange(this.table, existing.id, before);
    await sql.run(this.updateText, [...values, writtenAt, sql.actor, existing.id]);
    return 'changed';
  }
}

/** Starts the row-by-row import of one file of KIND: its transaction is open when this returns. */
export async function startRowImport(sql: Sql, now: Date, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  const session = new ImportSession(sql, now);
  await session.begin();
  try {
    return await rowWork(session, kind, options);
  } catch (error) {
    await session.rollback();
    throw error;
  }
}

/** The work of an import whose rows another path writes (the PostgreSQL bulk path): the session's part of ImportWork. */
export function sessionWork(session: ImportSession): Pick<
  ImportWork, 'aliasesUsed' | 'previousRunOfContent' | 'convertLeadsWithSales' | 'commit' | 'controlGroupContacts' | 'rollback'
> {
  return {
    aliasesUsed: session.aliasesUsed,
    previousRunOfContent: (runKind, contentHash) => previousRunOfContent(session.sql, runKind, contentHash),
    convertLeadsWithSales: () => session.convertLeadsWithSales(),
    commit: (run) => session.commit(run),
    controlGroupContacts: () => session.controlGroupContacts(),
    rollback: () => session.rollback(),
  };
}

/** The row-by-row work of one import inside SESSION (its transaction open). */
export async function rowWork(session: ImportSession, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  const { sql } = session;
  let customersCreated = 0;
  let aliasRows = 0;
  const viaAlias = (externalId: string): void => {
    if (session.hasAliases && session.aliasesUsed.has(externalId)) aliasRows += 1;
  };
  const inFile = (field: string): boolean => (options.presentCustomerFields ?? []).includes(field);
  const present = (options.presentCustomerFields ?? []).filter((field) => (customerColumns as readonly string[]).includes(field));
  const customerColumnsInFile = ['name', ...present.filter((field) => field !== 'name')];
  const customers = new KeyedUpsert(session, 'customers', customerColumnsInFile);
  const unknown = (externalId: string): Rejection =>
    unknownCustomer(externalId, kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
  /** The customer a row names; for --create-customers, one created from an order row's columns. */
  const resolveCustomer = async (externalId: string, source: Record<string, string | null> | null): Promise<number | Rejection> => {
    const known = await session.customerId(externalId);
    if (known !== undefined) {
      viaAlias(externalId);
      return known;
    }
    if (!options.createCustomers || !source) return unknown(externalId);
    customersCreated += 1;
    const id = (await sql.insert(
      `INSERT INTO customers (external_id, name, company, email, phone, city, region, channel, owner, status, created_at, updated_at, created_by, updated_by)
       VALUES (@external_id, @name, @company, @email, @phone, @city, @region, @channel, @owner, 'active', @now, @writtenAt, @actor, @actor)`,
      {
        external_id: externalId, name: source.name ?? externalId, company: source.company ?? null, email: source.email ?? null,
        phone: source.phone ?? null, city: source.city ?? null, region: source.region ?? null, channel: source.channel ?? null,
        owner: source.owner ?? null, now: session.now, writtenAt: session.writtenAt, actor: sql.actor,
      },
    ))!;
    session.noteCreated('customers', id);
    return id;
  };

  // With more customers than the id cache holds, SQLite's many-row inserts find the customer in the statement: an
  // order row binds the customer's external id, and an id not in the table leaves customer_id NULL, which fails the
  // statement (NOT NULL); its rows then go through write() one by one, which rejects the row or creates the customer
  // as before. (1M customers: 10 % less CPU and 60 MB less; with 100k, the cached ids are faster.)
  const lookupInStatement = (options.customerLookup ?? (session.manyCustomers ? 'statement' : 'node')) === 'statement';
  const orderManyMarks = orderColumns.map((column) => (column === 'customer_id' ? '(SELECT id FROM customers WHERE external_id = ?)' : '?')).join(', ');
  const orders = new KeyedUpsert(session, 'orders', orderColumns, lookupInStatement ? orderManyMarks : undefined);
  // A unit_price column makes an order file a line-item file: its rows are staged and written as orders at the end.
  const lines = kind === 'orders' && inFile('unit_price') ? new LineStaging(session, { creditPrefix: options.creditPrefix ?? null }) : null;
  await lines?.start();
  const linesHint = kind === 'orders' && inFile('product')
    ? '; if these are the lines of one order, a unit price column (unit_price, UnitPrice, Price, 单价) makes the file a line-item file'
    : '';
  // campaign_id and the follow-up's completion are written only from files with those columns, so an older file
  // never unlinks a contact or reopens a follow-up done since.
  const withCampaign = inFile('campaign');
  const interactionExtras = (['follow_up_done_at', 'follow_up_note', 'direction'] as const).filter(inFile);
  const interactions = new KeyedUpsert(session, 'interactions', [...interactionColumns, ...interactionExtras, ...(withCampaign ? ['campaign_id'] : [])]);
  const campaignOf = async (name: string | null): Promise<number | null | Rejection> => {
    if (name === null) return null;
    const id = await sql.value<number>('SELECT id FROM campaigns WHERE name = ?', [name]);
    return id ?? { field: 'campaign', value: name, reason: 'unknown campaign (create it first with crm campaign create; crm export all prints the command for each campaign)' };
  };
  const payments = new KeyedUpsert(session, 'payments', paymentColumns);
  const surveys = new KeyedUpsert(session, 'surveys', surveyColumns);
  const complaints = new KeyedUpsert(session, 'complaints', complaintColumns);

  type Kind = { id: number; kind: string; converted_at: string | null };
  const kindOf = (externalId: string) => sql.get<Kind>('SELECT id, kind, converted_at FROM customers WHERE external_id = ?', [externalId]);
  const kindById = (id: number) => sql.get<Kind>('SELECT id, kind, converted_at FROM customers WHERE id = ?', [id]);
  /** referred_by names a partner by customer_id: stored as that partner's row id. */
  const referrer = async (externalId: string | null): Promise<number | null | Rejection> => {
    if (externalId === null) return null;
    const merged = (await kindOf(externalId)) === undefined ? await session.alias(externalId) : undefined;
    const found = merged === undefined ? await kindOf(externalId) : await kindById(merged);
    if (!found) return { field: 'referred_by', value: externalId, reason: 'unknown partner (import the partner first, or earlier in the same file)' };
    if (found.kind !== 'partner') return { field: 'referred_by', value: externalId, reason: `is a ${found.kind}, not a partner (kind partner)` };
    return found.id;
  };
  /** A partner who referred customers stays a partner (as crm customer edit --kind insists): else they name a non-partner. */
  const partnerKept = async (row: CustomerRow): Promise<Rejection | null> => {
    const rowKind = (row.values.kind as string | null | undefined) ?? 'customer';
    if (rowKind === 'partner') return null;
    const stored = await kindOf(row.externalId);
    if (stored?.kind !== 'partner') return null;
    const referred = (await sql.value<number>('SELECT count(*) FROM customers WHERE referred_by = ?', [stored.id]))!;
    return referred > 0
      ? { field: 'kind', value: rowKind, reason: `${row.externalId} is the partner who referred ${referred} customer${referred === 1 ? '' : 's'}; a referrer must stay a partner` }
      : null;
  };
  const kindInFile = customerColumnsInFile.includes('kind');
  /**
   * A customers row with an id merged into another customer is skipped: the kept record's data is not overwritten by
   * the duplicate's, and the duplicate does not come back (docs/rules.md#merged-customers). Asked only when the
   * database has merged ids.
   */
  const mergedAway = async (row: CustomerRow): Promise<boolean> => !(await kindOf(row.externalId)) && (await session.alias(row.externalId)) !== undefined;

  const customerValues = (fileValues: CustomerRow['values']): Value[] =>
    customerColumnsInFile.map((column) =>
      column === 'status' ? (fileValues.status ?? 'active') : column === 'kind' ? (fileValues.kind ?? 'customer') : (fileValues[column] ?? null),
    );
  const writeCustomer = async (row: CustomerRow): Promise<WriteOutcome> => {
    if (session.hasAliases && (await mergedAway(row))) return 'merged';
    if (kindInFile) {
      const kept = await partnerKept(row);
      if (kept) return kept;
    }
    const fileValues = { ...row.values };
    if (fileValues.kind === 'lead') {
      // A lead that has bought was converted: a file that still calls it a lead does not undo the sale.
      const stored = await kindOf(row.externalId);
      if (stored?.kind === 'customer' && stored.converted_at !== null) {
        fileValues.kind = 'customer';
        if (fileValues.converted_at === null || fileValues.converted_at === undefined) fileValues.converted_at = stored.converted_at;
      }
    }
    if (fileValues.referred_by !== undefined) {
      const partner = await referrer(fileValues.referred_by as string | null);
      if (partner !== null && typeof partner !== 'number') return partner;
      fileValues.referred_by = partner;
    }
    const values = customerValues(fileValues);
    // created_at arrives as a UTC instant: a bare date or a time without a zone is the shop's wall clock (a bare date
    // the start of that day in the shop's zone), one with Z or an offset names itself, so exported values round-trip.
    const createdAt = typeof row.values.created_at === 'string' ? row.values.created_at : null;
    const outcome = await customers.upsert(row.externalId, values, createdAt);
    return outcome === 'duplicate' ? duplicateId('customer_id', row.externalId) : outcome;
  };
  const writeOrder = (row: OrderRow, line: number): Promise<WriteOutcome | null> => {
    // Order files name the same customers again and again: a known one costs no query, and the usual row (an order id,
    // one row per order) is one statement and no await of its own.
    const customerId = session.cachedCustomerId(row.customerExternalId);
    if (customerId === undefined || lines || row.externalId === null) return writeOrderRow(row, line, customerId);
    viaAlias(row.customerExternalId);
    const key = row.externalId;
    return orders
      .upsert(key, [customerId, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status])
      .then((outcome) => (outcome === 'new' ? outcome : orderWritten(key, outcome)));
  };
  const writeOrderRow = async (row: OrderRow, line: number, cached: number | undefined): Promise<WriteOutcome | null> => {
    let customerId: number | Rejection | undefined = cached;
    if (customerId === undefined) customerId = await resolveCustomer(row.customerExternalId, row.customer);
    else viaAlias(row.customerExternalId);
    if (typeof customerId !== 'number') return customerId;
    if (lines) return lines.stage(row, customerId, line);
    // In the order of orderColumns.
    const values: Value[] = [customerId, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status];
    const key = row.externalId ?? (await session.derivedKey('o:', [row.customerExternalId, ...values.slice(1)]));
    return orderWritten(key, await orders.upsert(key, values));
  };
  const orderWritten = async (key: string, outcome: 'new' | 'changed' | 'unchanged' | 'duplicate'): Promise<WriteOutcome> => {
    if (outcome === 'duplicate') return duplicateId('order_id', key, linesHint);
    if (outcome === 'changed') {
      // A one-row-per-order file rewrote an order that had lines: its totals are the file's now, so its lines go.
      const id = (await session.orderId(key))!;
      if ((await sql.value<number>('SELECT count(*) FROM order_lines WHERE order_id = ?', [id]))! > 0) {
        session.recordLinesBefore(id, await readOrderLines(sql, id));
        await dropOrderLines(sql, id);
      }
    }
    return outcome;
  };
  const writeInteraction = async (row: InteractionRow): Promise<WriteOutcome> => {
    const customerId = await resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    // In the order of interactionColumns.
    const values: Value[] = [customerId, row.interactionKind, row.occurredAt, row.summary, row.outcome, row.owner, row.followUpAt];
    const key = row.externalId ?? (await session.derivedKey('i:', [row.customerExternalId, ...values.slice(1)]));
    for (const extra of interactionExtras) {
      values.push(extra === 'follow_up_done_at' ? row.followUpDoneAt : extra === 'follow_up_note' ? row.followUpNote : row.direction);
    }
    if (withCampaign) {
      const campaignId = await campaignOf(row.campaign);
      if (campaignId !== null && typeof campaignId !== 'number') return campaignId;
      values.push(campaignId);
    }
    const outcome = await interactions.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('interaction_id', key) : outcome;
  };
  const writePayment = async (row: PaymentRow): Promise<WriteOutcome> => {
    const customerId = await resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    let orderId: number | null = null;
    if (row.orderExternalId !== null) {
      const found = await session.orderId(row.orderExternalId);
      if (found === undefined) return { field: 'order_id', value: row.orderExternalId, reason: 'unknown order' };
      orderId = found;
    }
    // In the order of paymentColumns.
    const values: Value[] = [customerId, orderId, row.paidOn, row.amountCents, row.method];
    const key = row.externalId ?? (await session.derivedKey('p:', [row.customerExternalId, row.orderExternalId, row.paidOn, row.amountCents, row.method]));
    const outcome = await payments.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('payment_id', key) : outcome;
  };
  const writeSurvey = async (row: SurveyRow): Promise<WriteOutcome> => {
    const customerId = await resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    // In the order of surveyColumns.
    const values: Value[] = [customerId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend];
    const key = row.externalId ?? (await session.derivedKey('s:', [row.customerExternalId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend]));
    const outcome = await surveys.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('survey_id', key) : outcome;
  };
  const writeComplaint = async (row: ComplaintRow): Promise<WriteOutcome> => {
    const customerId = await resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    // In the order of complaintColumns. The key without an id leaves out what resolving changes, so a later file
    // with the same complaint resolved updates it.
    const values: Value[] = [customerId, row.openedAt, row.severity, row.summary, row.status, row.resolvedAt, row.resolution, row.owner];
    const key = row.externalId ?? (await session.derivedKey('k:', [row.customerExternalId, row.openedAt, row.severity, row.summary, row.owner]));
    const outcome = await complaints.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('complaint_id', key) : outcome;
  };

  const write = (row: ImportRow, line: number): Promise<WriteOutcome | null> => {
    switch (row.kind) {
      case 'customers':
        return writeCustomer(row);
      case 'orders':
        return writeOrder(row, line);
      case 'interactions':
        return writeInteraction(row);
      case 'payments':
        return writePayment(row);
      case 'surveys':
        return writeSurvey(row);
      case 'complaints':
        return writeComplaint(row);
    }
  };

  // SQLite's fast path (db/import-sqlite.ts) takes the rows that need nothing looked up but their key: an order with its
  // own id and a customer already known (one row per order), a customers row without kind or referred_by, in a
  // database without merged ids. Everything else, and every row of a statement that met a taken key, goes through write().
  const fastCustomers = customers.many && !session.hasAliases && !kindInFile && !customerColumnsInFile.includes('referred_by');
  const fastOrders = orders.many && !lines && !session.hasAliases;
  /** After a statement meets a taken key (a re-import meets them all along), the next runs of rows skip the attempt: 1, 2, 4 … 64. */
  let skipAfterTaken = 0;
  let skipping = 0;
  const isRejection = (outcome: WriteOutcome | null): boolean => outcome !== null && typeof outcome === 'object';
  const writeMany = async (items: readonly { row?: ImportRow; line: number }[], stopAtRejection: boolean): Promise<(WriteOutcome | null)[]> => {
    const outcomes: (WriteOutcome | null)[] = [];
    const table = kind === 'customers' ? customers : orders;
    const params: Value[] = [];
    let pending: number[] = [];
    /** Writes the pending run of rows; false when it stopped at a rejection. */
    const flush = async (): Promise<boolean> => {
      if (pending.length === 0) return true;
      const run = pending;
      pending = [];
      if (skipping > 0) skipping -= 1;
      else if (table.insertMany(params, run.length)) {
        params.length = 0;
        skipAfterTaken = 0;
        for (let count = 0; count < run.length; count += 1) outcomes.push('new');
        return true;
      } else {
        skipAfterTaken = Math.min(64, skipAfterTaken === 0 ? 1 : skipAfterTaken * 2);
        skipping = skipAfterTaken;
      }
      params.length = 0;
      for (const index of run) {
        const outcome = await write(items[index]!.row!, items[index]!.line);
        outcomes.push(outcome);
        if (stopAtRejection && isRejection(outcome)) return false;
      }
      return true;
    };
    for (let index = 0; index < items.length; index += 1) {
      const row = items[index]!.row!;
      let fast = false;
      if (row.kind === 'orders' && fastOrders && row.externalId !== null) {
        // In the order of orderColumns; the customer by its external id when the statement finds it (orderManyMarks).
        const customerId = lookupInStatement
          ? row.customerExternalId
          : session.cachedCustomerId(row.customerExternalId) ?? (await session.customerId(row.customerExternalId));
        if (customerId !== undefined) {
          orders.pushRow(params, row.externalId, [customerId, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status]);
          fast = true;
        }
      } else if (row.kind === 'customers' && fastCustomers) {
        customers.pushRow(params, row.externalId, customerValues(row.values), typeof row.values.created_at === 'string' ? row.values.created_at : null);
        fast = true;
      }
      if (fast) {
        pending.push(index);
        if (pending.length >= ROWS_PER_STATEMENT && !(await flush())) return outcomes;
        continue;
      }
      if (!(await flush())) return outcomes;
      const outcome = await write(row, items[index]!.line);
      outcomes.push(outcome);
      if (stopAtRejection && isRejection(outcome)) return outcomes;
    }
    await flush();
    return outcomes;
  };

  return {
    write,
    writeMany: fastCustomers || fastOrders ? writeMany : undefined,
    /** The checks write() would make against the database, without writing (to report all problems under abort). */
    async check(row: ImportRow): Promise<Rejection | null> {
      if (row.kind === 'customers') {
        if (session.hasAliases && (await mergedAway(row))) return null;
        const partner = typeof row.values.referred_by === 'string' ? await referrer(row.values.referred_by) : null;
        if (partner !== null && typeof partner !== 'number') return partner;
        return kindInFile ? partnerKept(row) : null;
      }
      if (!(row.kind === 'orders' && options.createCustomers) && (await session.customerId(row.customerExternalId)) === undefined) {
        return unknown(row.customerExternalId);
      }
      if (row.kind === 'interactions' && withCampaign) {
        const campaignId = await campaignOf(row.campaign);
        if (campaignId !== null && typeof campaignId !== 'number') return campaignId;
      }
      if (row.kind === 'payments' && row.orderExternalId !== null && (await session.orderId(row.orderExternalId)) === undefined) {
        return { field: 'order_id', value: row.orderExternalId, reason: 'unknown order' };
      }
      return null;
    },
    beforeBatch: (rowsRead) => session.beforeBatch(kind as TrackedTable, rowsRead),
    finish: async () => (lines ? lines.finish() : null),
    get customersCreated() {
      return customersCreated;
    },
    get aliasRows() {
      return aliasRows;
    },
    ...sessionWork(session),
  };
}
