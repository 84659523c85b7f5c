// The SQL of an import: one transaction per file, keyed upserts, and the record of what a run did.
import { createHash } from 'node:crypto';
import type { Db } from './open.js';
import type { PgSql } from './engine/postgres.js';
import type { BulkStaging } from './import-postgres.js';
import type { Sql } from './engine/sql.js';
import type { SqliteSql } from './engine/sqlite.js';
import { LineStaging, orderColumns, orderLineStatements, type LineImportOutcome, type StoredLine } from './order-lines.js';
import { billed, purchase, windowParams } from './report-sales.js';
import type { ImportKind } from '../import/fields.js';
import type { ComplaintRow, CustomerRow, ImportRow, InteractionRow, OrderRow, PaymentRow, Rejection, SurveyRow } from '../import/validate.js';

/** 'merged': a customers row whose id was merged into another customer, skipped (docs/rules.md#merged-customers). */
export type WriteOutcome = 'new' | 'changed' | 'unchanged' | 'merged' | Rejection;

export interface RunRecord {
  kind: ImportKind;
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

const CUSTOMER_CACHE_SIZE = 50_000;
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

/** A keyed upsert on one table, its statements prepared once per file. */
class KeyedUpsert {
  private readonly insert;
  private readonly select;
  private readonly update;

  constructor(
    db: Db,
    private readonly table: TrackedTable,
    private readonly columns: readonly string[],
    private readonly session: ImportSession,
  ) {
    // Table and column names come from the fixed lists in this file, never from user text; values are parameters.
    const list = columns.join(', ');
    const marks = columns.map(() => '?').join(', ');
    // Insert first: a new row costs one statement; only a key already present is read back and compared.
    this.insert = db.prepare(
      `INSERT INTO ${table} (external_id, ${list}, created_at, updated_at) VALUES (?, ${marks}, ?, ?) ON CONFLICT (external_id) DO NOTHING`,
    );
    this.select = db.prepare(`SELECT id, updated_at, ${list} FROM ${table} WHERE external_id = ?`);
    this.update = db.prepare(`UPDATE ${table} SET ${columns.map((column) => `${column} = ?`).join(', ')}, updated_at = ? WHERE id = ?`);
  }

  /** values are in the order of `columns`. */
  /** 'duplicate': the file names this id a second time (the second row would undo the first on every re-import). */
  upsert(externalId: string, values: Value[], createdAt?: string | null): 'new' | 'changed' | 'unchanged' | 'duplicate' {
    const { now, writtenAt } = this.session;
    const inserted = this.insert.run(externalId, ...values, createdAt ?? now, writtenAt);
    if (inserted.changes === 1) {
      this.session.noteCreated(this.table, Number(inserted.lastInsertRowid));
      return 'new';
    }
    const existing = this.select.get(externalId) as { id: number; updated_at: string } & Values;
    if (!this.session.firstSight(this.table, existing.id, externalId)) return 'duplicate';
    let same = true;
    for (let index = 0; index < this.columns.length; index += 1) {
      if (existing[this.columns[index]!] !== values[index]) {
        same = false;
        break;
      }
    }
    if (same) return 'unchanged';
    const before: Values = { updated_at: existing.updated_at };
    for (const column of this.columns) before[column] = existing[column] ?? null;
    this.session.recordChange(this.table, existing.id, before);
    this.update.run(...values, writtenAt, existing.id);
    return 'changed';
  }
}

/**
 * One import of one file, inside one transaction (BEGIN IMMEDIATE … COMMIT): a crash, Ctrl-C or kill
 * before commit leaves the database exactly as it was (docs/storage.md#transactions).
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
  private readonly createdRanges = new Map<TrackedTable, { first: number; last: number }>();
  private readonly pendingChanges: { table: TrackedTable | 'order_lines'; id: number; before: string }[] = [];
  private readonly claimKey;
  private readonly customerIdByExternal;
  private readonly customerIdByAlias;
  private readonly orderIdByExternal;
  /** Whether any customer was ever merged: only then is a missing id looked up among the merged ids. */
  readonly hasAliases: boolean;
  /** Merged ids the file named → the external id of the customer they were merged into. */
  readonly aliasesUsed = new Map<string, string>();
  private finished = false;
  private readonly customerIds = new Map<string, number>();
  private readonly deferredIndexes: { name: string; sql: string }[] = [];
  private deferredTable: TrackedTable | null = null;

