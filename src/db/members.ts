// Member levels (schema version 20): the ladder the shop sets, and each customer's level derived from their sales in
// SQL (never stored per customer, so a refund or a new order moves it at once). The rules are analysis/members.ts.
import { levelWindow, type LevelBasis, type MemberLevel } from '../analysis/members.js';
import type { Sql } from './engine/sql.js';
import { billed } from './report-sales.js';

export interface LevelLadder {
  basis: LevelBasis;
  /** Lowest threshold first; empty when the shop has set none. */
  levels: MemberLevel[];
}

export async function readLevels(sql: Sql): Promise<LevelLadder> {
  const rows = await sql.all<{ name: string; threshold_cents: number; basis: LevelBasis }>(
    'SELECT name, threshold_cents, basis FROM member_levels ORDER BY threshold_cents',
  );
  return { basis: rows[0]?.basis ?? 'growth', levels: rows.map((row) => ({ name: row.name, thresholdCents: Number(row.threshold_cents) })) };
}

/** Replaces the ladder (crm member levels set), in one transaction. */
export async function setLevels(sql: Sql, ladder: LevelLadder, now: string): Promise<void> {
  await sql.transaction(async () => {
    await sql.run('DELETE FROM member_levels');
    for (const level of ladder.levels) {
      await sql.run(
        `INSERT INTO member_levels (name, threshold_cents, basis, created_at, updated_at, created_by, updated_by)
         VALUES (@name, @threshold, @basis, @now, @now, @actor, @actor)`,
        { name: level.name, threshold: level.thresholdCents, basis: ladder.basis, now, actor: sql.actor },
      );
    }
  }, 'write');
}

/**
 * SQL for the growth value of the customer whose id is CUSTOMER (an expression): billed sales (refunds and
 * cancellations left out, returns netted) from @levelSince (NULL: lifetime) to @levelAsOf. The covering index
 * orders(customer_id, order_date, amount_cents, cost_cents, status) answers it without reading the table.
 */
export const growthSql = (customer: string): string =>
  `(SELECT coalesce(sum(o.amount_cents), 0) FROM orders o
    WHERE o.customer_id = ${customer} AND o.order_date <= CAST(@levelAsOf AS TEXT)
      AND (CAST(@levelSince AS TEXT) IS NULL OR o.order_date >= CAST(@levelSince AS TEXT)) AND ${billed.replace(/\bstatus\b/g, 'o.status')})`;

/** SQL for the level a growth value (an expression) reaches: the highest threshold at or below it. */
export const levelOfSql = (growth: string): string =>
  `(SELECT l.name FROM member_levels l WHERE l.threshold_cents <= ${growth} ORDER BY l.threshold_cents DESC LIMIT 1)`;

/** SQL for the level of the customer row aliased c: a lead (no purchase yet) has none. */
export const memberLevelSql = (): string => `CASE WHEN c.kind = 'lead' THEN NULL ELSE ${levelOfSql(growthSql('c.id'))} END`;

/** The parameters growthSql reads, for a ladder as of a day. */
export function levelParams(ladder: LevelLadder, asOf: string): { levelAsOf: string; levelSince: string | null } {
  const window = levelWindow(asOf, ladder.basis);
  return { levelAsOf: window.asOf, levelSince: window.since };
}

export interface CustomerLevel {
  growthCents: number;
  level: string | null;
}

/** One customer's growth value and level as of a day (crm customer show); a lead has none. */
export async function customerLevel(sql: Sql, ladder: LevelLadder, customerId: number, asOf: string, lead = false): Promise<CustomerLevel> {
  const growth = Number(await sql.value<number>(`SELECT ${growthSql('@customerId')}`, { customerId, ...levelParams(ladder, asOf) }));
  const level = lead ? undefined : await sql.value<string>(`SELECT ${levelOfSql('CAST(@growth AS BIGINT)')}`, { growth });
  return { growthCents: growth, level: level ?? null };
}

/** Writes each customer's level as of the snapshot's date into the snapshot (crm snapshot save), in one statement. */
export async function saveSnapshotLevels(sql: Sql, ladder: LevelLadder, snapshotId: number, asOf: string): Promise<void> {
  if (ladder.levels.length === 0) return;
  await sql.run(
    `UPDATE snapshot_customers SET level = ${levelOfSql(growthSql('snapshot_customers.customer_id'))} WHERE snapshot_id = @snapshotId`,
    { snapshotId, ...levelParams(ladder, asOf) },
  );
}

export interface LevelMove {
  from_level: string | null;
  to_level: string | null;
  customers: number;
}

/** Customers per (level at FROM, level at TO) where the two differ; null: no level (below the ladder, or none then). */
export async function levelMoves(sql: Sql, fromId: number, toId: number): Promise<LevelMove[]> {
  const rows = await sql.all<LevelMove>(
    `SELECT a.level AS from_level, b.level AS to_level, count(*) AS customers
     FROM snapshot_customers a
     LEFT JOIN snapshot_customers b ON b.snapshot_id = @to AND b.customer_id = a.customer_id
     WHERE a.snapshot_id = @from AND NOT (a.level IS NOT DISTINCT FROM b.level)
     GROUP BY a.level, b.level
     UNION ALL
     SELECT NULL, b.level, count(*)
     FROM snapshot_customers b
     WHERE b.snapshot_id = @to AND b.level IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM snapshot_customers a WHERE a.snapshot_id = @from AND a.customer_id = b.customer_id)
     GROUP BY b.level`,
    { from: fromId, to: toId },
  );
  return rows.map((row) => ({ ...row, customers: Number(row.customers) }));
}

/** Whether either snapshot holds levels (saved with a ladder, from schema version 20). */
export async function snapshotsHaveLevels(sql: Sql, fromId: number, toId: number): Promise<boolean> {
  return (await sql.value('SELECT 1 FROM snapshot_customers WHERE snapshot_id IN (@from, @to) AND level IS NOT NULL LIMIT 1', { from: fromId, to: toId })) !== undefined;
}

/** Contacts per level as of a day, counted in SQL (a million customers are never read out). Null: below the ladder. */
export async function membersPerLevel(sql: Sql, ladder: LevelLadder, asOf: string): Promise<Map<string | null, number>> {
  const rows = await sql.all<{ level: string | null; customers: number }>(
    `SELECT level, count(*) AS customers FROM (SELECT ${levelOfSql(growthSql('c.id'))} AS level FROM customers c WHERE c.kind <> 'lead') x GROUP BY level`,
    levelParams(ladder, asOf),
  );
  return new Map(rows.map((row) => [row.level, Number(row.customers)]));
}
