// What the customer file (crm customer show) reads: money inputs, surveys, counts and the timeline.
import type { OrderStatusTotal } from '../analysis/balance.js';
import type { SurveyScores } from '../analysis/satisfaction.js';
import type { Sql } from './engine/sql.js';
import { purchase } from './report-sales.js';
import { campaignsOfCustomer, type CustomerCampaign } from './campaigns.js';
import { listComplaints, type ComplaintListRow } from './complaints.js';
import { customerById, customerTotals, type CustomerRecord, type CustomerTotals } from './customers.js';
import { listFollowUps, type FollowUpRow } from './interactions.js';

export interface MoneyInputs {
  orders: OrderStatusTotal[];
  paid_cents: number;
}

/** Order totals by status and the sum of payments: the inputs of customerMoney (analysis/balance.ts). */
export async function customerMoneyInputs(sql: Sql, customerId: number): Promise<MoneyInputs> {
  const orders = await sql.all<OrderStatusTotal>(
    `SELECT status, count(*) AS orders, sum(amount_cents) AS amount_cents, coalesce(sum(cost_cents), 0) AS cost_cents,
            coalesce(sum(CASE WHEN cost_cents IS NULL THEN amount_cents END), 0) AS amount_without_cost_cents
     FROM orders WHERE customer_id = ? GROUP BY status ORDER BY status NULLS FIRST`,
    [customerId],
  );
  const paid = (await sql.value<number>('SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE customer_id = ?', [customerId]))!;
  return { orders, paid_cents: paid };
}

export type SurveyRow = SurveyScores & { surveyed_on: string; would_recommend: number | null };

export async function customerSurveys(sql: Sql, customerId: number): Promise<SurveyRow[]> {
  return sql.all<SurveyRow>('SELECT surveyed_on, expected, perceived, would_recommend FROM surveys WHERE customer_id = ? ORDER BY surveyed_on DESC, id DESC', [customerId]);
}

/** How much history a customer has, table by table (shown before rm and merge, and to prove a merge lost nothing). */
export interface HistoryCounts {
  orders: number;
  interactions: number;
  payments: number;
  surveys: number;
  complaints: number;
}

export async function historyCounts(sql: Sql, customerId: number): Promise<HistoryCounts> {
  return (await sql.get<HistoryCounts>(
    `SELECT (SELECT count(*) FROM orders WHERE customer_id = @id) AS orders,
            (SELECT count(*) FROM interactions WHERE customer_id = @id) AS interactions,
            (SELECT count(*) FROM payments WHERE customer_id = @id) AS payments,
            (SELECT count(*) FROM surveys WHERE customer_id = @id) AS surveys,
            (SELECT count(*) FROM complaints WHERE customer_id = @id) AS complaints`,
    { id: customerId },
  ))!;
}

export interface TimelineEntry {
  at: string;
  /**
   * An interaction's kind ('email-in' and 'email-out' for mail whose direction is known: crm import mail), 'order',
   * 'return', 'payment', or a change from the audit log ('edit', 'merge', 'lead-convert', …).
   */
  type: string;
  ref: string;
  detail: string;
  amount_cents: number | null;
  owner: string | null;
  /** Who wrote the entry (docs/storage.md#who-wrote-a-row): who logged the contact, imported the order, made the change; null when not known. */
  by: string | null;
}

