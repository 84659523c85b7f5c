// Whole-database counts for the demo: customers, leads, partners, and sales (refunded and cancelled orders left out;
// a return nets revenue but is no order, no first or last order and makes no contact one who bought).
import type { Sql } from './engine/sql.js';
import { billed, countWhere, purchase } from './report-sales.js';

export interface Overview {
  /** Contacts of kind customer; leads (still open: not dropped) and partners apart. */
  customers: number;
  open_leads: number;
  partners: number;
  customers_with_orders: number;
  orders: number;
  revenue_cents: number;
  cost_cents: number;
  orders_without_cost: number;
  first_order: string | null;
  last_order: string | null;
}

export async function overview(sql: Sql): Promise<Overview> {
  return (await sql.get<Overview>(
      `SELECT (SELECT count(*) FROM customers WHERE kind = 'customer') AS customers,
              (SELECT count(*) FROM customers WHERE kind <> 'customer' AND kind = 'lead' AND dropped_at IS NULL) AS open_leads,
              (SELECT count(*) FROM customers WHERE kind <> 'customer' AND kind = 'partner') AS partners,
              count(DISTINCT CASE WHEN ${purchase} THEN customer_id END) AS customers_with_orders,
              coalesce(${countWhere(purchase)}, 0) AS orders, coalesce(sum(amount_cents), 0) AS revenue_cents, coalesce(sum(cost_cents), 0) AS cost_cents,
              ${countWhere('cost_cents IS NULL')} AS orders_without_cost,
              min(CASE WHEN ${purchase} THEN order_date END) AS first_order, max(CASE WHEN ${purchase} THEN order_date END) AS last_order
       FROM orders WHERE ${billed}`,
  ))!;
}
