// What the customer file (crm customer show) reads: money inputs, surveys, counts and the timeline.
import type { OrderStatusTotal } from '../analysis/balance.js';
import type { SurveyScores } from '../analysis/satisfaction.js';
import type { Db } from './open.js';
import { purchase } from './report-sales.js';

export interface MoneyInputs {
  orders: OrderStatusTotal[];
  paid_cents: number;
}

/** Order totals by status and the sum of payments: the inputs of customerMoney (analysis/balance.ts). */
export function customerMoneyInputs(db: Db, customerId: number): MoneyInputs {
  const orders = db
    .prepare(
      `SELECT status, count(*) AS orders, sum(amount_cents) AS amount_cents, coalesce(sum(cost_cents), 0) AS cost_cents,
              coalesce(sum(CASE WHEN cost_cents IS NULL THEN amount_cents END), 0) AS amount_without_cost_cents
       FROM orders WHERE customer_id = ? GROUP BY status ORDER BY status`,
    )
    .all(customerId) as OrderStatusTotal[];
  const paid = db.prepare('SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE customer_id = ?').pluck().get(customerId) as number;
  return { orders, paid_cents: paid };
}

export function customerSurveys(db: Db, customerId: number): (SurveyScores & { surveyed_on: string; would_recommend: number | null })[] {
  return db
    .prepare('SELECT surveyed_on, expected, perceived, would_recommend FROM surveys WHERE customer_id = ? ORDER BY surveyed_on DESC, id DESC')
    .all(customerId) as (SurveyScores & { surveyed_on: string; would_recommend: number | null })[];
}

/** How much history a customer has, table by table (shown before rm and merge, and to prove a merge lost nothing). */
export interface HistoryCounts {
  orders: number;
  interactions: number;
  payments: number;
  surveys: number;
  complaints: number;
}

export function historyCounts(db: Db, customerId: number): HistoryCounts {
  return db
    .prepare(
      `SELECT (SELECT count(*) FROM orders WHERE customer_id = @id) AS orders,
              (SELECT count(*) FROM interactions WHERE customer_id = @id) AS interactions,
              (SELECT count(*) FROM payments WHERE customer_id = @id) AS payments,
              (SELECT count(*) FROM surveys WHERE customer_id = @id) AS surveys,
              (SELECT count(*) FROM complaints WHERE customer_id = @id) AS complaints`,
    )
    .get({ id: customerId }) as HistoryCounts;
}

export interface TimelineEntry {
  at: string;
  type: string;
  ref: string;
  detail: string;
  amount_cents: number | null;
  owner: string | null;
}

/** Interactions, orders and payments of one customer, newest first; limit null means all. */
export function customerTimeline(db: Db, customerId: number, limit: number | null): TimelineEntry[] {
  return db
    .prepare(
      `SELECT at, type, ref, detail, amount_cents, owner FROM (
         SELECT occurred_at AS at, kind AS type, '#' || id AS ref,
                summary || CASE WHEN outcome IS NOT NULL AND outcome <> '' THEN ' → ' || outcome ELSE '' END
                        || CASE WHEN follow_up_at IS NOT NULL THEN ' (follow-up ' || follow_up_at
                                || CASE WHEN follow_up_done_at IS NOT NULL THEN ', done' ELSE '' END || ')' ELSE '' END AS detail,
                NULL AS amount_cents, owner, id AS tie, 3 AS rank
           FROM interactions WHERE customer_id = @id
         UNION ALL
         SELECT order_date, CASE WHEN ${purchase} THEN 'order' ELSE 'return' END, external_id,
                -- An order from a line-item file shows each of its lines (product × quantity), in file order.
                coalesce((SELECT group_concat(coalesce(nullif(l.product, ''), '(no product)')
                                   || CASE WHEN l.quantity IS NOT NULL THEN ' × ' || printf('%g', l.quantity) ELSE '' END, '; ')
                          FROM (SELECT product, quantity FROM order_lines WHERE order_id = orders.id ORDER BY line) l),
                         coalesce(product, '') || CASE WHEN quantity IS NOT NULL THEN ' × ' || printf('%g', quantity) ELSE '' END)
                  || CASE WHEN status IS NOT NULL AND status <> '' THEN ' [' || status || ']' ELSE '' END,
                amount_cents, NULL, id, 1
           FROM orders WHERE customer_id = @id
         UNION ALL
         SELECT p.paid_on, 'payment', coalesce(p.external_id, '#' || p.id),
                trim(coalesce(p.method, '') || CASE WHEN o.external_id IS NOT NULL THEN ' for ' || o.external_id ELSE '' END),
                p.amount_cents, NULL, p.id, 2
           FROM payments p LEFT JOIN orders o ON o.id = p.order_id WHERE p.customer_id = @id
       ) ORDER BY at DESC, rank DESC, tie DESC
       LIMIT @limit`,
    )
    .all({ id: customerId, limit: limit ?? -1 }) as TimelineEntry[];
}
