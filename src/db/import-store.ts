// The SQL of an import: one transaction per file, keyed upserts, and the record of what a run did.
import { createHash } from 'node:crypto';
import type { Db } from './open.js';
import type { ImportKind } from '../import/fields.js';
import type { CustomerRow, ImportRow, InteractionRow, OrderRow, PaymentRow, Rejection, SurveyRow } from '../import/validate.js';

export type WriteOutcome = 'new' | 'changed' | 'unchanged' | Rejection;

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

const trackedTables = ['customers', 'orders', 'interactions', 'payments', 'surveys'] as const;
type TrackedTable = (typeof trackedTables)[number];
type Value = string | number | null;
type Values = Record<string, Value>;

export const customerColumns = [
  'name', 'company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes', 'status',
] as const;
const orderColumns = ['customer_id', 'order_date', 'product', 'quantity', 'amount_cents', 'cost_cents', 'status'];
const interactionColumns = ['customer_id', 'kind', 'occurred_at', 'summary', 'outcome', 'owner', 'follow_up_at'];
const paymentColumns = ['customer_id', 'order_id', 'paid_on', 'amount_cents', 'method'];
const surveyColumns = ['customer_id', 'surveyed_on', 'expected', 'perceived', 'would_recommend'];

/** A keyed upsert on one table, its statements prepared once per file. */
class KeyedUpsert {
  private readonly select;
  private readonly insert;
  private readonly update;

  constructor(
    db: Db,
    private readonly table: TrackedTable,
    private readonly columns: readonly string[],
    private readonly session: ImportSession,
  ) {
    // Table and column names come from the fixed lists in this file, never from user text.
    const list = columns.join(', ');
    this.select = db.prepare(`SELECT id, updated_at, ${list} FROM ${table} WHERE external_id = ?`);
    this.insert = db.prepare(
      `INSERT INTO ${table} (external_id, ${list}, created_at, updated_at)
       VALUES (@external_id, ${columns.map((column) => `@${column}`).join(', ')}, @created_at, @updated_at)`,
    );
    this.update = db.prepare(
      `UPDATE ${table} SET ${columns.map((column) => `${column} = @${column}`).join(', ')}, updated_at = @updated_at WHERE id = @id`,
    );
  }

  upsert(externalId: string, values: Values, createdAt?: string | null): { outcome: 'new' | 'changed' | 'unchanged'; id: number } {
    const existing = this.select.get(externalId) as ({ id: number; updated_at: string } & Values) | undefined;
    const now = this.session.now;
    if (!existing) {
      const result = this.insert.run({ ...values, external_id: externalId, created_at: createdAt ?? now, updated_at: now });
      return { outcome: 'new', id: Number(result.lastInsertRowid) };
    }
    if (this.columns.every((column) => existing[column] === values[column])) return { outcome: 'unchanged', id: existing.id };
    const before: Values = { updated_at: existing.updated_at };
    for (const column of this.columns) before[column] = existing[column] ?? null;
    this.session.recordChange(this.table, existing.id, before);
    this.update.run({ ...values, id: existing.id, updated_at: now });
    return { outcome: 'changed', id: existing.id };
  }
}

/**
 * One import of one file, inside one transaction (BEGIN IMMEDIATE … COMMIT): a crash, Ctrl-C or kill
 * before commit leaves the database exactly as it was (design.md storage rules).
 */
export class ImportSession {
  readonly now: string;
  private readonly sequenceBefore = new Map<TrackedTable, number>();
  private readonly pendingChanges: { table: TrackedTable; id: number; before: string }[] = [];
  private readonly claimKey;
  private readonly customerIdByExternal;
  private readonly orderIdByExternal;
  private finished = false;

  constructor(private readonly db: Db, now: Date = new Date()) {
    this.now = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    db.exec('BEGIN IMMEDIATE');
    const sequence = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck();
    for (const table of trackedTables) this.sequenceBefore.set(table, Number(sequence.get(table) ?? 0));
    db.exec('CREATE TEMP TABLE IF NOT EXISTS import_claimed_keys (key TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM import_claimed_keys;');
    this.claimKey = db.prepare('INSERT OR IGNORE INTO import_claimed_keys (key) VALUES (?)');
    this.customerIdByExternal = db.prepare('SELECT id FROM customers WHERE external_id = ?').pluck();
    this.orderIdByExternal = db.prepare('SELECT id FROM orders WHERE external_id = ?').pluck();
  }

