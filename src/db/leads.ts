// Leads and partners (issue 11): converting and dropping a lead by hand, the funnel's facts, the partners' facts.
import type { CustomerRecord } from './customers.js';
import { writeAudit } from './customer-changes.js';
import { dayBounds, shopDay } from './day-bounds.js';
import type { Sql } from './engine/sql.js';
import { billed, purchase, windowParams, type OrderWindow } from './report-sales.js';

/** crm lead convert: the lead becomes a customer on `date`; a drop recorded earlier is taken back. */
export async function convertLead(sql: Sql, lead: CustomerRecord, date: string, now: string): Promise<void> {
  await sql.transaction(async () => {
    await sql.run(
      "UPDATE customers SET kind = 'customer', converted_at = ?, dropped_at = NULL, drop_reason = NULL, updated_at = ?, updated_by = ? WHERE id = ?",
      [date, now, sql.actor, lead.id],
    );
    await writeAudit(sql, now, 'lead-convert', lead.id, { converted_at: date, was_dropped: lead.dropped_at });
  });
}

/** crm lead drop: a dead lead is closed with the day and the reason; it stays a lead (the funnel counts it). */
export async function dropLead(sql: Sql, lead: CustomerRecord, date: string, reason: string, now: string): Promise<void> {
  await sql.transaction(async () => {
    await sql.run('UPDATE customers SET dropped_at = ?, drop_reason = ?, updated_at = ?, updated_by = ? WHERE id = ?', [date, reason, now, sql.actor, lead.id]);
    await writeAudit(sql, now, 'lead-drop', lead.id, { dropped_at: date, reason });
  });
}

/** How many contacts name this one as the partner who referred them. */
export async function referralCount(sql: Sql, partnerId: number): Promise<number> {
  return (await sql.value<number>('SELECT count(*) FROM customers WHERE referred_by = ?', [partnerId]))!;
}

export interface LeadFacts {
  id: number;
  source: string;
  owner: string;
  /** The day the lead counts from: the earliest of recorded (created_at), first billed purchase and conversion. */
  lead_on: string;
  /** Converted / dropped on or before asOf; null otherwise. */
  converted_at: string | null;
  dropped_at: string | null;
  drop_reason: string | null;
  /** Billed revenue in [since, asOf] (0 for a lead that has not bought). */
  revenue_cents: number;
}

export const NO_SOURCE = '(no source)';
export const NO_OWNER = '(no owner)';

/**
 * Every contact that was a lead (kind lead, or converted from one) from a day in [since, asOf]: its source
 * (the channel column), owner, and what had become of it by asOf. A lead counts from the earliest of the day
 * it was recorded, its first billed purchase (not a return, a refunded or a cancelled order) and its conversion:
 * a lead imported today with orders from May was a lead in May, and a funnel as of June counts it. The day it was
 * recorded is the shop's day of created_at (an instant: a bare date imported in Shanghai is 16:00Z the day before).
 */
export async function leadFacts(sql: Sql, window: OrderWindow): Promise<LeadFacts[]> {
  const { least, noIndex } = sql.dialect;
  return sql.all<LeadFacts>(
      `WITH leads AS (
         SELECT c.*, ${least(least(shopDay(sql, 'c.created_at'), "coalesce(substr(c.converted_at, 1, 10), '9999-12-31')"),
                             `coalesce((SELECT min(${noIndex('o.order_date')}) FROM orders o WHERE o.customer_id = c.id AND ${billed} AND ${purchase}), '9999-12-31')`)} AS lead_on
         FROM customers c
         WHERE c.kind = 'lead' OR c.converted_at IS NOT NULL
       )
       SELECT c.id, coalesce(nullif(trim(c.channel), ''), @noSource) AS source, coalesce(nullif(trim(c.owner), ''), @noOwner) AS owner,
              c.lead_on,
              CASE WHEN c.converted_at <= @asOf THEN c.converted_at END AS converted_at,
              CASE WHEN c.dropped_at <= @asOf THEN c.dropped_at END AS dropped_at,
              CASE WHEN c.dropped_at <= @asOf THEN c.drop_reason END AS drop_reason,
              CASE WHEN c.converted_at <= @asOf THEN
                (SELECT coalesce(sum(o.amount_cents), 0) FROM orders o
                 WHERE o.customer_id = c.id AND o.order_date >= @since AND o.order_date <= @asOf AND ${billed})
              ELSE 0 END AS revenue_cents
       FROM leads c
       WHERE c.lead_on >= @since AND c.lead_on <= @asOf
       ORDER BY c.id`,
    { ...windowParams(window), noSource: NO_SOURCE, noOwner: NO_OWNER },
  );
}

export interface PartnerFacts {
  id: number;
  external_id: string;
  name: string;
  owner: string | null;
  /** Customers (and leads) who name this partner in referred_by; a partner referred by it is no customer. */
  customers_referred: number;
  /** Those of them who bought (a purchase, not only a return) in [since, asOf], their purchases, and their billed revenue and profit there (returns netted). */
  buying_customers: number;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
  /** Contacts logged with the partner itself in the period, and the latest one. */
  interactions: number;
  last_contact_at: string | null;
}

/** Per partner: the customers they referred and what those bought in the period, and the contacts with the partner. */
export async function partnerFacts(sql: Sql, window: OrderWindow): Promise<PartnerFacts[]> {
  return sql.all<PartnerFacts>(
      `WITH partners AS (
         SELECT id, external_id, name, owner FROM customers WHERE kind <> 'customer' AND kind = 'partner'
       ), referred AS (
         SELECT c.referred_by AS partner_id, c.id AS customer_id FROM customers c
         WHERE c.referred_by IN (SELECT id FROM partners) AND c.kind <> 'partner'
       ), sales AS (
         SELECT r.partner_id, r.customer_id, sum(CASE WHEN ${purchase} THEN 1 ELSE 0 END) AS orders, sum(o.amount_cents) AS revenue,
                sum(o.amount_cents - coalesce(o.cost_cents, 0)) AS profit
         FROM referred r JOIN orders o ON o.customer_id = r.customer_id
         WHERE o.order_date >= @since AND o.order_date <= @asOf AND ${billed}
         GROUP BY r.partner_id, r.customer_id
       ), referrals AS (
         SELECT partner_id, count(*) AS customers FROM referred GROUP BY partner_id
       ), per_partner AS (
         SELECT partner_id, sum(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS buying, sum(orders) AS orders, sum(revenue) AS revenue, sum(profit) AS profit
         FROM sales GROUP BY partner_id
       )
       SELECT p.id, p.external_id, p.name, p.owner,
              coalesce(rf.customers, 0) AS customers_referred,
              coalesce(s.buying, 0) AS buying_customers,
              coalesce(s.orders, 0) AS orders,
              coalesce(s.revenue, 0) AS revenue_cents,
              coalesce(s.profit, 0) AS profit_cents,
              (SELECT count(*) FROM interactions i WHERE i.customer_id = p.id AND i.occurred_at >= @sinceAt AND i.occurred_at < @asOfEnd) AS interactions,
              (SELECT max(i.occurred_at) FROM interactions i WHERE i.customer_id = p.id AND i.occurred_at < @asOfEnd) AS last_contact_at
       FROM partners p LEFT JOIN referrals rf ON rf.partner_id = p.id LEFT JOIN per_partner s ON s.partner_id = p.id
       ORDER BY revenue_cents DESC, p.external_id`,
    { ...windowParams(window), ...dayBounds(sql, window.since, window.asOf) },
  );
}
