// Analysis snapshots: store every customer's scores, segment, tier and stage for a date; compare two dates.
import type { Db } from './open.js';

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

/** Saves (or replaces: idempotent per date) the snapshot of one analysis date, in one transaction. */
export function saveSnapshot(db: Db, header: Omit<SnapshotHeader, 'id'>, customers: Iterable<SnapshotCustomer>): number {
  const upsert = db.prepare(
    `INSERT INTO snapshots (as_of, since, bins, rules, cuts, customers, created_at)
     VALUES (@as_of, @since, @bins, @rules, @cuts, @customers, @created_at)
     ON CONFLICT (as_of) DO UPDATE SET since = excluded.since, bins = excluded.bins, rules = excluded.rules, cuts = excluded.cuts,
       customers = excluded.customers, created_at = excluded.created_at
     RETURNING id`,
  );
  const clear = db.prepare('DELETE FROM snapshot_customers WHERE snapshot_id = ?');
  const insert = db.prepare(
    `INSERT INTO snapshot_customers (snapshot_id, customer_id, recency_days, frequency, monetary_cents, profit_cents, r_score, f_score, m_score, segment, tier, stage, p_alive, clv_cents)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() => {
    const id = (upsert.get(header) as { id: number }).id;
    clear.run(id);
    for (const c of customers) {
      insert.run(id, c.customerId, c.recencyDays, c.frequency, c.monetaryCents, c.profitCents, c.rScore, c.fScore, c.mScore, c.segment, c.tier, c.stage, c.pAlive, c.clvCents);
    }
    return id;
  })();
}

export function listSnapshots(db: Db): SnapshotHeader[] {
  return db.prepare('SELECT * FROM snapshots ORDER BY as_of DESC').all() as SnapshotHeader[];
}

export function snapshotByDate(db: Db, asOf: string): SnapshotHeader | undefined {
  return db.prepare('SELECT * FROM snapshots WHERE as_of = ?').get(asOf) as SnapshotHeader | undefined;
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
export function segmentMovements(db: Db, fromId: number, toId: number): Movement[] {
  return db
    .prepare(
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
    )
    .all({ from: fromId, to: toId }) as Movement[];
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
export function fallers(db: Db, fromId: number, toId: number, highSegments: readonly string[]): Faller[] {
  return db
    .prepare(
      `SELECT c.external_id, c.name, a.segment AS from_segment, b.segment AS to_segment, a.tier AS from_tier, b.tier AS to_tier,
              b.stage AS to_stage, a.profit_cents AS from_profit_cents, a.monetary_cents AS from_monetary_cents, b.monetary_cents AS to_monetary_cents
       FROM snapshot_customers a
       JOIN customers c ON c.id = a.customer_id
       LEFT JOIN snapshot_customers b ON b.snapshot_id = @to AND b.customer_id = a.customer_id
       WHERE a.snapshot_id = @from
         AND ((a.segment IN (SELECT value FROM json_each(@high))
               AND (b.segment IS NULL OR b.segment NOT IN (SELECT value FROM json_each(@high))))
              OR b.tier IS NULL OR b.tier > a.tier)
       ORDER BY a.profit_cents DESC, c.external_id`,
    )
    .all({ from: fromId, to: toId, high: JSON.stringify(highSegments) }) as Faller[];
}
