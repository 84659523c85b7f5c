// The SQL of the customer reports (summary, lost, satisfaction, agenda): values, contacts, surveys, snapshot rows.
import { billed, customerSales, purchase, windowParams, type OrderWindow } from './report-sales.js';
import { dayBounds } from './day-bounds.js';
import type { Sql } from './engine/sql.js';
import { Float64Column } from '../util/column.js';

export interface ReturnFacts {
  customer_id: number;
  first_in_period: string;
  /** The last order before the period, the first order ever, and the purchase days before the period. */
  last_before: string;
  first_ever: string;
  purchase_days_before: number;
}

/** Customers who bought in the period after having bought before it: the candidates for "won back". */
export async function returnFacts(sql: Sql, window: OrderWindow): Promise<ReturnFacts[]> {
  const firstInPeriod = 'min(CASE WHEN order_date >= @since THEN order_date END)';
  const lastBefore = 'max(CASE WHEN order_date < @since THEN order_date END)';
  return sql.all<ReturnFacts>(
    `SELECT customer_id, ${firstInPeriod} AS first_in_period, ${lastBefore} AS last_before, min(order_date) AS first_ever,
            count(DISTINCT CASE WHEN order_date < @since THEN order_date END) AS purchase_days_before
     FROM orders WHERE ${sql.dialect.noIndex('order_date')} <= @asOf AND ${customerSales} AND ${purchase}
     GROUP BY customer_id
     HAVING ${firstInPeriod} IS NOT NULL AND ${lastBefore} IS NOT NULL
     ORDER BY customer_id`,
    windowParams(window),
  );
}

export interface CustomerValue {
  customer_id: number;
  external_id: string;
  name: string;
  owner: string | null;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
  last_contact_at: string | null;
  last_contact: string | null;
}

/** Purchases (billed), revenue and profit (returns netted) over the customers' whole life up to asOf, and their last contact. */
export async function customerValues(sql: Sql, customerIds: readonly number[], asOf: string): Promise<CustomerValue[]> {
  if (customerIds.length === 0) return [];
  const orderDate = sql.dialect.noIndex('o.order_date');
  return sql.all<CustomerValue>(
    `WITH wanted AS (${sql.dialect.jsonValues('@ids', 'bigint')})
     SELECT c.id AS customer_id, c.external_id, c.name, c.owner,
            (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND ${orderDate} <= @asOf AND ${billed} AND ${purchase}) AS orders,
            (SELECT coalesce(sum(amount_cents), 0) FROM orders o WHERE o.customer_id = c.id AND ${orderDate} <= @asOf AND ${billed}) AS revenue_cents,
            (SELECT coalesce(sum(amount_cents - coalesce(cost_cents, 0)), 0) FROM orders o WHERE o.customer_id = c.id AND ${orderDate} <= @asOf AND ${billed}) AS profit_cents,
            l.occurred_at AS last_contact_at, CASE WHEN l.id IS NOT NULL THEN l.kind || ': ' || l.summary END AS last_contact
     FROM wanted JOIN customers c ON c.id = wanted.value
     LEFT JOIN interactions l ON l.id = (
       SELECT x.id FROM interactions x WHERE x.customer_id = c.id AND x.occurred_at < @asOfEnd ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1)
     ORDER BY c.id`,
    { asOf, ids: JSON.stringify(customerIds), asOfEnd: dayBounds(sql, null, asOf).asOfEnd },
  );
}

/** The external id, name and owner of each customer of IDS, in external id order (byte order on both engines). */
export async function customerNamesById(sql: Sql, ids: readonly number[]): Promise<{ id: number; external_id: string; name: string; owner: string | null }[]> {
  if (ids.length === 0) return [];
  return sql.all(
    `WITH wanted AS (${sql.dialect.jsonValues('@ids', 'bigint')})
     SELECT c.id, c.external_id, c.name, c.owner FROM wanted JOIN customers c ON c.id = wanted.value ORDER BY c.external_id`,
    { ids: JSON.stringify(ids) },
  );
}

export interface SurveyRow {
  customer_id: number;
  owner: string;
  surveyed_on: string;
  expected: number;
  perceived: number;
}

const surveysText = `SELECT s.customer_id, coalesce(nullif(trim(c.owner), ''), '(no owner)') AS owner, s.surveyed_on, s.expected, s.perceived
     FROM surveys s JOIN customers c ON c.id = s.customer_id
     WHERE s.surveyed_on >= @since AND s.surveyed_on <= @asOf ORDER BY s.surveyed_on, s.id`;

