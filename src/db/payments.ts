// Payments received (回款) and satisfaction surveys (满意度调查): recording them by hand.
import type { Sql } from './engine/sql.js';

export interface NewPayment {
  customer_id: number;
  order_id: number | null;
  paid_on: string;
  amount_cents: number;
  method: string | null;
}

export async function addPayment(sql: Sql, payment: NewPayment, now: string): Promise<number> {
  return (await sql.value<number>(
    `INSERT INTO payments (customer_id, order_id, paid_on, amount_cents, method, created_at, updated_at, created_by, updated_by)
     VALUES (@customer_id, @order_id, @paid_on, @amount_cents, @method, @now, @now, @actor, @actor)
     RETURNING id`,
    { ...payment, now, actor: sql.actor },
  ))!;
}

export interface OrderRef {
  id: number;
  customer_id: number;
  external_id: string;
}

export async function orderByExternalId(sql: Sql, externalId: string): Promise<OrderRef | undefined> {
  return sql.get<OrderRef>('SELECT id, customer_id, external_id FROM orders WHERE external_id = ?', [externalId]);
}

export interface NewSurvey {
  customer_id: number;
  surveyed_on: string;
  expected: number;
  perceived: number;
  would_recommend: number | null;
}

export async function addSurvey(sql: Sql, survey: NewSurvey, now: string): Promise<number> {
  return (await sql.value<number>(
    `INSERT INTO surveys (customer_id, surveyed_on, expected, perceived, would_recommend, created_at, updated_at, created_by, updated_by)
     VALUES (@customer_id, @surveyed_on, @expected, @perceived, @would_recommend, @now, @now, @actor, @actor)
     RETURNING id`,
    { ...survey, now, actor: sql.actor },
  ))!;
}
