// Line-item order files (a unit_price column): the lines of one order id are one order (docs/rules.md#order-lines).
// The lines of a file are staged in temporary tables as they stream in (the lines of one order may be anywhere in
// the file, in different batches), and written as orders, with their lines, once the whole file is read.
import { createHash } from 'node:crypto';
import type { Sql } from './engine/sql.js';
import { concurrentChange } from './import-store.js';
import type { ImportSession } from './import-writer.js';
import type { OrderRow, Rejection } from '../import/validate.js';

export interface StoredLine {
  product: string | null;
  quantity: number | null;
  unit_price_cents: number | null;
  amount_cents: number;
  cost_cents: number | null;
}

/** What a line file came to, for the import summary. */
export interface LineImportOutcome {
  /** Orders new, changed and unchanged (a line file counts orders, not lines); together, the orders the lines made. */
  ordersNew: number;
  ordersChanged: number;
  ordersUnchanged: number;
  lines: number;
  /** Orders whose total is below zero: returns (credit notes). */
  returns: number;
  /** Orders made from lines without an order id, grouped by customer and the order date as written. */
  grouped: number;
  /** Orders read as credit notes from their id (the credit prefix), their positive amounts turned negative. */
  creditNotes: number;
  /** The rule that marked credit notes: the prefix, and whether it was found in the file (auto) or given. */
  creditPrefix: string | null;
  creditPrefixAuto: boolean;
}

export interface LineOptions {
  /** --credit-prefix: an order id starting with it is a credit note. Null: C followed by digits when the other ids are digits. */
  creditPrefix?: string | null;
}

export const PAGE = 500;
/** The columns an order import writes, in this order (one-row-per-order files and line files alike). */
export const orderColumns = ['customer_id', 'order_date', 'product', 'quantity', 'amount_cents', 'cost_cents', 'status'] as const;
export type OrderValues = Record<(typeof orderColumns)[number], string | number | null>;

/** The lines of an order, in order, on either engine (crm import undo; the import). */
export async function readOrderLines(sql: Sql, orderId: number): Promise<StoredLine[]> {
  return sql.all<StoredLine>('SELECT product, quantity, unit_price_cents, amount_cents, cost_cents FROM order_lines WHERE order_id = ? ORDER BY line', [orderId]);
}

/** Removes the lines of an order. */
export async function dropOrderLines(sql: Sql, orderId: number): Promise<void> {
  await sql.run('DELETE FROM order_lines WHERE order_id = ?', [orderId]);
}

/** Adds LINES to an order that has none (numbered from 1). */
export async function writeOrderLines(sql: Sql, orderId: number, lines: readonly StoredLine[]): Promise<void> {
  for (const [index, line] of lines.entries()) {
    await sql.run(
      'INSERT INTO order_lines (order_id, line, product, quantity, unit_price_cents, amount_cents, cost_cents) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [orderId, index + 1, line.product, line.quantity, line.unit_price_cents, line.amount_cents, line.cost_cents],
    );
  }
}

/** The key of lines without an order id: their customer and their order date cell as written (a date-time, usually). */
export function groupedOrderKey(customerExternalId: string, orderDateText: string): string {
  const hash = createHash('sha1').update(`${customerExternalId}\u001f${orderDateText}`).digest('base64url').slice(0, 20);
  return `ol:${hash}`;
}

/** The order a set of lines makes: totals, and the lines to store (none for a single line without a unit price). */
export function orderFromLines(lines: readonly StoredLine[]): { amount: number; cost: number | null; product: string | null; quantity: number | null; stored: StoredLine[] } {
  let amount = 0;
  let cost: number | null = 0;
  let quantity: number | null = 0;
  for (const line of lines) {
    amount += line.amount_cents;
    cost = cost === null || line.cost_cents === null ? null : cost + line.cost_cents;
    quantity = quantity === null || line.quantity === null ? null : quantity + line.quantity;
  }
  const products = new Set(lines.map((line) => line.product));
  const product = products.size === 1 ? lines[0]!.product : null;
  // One row without a unit price is an order as a one-row-per-order file writes it: no lines are kept.
  const plain = lines.length === 1 && lines[0]!.unit_price_cents === null;
  if (quantity !== null) quantity = Math.round(quantity * 1e6) / 1e6;
  return { amount, cost, product, quantity, stored: plain ? [] : [...lines] };
}