/** Surveys taken in the period, with the customer's owner, a batch at a time (a report over every survey of a large shop). */
export function surveyBatches(sql: Sql, window: OrderWindow): AsyncIterable<SurveyRow[]> {
  return sql.batches<SurveyRow>(surveysText, { since: window.since ?? '0000-00-00', asOf: window.asOf });
}

/** Follow-ups still open that are due from FROM (null: any day before) to TO, as many as crm followups lists. */
export async function openFollowUpCount(sql: Sql, from: string | null, to: string): Promise<number> {
  return (await sql.value<number>(
    `SELECT count(*) FROM interactions
     WHERE follow_up_at IS NOT NULL AND follow_up_done_at IS NULL AND follow_up_at >= @from AND follow_up_at <= @to`,
    { from: from ?? '', to },
  ))!;
}

/** Complaints open at the end of asOf: opened by then and not resolved by then. */
export async function openComplaintCount(sql: Sql, asOf: string): Promise<number> {
  return (await sql.value<number>(
    'SELECT count(*) FROM complaints WHERE opened_at < @end AND (resolved_at IS NULL OR resolved_at >= @end)',
    { end: dayBounds(sql, null, asOf).asOfEnd },
  ))!;
}

export interface SnapshotStanding {
  customer_id: number;
  as_of: string;
  segment: string;
  tier: number;
  stage: string;
  profit_cents: number;
  /** crm clv's p_alive at the snapshot; null when the snapshot has none (too little data, or saved before schema 9). */
  p_alive: number | null;
}

/**
 * The customers who were valuable (tier at most `maxTier`, or in one of `segments`) in the latest snapshot taken before
 * `before` (none when there is no snapshot), in columns, ascending customer id (crm agenda, where a quarter of a million
 * customers may be valuable): a customer's stage and segment as codes into `names`, p_alive NaN where it has none.
 */
export class SnapshotColumns {
  asOf: string | null = null;
  readonly names: string[] = [];
  private readonly codes = new Map<string, number>();
  private readonly ids = new Float64Column();
  private readonly tiers = new Float64Column();
  private readonly profits = new Float64Column();
  private readonly alive = new Float64Column();
  private readonly stages = new Float64Column();
  private readonly segments = new Float64Column();

  get count(): number {
    return this.ids.length;
  }

  push(row: [number, string, string, number, string, number, number | null]): void {
    const [customerId, asOf, segment, tier, stage, profit, pAlive] = row;
    this.asOf = asOf;
    this.ids.push(customerId);
    this.segments.push(this.code(segment));
    this.tiers.push(tier);
    this.stages.push(this.code(stage));
    this.profits.push(profit);
    this.alive.push(pAlive ?? Number.NaN);
  }

  private code(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(name);
      this.codes.set(name, code);
    }
    return code;
  }

  customerId(at: number): number {
    return this.ids.values()[at]!;
  }

  stage(at: number): string {
    return this.names[this.stages.values()[at]!]!;
  }

  /** p_alive at the snapshot, or null. */
  pAlive(at: number): number | null {
    const value = this.alive.values()[at]!;
    return Number.isNaN(value) ? null : value;
  }

  standingAt(at: number): SnapshotStanding {
    return {
      customer_id: this.customerId(at), as_of: this.asOf!, segment: this.names[this.segments.values()[at]!]!, tier: this.tiers.values()[at]!,
      stage: this.stage(at), profit_cents: this.profits.values()[at]!, p_alive: this.pAlive(at),
    };
  }
}

export async function valuableColumnsInLastSnapshot(sql: Sql, before: string, maxTier: number, segments: readonly string[]): Promise<SnapshotColumns> {
  const columns = new SnapshotColumns();
  for await (const batch of sql.rowBatches<[number, string, string, number, string, number, number | null]>(
    `SELECT sc.customer_id, s.as_of, sc.segment, sc.tier, sc.stage, sc.profit_cents, sc.p_alive
     FROM snapshot_customers sc JOIN snapshots s ON s.id = sc.snapshot_id
     WHERE s.id = (SELECT id FROM snapshots WHERE as_of < @before ORDER BY as_of DESC, id DESC LIMIT 1)
       AND (sc.tier <= @maxTier OR sc.segment IN (${sql.dialect.jsonValues('@segments', 'text')}))
     ORDER BY sc.customer_id`,
    { before, maxTier, segments: JSON.stringify(segments) },
    10_000,
  )) {
    for (const row of batch) columns.push(row);
  }
  return columns;
}