  constructor(private readonly db: Db, now: Date = new Date()) {
    this.writtenAt = now.toISOString();
    this.now = this.writtenAt.replace(/\.\d{3}Z$/, 'Z');
    // The import resolves every parent row itself (customerId/orderId below) before it writes a child,
    // so SQLite's per-row foreign-key probe is redundant work here; it is switched back on at the end.
    // (PRAGMA foreign_keys cannot change inside a transaction, hence before BEGIN.)
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN IMMEDIATE');
    const sequence = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck();
    for (const table of trackedTables) this.sequenceBefore.set(table, Number(sequence.get(table) ?? 0));
    db.exec('CREATE TEMP TABLE IF NOT EXISTS import_claimed_keys (key TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM import_claimed_keys;');
    this.claimKey = db.prepare('INSERT OR IGNORE INTO import_claimed_keys (key) VALUES (?)');
    this.customerIdByExternal = db.prepare('SELECT id FROM customers WHERE external_id = ?').pluck();
    this.customerIdByAlias = db.prepare('SELECT c.id, c.external_id FROM customer_aliases a JOIN customers c ON c.id = a.customer_id WHERE a.external_id = ?');
    this.hasAliases = db.prepare('SELECT 1 FROM customer_aliases LIMIT 1').get() !== undefined;
    this.orderIdByExternal = db.prepare('SELECT id FROM orders WHERE external_id = ?').pluck();
  }

  /**
   * For a bulk load, drops the table's secondary (non-unique) indexes and rebuilds them before commit:
   * inserting into random-order B-trees row by row is what makes a large import slow, and sorting once
   * at the end is much faster. DDL is transactional, so a crash still leaves the old indexes, and readers
   * keep seeing the previous snapshot. Unique indexes stay: upserts need them.
   */
  deferIndexes(table: TrackedTable): void {
    if (this.deferredTable) return;
    this.deferredTable = table;
    const indexes = this.db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'")
      .all(table) as { name: string; sql: string }[];
    for (const index of indexes) {
      // The name comes from sqlite_master, quoted as an identifier.
      this.db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
      this.deferredIndexes.push(index);
    }
  }

  /** Rows in a table before this session (from the AUTOINCREMENT counter: cheap, an upper bound). */
  rowsBefore(table: TrackedTable): number {
    return this.sequenceBefore.get(table) ?? 0;
  }

  /**
   * Notes a row this run created. Ids only grow (AUTOINCREMENT) and the run is the only writer in its
   * transaction, so the rows it created are exactly [first, last] per table. (A conflicting insert
   * uses up an id without a row, so the counter alone would overstate the range.)
   */
  noteCreated(table: TrackedTable, id: number): void {
    const range = this.createdRanges.get(table);
    if (!range) this.createdRanges.set(table, { first: id, last: id });
    else range.last = id;
  }

