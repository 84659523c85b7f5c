// Test helpers for databases: look inside a file (counts, dumps), or build a small one from hand-written rows.
import Database from 'better-sqlite3';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/open.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import { runCrm, tempDir, samples } from './cli.js';

export function withDb<T>(file: string, fn: (db: Database.Database) => T, readonly = true): T {
  const db = new Database(file, { readonly, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function count(file: string, table: string): number {
  return withDb(file, (db) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
}

/**
 * Everything a user put in, keyed by external ids (internal ids and import bookkeeping differ between
 * databases that hold the same data): the thing export → import must reproduce.
 */
export function businessData(file: string): Record<string, unknown[]> {
  return withDb(file, (db) => ({
    customers: db
      .prepare(`SELECT external_id, name, company, email, phone, city, region, channel, owner, tags, notes, status, created_at
                FROM customers ORDER BY external_id`)
      .all(),
    orders: db
      .prepare(`SELECT o.external_id, c.external_id AS customer, o.order_date, o.product, o.quantity, o.amount_cents, o.cost_cents, o.status
                FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.external_id`)
      .all(),
    interactions: db
      .prepare(`SELECT i.external_id, c.external_id AS customer, i.kind, i.occurred_at, i.summary, i.outcome, i.owner, i.follow_up_at,
                       i.follow_up_done_at, i.follow_up_note
                FROM interactions i JOIN customers c ON c.id = i.customer_id ORDER BY i.external_id`)
      .all(),
    complaints: db
      .prepare(`SELECT k.external_id, c.external_id AS customer, k.opened_at, k.severity, k.summary, k.status, k.resolved_at, k.resolution, k.owner
                FROM complaints k JOIN customers c ON c.id = k.customer_id ORDER BY k.external_id`)
      .all(),
  }));
}

/** Every row of every table (including bookkeeping): "the database did not change at all". */
export function fullDump(file: string): Record<string, unknown[]> {
  return withDb(file, (db) => {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const dump: Record<string, unknown[]> = { user_version: [db.pragma('user_version', { simple: true })] };
    for (const table of tables) dump[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all();
    return dump;
  });
}

/** A database in a fresh temp folder with the sample customers (and orders when asked) imported. */
export async function sampleDb(withOrders = false): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = path.join(dir, 'crm.db');
  const run = async (argv: string[]) => {
    const result = await runCrm(['--db', db, ...argv]);
    if (result.code !== 0) throw new Error(`crm ${argv.join(' ')} failed: ${result.stderr}`);
  };
  await run(['init']);
  await run(['import', 'customers', path.join(samples, 'customers.csv')]);
  if (withOrders) await run(['import', 'orders', path.join(samples, 'orders.csv')]);
  return { dir, db };
}

export interface TestOrder {
  customer: string;
  date: string;
  amount: number;
  cost?: number | null;
}

export interface TestInteraction {
  customer: string;
  at: string;
}

export interface TestSurvey {
  customer: string;
  date: string;
  expected: number;
  perceived: number;
}

const stamp = '2026-01-01T00:00:00Z';

/** Creates customers named in the orders (external id = name) and the orders, amounts in currency units. */
export function testDb(orders: TestOrder[], extra: { interactions?: TestInteraction[]; surveys?: TestSurvey[]; customers?: string[] } = {}): Db {
  const db = openDatabase(path.join(tempDir(), 'test.db'), { create: true });
  const ids = new Map<string, number>();
  const addCustomer = db.prepare('INSERT INTO customers (external_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const customer = (name: string): number => {
    if (!ids.has(name)) ids.set(name, Number(addCustomer.run(name, name, stamp, stamp).lastInsertRowid));
    return ids.get(name)!;
  };
  for (const name of extra.customers ?? []) customer(name);
  const addOrder = db.prepare(
    'INSERT INTO orders (external_id, customer_id, order_date, amount_cents, cost_cents, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  orders.forEach((order, index) => {
    const cost = order.cost === undefined || order.cost === null ? null : Math.round(order.cost * 100);
    addOrder.run(`T${index}`, customer(order.customer), order.date, Math.round(order.amount * 100), cost, stamp, stamp);
  });
  const addInteraction = db.prepare("INSERT INTO interactions (customer_id, kind, occurred_at, created_at, updated_at) VALUES (?, 'call', ?, ?, ?)");
  for (const contact of extra.interactions ?? []) addInteraction.run(customer(contact.customer), contact.at, stamp, stamp);
  const addSurvey = db.prepare('INSERT INTO surveys (customer_id, surveyed_on, expected, perceived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const survey of extra.surveys ?? []) addSurvey.run(customer(survey.customer), survey.date, survey.expected, survey.perceived, stamp, stamp);
  return db;
}

