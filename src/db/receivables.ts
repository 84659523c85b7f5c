// Receivables (回款管理): what each customer owes as of a date, aged by order date, payments applied oldest order first.
import { billed, windowParams } from './report-sales.js';
import type { Db } from './open.js';

export interface Receivable {
  customer_id: number;
  external_id: string;
  name: string;
  owner: string | null;
  owed_cents: number;
  oldest_unpaid: string;
  days_0_30_cents: number;
  days_31_60_cents: number;
  days_61_90_cents: number;
  days_over_90_cents: number;
}

/**
 * FIFO: a customer's payments (up to asOf) pay their billed orders (up to asOf) oldest first, whatever
 * order a payment names. The unpaid part of an order is clamp(running total of orders − paid, 0, amount);
 * its age is asOf − order date. Customers who owe nothing (or paid in advance) are left out.
 * Oldest unpaid order first, then the biggest debt.
 */
export function receivables(db: Db, asOf: string): Receivable[] {
  return db
    .prepare(
      `WITH billed_orders AS (
         SELECT customer_id, order_date, amount_cents,
                sum(amount_cents) OVER (PARTITION BY customer_id ORDER BY order_date, id ROWS UNBOUNDED PRECEDING) AS running
         FROM orders WHERE +order_date <= @asOf AND ${billed}
       ), paid AS (
         SELECT customer_id, sum(amount_cents) AS paid FROM payments WHERE paid_on <= @asOf GROUP BY customer_id
       ), unpaid AS (
         SELECT b.customer_id, b.order_date, CAST(julianday(@asOf) - julianday(b.order_date) AS INTEGER) AS age,
                max(0, min(b.amount_cents, b.running - coalesce(p.paid, 0))) AS unpaid
         FROM billed_orders b LEFT JOIN paid p USING (customer_id)
       )
       SELECT c.id AS customer_id, c.external_id, c.name, c.owner, sum(u.unpaid) AS owed_cents,
              min(CASE WHEN u.unpaid > 0 THEN u.order_date END) AS oldest_unpaid,
              sum(CASE WHEN u.age <= 30 THEN u.unpaid ELSE 0 END) AS days_0_30_cents,
              sum(CASE WHEN u.age BETWEEN 31 AND 60 THEN u.unpaid ELSE 0 END) AS days_31_60_cents,
              sum(CASE WHEN u.age BETWEEN 61 AND 90 THEN u.unpaid ELSE 0 END) AS days_61_90_cents,
              sum(CASE WHEN u.age > 90 THEN u.unpaid ELSE 0 END) AS days_over_90_cents
       FROM unpaid u JOIN customers c ON c.id = u.customer_id
       GROUP BY u.customer_id HAVING owed_cents > 0
       ORDER BY oldest_unpaid, owed_cents DESC, c.external_id`,
    )
    .all(windowParams({ since: null, asOf })) as Receivable[];
}

export interface Credit {
  customers: number;
  credit_cents: number;
}

/** Customers who paid more than their billed orders (up to asOf), and by how much in all. */
export function advancePayments(db: Db, asOf: string): Credit {
  return db
    .prepare(
      `WITH balance AS (
         SELECT customer_id, sum(amount) AS balance FROM (
           SELECT customer_id, amount_cents AS amount FROM orders WHERE +order_date <= @asOf AND ${billed}
           UNION ALL
           SELECT customer_id, -amount_cents FROM payments WHERE paid_on <= @asOf
         ) GROUP BY customer_id
       )
       SELECT count(*) AS customers, coalesce(-sum(balance), 0) AS credit_cents FROM balance WHERE balance < 0`,
    )
    .get(windowParams({ since: null, asOf })) as Credit;
}