  /**
   * False when this run has already written this id: a row it created, or an existing row it already
   * matched (remembered in a temporary table, so memory stays flat; only rows that existed are noted).
   */
  firstSight(table: TrackedTable, id: number, externalId: string): boolean {
    const range = this.createdRanges.get(table);
    if (range && id >= range.first && id <= range.last) return false;
    return this.claimKey.run(`seen:${table}:${externalId}`).changes === 1;
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

  /** Customer id by external id, with a bounded cache: order files name the same customers again and again. */
  customerId(externalId: string): number | undefined {
    const cached = this.customerIds.get(externalId);
    if (cached !== undefined) return cached;
    let id = this.customerIdByExternal.get(externalId) as number | undefined;
    if (id === undefined) id = this.alias(externalId);
    if (id !== undefined) {
      if (this.customerIds.size >= CUSTOMER_CACHE_SIZE) this.customerIds.clear();
      this.customerIds.set(externalId, id);
    }
    return id;
  }

  /** The customer a merged id now names (crm customer merge), noted for the summary. */
  alias(externalId: string): number | undefined {
    if (!this.hasAliases) return undefined;
    const found = this.customerIdByAlias.get(externalId) as { id: number; external_id: string } | undefined;
    if (found === undefined) return undefined;
    this.aliasesUsed.set(externalId, found.external_id);
    return found.id;
  }

  orderId(externalId: string): number | undefined {
    return this.orderIdByExternal.get(externalId) as number | undefined;
  }

  /**
   * A stable key for a row without an id of its own: a hash of its content plus its occurrence
   * number in this file, so re-importing is idempotent and two identical rows stay two rows.
   */
  derivedKey(prefix: string, parts: Value[]): string {
    const hash = createHash('sha1').update(parts.map((part) => (part === null ? '\u0000' : String(part))).join('\u001f')).digest('base64url').slice(0, 20);
    for (let occurrence = 1; ; occurrence += 1) {
      const key = `${prefix}${hash}:${occurrence}`;
      if (this.claimKey.run(key).changes === 1) return key;
    }
  }

  /**
   * A lead that has a sale is a customer now (issue 11): kind becomes 'customer' and converted_at the day of
   * its first billed purchase (a date already stored or given by the file is kept). A credit note is no sale: a
   * lead with only returns stays a lead. Run before commit by imports
   * of customers and orders; each change is recorded, so crm import undo turns the customer back into a lead.
   */
  convertLeadsWithSales(): number {
    // Most databases have no leads: then nothing is read. Otherwise one pass over the orders of leads (during a
    // bulk load the orders index is deferred, so a per-lead lookup would scan every order once per lead).
    const anyLead = this.db.prepare("SELECT 1 FROM customers WHERE kind <> 'customer' AND kind = 'lead' LIMIT 1").get();
    if (anyLead === undefined) return 0;
    const leads = this.db
      .prepare(
        `WITH first_sale AS (
           SELECT customer_id, min(order_date) AS first_sale FROM orders
           WHERE customer_id IN (SELECT id FROM customers WHERE kind <> 'customer' AND kind = 'lead') AND ${billed} AND ${purchase}
           GROUP BY customer_id
         )
         SELECT c.id, c.kind, c.converted_at, c.updated_at, f.first_sale FROM first_sale f JOIN customers c ON c.id = f.customer_id`,
      )
      .all(windowParams({ since: null, asOf: '9999-12-31' })) as { id: number; kind: string; converted_at: string | null; updated_at: string; first_sale: string }[];
    const convert = this.db.prepare("UPDATE customers SET kind = 'customer', converted_at = ?, updated_at = ? WHERE id = ?");
    for (const lead of leads) {
      this.recordChange('customers', lead.id, { kind: lead.kind, converted_at: lead.converted_at, updated_at: lead.updated_at });
      convert.run(lead.converted_at ?? lead.first_sale, this.writtenAt, lead.id);
    }
    return leads.length;
  }

  /**
   * Contacts this run wrote (new or changed) for a campaign with a customer of its control group (issue 11: logging such
   * a contact warns, since it spoils the comparison). Read after commit, when the indexes a bulk load deferred are back.
   */
  controlGroupContacts(): { contacts: number; customers: string[] } {
    // This run's contacts: the ids it created and the rows it changed (what crm import undo would take back).
    const created = this.createdRanges.get('interactions') ?? { first: 0, last: -1 };
    const changed = this.pendingChanges.filter((change) => change.table === 'interactions').map((change) => change.id);
    if (created.last < created.first && changed.length === 0) return { contacts: 0, customers: [] };
    const rows = this.db
      .prepare(
        // From the control groups (a few customers each) to their contacts.
        `SELECT c.external_id AS customer, k.name AS campaign FROM campaign_members m
         CROSS JOIN interactions i ON i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id
         JOIN customers c ON c.id = i.customer_id JOIN campaigns k ON k.id = i.campaign_id
         WHERE m.arm = 'control' AND (i.id BETWEEN @first AND @last OR i.id IN (SELECT value FROM json_each(@changed)))
         ORDER BY i.id`,
      )
      .all({ first: created.first, last: created.last, changed: JSON.stringify(changed) }) as { customer: string; campaign: string }[];
    return { contacts: rows.length, customers: [...new Set(rows.map((row) => `${row.customer} (${row.campaign})`))] };
  }

  /** Records the run and what it did, then commits. */
  commit(run: RunRecord): number {
    for (const index of this.deferredIndexes) this.db.exec(index.sql);
    const result = this.db
      .prepare(
        `INSERT INTO import_runs (kind, file_name, content_hash, started_at, finished_at, rows_read, rows_new, rows_changed,
           rows_unchanged, rows_rejected, customers_created, options, written_at)
         VALUES (@kind, @fileName, @contentHash, @startedAt, @finishedAt, @rowsRead, @rowsNew, @rowsChanged,
           @rowsUnchanged, @rowsRejected, @customersCreated, @options, @writtenAt)`,
      )
      // written_at: the updated_at every row of this run got; crm import undo uses it to see later edits.
      .run({ ...run, options: JSON.stringify(run.options), writtenAt: this.writtenAt });
    const runId = Number(result.lastInsertRowid);
    const created = this.db.prepare('INSERT INTO import_created (run_id, table_name, first_id, last_id) VALUES (?, ?, ?, ?)');
    for (const [table, range] of this.createdRanges) created.run(runId, table, range.first, range.last);
    const change = this.db.prepare('INSERT OR IGNORE INTO import_changes (run_id, table_name, row_id, before) VALUES (?, ?, ?, ?)');
    for (const { table, id, before } of this.pendingChanges) change.run(runId, table, id, before);
    this.db.exec('DELETE FROM import_claimed_keys');
    this.db.exec('COMMIT');
    this.finished = true;
    this.db.pragma('foreign_keys = ON');
    return runId;
  }

  rollback(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.pragma('foreign_keys = ON');
  }
}

export interface RowWriter {
  /** null: the row was staged (a line of a line-item file); its order is written by finish(). */
  write(row: ImportRow, line?: number): WriteOutcome | null;
  /** The checks write() would make against the database, without writing (to report all problems under abort). */
  check(row: ImportRow): Rejection | null;
  readonly customersCreated: number;
  /** Writes what was staged (the orders of a line-item file); null for any other file. */
  finish(): LineImportOutcome | null;
  /** Rows that named a merged customer's id and were written to the customer it was merged into (a customers row is skipped instead: outcome 'merged'). */
  readonly aliasRows: number;
}

export interface WriterOptions {
  createCustomers?: boolean;
  /** --credit-prefix for line-item order files (db/order-lines.ts). */
  creditPrefix?: string | null;
  /** The customer fields the file has columns for (customers import). */
  presentCustomerFields?: string[];
}

export const duplicateId = (field: string, externalId: string, hint = ''): Rejection => ({
  field,
  value: externalId,
  reason: `appears more than once in this file (keep one row per id${hint})`,
});

export const unknownCustomer = (externalId: string, hint: string): Rejection => ({
  field: 'customer_id',
  value: externalId,
  reason: `unknown customer${hint}`,
});

/** Creates the writer for one import kind inside a session. */
export function createRowWriter(db: Db, session: ImportSession, kind: ImportKind, options: WriterOptions = {}): RowWriter {
  let customersCreated = 0;
  let aliasRows = 0;
  const viaAlias = (externalId: string): void => {
    if (session.hasAliases && session.aliasesUsed.has(externalId)) aliasRows += 1;
  };
  const present = (options.presentCustomerFields ?? []).filter((field) => (customerColumns as readonly string[]).includes(field));
  const customerColumnsInFile = ['name', ...present.filter((field) => field !== 'name')];
  const customers = new KeyedUpsert(db, 'customers', customerColumnsInFile, session);
  // For --create-customers: a customer created from an order row's columns.
  const newCustomer = db.prepare(
    `INSERT INTO customers (external_id, name, company, email, phone, city, region, channel, owner, status, created_at, updated_at)
     VALUES (@external_id, @name, @company, @email, @phone, @city, @region, @channel, @owner, 'active', @now, @writtenAt)`,
  );
  const resolveCustomer = (externalId: string, source: Record<string, string | null> | null): number | Rejection => {
    const known = session.customerId(externalId);
    if (known !== undefined) {
      viaAlias(externalId);
      return known;
    }
    if (!options.createCustomers || !source) {
      return unknownCustomer(externalId, kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
    }
    customersCreated += 1;
    const row = {
      external_id: externalId, name: source.name ?? externalId, company: source.company ?? null, email: source.email ?? null,
      phone: source.phone ?? null, city: source.city ?? null, region: source.region ?? null, channel: source.channel ?? null,
      owner: source.owner ?? null, now: session.now, writtenAt: session.writtenAt,
    };
    const id = Number(newCustomer.run(row).lastInsertRowid);
    session.noteCreated('customers', id);
    return id;
  };

  const orders = new KeyedUpsert(db, 'orders', orderColumns, session);
  // A unit_price column makes an order file a line-item file: its rows are staged and written as orders at the end.
  const lines = kind === 'orders' && (options.presentCustomerFields ?? []).includes('unit_price')
    ? new LineStaging(db, session, { creditPrefix: options.creditPrefix ?? null })
    : null;
  const linesHint = kind === 'orders' && (options.presentCustomerFields ?? []).includes('product')
    ? '; if these are the lines of one order, a unit price column (unit_price, UnitPrice, Price, 单价) makes the file a line-item file'
    : '';
  const storedLineCount = db.prepare('SELECT count(*) FROM order_lines WHERE order_id = ?').pluck();
  const { readLines, dropLines } = orderLineStatements(db);
  // campaign_id and the follow-up's completion are written only from files with those columns, so an older file
  // never unlinks a contact or reopens a follow-up done since.
  const inFile = (field: string): boolean => (options.presentCustomerFields ?? []).includes(field);
  const withCampaign = inFile('campaign');
  const interactionExtras = (['follow_up_done_at', 'follow_up_note'] as const).filter(inFile);
  const interactions = new KeyedUpsert(db, 'interactions', [...interactionColumns, ...interactionExtras, ...(withCampaign ? ['campaign_id'] : [])], session);
  const campaignIdByName = db.prepare('SELECT id FROM campaigns WHERE name = ?').pluck();
  const campaignOf = (name: string | null): number | null | Rejection => {
    if (name === null) return null;
    const id = campaignIdByName.get(name) as number | undefined;
    return id ?? { field: 'campaign', value: name, reason: 'unknown campaign (create it first with crm campaign create; crm export all prints the command for each campaign)' };
  };
  const payments = new KeyedUpsert(db, 'payments', paymentColumns, session);
  const surveys = new KeyedUpsert(db, 'surveys', surveyColumns, session);
  const complaints = new KeyedUpsert(db, 'complaints', complaintColumns, session);

  const kindOf = db.prepare('SELECT id, kind, converted_at FROM customers WHERE external_id = ?');
  const kindById = db.prepare('SELECT id, kind, converted_at FROM customers WHERE id = ?');
  /** referred_by names a partner by customer_id: stored as that partner's row id. */
  const referrer = (externalId: string | null): number | null | Rejection => {
    if (externalId === null) return null;
    const merged = kindOf.get(externalId) === undefined ? session.alias(externalId) : undefined;
    const found = (merged === undefined ? kindOf.get(externalId) : kindById.get(merged)) as { id: number; kind: string } | undefined;
    if (!found) return { field: 'referred_by', value: externalId, reason: 'unknown partner (import the partner first, or earlier in the same file)' };
    if (found.kind !== 'partner') return { field: 'referred_by', value: externalId, reason: `is a ${found.kind}, not a partner (kind partner)` };
    return found.id;
  };
  const referralsOf = db.prepare('SELECT count(*) FROM customers WHERE referred_by = ?').pluck();
  /** A partner who referred customers stays a partner (as crm customer edit --kind insists): else they name a non-partner. */
  const partnerKept = (row: CustomerRow): Rejection | null => {
    if (!customerColumnsInFile.includes('kind')) return null;
    const kind = (row.values.kind as string | null | undefined) ?? 'customer';
    if (kind === 'partner') return null;
    const stored = kindOf.get(row.externalId) as { id: number; kind: string } | undefined;
    if (stored?.kind !== 'partner') return null;
    const referred = referralsOf.get(stored.id) as number;
    return referred > 0
      ? { field: 'kind', value: kind, reason: `${row.externalId} is the partner who referred ${referred} customer${referred === 1 ? '' : 's'}; a referrer must stay a partner` }
      : null;
  };
  /**
   * A customers row with an id merged into another customer is skipped: the kept record's data is not overwritten by
   * the duplicate's, and the duplicate does not come back (docs/rules.md#merged-customers).
   */
  const mergedAway = (row: CustomerRow): boolean =>
    session.hasAliases && !kindOf.get(row.externalId) && session.alias(row.externalId) !== undefined;
  const writeCustomer = (row: CustomerRow): WriteOutcome => {
    if (mergedAway(row)) return 'merged';
    const kept = partnerKept(row);
    if (kept) return kept;
    const fileValues = { ...row.values };
    if (fileValues.kind === 'lead') {
      // A lead that has bought was converted: a file that still calls it a lead does not undo the sale.
      const stored = kindOf.get(row.externalId) as { kind: string; converted_at: string | null } | undefined;
      if (stored?.kind === 'customer' && stored.converted_at !== null) {
        fileValues.kind = 'customer';
        if (fileValues.converted_at === null || fileValues.converted_at === undefined) fileValues.converted_at = stored.converted_at;
      }
    }
    if (fileValues.referred_by !== undefined) {
      const partner = referrer(fileValues.referred_by as string | null);
      if (partner !== null && typeof partner !== 'number') return partner;
      fileValues.referred_by = partner;
    }
    const values = customerColumnsInFile.map((column) =>
      column === 'status' ? (fileValues.status ?? 'active') : column === 'kind' ? (fileValues.kind ?? 'customer') : (fileValues[column] ?? null),
    );
    // created_at arrives as a UTC instant: a bare date or a time without a zone is the shop's wall clock (a bare date
    // the start of that day in the shop's zone), one with Z or an offset names itself, so exported values round-trip.
    const createdAt = typeof row.values.created_at === 'string' ? row.values.created_at : null;
    const outcome = customers.upsert(row.externalId, values, createdAt);
    return outcome === 'duplicate' ? duplicateId('customer_id', row.externalId) : outcome;
  };
  const writeOrder = (row: OrderRow, line: number): WriteOutcome | null => {
    const customerId = resolveCustomer(row.customerExternalId, row.customer);
    if (typeof customerId !== 'number') return customerId;
    if (lines) return lines.stage(row, customerId, line);
    // In the order of orderColumns.
    const values: Value[] = [customerId, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status];
    const key = row.externalId ?? session.derivedKey('o:', [row.customerExternalId, ...values.slice(1)]);
    const outcome = orders.upsert(key, values);
    if (outcome === 'duplicate') return duplicateId('order_id', key, linesHint);
    if (outcome === 'changed') {
      // A one-row-per-order file rewrote an order that had lines: its totals are the file's now, so its lines go.
      const id = session.orderId(key)!;
      if ((storedLineCount.get(id) as number) > 0) {
        session.recordLinesBefore(id, readLines(id));
        dropLines(id);
      }
    }
    return outcome;
  };
  const writeInteraction = (row: InteractionRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    // In the order of interactionColumns.
    const values: Value[] = [customerId, row.interactionKind, row.occurredAt, row.summary, row.outcome, row.owner, row.followUpAt];
    const key = row.externalId ?? session.derivedKey('i:', [row.customerExternalId, ...values.slice(1)]);
    for (const extra of interactionExtras) values.push(extra === 'follow_up_done_at' ? row.followUpDoneAt : row.followUpNote);
    if (withCampaign) {
      const campaignId = campaignOf(row.campaign);
      if (campaignId !== null && typeof campaignId !== 'number') return campaignId;
      values.push(campaignId);
    }
    const outcome = interactions.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('interaction_id', key) : outcome;
  };
  const writePayment = (row: PaymentRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    let orderId: number | null = null;
    if (row.orderExternalId !== null) {
      const found = session.orderId(row.orderExternalId);
      if (found === undefined) return { field: 'order_id', value: row.orderExternalId, reason: 'unknown order' };
      orderId = found;
    }
    // In the order of paymentColumns.
    const values: Value[] = [customerId, orderId, row.paidOn, row.amountCents, row.method];
    const key = row.externalId ?? session.derivedKey('p:', [row.customerExternalId, row.orderExternalId, row.paidOn, row.amountCents, row.method]);
    const outcome = payments.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('payment_id', key) : outcome;
  };
  const writeSurvey = (row: SurveyRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    // In the order of surveyColumns.
    const values: Value[] = [customerId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend];
    const key = row.externalId ?? session.derivedKey('s:', [row.customerExternalId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend]);
    const outcome = surveys.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('survey_id', key) : outcome;
  };

  const writeComplaint = (row: ComplaintRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    // In the order of complaintColumns. The key without an id leaves out what resolving changes, so a later file
    // with the same complaint resolved updates it.
    const values: Value[] = [customerId, row.openedAt, row.severity, row.summary, row.status, row.resolvedAt, row.resolution, row.owner];
    const key = row.externalId ?? session.derivedKey('k:', [row.customerExternalId, row.openedAt, row.severity, row.summary, row.owner]);
    const outcome = complaints.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('complaint_id', key) : outcome;
  };

  return {
    write(row: ImportRow, line = 0): WriteOutcome | null {
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
    },
    check(row: ImportRow): Rejection | null {
      if (row.kind === 'customers') {
        if (mergedAway(row)) return null;
        const partner = typeof row.values.referred_by === 'string' ? referrer(row.values.referred_by) : null;
        return partner !== null && typeof partner !== 'number' ? partner : partnerKept(row);
      }
      if (!(row.kind === 'orders' && options.createCustomers) && session.customerId(row.customerExternalId) === undefined) {
        return unknownCustomer(row.customerExternalId, row.kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
      }
      if (row.kind === 'interactions' && withCampaign) {
        const campaignId = campaignOf(row.campaign);
        if (campaignId !== null && typeof campaignId !== 'number') return campaignId;
      }
      if (row.kind === 'payments' && row.orderExternalId !== null && session.orderId(row.orderExternalId) === undefined) {
        return { field: 'order_id', value: row.orderExternalId, reason: 'unknown order' };
      }
      return null;
    },
    get customersCreated() {
      return customersCreated;
    },
    finish(): LineImportOutcome | null {
      return lines ? lines.finish() : null;
    },
    get aliasRows() {
      return aliasRows;
    },
  };
}

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
 * One import of one file as the import engine (import/run.ts) drives it, on either engine. On SQLite the writes are
 * synchronous (better-sqlite3 prepared statements: write and check return plain values, so the loop over a million
 * rows awaits nothing per row); on PostgreSQL they return promises (db/import-postgres.ts).
 */
export interface ImportWork {
  /** Set when the rows are staged in bulk and merged at the end (PostgreSQL COPY path): then write and check are not used. */
  readonly bulk?: BulkStaging;
  write(row: ImportRow, line: number): WriteOutcome | null | Promise<WriteOutcome | null>;
  check(row: ImportRow): Rejection | null | Promise<Rejection | null>;
  /** Called before each batch of rows with the rows read so far (a SQLite bulk load defers the table's indexes). */
  beforeBatch(rowsRead: number): void;
  /** Writes what was staged (the orders of a line-item file); null for any other file. */
  finish(): Promise<LineImportOutcome | null>;
  readonly customersCreated: number;
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

/** From this many rows (and a quarter of the table) on, a SQLite bulk load rebuilds secondary indexes once instead of per row. */
const BULK_ROWS = 50_000;

/** Starts the import of one file of KIND: its transaction is open when this returns. */
export async function startImport(sql: Sql, now: Date, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  if (sql.engine === 'postgres') {
    const { startPostgresImport } = await import('./import-postgres.js');
    return startPostgresImport(sql as PgSql, now, kind, options);
  }
  const db = (sql as SqliteSql).handle;
  const session = new ImportSession(db, now);
  const writer = createRowWriter(db, session, kind, options);
  const table = kind as TrackedTable;
  return {
    write: (row, line) => writer.write(row, line),
    check: (row) => writer.check(row),
    beforeBatch(rowsRead) {
      if (rowsRead >= Math.max(BULK_ROWS, session.rowsBefore(table) / 4)) session.deferIndexes(table);
    },
    finish: async () => writer.finish(),
    get customersCreated() {
      return writer.customersCreated;
    },
    get aliasRows() {
      return writer.aliasRows;
    },
    aliasesUsed: session.aliasesUsed,
    previousRunOfContent: (runKind, contentHash) => previousRunOfContent(sql, runKind, contentHash),
    convertLeadsWithSales: async () => session.convertLeadsWithSales(),
    commit: async (run) => session.commit(run),
    controlGroupContacts: async () => session.controlGroupContacts(),
    rollback: async () => session.rollback(),
  };
}
