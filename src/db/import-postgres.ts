// The import of one file on PostgreSQL: the same rules, outcomes and run record as the SQLite path in
// db/import-store.ts (which keeps better-sqlite3's synchronous prepared statements for speed), through the pg client.
// One transaction per file; the tables an import writes are locked against other writers for its length (as SQLite's
// BEGIN IMMEDIATE does), so the ids the run creates are one range per table that no other session's rows fall in,
// which is what crm import undo relies on (import_created).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { notBilledStatuses } from '../analysis/balance.js';
import type { ImportKind } from '../import/fields.js';
import type { ComplaintRow, CustomerRow, ImportRow, InteractionRow, OrderRow, PaymentRow, Rejection, SurveyRow } from '../import/validate.js';
import type { PgSql } from './engine/postgres.js';
import {
  complaintColumns, customerColumns, duplicateId, interactionColumns, paymentColumns, previousRunOfContent, surveyColumns, unknownCustomer,
  type ImportWork, type RunRecord, type TrackedTable, type Value, type Values, type WriteOutcome, type WriterOptions,
} from './import-store.js';
import {
  creditLines, dropOrderLines, groupedOrderKey, orderColumns, orderFromLines, PAGE, readOrderLines, sameLines, writeOrderLines,
  type LineImportOutcome, type OrderValues, type StoredLine,
} from './order-lines.js';

const CUSTOMER_CACHE_SIZE = 50_000;
/** The tables an import writes rows of (and records ids of): locked for writing by others until the import ends. */
const lockedTables = 'customers, orders, order_lines, interactions, payments, surveys, complaints';

class PgSession {
  readonly now: string;
  readonly writtenAt: string;
  readonly createdRanges = new Map<TrackedTable, { first: number; last: number }>();
  readonly pendingChanges: { table: TrackedTable | 'order_lines'; id: number; before: string }[] = [];
  readonly aliasesUsed = new Map<string, string>();
  hasAliases = false;
  /** The bulk path records earlier values of changed rows in a temporary table (import_pending_changes). */
  bulkChanges = false;
  /** Ends what must end before ROLLBACK can be sent (an open COPY). */
  beforeRollback: (() => Promise<void>) | null = null;
  private readonly customerIds = new Map<string, number>();
  finished = false;

  constructor(readonly sql: PgSql, now: Date) {
    this.writtenAt = now.toISOString();
    this.now = this.writtenAt.replace(/\.\d{3}Z$/, 'Z');
  }

  async begin(): Promise<void> {
    const { sql } = this;
    await sql.client.query('BEGIN');
    // EXCLUSIVE: others may read these tables (reports keep running) but not write them until this run commits, so the
    // rows it creates take consecutive identity values: [first, last] per table holds this run's rows and no one else's.
    await sql.client.query(`LOCK TABLE ${lockedTables} IN EXCLUSIVE MODE`);
    await sql.client.query('CREATE TEMP TABLE IF NOT EXISTS import_claimed_keys (key TEXT COLLATE "C" PRIMARY KEY)');
    await sql.client.query('DELETE FROM import_claimed_keys');
    this.hasAliases = (await sql.value('SELECT 1 FROM customer_aliases LIMIT 1')) !== undefined;
  }

  noteCreated(table: TrackedTable, id: number): void {
    const range = this.createdRanges.get(table);
    if (!range) this.createdRanges.set(table, { first: id, last: id });
    else range.last = id;
  }

  async claim(key: string): Promise<boolean> {
    return (await this.sql.run('INSERT INTO import_claimed_keys (key) VALUES (?) ON CONFLICT DO NOTHING', [key])).changes === 1;
  }

  async firstSight(table: TrackedTable, id: number, externalId: string): Promise<boolean> {
    const range = this.createdRanges.get(table);
    if (range && id >= range.first && id <= range.last) return false;
    return this.claim(`seen:${table}:${externalId}`);
  }

  recordChange(table: TrackedTable, id: number, before: Values): void {
    this.pendingChanges.push({ table, id, before: JSON.stringify(before) });
  }

  recordLinesBefore(orderId: number, lines: readonly StoredLine[]): void {
    this.pendingChanges.push({ table: 'order_lines', id: orderId, before: JSON.stringify(lines) });
  }

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

