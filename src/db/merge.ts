// Merging two customer records into one, in one transaction; the history counts prove nothing was lost.
import { mergePlan, type FillableField, type MergePlan } from '../analysis/merge-plan.js';
import type { CustomerRecord } from './customers.js';
import type { DuplicateCandidate } from '../analysis/duplicates.js';
import { historyCounts, type HistoryCounts } from './customer-file.js';
import { writeAudit } from './customer-changes.js';
import type { Db } from './open.js';
import { billed, purchase, windowParams } from './report-sales.js';

// Every table that belongs to a customer (all ON DELETE CASCADE): each is moved before OTHER is deleted.
const historyTables = ['orders', 'interactions', 'payments', 'surveys', 'complaints'] as const;

export interface MergeResult {
  moved: HistoryCounts;
  filled: FillableField[];
  keepAfter: HistoryCounts;
}

export function duplicateCandidates(db: Db): DuplicateCandidate[] {
  return db.prepare('SELECT id, external_id, name, email, phone, city FROM customers ORDER BY id').all() as DuplicateCandidate[];
}

/** Moves all of OTHER's history to KEEP, fills KEEP's empty fields, deletes OTHER; throws (and rolls back) if any row would be lost. */
export function mergeCustomers(db: Db, keep: CustomerRecord, other: CustomerRecord, now: string): MergeResult {
  return db.transaction(() => {
    const keepBefore = historyCounts(db, keep.id);
    const moved = historyCounts(db, other.id);
    for (const table of historyTables) db.prepare(`UPDATE ${table} SET customer_id = ? WHERE customer_id = ?`).run(keep.id, other.id);
    const plan: MergePlan = mergePlan(keep, other);
    const filled = Object.keys(plan.fill) as FillableField[];
    if (filled.length) {
      db.prepare(`UPDATE customers SET ${filled.map((field) => `${field} = @${field}`).join(', ')}, updated_at = @now WHERE id = @id`).run({ ...plan.fill, id: keep.id, now });
    }
    if (plan.createdAt) db.prepare('UPDATE customers SET created_at = ?, updated_at = ? WHERE id = ?').run(plan.createdAt, now, keep.id);
    // Issue 11: customers OTHER referred now name KEEP; KEEP takes OTHER's referrer and campaign places where it has none
    // (a campaign's groups keep their size, and KEEP's own place wins); a lead that now has a billed purchase (a credit note
    // is none) is a customer from that purchase's day.
    db.prepare('UPDATE customers SET referred_by = ? WHERE referred_by = ?').run(keep.id, other.id);
    if (keep.referred_by === null && other.referred_by !== null && other.referred_by !== keep.id) {
      db.prepare('UPDATE customers SET referred_by = ?, updated_at = ? WHERE id = ?').run(other.referred_by, now, keep.id);
    }
    db.prepare('INSERT OR IGNORE INTO campaign_members (campaign_id, customer_id, arm) SELECT campaign_id, ?, arm FROM campaign_members WHERE customer_id = ?').run(keep.id, other.id);
    if (keep.kind === 'lead') {
      db.prepare(
        `UPDATE customers SET kind = 'customer', updated_at = @now,
           converted_at = coalesce(converted_at, @otherConverted, (SELECT min(order_date) FROM orders WHERE customer_id = @id AND ${billed} AND ${purchase}))
         WHERE id = @id AND (@otherKind = 'customer' OR EXISTS (SELECT 1 FROM orders WHERE customer_id = @id AND ${billed} AND ${purchase}))`,
      ).run({ ...windowParams({ since: null, asOf: '9999-12-31' }), id: keep.id, now, otherConverted: other.converted_at, otherKind: other.kind });
    } else if (keep.converted_at === null && other.converted_at !== null) {
      db.prepare('UPDATE customers SET converted_at = ?, updated_at = ? WHERE id = ?').run(other.converted_at, now, keep.id);
    }
    writeAudit(db, now, 'merge', keep.id, { merged: other, moved, filled: plan.fill, created_at: plan.createdAt });
    // OTHER's id (and the ids merged into OTHER before) now name KEEP: a re-import of the same files lands on KEEP.
    db.prepare('UPDATE customer_aliases SET customer_id = ? WHERE customer_id = ?').run(keep.id, other.id);
    db.prepare('INSERT OR REPLACE INTO customer_aliases (external_id, customer_id, merged_at) VALUES (?, ?, ?)').run(other.external_id, keep.id, now);
    db.prepare('DELETE FROM customers WHERE id = ?').run(other.id);
    const keepAfter = historyCounts(db, keep.id);
    for (const table of historyTables) {
      if (keepAfter[table] !== keepBefore[table] + moved[table]) throw new Error(`merge would lose ${table}; nothing was changed`);
    }
    return { moved, filled, keepAfter };
  })();
}