/** A number as C's printf %g writes it (six significant digits, trailing zeros dropped): how a quantity was always shown. */
export function formatG(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential(5).split('e') as [string, string];
  const exponent = Number(exponentText);
  const strip = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  if (exponent < -4 || exponent >= 6) {
    return `${strip(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return strip(value.toFixed(5 - exponent));
}

/** One timeline row as read (an array: a customer's whole history can be tens of thousands of rows). */
type TimelineRow = [
  at: string, type: string, ref: string, amountCents: number | null, owner: string | null, source: 'interaction' | 'order' | 'payment' | 'audit', rowId: number,
  summary: string | null, outcome: string | null, followUpAt: string | null, followUpDone: number, product: string | null, quantity: number | null,
  status: string | null, method: string | null, orderRef: string | null, by: string | null,
];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const fieldList = (value: unknown): string => (isObject(value) ? Object.keys(value).join(', ') : '');

/**
 * What a change from the audit log says on the timeline: which fields an edit changed, which record a merge took in,
 * the day of a lead's conversion or drop. Values an edit wrote stay out (the card shows the current ones, and crm
 * customer forget erases them from the log); a detail crm cannot read shows as the action alone.
 */
export function changeText(action: string, detailText: string | null): string {
  let detail: unknown;
  try {
    detail = JSON.parse(detailText ?? 'null');
  } catch {
    detail = null;
  }
  if (!isObject(detail)) return action;
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  switch (action) {
    case 'edit': {
      const fields = fieldList(detail.after) || fieldList(detail.before);
      return fields === '' ? action : `changed ${fields}`;
    }
    case 'merge': {
      const merged = isObject(detail.merged) ? text(detail.merged.external_id) : null;
      const filled = fieldList(detail.filled);
      return `${merged === null ? 'merged another record into this one' : `merged ${merged} into this one`}${filled === '' ? '' : ` (filled ${filled})`}`;
    }
    case 'lead-convert': {
      const day = text(detail.converted_at);
      return day === null ? 'converted from lead' : `converted from lead on ${day}`;
    }
    case 'lead-drop': {
      const day = text(detail.dropped_at);
      const reason = text(detail.reason);
      return `lead dropped${day === null ? '' : ` on ${day}`}${reason === null ? '' : `: ${reason}`}`;
    }
    case 'customer-forget':
      return 'personal data erased (crm customer forget)';
    default:
      return action;
  }
}

const quantityText = (quantity: number | null): string => (quantity === null ? '' : ` × ${formatG(quantity)}`);
/** SQLite's trim(): spaces only. */
const trimSpaces = (text: string): string => text.replace(/^ +| +$/g, '');

/** Changes to the customer's record in the audit log (edits, merges, lead conversion and drop): timeline entries too. */
export async function customerChangeCount(sql: Sql, customerId: number): Promise<number> {
  return (await sql.value<number>('SELECT count(*) FROM audit_log WHERE customer_id = ?', [customerId]))!;
}

/**
 * Interactions, orders, payments and changes to the record (the audit log) of one customer, newest first, each with
 * who wrote it; limit null means all. The entries are chosen and ordered in SQL; each one's text is written here, the
 * same on both engines (a quantity as %g, lines in file order).
 */
export async function customerTimeline(sql: Sql, customerId: number, limit: number | null): Promise<TimelineEntry[]> {
  const rows = await sql.rows<TimelineRow>(
    `SELECT at, type, ref, amount_cents, owner, source, row_id, summary, outcome, follow_up_at, follow_up_done, product, quantity, status, method, order_ref, author
     FROM (
       SELECT occurred_at AS at, CASE WHEN direction IS NULL THEN kind ELSE kind || '-' || direction END AS type, '#' || id AS ref, NULL AS amount_cents, owner, 'interaction' AS source, id AS row_id,
              summary, outcome, follow_up_at, CASE WHEN follow_up_done_at IS NOT NULL THEN 1 ELSE 0 END AS follow_up_done,
              NULL AS product, NULL AS quantity, NULL AS status, NULL AS method, NULL AS order_ref, created_by AS author, id AS tie, 3 AS rank
         FROM interactions WHERE customer_id = @id
       UNION ALL
       SELECT order_date, CASE WHEN ${purchase} THEN 'order' ELSE 'return' END, external_id, amount_cents, NULL, 'order', id,
              NULL, NULL, NULL, 0, product, quantity, status, NULL, NULL, created_by, id, 1
         FROM orders WHERE customer_id = @id
       UNION ALL
       SELECT p.paid_on, 'payment', coalesce(p.external_id, '#' || p.id), p.amount_cents, NULL, 'payment', p.id,
              NULL, NULL, NULL, 0, NULL, NULL, NULL, p.method, o.external_id, p.created_by, p.id, 2
         FROM payments p LEFT JOIN orders o ON o.id = p.order_id WHERE p.customer_id = @id
       UNION ALL
       SELECT at, action, '', NULL, NULL, 'audit', id, detail, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, created_by, id, 4
         FROM audit_log WHERE customer_id = @id
     ) AS timeline
     ORDER BY at DESC, rank DESC, tie DESC
     ${limit === null ? '' : 'LIMIT @limit'}`,
    { id: customerId, limit },
  );
  // An order from a line-item file shows each of its lines (product × quantity), in file order: for the whole timeline
  // one read over the customer's orders, for a page the lines of the orders on it.
  const lines = new Map<number, string[]>();
  const orderIds = rows.filter((row) => row[5] === 'order').map((row) => row[6]);
  type Line = { order_id: number; product: string | null; quantity: number | null };
  const found: Line[] = [];
  if (limit === null) {
    if (orderIds.length > 0) {
      found.push(...(await sql.all<Line>(
        `SELECT l.order_id, l.product, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.customer_id = ? ORDER BY l.order_id, l.line`,
        [customerId],
      )));
    }
  } else {
    for (let start = 0; start < orderIds.length; start += 500) {
      const chunk = orderIds.slice(start, start + 500);
      found.push(...(await sql.all<Line>(`SELECT order_id, product, quantity FROM order_lines WHERE order_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY order_id, line`, chunk)));
    }
  }
  for (const line of found) {
    const text = `${line.product === null || line.product === '' ? '(no product)' : line.product}${quantityText(line.quantity)}`;
    const list = lines.get(line.order_id);
    if (list) list.push(text);
    else lines.set(line.order_id, [text]);
  }
  return rows.map(([at, type, ref, amountCents, owner, source, rowId, summary, outcome, followUpAt, followUpDone, product, quantity, status, method, orderRef, by]) => {
    let detail: string;
    if (source === 'audit') {
      detail = changeText(type, summary);
    } else if (source === 'interaction') {
      detail = `${summary}${outcome !== null && outcome !== '' ? ` → ${outcome}` : ''}` +
        (followUpAt !== null ? ` (follow-up ${followUpAt}${followUpDone ? ', done' : ''})` : '');
    } else if (source === 'order') {
      detail = (lines.get(rowId)?.join('; ') ?? `${product ?? ''}${quantityText(quantity)}`) + (status !== null && status !== '' ? ` [${status}]` : '');
    } else {
      detail = trimSpaces(`${method ?? ''}${orderRef !== null ? ` for ${orderRef}` : ''}`);
    }
    return { at, type, ref, detail, amount_cents: amountCents, owner, by };
  });
}

/** Everything crm customer show reads about one customer, read here so that analysis/customer-file.ts takes plain data. */
export interface CustomerFileFacts {
  customer: CustomerRecord;
  totals: CustomerTotals;
  money: MoneyInputs;
  surveys: SurveyRow[];
  history: HistoryCounts;
  /** Changes to the record in the audit log (on the timeline beside the history). */
  changes: number;
  openComplaints: ComplaintListRow[];
  followUps: FollowUpRow[];
  timeline: TimelineEntry[];
  referrer: CustomerRecord | null;
  campaigns: CustomerCampaign[];
}

export async function customerFileFacts(sql: Sql, customer: CustomerRecord, timelineLimit: number | null): Promise<CustomerFileFacts> {
  return {
    customer,
    totals: await customerTotals(sql, customer.id),
    money: await customerMoneyInputs(sql, customer.id),
    surveys: await customerSurveys(sql, customer.id),
    history: await historyCounts(sql, customer.id),
    changes: await customerChangeCount(sql, customer.id),
    openComplaints: await listComplaints(sql, { openOnly: true, customerId: customer.id }),
    followUps: await listFollowUps(sql, { from: null, to: null, customerId: customer.id }),
    timeline: await customerTimeline(sql, customer.id, timelineLimit),
    referrer: customer.referred_by === null ? null : ((await customerById(sql, customer.referred_by)) ?? null),
    campaigns: await campaignsOfCustomer(sql, customer.id),
  };
}