/** A credit note's lines are negative: positive amounts, costs and quantities of its lines are turned round. */
export function creditLines(lines: readonly StoredLine[]): StoredLine[] {
  return lines.map((line) =>
    line.amount_cents > 0
      ? {
          ...line,
          amount_cents: -line.amount_cents,
          cost_cents: line.cost_cents === null ? null : -Math.abs(line.cost_cents),
          quantity: line.quantity === null ? null : -Math.abs(line.quantity),
        }
      : line,
  );
}

export const sameLines = (a: readonly StoredLine[], b: readonly StoredLine[]): boolean =>
  JSON.stringify(a.map(lineTuple)) === JSON.stringify(b.map(lineTuple));
const lineTuple = (line: StoredLine) => [line.product, line.quantity, line.unit_price_cents, line.amount_cents, line.cost_cents];

/** Stages the lines of one line file inside an import session, and writes them as orders at the end. */
export class LineStaging {
  private seq = 0;
  private lineCount = 0;
  /** Order ids (not grouped lines) in the file: how many, how many all digits, how many C + digits (the credit rule). */
  private readonly ids = { all: 0, digits: 0, credits: 0 };

  constructor(
    private readonly session: ImportSession,
    private readonly options: LineOptions = {},
  ) {}

  async start(): Promise<void> {
    const { sql } = this.session;
    await sql.exec(sql.dialect.ddl(`CREATE TEMP TABLE IF NOT EXISTS import_line_orders (
               ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, customer_id INTEGER NOT NULL, customer TEXT NOT NULL,
               order_date TEXT NOT NULL, status TEXT, first_line INTEGER NOT NULL, grouped INTEGER NOT NULL);
             CREATE TEMP TABLE IF NOT EXISTS import_lines (
               key TEXT NOT NULL, seq INTEGER NOT NULL, product TEXT, quantity REAL, unit_price_cents INTEGER,
               amount_cents INTEGER NOT NULL, cost_cents INTEGER, PRIMARY KEY (key, seq)) WITHOUT ROWID;`));
    await sql.exec('DELETE FROM import_line_orders; DELETE FROM import_lines;');
  }

