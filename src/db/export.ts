// The rows of crm export, named with the column names the import accepts, streamed in batches.
import type { Sql } from './engine/sql.js';

export const exportKinds = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints'] as const;
export type ExportKind = (typeof exportKinds)[number];

export type ExportValue = string | number | null;

export interface ExportTable {
  columns: string[];
  /** Columns holding integer cents, written in currency units ("12.50"). */
  money: string[];
  /** Columns holding numbers (never neutralised as formulas). */
  numeric: string[];
  sql: string;
}

// Aliases are import field names (src/import/fields.ts): export → import reproduces the data.
// Stored external ids go out as the row's id, derived keys ("o:…") included, so a re-import matches them.
const tables: Record<ExportKind, ExportTable> = {
  customers: {
    columns: [
      'customer_id', 'name', 'company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes', 'status', 'created_at',
      'kind', 'referred_by', 'converted_at', 'dropped_at', 'drop_reason',
    ],
    money: [],
    numeric: [],
    // Partners first: a customer's referred_by must name a partner the import has already read.
    sql: `SELECT c.external_id AS customer_id, c.name, c.company, c.email, c.phone, c.city, c.region, c.channel, c.owner, c.tags, c.notes,
                 c.status, c.created_at, c.kind, p.external_id AS referred_by, c.converted_at, c.dropped_at, c.drop_reason
          FROM customers c LEFT JOIN customers p ON p.id = c.referred_by
          ORDER BY CASE WHEN c.kind = 'partner' THEN 0 ELSE 1 END, c.id`,
  },
  orders: {
    columns: ['order_id', 'customer_id', 'order_date', 'amount', 'cost', 'product', 'quantity', 'status'],
    money: ['amount', 'cost'],
    numeric: ['quantity'],
    sql: `SELECT o.external_id AS order_id, c.external_id AS customer_id, o.order_date, o.amount_cents AS amount,
                 o.cost_cents AS cost, o.product, o.quantity, o.status
          FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id`,
  },
  interactions: {
    columns: [
      'interaction_id', 'customer_id', 'kind', 'occurred_at', 'summary', 'outcome', 'owner', 'follow_up_at', 'follow_up_done_at',
      'follow_up_note', 'campaign', 'direction',
    ],
    money: [],
    numeric: [],
    sql: `SELECT i.external_id AS interaction_id, c.external_id AS customer_id, i.kind, i.occurred_at, i.summary, i.outcome,
                 i.owner, i.follow_up_at, i.follow_up_done_at, i.follow_up_note, k.name AS campaign, i.direction
          FROM interactions i JOIN customers c ON c.id = i.customer_id LEFT JOIN campaigns k ON k.id = i.campaign_id ORDER BY i.id`,
  },
  payments: {
    columns: ['payment_id', 'customer_id', 'order_id', 'paid_on', 'amount', 'method'],
    money: ['amount'],
    numeric: [],
    sql: `SELECT p.external_id AS payment_id, c.external_id AS customer_id, o.external_id AS order_id, p.paid_on,
                 p.amount_cents AS amount, p.method
          FROM payments p JOIN customers c ON c.id = p.customer_id LEFT JOIN orders o ON o.id = p.order_id ORDER BY p.id`,
  },
  surveys: {
    columns: ['survey_id', 'customer_id', 'surveyed_on', 'expected', 'perceived', 'would_recommend'],
    money: [],
    numeric: ['expected', 'perceived', 'would_recommend'],
    sql: `SELECT s.external_id AS survey_id, c.external_id AS customer_id, s.surveyed_on, s.expected, s.perceived, s.would_recommend
          FROM surveys s JOIN customers c ON c.id = s.customer_id ORDER BY s.id`,
  },
  complaints: {
    columns: ['complaint_id', 'customer_id', 'opened_at', 'severity', 'summary', 'status', 'resolved_at', 'resolution', 'owner'],
    money: [],
    numeric: [],
    sql: `SELECT k.external_id AS complaint_id, c.external_id AS customer_id, k.opened_at, k.severity, k.summary, k.status,
                 k.resolved_at, k.resolution, k.owner
          FROM complaints k JOIN customers c ON c.id = k.customer_id ORDER BY k.id`,
  },
};

/**
 * Orders when some have lines (a line-item file was imported): one row per line, with its unit price, and one row
 * for each order without lines, so the import reads it back as a line-item file and makes the same orders
 * (docs/rules.md#order-lines). Without lines the export keeps its one-row-per-order shape.
 */
const orderLinesTable: ExportTable = {
  columns: ['order_id', 'customer_id', 'order_date', 'amount', 'cost', 'product', 'quantity', 'unit_price', 'status'],
  money: ['amount', 'cost', 'unit_price'],
  numeric: ['quantity'],
  sql: `SELECT o.external_id AS order_id, c.external_id AS customer_id, o.order_date,
               CASE WHEN l.order_id IS NULL THEN o.amount_cents ELSE l.amount_cents END AS amount,
               CASE WHEN l.order_id IS NULL THEN o.cost_cents ELSE l.cost_cents END AS cost,
               CASE WHEN l.order_id IS NULL THEN o.product ELSE l.product END AS product,
               CASE WHEN l.order_id IS NULL THEN o.quantity ELSE l.quantity END AS quantity,
               l.unit_price_cents AS unit_price, o.status
        FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN order_lines l ON l.order_id = o.id
        ORDER BY o.id, l.line`,
};

/** The columns and query of one kind (orders: with their lines when the database has any). */
export async function exportTable(kind: ExportKind, sql?: Sql): Promise<ExportTable> {
  if (kind === 'orders' && sql && (await sql.value('SELECT 1 FROM order_lines LIMIT 1')) !== undefined) return orderLinesTable;
  return tables[kind];
}

/** The rows of one kind, in batches; read inside readSnapshot so a concurrent import shows all or nothing. */
export function exportRows(sql: Sql, table: ExportTable): AsyncIterable<Record<string, ExportValue>[]> {
  return sql.batches<Record<string, ExportValue>>(table.sql);
}

/**
 * Runs `work` inside one read transaction: everything it reads is one snapshot, even while an import commits
 * (PostgreSQL: REPEATABLE READ, as SQLite's read transaction).
 */
export async function readSnapshot<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  return sql.transaction(async () => {
    if (sql.engine === 'postgres') await sql.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return work();
  }, 'read');
}

/** What `crm campaign create` needs to make each campaign again, oldest first (the export names them, not their groups). */
export async function campaignsToRecreate(sql: Sql): Promise<
  { name: string; segment: string | null; tier: string | null; stage: string | null; started_on: string; holdout_percent: number; seed: number; window_days: number }[]
> {
  return sql.all('SELECT name, segment, tier, stage, started_on, holdout_percent, seed, window_days FROM campaigns ORDER BY started_on, id');
}
