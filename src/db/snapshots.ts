// Analysis snapshots: store every customer's scores, segment, tier and stage for a date; compare two dates.
import type { Sql } from './engine/sql.js';

export interface SnapshotHeader {
  id: number;
  as_of: string;
  since: string | null;
  bins: number;
  rules: string;
  cuts: string;
  customers: number;
  created_at: string;
}

export interface SnapshotCustomer {
  customerId: number;
  recencyDays: number;
  frequency: number;
  monetaryCents: number;
  profitCents: number;
  rScore: number;
  fScore: number;
  mScore: number;
  segment: string;
  tier: number;
  stage: string;
  /** crm clv's probability alive and CLV at the date; null when the model could not be fitted. */
  pAlive: number | null;
  clvCents: number | null;
}

const snapshotColumns =
  'snapshot_id, customer_id, recency_days, frequency, monetary_cents, profit_cents, r_score, f_score, m_score, segment, tier, stage, p_alive, clv_cents';
/** Rows per INSERT: 14 parameters each stays far below both engines' limits on parameters in one statement. */
const insertBatch = 500;

/** Saves (or replaces: idempotent per date) the snapshot of one analysis date, in one transaction. */
export async function saveSnapshot(sql: Sql, header: Omit<SnapshotHeader, 'id'>, customers: Iterable<SnapshotCustomer>): Promise<number> {
  const insert = async (id: number, rows: SnapshotCustomer[]): Promise<void> => {
    const values: unknown[] = [];
    for (const c of rows) {
      values.push(id, c.customerId, c.recencyDays, c.frequency, c.monetaryCents, c.profitCents, c.rScore, c.fScore, c.mScore, c.segment, c.tier, c.stage, c.pAlive, c.clvCents);
    }
    const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    await sql.run(`INSERT INTO snapshot_customers (${snapshotColumns}) VALUES ${rows.map(() => row).join(', ')}`, values);
  };
  return sql.transaction(async () => {
    const id = (await sql.value<number>(
      `INSERT INTO snapshots (as_of, since, bins, rules, cuts, customers, created_at, created_by, updated_by)
       VALUES (@as_of, @since, @bins, @rules, @cuts, @customers, @created_at, @actor, @actor)
       ON CONFLICT (as_of) DO UPDATE SET since = excluded.since, bins = excluded.bins, rules = excluded.rules, cuts = excluded.cuts,
         customers = excluded.customers, created_at = excluded.created_at, created_by = excluded.created_by, updated_by = excluded.updated_by
       RETURNING id`,
      // A snapshot saved again for its date is made anew (its time and its maker too).
      { ...header, actor: sql.actor },
    ))!;
    await sql.run('DELETE FROM snapshot_customers WHERE snapshot_id = ?', [id]);
    let batch: SnapshotCustomer[] = [];
    for (const customer of customers) {
      batch.push(customer);
      if (batch.length === insertBatch) {
        await insert(id, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await insert(id, batch);
    return id;
  });
}

export async function listSnapshots(sql: Sql): Promise<SnapshotHeader[]> {
  return sql.all<SnapshotHeader>('SELECT * FROM snapshots ORDER BY as_of DESC');
}

export async function snapshotByDate(sql: Sql, asOf: string): Promise<SnapshotHeader | undefined> {
  return sql.get<SnapshotHeader>('SELECT * FROM snapshots WHERE as_of = ?', [asOf]);
}

export interface Movement {
  from_segment: string | null;
  to_segment: string | null;
  customers: number;
}

/**
 * Customers per (from segment, to segment); null on a side where the customer is not in that snapshot.
 * Two primary-key joins rather than a FULL OUTER JOIN of two subqueries, which SQLite ran as a nested
 * scan (quadratic: it did not finish in 25 minutes on 1M customers).
 */
export async function segmentMovements(sql: Sql, fromId: number, toId: number): Promise<Movement[]> {
  return sql.all<Movement>(
      `SELECT a.segment AS from_segment, b.segment AS to_segment, count(*) AS customers
       FROM snapshot_customers a
       LEFT JOIN snapshot_customers b ON b.snapshot_id = @to AND b.customer_id = a.customer_id
       WHERE a.snapshot_id = @from
       GROUP BY a.segment, b.segment
       UNION ALL
       SELECT NULL, b.segment, count(*)
       FROM snapshot_customers b
       WHERE b.snapshot_id = @to
         AND NOT EXISTS (SELECT 1 FROM snapshot_customers a WHERE a.snapshot_id = @from AND a.customer_id = b.customer_id)
       GROUP BY b.segment`,
    { from: fromId, to: toId },
  );
}

export interface Faller {
  external_id: string;
  name: string;
  from_segment: string;
  to_segment: string | null;
  from_tier: number;
  to_tier: number | null;
  to_stage: string | null;
  from_profit_cents: number;
  from_monetary_cents: number;
  to_monetary_cents: number | null;
}

/**
 * Customers who fell: from a high-value segment to one that is not (or out of the snapshot), or to a
 * lower pyramid tier. Biggest value (profit at FROM) first.
 */
export async function fallers(sql: Sql, fromId: number, toId: number, highSegments: readonly string[]): Promise<Faller[]> {
  // The high-value segments as parameters @high0, @high1, …: a list both engines read (no json_each).
  const params: Record<string, unknown> = { from: fromId, to: toId };
  highSegments.forEach((segment, i) => (params[`high${i}`] = segment));
  const high = highSegments.length === 0 ? '(NULL)' : `(${highSegments.map((_, i) => `@high${i}`).join(', ')})`;
  const wasHigh = highSegments.length === 0 ? '1 = 0' : `a.segment IN ${high}`;
  return sql.all<Faller>(
    `SELECT c.external_id, c.name, a.segment AS from_segment, b.segment AS to_segment, a.tier AS from_tier, b.tier AS to_tier,
            b.stage AS to_stage, a.profit_cents AS from_profit_cents, a.monetary_cents AS from_monetary_cents, b.monetary_cents AS to_monetary_cents
     FROM snapshot_customers a
     JOIN customers c ON c.id = a.customer_id
     LEFT JOIN snapshot_customers b ON b.snapshot_id = @to AND b.customer_id = a.customer_id
     WHERE a.snapshot_id = @from
       AND ((${wasHigh} AND (b.segment IS NULL OR b.segment NOT IN ${high}))
            OR b.tier IS NULL OR b.tier > a.tier)
     ORDER BY a.profit_cents DESC, c.external_id`,
    params,
  );
}
