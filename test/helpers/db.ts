// Test helper: a fresh crm database in a temporary folder, filled with hand-written customers and orders.
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/open.js';
import { tempDir } from './cli.js';

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