  /** Stages one line; the lines of one order must agree on its customer, date and status. */
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
    } else if (row.externalId !== null) {
      this.ids.all += 1;
      if (/^[0-9]*$/.test(key)) this.ids.digits += 1;
      else if (/^C[0-9]+$/.test(key)) this.ids.credits += 1;
    }
    this.seq += 1;
    this.lineCount += 1;
    await sql.run(
      'INSERT INTO import_lines (key, seq, product, quantity, unit_price_cents, amount_cents, cost_cents) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [key, this.seq, row.product, row.quantity, row.unitPriceCents, row.amountCents, row.costCents],
    );
    return null;
  }

  /** The credit-note rule for this file: the given prefix, or C + digits when every other order id is digits. */
  private creditRule(): { prefix: string | null; auto: boolean } {
    if (this.options.creditPrefix) return { prefix: this.options.creditPrefix, auto: false };
    const { all, digits, credits } = this.ids;
    return credits > 0 && digits > 0 && digits + credits === all ? { prefix: 'C', auto: true } : { prefix: null, auto: false };
  }

  /** Writes the staged orders: new ones with their lines; existing ones updated, their lines replaced as a set. */
  async finish(): Promise<LineImportOutcome> {
    const { session } = this;
    const { sql, now, writtenAt } = session;
    const rule = this.creditRule();
    const isCredit = (key: string): boolean =>
      rule.prefix !== null && key.startsWith(rule.prefix) && key.length > rule.prefix.length && (!rule.auto || /^C\d+$/.test(key));
    const outcome: LineImportOutcome = {
      ordersNew: 0, ordersChanged: 0, ordersUnchanged: 0, lines: this.lineCount, returns: 0, grouped: 0, creditNotes: 0,
      creditPrefix: rule.prefix, creditPrefixAuto: rule.auto,
    };
    /** An order this file changes, deleted by another session since its insert found the key taken (PostgreSQL). */
    const concurrentDelete = (key: string) => concurrentChange(sql.label, `another session deleted order ${key}`);
    for (let after = 0; ;) {
      const heads = await sql.all<{ ord: number; key: string; customer_id: number; order_date: string; status: string | null; grouped: number }>(
        'SELECT ord, key, customer_id, order_date, status, grouped FROM import_line_orders WHERE ord > ? ORDER BY ord LIMIT ?',
        [after, PAGE],
      );
      if (heads.length === 0) break;
      after = heads[heads.length - 1]!.ord;
      await session.keepRangesSmall();
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
        const inserted = await sql.insert(
          `INSERT INTO orders (external_id, ${orderColumns.join(', ')}, created_at, updated_at, created_by, updated_by)
           VALUES (?, ${orderColumns.map(() => '?').join(', ')}, ?, ?, ?, ?)
           ON CONFLICT (external_id) DO NOTHING`,
          [head.key, ...list, now, writtenAt, sql.actor, sql.actor],
        );
        if (inserted !== undefined) {
          session.noteCreated('orders', inserted);
          await writeOrderLines(sql, inserted, order.stored);
          outcome.ordersNew += 1;
          continue;
        }
        const select = `SELECT id, updated_at, ${orderColumns.join(', ')}`;
        let existing = await sql.get<{ id: number; updated_at: string; taken_id?: number } & OrderValues>(
          `${select}${session.takenId('orders')} FROM orders WHERE external_id = ?`,
          [head.key],
        );
        if (existing === undefined) throw concurrentDelete(head.key);
        if (existing.taken_id !== undefined) session.noteTaken('orders', existing.taken_id);
        let before = await readOrderLines(sql, existing.id);
        let sameOrder = orderColumns.every((column) => existing![column] === values[column]);
        let linesSame = sameLines(before, order.stored);
        if (sameOrder && linesSame) {
          outcome.ordersUnchanged += 1;
          continue;
        }
        if (session.othersWrite) {
          // PostgreSQL: read again under a row lock, so what undo records is what this run overwrites (ImportSession).
          existing = await sql.get<{ id: number; updated_at: string } & OrderValues>(`${select} FROM orders WHERE external_id = ? FOR NO KEY UPDATE`, [head.key]);
          if (existing === undefined) throw concurrentDelete(head.key);
          before = await readOrderLines(sql, existing.id);
          sameOrder = orderColumns.every((column) => existing![column] === values[column]);
          linesSame = sameLines(before, order.stored);
          if (sameOrder && linesSame) {
            outcome.ordersUnchanged += 1;
            continue;
          }
        }
        const previous: Record<string, string | number | null> = { updated_at: existing.updated_at };
        for (const column of orderColumns) previous[column] = existing[column];
        session.recordChange('orders', existing.id, previous);
        if (!linesSame) {
          // The order's lines are replaced as a set; crm import undo puts the earlier set back.
          session.recordLinesBefore(existing.id, before);
          await dropOrderLines(sql, existing.id);
          await writeOrderLines(sql, existing.id, order.stored);
        }
        await sql.run(`UPDATE orders SET ${orderColumns.map((column) => `${column} = ?`).join(', ')}, updated_at = ?, updated_by = ? WHERE id = ?`, [
          ...list, writtenAt, sql.actor, existing.id,
        ]);
        outcome.ordersChanged += 1;
      }
    }
    await sql.exec('DELETE FROM import_line_orders; DELETE FROM import_lines;');
    return outcome;
  }
}
