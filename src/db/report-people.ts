// The SQL of the people reports: per salesperson (owner) sales, contacts, follow-ups and complaints in a period.
import { analysedContact, billed, countWhere, purchase, windowParams, type OrderWindow } from './report-sales.js';
import { dayBounds, shopDay } from './day-bounds.js';
import type { Sql } from './engine/sql.js';

const NO_OWNER = '(no owner)';

/** Interactions and complaints hold instants: the period's days are cut at the shop's midnights (db/day-bounds.ts). */
const timeParams = (sql: Sql, window: OrderWindow) => ({ ...windowParams(window), ...dayBounds(sql, window.since, window.asOf), noOwner: NO_OWNER });

export interface OwnerSales {
  owner: string;
  customers: number;
  new_customers: number;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
}

/**
 * Per owner of the customer: customers owned, customers whose first billed purchase falls in the period, and the
 * period's sales (orders counts purchases; revenue and profit net the returns). Leads are not customers yet and partners are not customers (unless --include-partners): they
 * count in neither customer column, but what they bought is still the owner's sales.
 */
export async function ownerSales(sql: Sql, window: OrderWindow): Promise<OwnerSales[]> {
  return sql.all<OwnerSales>(
      `WITH per_customer AS (
         SELECT customer_id, min(CASE WHEN ${purchase} THEN order_date END) AS first_order,
                ${countWhere(`order_date >= @since AND ${purchase}`)} AS orders,
                sum(CASE WHEN order_date >= @since THEN amount_cents ELSE 0 END) AS revenue,
                sum(CASE WHEN order_date >= @since THEN amount_cents - coalesce(cost_cents, 0) ELSE 0 END) AS profit
         FROM orders WHERE ${sql.dialect.noIndex('order_date')} <= @asOf AND ${billed} GROUP BY customer_id
       )
       SELECT coalesce(nullif(trim(c.owner), ''), CAST(@noOwner AS TEXT)) AS owner, ${countWhere(analysedContact('c'))} AS customers,
              coalesce(${countWhere(`p.first_order >= @since AND ${analysedContact('c')}`)}, 0) AS new_customers, coalesce(sum(p.orders), 0) AS orders,
              coalesce(sum(p.revenue), 0) AS revenue_cents, coalesce(sum(p.profit), 0) AS profit_cents
       FROM customers c LEFT JOIN per_customer p ON p.customer_id = c.id
       GROUP BY 1 ORDER BY 1`,
    timeParams(sql, window),
  );
}

export interface OwnerContacts {
  owner: string;
  interactions: number;
  /** Follow-ups due in the period and done by their due date / after it / still open past it (as of asOf). */
  followups_on_time: number;
  followups_late: number;
  followups_overdue: number;
}

/**
 * Contacts logged in the period and follow-ups due in it, per the interaction's owner (else the customer's). A
 * follow-up is on time when it was done on or before its due day in the shop's calendar (a due date is a shop's
 * day; the done time an instant).
 */
export async function ownerContacts(sql: Sql, window: OrderWindow): Promise<OwnerContacts[]> {
  const doneOn = shopDay(sql, 'i.follow_up_done_at');
  return sql.all<OwnerContacts>(
    `SELECT coalesce(nullif(trim(coalesce(i.owner, c.owner)), ''), CAST(@noOwner AS TEXT)) AS owner,
            coalesce(${countWhere('i.occurred_at >= @sinceAt AND i.occurred_at < @asOfEnd')}, 0) AS interactions,
            coalesce(${countWhere(`i.follow_up_at BETWEEN @since AND @asOf AND i.follow_up_done_at < @asOfEnd
                         AND ${doneOn} <= i.follow_up_at`)}, 0) AS followups_on_time,
            coalesce(${countWhere(`i.follow_up_at BETWEEN @since AND @asOf AND i.follow_up_done_at < @asOfEnd
                         AND ${doneOn} > i.follow_up_at`)}, 0) AS followups_late,
            coalesce(${countWhere(`i.follow_up_at BETWEEN @since AND @asOf AND i.follow_up_at < @asOf
                         AND (i.follow_up_done_at IS NULL OR i.follow_up_done_at >= @asOfEnd)`)}, 0) AS followups_overdue
     FROM interactions i JOIN customers c ON c.id = i.customer_id
     WHERE i.occurred_at < @asOfEnd
     GROUP BY 1 ORDER BY 1`,
    timeParams(sql, window),
  );
}

export interface ComplaintTimes {
  owner: string;
  opened_at: string;
  /** Null while open (as of asOf). */
  resolved_at: string | null;
}

/** Complaints opened in the period, with the owner who handles them (else the customer's owner). */
export async function complaintTimes(sql: Sql, window: OrderWindow): Promise<ComplaintTimes[]> {
  return sql.all<ComplaintTimes>(
    `SELECT coalesce(nullif(trim(coalesce(k.owner, c.owner)), ''), CAST(@noOwner AS TEXT)) AS owner, k.opened_at,
            CASE WHEN k.resolved_at < @asOfEnd THEN k.resolved_at END AS resolved_at
     FROM complaints k JOIN customers c ON c.id = k.customer_id
     WHERE k.opened_at >= @sinceAt AND k.opened_at < @asOfEnd
     ORDER BY 1, k.opened_at, k.id`,
    timeParams(sql, window),
  );
}
