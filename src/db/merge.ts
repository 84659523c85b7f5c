// Merging two customer records into one, in one transaction; the history counts prove nothing was lost.
import { mergePlan, type FillableField, type MergePlan } from '../analysis/merge-plan.js';
import type { CustomerRecord } from './customers.js';
import type { DuplicateCandidate } from '../analysis/duplicates.js';
import { historyCounts, type HistoryCounts } from './customer-file.js';
import { writeAudit } from './customer-changes.js';
import type { Sql } from './engine/sql.js';
import { billed, purchase } from './report-sales.js';

// Every table that belongs to a customer (all ON DELETE CASCADE): each is moved before OTHER is deleted.
const historyTables = ['orders', 'interactions', 'payments', 'surveys', 'complaints'] as const;

export interface MergeResult {
  moved: HistoryCounts;
  filled: FillableField[];
  keepAfter: HistoryCounts;
}

/** Every customer as crm customer duplicates compares them, a batch at a time, in id order (each call reads again from the first). */
export function duplicateCandidateBatches(sql: Sql): AsyncIterable<DuplicateCandidate[]> {
  return sql.batches<DuplicateCandidate>(candidatesText, undefined, 10_000);
}

/** How many customers duplicateCandidateBatches gives. */
export async function duplicateCandidateCount(sql: Sql): Promise<number> {
  return (await sql.value<number>('SELECT count(*) FROM customers')) ?? 0;
}

const candidatesText = 'SELECT id, external_id, name, email, phone, city FROM customers ORDER BY id';

/** The external id, name and city of the customers IDS (the members of a batch of duplicate groups), by id. */
export async function duplicateMembers(sql: Sql, ids: readonly number[]): Promise<Map<number, { id: number; external_id: string; name: string; city: string | null }>> {
  const members = new Map<number, { id: number; external_id: string; name: string; city: string | null }>();
  if (ids.length === 0) return members;
  const rows = await sql.all<{ id: number; external_id: string; name: string; city: string | null }>(
    `WITH wanted AS (${sql.dialect.jsonValues('@ids', 'bigint')})
     SELECT c.id, c.external_id, c.name, c.city FROM wanted JOIN customers c ON c.id = wanted.value`,
    { ids: JSON.stringify(ids) },
  );
  for (const row of rows) members.set(row.id, row);
  return members;
}

/** Moves all of OTHER's history to KEEP, fills KEEP's empty fields, deletes OTHER; throws (and rolls back) if any row would be lost. */
export async function mergeCustomers(sql: Sql, keep: CustomerRecord, other: CustomerRecord, now: string): Promise<MergeResult> {
  return sql.transaction(async () => {
    const keepBefore = await historyCounts(sql, keep.id);
    const moved = await historyCounts(sql, other.id);
    // Every row the merge changes says who merged (on PostgreSQL the server stamps updated_by on any UPDATE anyway).
    const actor = sql.actor;
    for (const table of historyTables) await sql.run(`UPDATE ${table} SET customer_id = ?, updated_by = ? WHERE customer_id = ?`, [keep.id, actor, other.id]);
    // OTHER's points go with their orders (schema version 20): KEEP's balance is the sum of both.
    await sql.run('UPDATE points_ledger SET customer_id = ?, updated_by = ? WHERE customer_id = ?', [keep.id, actor, other.id]);
    const plan: MergePlan = mergePlan(keep, other);
    const filled = Object.keys(plan.fill) as FillableField[];
    if (filled.length) {
      await sql.run(`UPDATE customers SET ${filled.map((field) => `${field} = @${field}`).join(', ')}, updated_at = @now, updated_by = @actor WHERE id = @id`, {
        ...plan.fill, id: keep.id, now, actor,
      });
    }
    if (plan.createdAt) await sql.run('UPDATE customers SET created_at = ?, updated_at = ?, updated_by = ? WHERE id = ?', [plan.createdAt, now, actor, keep.id]);
    // Issue 11: customers OTHER referred now name KEEP; KEEP takes OTHER's referrer and campaign places where it has none
    // (a campaign's groups keep their size, and KEEP's own place wins); a lead that now has a billed purchase (a credit note
    // is none) is a customer from that purchase's day.
    await sql.run('UPDATE customers SET referred_by = ?, updated_by = ? WHERE referred_by = ?', [keep.id, actor, other.id]);
    if (keep.referred_by === null && other.referred_by !== null && other.referred_by !== keep.id) {
      await sql.run('UPDATE customers SET referred_by = ?, updated_at = ?, updated_by = ? WHERE id = ?', [other.referred_by, now, actor, keep.id]);
    }
    await sql.run(
      'INSERT INTO campaign_members (campaign_id, customer_id, arm) SELECT campaign_id, ?, arm FROM campaign_members WHERE customer_id = ? ON CONFLICT DO NOTHING',
      [keep.id, other.id],
    );
    if (keep.kind === 'lead') {
      await sql.run(
        `UPDATE customers SET kind = 'customer', updated_at = @now, updated_by = @actor,
           converted_at = coalesce(converted_at, CAST(@otherConverted AS TEXT), (SELECT min(order_date) FROM orders WHERE customer_id = @id AND ${billed} AND ${purchase}))
         WHERE id = @id AND (CAST(@otherKind AS TEXT) = 'customer' OR EXISTS (SELECT 1 FROM orders WHERE customer_id = @id AND ${billed} AND ${purchase}))`,
        { id: keep.id, now, actor, otherConverted: other.converted_at, otherKind: other.kind },
      );
    } else if (keep.converted_at === null && other.converted_at !== null) {
      await sql.run('UPDATE customers SET converted_at = ?, updated_at = ?, updated_by = ? WHERE id = ?', [other.converted_at, now, actor, keep.id]);
    }
    await writeAudit(sql, now, 'merge', keep.id, { merged: other, moved, filled: plan.fill, created_at: plan.createdAt });
    // OTHER's id (and the ids merged into OTHER before) now name KEEP: a re-import of the same files lands on KEEP.
    await sql.run('UPDATE customer_aliases SET customer_id = ? WHERE customer_id = ?', [keep.id, other.id]);
    await sql.run(
      `INSERT INTO customer_aliases (external_id, customer_id, merged_at) VALUES (?, ?, ?)
       ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id, merged_at = excluded.merged_at`,
      [other.external_id, keep.id, now],
    );
    // OTHER's own cadence (crm cadence set --customer) passes to KEEP unless KEEP has one; the deletion drops the rest.
    await sql.run('UPDATE cadence_rules SET customer_id = ?, updated_at = ?, updated_by = ? WHERE customer_id = ? AND NOT EXISTS (SELECT 1 FROM cadence_rules WHERE customer_id = ?)', [keep.id, now, actor, other.id, keep.id]);
    await sql.run('DELETE FROM customers WHERE id = ?', [other.id]);
    const keepAfter = await historyCounts(sql, keep.id);
    for (const table of historyTables) {
      if (keepAfter[table] !== keepBefore[table] + moved[table]) throw new Error(`merge would lose ${table}; nothing was changed`);
    }
    return { moved, filled, keepAfter };
  });
}