  /** As ImportSession.derivedKey (db/import-store.ts): the same hash and occurrence numbers, so both engines make the same keys. */
  async derivedKey(prefix: string, parts: Value[]): Promise<string> {
    const hash = createHash('sha1').update(parts.map((part) => (part === null ? '\u0000' : String(part))).join('\u001f')).digest('base64url').slice(0, 20);
    for (let occurrence = 1; ; occurrence += 1) {
      const key = `${prefix}${hash}:${occurrence}`;
      if (await this.claim(key)) return key;
    }
  }

  /** As ImportSession.convertLeadsWithSales. */
  async convertLeadsWithSales(): Promise<number> {
    const anyLead = await this.sql.value("SELECT 1 FROM customers WHERE kind <> 'customer' AND kind = 'lead' LIMIT 1");
    if (anyLead === undefined) return 0;
    // Billed purchases, as db/report-sales.ts counts them (status not refunded or cancelled, amount not below zero).
    const marks = notBilledStatuses.map(() => '?').join(', ');
    const leads = await this.sql.all<{ id: number; kind: string; converted_at: string | null; updated_at: string; first_sale: string }>(
      `WITH first_sale AS (
         SELECT customer_id, min(order_date) AS first_sale FROM orders
         WHERE customer_id IN (SELECT id FROM customers WHERE kind <> 'customer' AND kind = 'lead')
           AND (status IS NULL OR lower(trim(status)) NOT IN (${marks})) AND amount_cents >= 0
         GROUP BY customer_id
       )
       SELECT c.id, c.kind, c.converted_at, c.updated_at, f.first_sale FROM first_sale f JOIN customers c ON c.id = f.customer_id`,
      [...notBilledStatuses],
    );
    for (const lead of leads) {
      this.recordChange('customers', lead.id, { kind: lead.kind, converted_at: lead.converted_at, updated_at: lead.updated_at });
      await this.sql.run("UPDATE customers SET kind = 'customer', converted_at = ?, updated_at = ? WHERE id = ?", [lead.converted_at ?? lead.first_sale, this.writtenAt, lead.id]);
    }
    return leads.length;
  }

  async controlGroupContacts(): Promise<{ contacts: number; customers: string[] }> {
    const created = this.createdRanges.get('interactions') ?? { first: 0, last: -1 };
    const changed = this.pendingChanges.filter((change) => change.table === 'interactions').map((change) => change.id);
    if (created.last < created.first && changed.length === 0) return { contacts: 0, customers: [] };
    const rows = await this.sql.all<{ customer: string; campaign: string }>(
      `SELECT c.external_id AS customer, k.name AS campaign FROM campaign_members m
       JOIN interactions i ON i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id
       JOIN customers c ON c.id = i.customer_id JOIN campaigns k ON k.id = i.campaign_id
       WHERE m.arm = 'control' AND (i.id BETWEEN @first AND @last OR i.id = ANY(CAST(@changed AS BIGINT[])))
       ORDER BY i.id`,
      { first: created.first, last: created.last, changed },
    );
    return { contacts: rows.length, customers: [...new Set(rows.map((row) => `${row.customer} (${row.campaign})`))] };
  }

  async commit(run: RunRecord): Promise<number> {
    const { sql } = this;
    const runId = (await sql.value<number>(
      `INSERT INTO import_runs (kind, file_name, content_hash, started_at, finished_at, rows_read, rows_new, rows_changed,
         rows_unchanged, rows_rejected, customers_created, options, written_at)
       VALUES (@kind, @fileName, @contentHash, @startedAt, @finishedAt, @rowsRead, @rowsNew, @rowsChanged,
         @rowsUnchanged, @rowsRejected, @customersCreated, @options, @writtenAt) RETURNING id`,
      { ...run, options: JSON.stringify(run.options), writtenAt: this.writtenAt },
    ))!;
    for (const [table, range] of this.createdRanges) {
      await sql.run('INSERT INTO import_created (run_id, table_name, first_id, last_id) VALUES (?, ?, ?, ?)', [runId, table, range.first, range.last]);
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
    await sql.client.query('DELETE FROM import_claimed_keys');
    await sql.client.query('COMMIT');
    this.finished = true;
    return runId;
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.beforeRollback?.().catch(() => undefined);
    await this.sql.client.query('ROLLBACK').catch(() => undefined);
  }
}

/** As KeyedUpsert in db/import-store.ts. */
class PgKeyedUpsert {
  private readonly insertText: string;
  private readonly selectText: string;
  private readonly updateText: string;

