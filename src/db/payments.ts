// Payments received (回款) and satisfaction surveys (满意度调查): recording them by hand.
import type { Db } from './open.js';

export interface NewPayment {
  customer_id: number;
  order_id: number | null;
  paid_on: string;
  amount_cents: number;
  method: string | null;
}

export function addPayment(db: Db, payment: NewPayment, now: string): number {
  const result = db
    .prepare(
      `INSERT INTO payments (customer_id, order_id, paid_on, amount_cents, method, created_at, updated_at)
       VALUES (@customer_id, @order_id, @paid_on, @amount_cents, @method, @now, @now)`,
    )
    .run({ ...payment, now });
  return Number(result.lastInsertRowid);
}

export interface OrderRef {
  id: number;
  customer_id: number;
  external_id: string;
}

export function orderByExternalId(db: Db, externalId: string): OrderRef | undefined {
  return db.prepare('SELECT id, customer_id, external_id FROM orders WHERE external_id = ?').get(externalId) as OrderRef | undefined;
}

export interface NewSurvey {
  customer_id: number;
  surveyed_on: string;
  expected: number;
  perceived: number;
  would_recommend: number | null;
}

export function addSurvey(db: Db, survey: NewSurvey, now: string): number {
  const result = db
    .prepare(
      `INSERT INTO surveys (customer_id, surveyed_on, expected, perceived, would_recommend, created_at, updated_at)
       VALUES (@customer_id, @surveyed_on, @expected, @perceived, @would_recommend, @now, @now)`,
    )
    .run({ ...survey, now });
  return Number(result.lastInsertRowid);
}