  recordChange(table: TrackedTable, id: number, before: Values): void {
    // Kept until the run row exists (its id is known only at the end); only changed rows, so this stays small.
    this.pendingChanges.push({ table, id, before: JSON.stringify(before) });
  }

  customerId(externalId: string): number | undefined {
    return this.customerIdByExternal.get(externalId) as number | undefined;
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

  /** Records the run and what it did, then commits. */
  commit(run: RunRecord): number {
    const result = this.db
      .prepare(
        `INSERT INTO import_runs (kind, file_name, content_hash, started_at, finished_at, rows_read, rows_new, rows_changed,
           rows_unchanged, rows_rejected, customers_created, options, written_at)
         VALUES (@kind, @fileName, @contentHash, @startedAt, @finishedAt, @rowsRead, @rowsNew, @rowsChanged,
           @rowsUnchanged, @rowsRejected, @customersCreated, @options, @writtenAt)`,
      )
      // written_at: the updated_at every row of this run got; crm import undo uses it to see later edits.
      .run({ ...run, options: JSON.stringify(run.options), writtenAt: this.now });
    const runId = Number(result.lastInsertRowid);
    const sequence = this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck();
    const created = this.db.prepare('INSERT INTO import_created (run_id, table_name, first_id, last_id) VALUES (?, ?, ?, ?)');
    for (const table of trackedTables) {
      const before = this.sequenceBefore.get(table)!;
      const after = Number(sequence.get(table) ?? 0);
      if (after > before) created.run(runId, table, before + 1, after);
    }
    const change = this.db.prepare('INSERT OR IGNORE INTO import_changes (run_id, table_name, row_id, before) VALUES (?, ?, ?, ?)');
    for (const { table, id, before } of this.pendingChanges) change.run(runId, table, id, before);
    this.db.exec('DELETE FROM import_claimed_keys');
    this.db.exec('COMMIT');
    this.finished = true;
    return runId;
  }

  rollback(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }
}

export interface RowWriter {
  write(row: ImportRow): WriteOutcome;
  /** The checks write() would make against the database, without writing (to report all problems under abort). */
  check(row: ImportRow): Rejection | null;
  readonly customersCreated: number;
}

export interface WriterOptions {
  createCustomers?: boolean;
  /** The customer fields the file has columns for (customers import). */
  presentCustomerFields?: string[];
}

const unknownCustomer = (externalId: string, hint: string): Rejection => ({
  field: 'customer_id',
  value: externalId,
  reason: `unknown customer${hint}`,
});

/** Creates the writer for one import kind inside a session. */
export function createRowWriter(db: Db, session: ImportSession, kind: ImportKind, options: WriterOptions = {}): RowWriter {
  let customersCreated = 0;
  const present = (options.presentCustomerFields ?? []).filter((field) => (customerColumns as readonly string[]).includes(field));
  const customerColumnsInFile = ['name', ...present.filter((field) => field !== 'name')];
  const customers = new KeyedUpsert(db, 'customers', customerColumnsInFile, session);
  // For --create-customers: a customer created from an order row's columns.
  const newCustomer = db.prepare(
    `INSERT INTO customers (external_id, name, company, email, phone, city, region, channel, owner, status, created_at, updated_at)
     VALUES (@external_id, @name, @company, @email, @phone, @city, @region, @channel, @owner, 'active', @now, @now)`,
  );
  const resolveCustomer = (externalId: string, source: Record<string, string | null> | null): number | Rejection => {
    const id = session.customerId(externalId);
    if (id !== undefined) return id;
    if (!options.createCustomers || !source) {
      return unknownCustomer(externalId, kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
    }
    customersCreated += 1;
    const row = {
      external_id: externalId, name: source.name ?? externalId, company: source.company ?? null, email: source.email ?? null,
      phone: source.phone ?? null, city: source.city ?? null, region: source.region ?? null, channel: source.channel ?? null,
      owner: source.owner ?? null, now: session.now,
    };
    return Number(newCustomer.run(row).lastInsertRowid);
  };

  const orders = new KeyedUpsert(db, 'orders', orderColumns, session);
  const interactions = new KeyedUpsert(db, 'interactions', interactionColumns, session);
  const payments = new KeyedUpsert(db, 'payments', paymentColumns, session);
  const surveys = new KeyedUpsert(db, 'surveys', surveyColumns, session);

  const writeCustomer = (row: CustomerRow): WriteOutcome => {
    const values: Values = {};
    for (const column of customerColumnsInFile) values[column] = row.values[column] ?? null;
    if (values.status === null) values.status = 'active';
    // created_at arrives as an ISO date-time (a bare date means midnight UTC), so exported values round-trip.
    const createdAt = typeof row.values.created_at === 'string' ? row.values.created_at : null;
    return customers.upsert(row.externalId, values, createdAt).outcome;
  };
  const writeOrder = (row: OrderRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, row.customer);
    if (typeof customerId !== 'number') return customerId;
    const values: Values = {
      customer_id: customerId, order_date: row.orderDate, product: row.product, quantity: row.quantity,
      amount_cents: row.amountCents, cost_cents: row.costCents, status: row.status,
    };
    const key = row.externalId ?? session.derivedKey('o:', [row.customerExternalId, ...orderColumns.slice(1).map((column) => values[column] ?? null)]);
    return orders.upsert(key, values).outcome;
  };
  const writeInteraction = (row: InteractionRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    const values: Values = {
      customer_id: customerId, kind: row.interactionKind, occurred_at: row.occurredAt, summary: row.summary,
      outcome: row.outcome, owner: row.owner, follow_up_at: row.followUpAt,
    };
    const key = row.externalId ?? session.derivedKey('i:', [row.customerExternalId, ...interactionColumns.slice(1).map((column) => values[column] ?? null)]);
    return interactions.upsert(key, values).outcome;
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
    const values: Values = { customer_id: customerId, order_id: orderId, paid_on: row.paidOn, amount_cents: row.amountCents, method: row.method };
    const key = row.externalId ?? session.derivedKey('p:', [row.customerExternalId, row.orderExternalId, row.paidOn, row.amountCents, row.method]);
    return payments.upsert(key, values).outcome;
  };
  const writeSurvey = (row: SurveyRow): WriteOutcome => {
    const customerId = resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    const values: Values = {
      customer_id: customerId, surveyed_on: row.surveyedOn, expected: row.expected, perceived: row.perceived,
      would_recommend: row.wouldRecommend,
    };
    const key = row.externalId ?? session.derivedKey('s:', [row.customerExternalId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend]);
    return surveys.upsert(key, values).outcome;
  };

  return {
    write(row: ImportRow): WriteOutcome {
      switch (row.kind) {
        case 'customers':
          return writeCustomer(row);
        case 'orders':
          return writeOrder(row);
        case 'interactions':
          return writeInteraction(row);
        case 'payments':
          return writePayment(row);
        case 'surveys':
          return writeSurvey(row);
      }
    },
    check(row: ImportRow): Rejection | null {
      if (row.kind === 'customers') return null;
      if (!(row.kind === 'orders' && options.createCustomers) && session.customerId(row.customerExternalId) === undefined) {
        return unknownCustomer(row.customerExternalId, row.kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
      }
      if (row.kind === 'payments' && row.orderExternalId !== null && session.orderId(row.orderExternalId) === undefined) {
        return { field: 'order_id', value: row.orderExternalId, reason: 'unknown order' };
      }
      return null;
    },
    get customersCreated() {
      return customersCreated;
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

export function listImportRuns(db: Db, limit: number): ImportRunRow[] {
  return db
    .prepare(
      `SELECT id, kind, file_name, content_hash, started_at, finished_at, rows_read, rows_new, rows_changed,
              rows_unchanged, rows_rejected, customers_created, undone_at
       FROM import_runs ORDER BY id DESC LIMIT ?`,
    )
    .all(limit) as ImportRunRow[];
}

/** The last earlier run of the same content, if any (to say "this file was imported before"). */
export function previousRunOfContent(db: Db, kind: string, contentHash: string): number | undefined {
  return db.prepare('SELECT max(id) FROM import_runs WHERE kind = ? AND content_hash = ?').pluck().get(kind, contentHash) as number | undefined ?? undefined;
}