  constructor(
    private readonly session: PgSession,
    private readonly table: TrackedTable,
    private readonly columns: readonly string[],
  ) {
    const list = columns.join(', ');
    const marks = columns.map(() => '?').join(', ');
    this.insertText = `INSERT INTO ${table} (external_id, ${list}, created_at, updated_at) VALUES (?, ${marks}, ?, ?) ON CONFLICT (external_id) DO NOTHING RETURNING id`;
    this.selectText = `SELECT id, updated_at, ${list} FROM ${table} WHERE external_id = ?`;
    this.updateText = `UPDATE ${table} SET ${columns.map((column) => `${column} = ?`).join(', ')}, updated_at = ? WHERE id = ?`;
  }

  async upsert(externalId: string, values: Value[], createdAt?: string | null): Promise<'new' | 'changed' | 'unchanged' | 'duplicate'> {
    const { session } = this;
    const { sql, now, writtenAt } = session;
    const inserted = await sql.value<number>(this.insertText, [externalId, ...values, createdAt ?? now, writtenAt]);
    if (inserted !== undefined) {
      session.noteCreated(this.table, inserted);
      return 'new';
    }
    const existing = (await sql.get<{ id: number; updated_at: string } & Values>(this.selectText, [externalId]))!;
    if (!(await session.firstSight(this.table, existing.id, externalId))) return 'duplicate';
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
    session.recordChange(this.table, existing.id, before);
    await sql.run(this.updateText, [...values, writtenAt, existing.id]);
    return 'changed';
  }
}

/** As LineStaging in db/order-lines.ts: the lines of a line-item file, staged in temporary tables, written as orders at the end. */
class PgLineStaging {
  private seq = 0;
  private lineCount = 0;

  constructor(
    private readonly session: PgSession,
    private readonly creditPrefix: string | null,
  ) {}

  async start(): Promise<void> {
    await this.session.sql.exec(`CREATE TEMP TABLE IF NOT EXISTS import_line_orders (
        ord BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key TEXT COLLATE "C" NOT NULL UNIQUE, customer_id BIGINT NOT NULL,
        customer TEXT COLLATE "C" NOT NULL, order_date TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C", first_line BIGINT NOT NULL,
        grouped BIGINT NOT NULL);
      CREATE TEMP TABLE IF NOT EXISTS import_lines (
        key TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, product TEXT COLLATE "C", quantity DOUBLE PRECISION, unit_price_cents BIGINT,
        amount_cents BIGINT NOT NULL, cost_cents BIGINT, PRIMARY KEY (key, seq));
      DELETE FROM import_line_orders; DELETE FROM import_lines;`);
  }

  async stage(row: OrderRow, customerId: number, line: number): Promise<Rejection | null> {
    const { sql } = this.session;
    const key = row.externalId ?? groupedOrderKey(row.customerExternalId, row.orderDateText);
    const inserted = await sql.run(
      `INSERT INTO import_line_orders (key, customer_id, customer, order_date, status, first_line, grouped) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING`,
      [key, customerId, row.customerExternalId, row.orderDate, row.status, line, row.externalId === null ? 1 : 0],
    );
    if (inserted.changes === 0) {
      const head = (await sql.get<{ customer_id: number; customer: string; order_date: string; status: string | null; first_line: number }>(
        'SELECT customer_id, customer, order_date, status, first_line FROM import_line_orders WHERE key = ?',
        [key],
      ))!;
      const differs = (field: string, value: string | null, first: string | null): Rejection => ({
        field,
        value: value ?? '',
        reason: `order ${row.externalId ?? ''} has ${first === null ? `no ${field}` : `${field} ${first}`} on line ${head.first_line}: the lines of one order share it`,
      });
      if (head.customer_id !== customerId) return differs('customer_id', row.customerExternalId, head.customer);
      if (head.order_date !== row.orderDate) return differs('order_date', row.orderDateText, head.order_date);
      if (head.status !== row.status) return differs('status', row.status, head.status);
    }
    this.seq += 1;
    this.lineCount += 1;
    await sql.run(
      'INSERT INTO import_lines (key, seq, product, quantity, unit_price_cents, amount_cents, cost_cents) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [key, this.seq, row.product, row.quantity, row.unitPriceCents, row.amountCents, row.costCents],
    );
    return null;
  }

  private async creditRule(): Promise<{ prefix: string | null; auto: boolean }> {
    if (this.creditPrefix) return { prefix: this.creditPrefix, auto: false };
    const ids = (await this.session.sql.get<{ digits: number; credits: number; ids: number }>(
      `SELECT coalesce(sum(CASE WHEN key ~ '^[0-9]*$' THEN 1 ELSE 0 END), 0) AS digits,
              coalesce(sum(CASE WHEN key ~ '^C[0-9]+$' THEN 1 ELSE 0 END), 0) AS credits,
              count(*) AS ids
       FROM import_line_orders WHERE grouped = 0`,
    ))!;
    return ids.credits > 0 && ids.digits > 0 && ids.digits + ids.credits === ids.ids ? { prefix: 'C', auto: true } : { prefix: null, auto: false };
  }

  async finish(): Promise<LineImportOutcome> {
    const { session } = this;
    const { sql, now, writtenAt } = session;
    const rule = await this.creditRule();
    const isCredit = (key: string): boolean =>
      rule.prefix !== null && key.startsWith(rule.prefix) && key.length > rule.prefix.length && (!rule.auto || /^C\d+$/.test(key));
    const outcome: LineImportOutcome = {
      ordersNew: 0, ordersChanged: 0, ordersUnchanged: 0, lines: this.lineCount, returns: 0, grouped: 0, creditNotes: 0,
      creditPrefix: rule.prefix, creditPrefixAuto: rule.auto,
    };
    for (let after = 0; ;) {
      const heads = await sql.all<{ ord: number; key: string; customer_id: number; order_date: string; status: string | null; grouped: number }>(
        'SELECT ord, key, customer_id, order_date, status, grouped FROM import_line_orders WHERE ord > ? ORDER BY ord LIMIT ?',
        [after, PAGE],
      );
      if (heads.length === 0) break;
      after = heads[heads.length - 1]!.ord;
      for (const head of heads) {
        let lines = await sql.all<StoredLine>(
          'SELECT product, quantity, unit_price_cents, amount_cents, cost_cents FROM import_lines WHERE key = ? ORDER BY seq',
          [head.key],
        );
        if (isCredit(head.key)) {
          outcome.creditNotes += 1;
          lines = creditLines(lines);
        }
        const order = orderFromLines(lines);
        if (order.amount < 0) outcome.returns += 1;
        if (head.grouped) outcome.grouped += 1;
        const values: OrderValues = {
          customer_id: head.customer_id, order_date: head.order_date, product: order.product, quantity: order.quantity,
          amount_cents: order.amount, cost_cents: order.cost, status: head.status,
        };
        const list = orderColumns.map((column) => values[column]);
        const inserted = await sql.value<number>(
          `INSERT INTO orders (external_id, ${orderColumns.join(', ')}, created_at, updated_at) VALUES (?, ${orderColumns.map(() => '?').join(', ')}, ?, ?)
           ON CONFLICT (external_id) DO NOTHING RETURNING id`,
          [head.key, ...list, now, writtenAt],
        );
        if (inserted !== undefined) {
          session.noteCreated('orders', inserted);
          await writeOrderLines(sql, inserted, order.stored);
          outcome.ordersNew += 1;
          continue;
        }
        const existing = (await sql.get<{ id: number; updated_at: string } & OrderValues>(
          `SELECT id, updated_at, ${orderColumns.join(', ')} FROM orders WHERE external_id = ?`,
          [head.key],
        ))!;
        const before = await readOrderLines(sql, existing.id);
        const sameOrder = orderColumns.every((column) => existing[column] === values[column]);
        const linesSame = sameLines(before, order.stored);
        if (sameOrder && linesSame) {
          outcome.ordersUnchanged += 1;
          continue;
        }
        const previous: Record<string, string | number | null> = { updated_at: existing.updated_at };
        for (const column of orderColumns) previous[column] = existing[column];
        session.recordChange('orders', existing.id, previous);
        if (!linesSame) {
          session.recordLinesBefore(existing.id, before);
          await dropOrderLines(sql, existing.id);
          await writeOrderLines(sql, existing.id, order.stored);
        }
        await sql.run(`UPDATE orders SET ${orderColumns.map((column) => `${column} = ?`).join(', ')}, updated_at = ? WHERE id = ?`, [...list, writtenAt, existing.id]);
        outcome.ordersChanged += 1;
      }
    }
    await sql.exec('DELETE FROM import_line_orders; DELETE FROM import_lines;');
    return outcome;
  }
}

/** Starts an import on PostgreSQL: the transaction is open and the tables locked when this returns. */
export async function startPostgresImport(sql: PgSql, now: Date, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  const session = new PgSession(sql, now);
  await session.begin();
  try {
    if ((kind === 'customers' || kind === 'orders') && bulkEligible(kind, options, session.hasAliases)) {
      session.bulkChanges = true;
      await sql.exec('CREATE TEMP TABLE import_pending_changes (table_name TEXT COLLATE "C", row_id BIGINT, before TEXT) ON COMMIT DROP');
      const bulk = await createBulkStaging(session, kind, options);
      const refuse = (): never => {
        throw new Error('a bulk import stages its rows (bulk.stage), it does not write them one by one');
      };
      return {
        bulk,
        write: refuse,
        check: refuse,
        beforeBatch: () => undefined,
        finish: async () => null,
        customersCreated: 0,
        aliasRows: 0,
        aliasesUsed: session.aliasesUsed,
        previousRunOfContent: (runKind, contentHash) => previousRunOfContent(sql, runKind, contentHash),
        convertLeadsWithSales: () => session.convertLeadsWithSales(),
        commit: (run) => session.commit(run),
        controlGroupContacts: () => session.controlGroupContacts(),
        rollback: () => session.rollback(),
      };
    }
    return await createWork(session, kind, options);
  } catch (error) {
    await session.rollback();
    throw error;
  }
}

async function createWork(session: PgSession, kind: ImportKind, options: WriterOptions): Promise<ImportWork> {
  const { sql } = session;
  let customersCreated = 0;
  let aliasRows = 0;
  const viaAlias = (externalId: string): void => {
    if (session.hasAliases && session.aliasesUsed.has(externalId)) aliasRows += 1;
  };
  const inFile = (field: string): boolean => (options.presentCustomerFields ?? []).includes(field);
  const present = (options.presentCustomerFields ?? []).filter((field) => (customerColumns as readonly string[]).includes(field));
  const customerColumnsInFile = ['name', ...present.filter((field) => field !== 'name')];
  const customers = new PgKeyedUpsert(session, 'customers', customerColumnsInFile);
  const resolveCustomer = async (externalId: string, source: Record<string, string | null> | null): Promise<number | Rejection> => {
    const known = await session.customerId(externalId);
    if (known !== undefined) {
      viaAlias(externalId);
      return known;
    }
    if (!options.createCustomers || !source) {
      return unknownCustomer(externalId, kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
    }
    customersCreated += 1;
    const id = (await sql.value<number>(
      `INSERT INTO customers (external_id, name, company, email, phone, city, region, channel, owner, status, created_at, updated_at)
       VALUES (@external_id, @name, @company, @email, @phone, @city, @region, @channel, @owner, 'active', @now, @writtenAt) RETURNING id`,
      {
        external_id: externalId, name: source.name ?? externalId, company: source.company ?? null, email: source.email ?? null,
        phone: source.phone ?? null, city: source.city ?? null, region: source.region ?? null, channel: source.channel ?? null,
        owner: source.owner ?? null, now: session.now, writtenAt: session.writtenAt,
      },
    ))!;
    session.noteCreated('customers', id);
    return id;
  };

  const orders = new PgKeyedUpsert(session, 'orders', orderColumns);
  const lines = kind === 'orders' && inFile('unit_price') ? new PgLineStaging(session, options.creditPrefix ?? null) : null;
  await lines?.start();
  const linesHint = kind === 'orders' && inFile('product')
    ? '; if these are the lines of one order, a unit price column (unit_price, UnitPrice, Price, 单价) makes the file a line-item file'
    : '';
  const withCampaign = inFile('campaign');
  const interactionExtras = (['follow_up_done_at', 'follow_up_note'] as const).filter(inFile);
  const interactions = new PgKeyedUpsert(session, 'interactions', [...interactionColumns, ...interactionExtras, ...(withCampaign ? ['campaign_id'] : [])]);
  const campaignOf = async (name: string | null): Promise<number | null | Rejection> => {
    if (name === null) return null;
    const id = await sql.value<number>('SELECT id FROM campaigns WHERE name = ?', [name]);
    return id ?? { field: 'campaign', value: name, reason: 'unknown campaign (create it first with crm campaign create; crm export all prints the command for each campaign)' };
  };
  const payments = new PgKeyedUpsert(session, 'payments', paymentColumns);
  const surveys = new PgKeyedUpsert(session, 'surveys', surveyColumns);
  const complaints = new PgKeyedUpsert(session, 'complaints', complaintColumns);

  type Kind = { id: number; kind: string; converted_at: string | null };
  const kindOf = (externalId: string) => sql.get<Kind>('SELECT id, kind, converted_at FROM customers WHERE external_id = ?', [externalId]);
  const kindById = (id: number) => sql.get<Kind>('SELECT id, kind, converted_at FROM customers WHERE id = ?', [id]);
  const referrer = async (externalId: string | null): Promise<number | null | Rejection> => {
    if (externalId === null) return null;
    const merged = (await kindOf(externalId)) === undefined ? await session.alias(externalId) : undefined;
    const found = merged === undefined ? await kindOf(externalId) : await kindById(merged);
    if (!found) return { field: 'referred_by', value: externalId, reason: 'unknown partner (import the partner first, or earlier in the same file)' };
    if (found.kind !== 'partner') return { field: 'referred_by', value: externalId, reason: `is a ${found.kind}, not a partner (kind partner)` };
    return found.id;
  };
  const partnerKept = async (row: CustomerRow): Promise<Rejection | null> => {
    if (!customerColumnsInFile.includes('kind')) return null;
    const rowKind = (row.values.kind as string | null | undefined) ?? 'customer';
    if (rowKind === 'partner') return null;
    const stored = await kindOf(row.externalId);
    if (stored?.kind !== 'partner') return null;
    const referred = (await sql.value<number>('SELECT count(*) FROM customers WHERE referred_by = ?', [stored.id]))!;
    return referred > 0
      ? { field: 'kind', value: rowKind, reason: `${row.externalId} is the partner who referred ${referred} customer${referred === 1 ? '' : 's'}; a referrer must stay a partner` }
      : null;
  };
  const mergedAway = async (row: CustomerRow): Promise<boolean> =>
    session.hasAliases && !(await kindOf(row.externalId)) && (await session.alias(row.externalId)) !== undefined;

  const writeCustomer = async (row: CustomerRow): Promise<WriteOutcome> => {
    if (await mergedAway(row)) return 'merged';
    const kept = await partnerKept(row);
    if (kept) return kept;
    const fileValues = { ...row.values };
    if (fileValues.kind === 'lead') {
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
    const values = customerColumnsInFile.map((column) =>
      column === 'status' ? (fileValues.status ?? 'active') : column === 'kind' ? (fileValues.kind ?? 'customer') : (fileValues[column] ?? null),
    ) as Value[];
    const createdAt = typeof row.values.created_at === 'string' ? row.values.created_at : null;
    const outcome = await customers.upsert(row.externalId, values, createdAt);
    return outcome === 'duplicate' ? duplicateId('customer_id', row.externalId) : outcome;
  };
  const writeOrder = async (row: OrderRow, line: number): Promise<WriteOutcome | null> => {
    const customerId = await resolveCustomer(row.customerExternalId, row.customer);
    if (typeof customerId !== 'number') return customerId;
    if (lines) return lines.stage(row, customerId, line);
    const values: Value[] = [customerId, row.orderDate, row.product, row.quantity, row.amountCents, row.costCents, row.status];
    const key = row.externalId ?? (await session.derivedKey('o:', [row.customerExternalId, ...values.slice(1)]));
    const outcome = await orders.upsert(key, values);
    if (outcome === 'duplicate') return duplicateId('order_id', key, linesHint);
    if (outcome === 'changed') {
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
    const values: Value[] = [customerId, row.interactionKind, row.occurredAt, row.summary, row.outcome, row.owner, row.followUpAt];
    const key = row.externalId ?? (await session.derivedKey('i:', [row.customerExternalId, ...values.slice(1)]));
    for (const extra of interactionExtras) values.push(extra === 'follow_up_done_at' ? row.followUpDoneAt : row.followUpNote);
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
    const values: Value[] = [customerId, orderId, row.paidOn, row.amountCents, row.method];
    const key = row.externalId ?? (await session.derivedKey('p:', [row.customerExternalId, row.orderExternalId, row.paidOn, row.amountCents, row.method]));
    const outcome = await payments.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('payment_id', key) : outcome;
  };
  const writeSurvey = async (row: SurveyRow): Promise<WriteOutcome> => {
    const customerId = await resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    const values: Value[] = [customerId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend];
    const key = row.externalId ?? (await session.derivedKey('s:', [row.customerExternalId, row.surveyedOn, row.expected, row.perceived, row.wouldRecommend]));
    const outcome = await surveys.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('survey_id', key) : outcome;
  };
  const writeComplaint = async (row: ComplaintRow): Promise<WriteOutcome> => {
    const customerId = await resolveCustomer(row.customerExternalId, null);
    if (typeof customerId !== 'number') return customerId;
    const values: Value[] = [customerId, row.openedAt, row.severity, row.summary, row.status, row.resolvedAt, row.resolution, row.owner];
    const key = row.externalId ?? (await session.derivedKey('k:', [row.customerExternalId, row.openedAt, row.severity, row.summary, row.owner]));
    const outcome = await complaints.upsert(key, values);
    return outcome === 'duplicate' ? duplicateId('complaint_id', key) : outcome;
  };

  return {
    write(row: ImportRow, line: number): Promise<WriteOutcome | null> {
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
    async check(row: ImportRow): Promise<Rejection | null> {
      if (row.kind === 'customers') {
        if (await mergedAway(row)) return null;
        const partner = typeof row.values.referred_by === 'string' ? await referrer(row.values.referred_by) : null;
        return partner !== null && typeof partner !== 'number' ? partner : partnerKept(row);
      }
      if (!(row.kind === 'orders' && options.createCustomers) && (await session.customerId(row.customerExternalId)) === undefined) {
        return unknownCustomer(row.customerExternalId, row.kind === 'orders' ? ' (import customers first, or use --create-customers)' : ' (import customers first)');
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
    beforeBatch: () => undefined,
    finish: async () => (lines ? lines.finish() : null),
    get customersCreated() {
      return customersCreated;
    },
    get aliasRows() {
      return aliasRows;
    },
    aliasesUsed: session.aliasesUsed,
    previousRunOfContent: (runKind, contentHash) => previousRunOfContent(sql, runKind, contentHash),
    convertLeadsWithSales: () => session.convertLeadsWithSales(),
    commit: (run) => session.commit(run),
    controlGroupContacts: () => session.controlGroupContacts(),
    rollback: () => session.rollback(),
  };
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

export async function createBulkStaging(session: PgSession, kind: 'customers' | 'orders', options: WriterOptions): Promise<BulkStaging> {
  const { sql } = session;
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
        hash = createHash('sha1').update(parts.map((part) => (part === null ? '\u0000' : String(part))).join('\u001f')).digest('base64url').slice(0, 20);
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
          copyError = error;
          reject(error);
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
    if (stopAt === null) await merge();
    return { rowsNew: counts.new, rowsChanged: counts.changed, rowsUnchanged: counts.unchanged, rejections: rejections() };
  };

  /** Writes the checked rows: earlier values of changed rows recorded, changed rows updated, new rows inserted in file order. */
  const merge = async (): Promise<void> => {
    const table = kind;
    const written = kind === 'customers' ? targetColumns : [...orderColumns];
    const before = ['updated_at', ...written].map((column) => `'${column}', t.${column}`).join(', ');
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
      `UPDATE ${table} t SET ${written.map((column) => `${column} = w.${column}`).join(', ')}, updated_at = @writtenAt
       FROM import_written w WHERE t.id = w.existing_id AND w.same = 0`,
      { writtenAt: session.writtenAt },
    );
    const range = await sql.get<{ first: number | null; last: number | null }>(
      `WITH inserted AS (
         INSERT INTO ${table} (external_id, ${written.join(', ')}, created_at, updated_at)
         SELECT key, ${written.join(', ')}, ${kind === 'customers' ? 'coalesce(created_at, CAST(@now AS TEXT))' : 'CAST(@now AS TEXT)'}, CAST(@writtenAt AS TEXT)
         FROM import_written WHERE existing_id IS NULL ORDER BY line
         RETURNING id
       )
       SELECT min(id) AS first, max(id) AS last FROM inserted`,
      { now: session.now, writtenAt: session.writtenAt },
    );
    if (range && range.first !== null && range.last !== null) {
      session.noteCreated(table, range.first);
      session.noteCreated(table, range.last);
    }
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
