// Complaints (客户投诉): open, resolve, list. Opening and resolving also log on the customer's timeline.
import type { ComplaintSeverity, ComplaintStatus } from '../analysis/complaints.js';
import { addInteraction } from './interactions.js';
import type { Db } from './open.js';

export interface ComplaintRecord {
  id: number;
  customer_id: number;
  opened_at: string;
  severity: ComplaintSeverity;
  summary: string;
  status: ComplaintStatus;
  resolved_at: string | null;
  resolution: string | null;
  owner: string | null;
}

export interface NewComplaint {
  customer_id: number;
  opened_at: string;
  severity: ComplaintSeverity;
  summary: string;
  owner: string | null;
}

export function complaintById(db: Db, id: number): ComplaintRecord | undefined {
  return db
    .prepare('SELECT id, customer_id, opened_at, severity, summary, status, resolved_at, resolution, owner FROM complaints WHERE id = ?')
    .get(id) as ComplaintRecord | undefined;
}

/** Opens a complaint and logs it as a 'complaint' contact, in one transaction. */
export function openComplaint(db: Db, complaint: NewComplaint, now: string): ComplaintRecord {
  return db.transaction(() => {
    const result = db
      .prepare(
        `INSERT INTO complaints (customer_id, opened_at, severity, summary, status, owner, created_at, updated_at)
         VALUES (@customer_id, @opened_at, @severity, @summary, 'open', @owner, @now, @now)`,
      )
      .run({ ...complaint, now });
    const id = Number(result.lastInsertRowid);
    addInteraction(
      db,
      { customer_id: complaint.customer_id, kind: 'complaint', occurred_at: complaint.opened_at, owner: complaint.owner, summary: `complaint #${id} (${complaint.severity}): ${complaint.summary}` },
      now,
    );
    return complaintById(db, id)!;
  })();
}

/** Resolves an open complaint and logs the resolution as a note, in one transaction. */
export function resolveComplaint(db: Db, id: number, resolution: string, now: string): ComplaintRecord {
  return db.transaction(() => {
    db.prepare(`UPDATE complaints SET status = 'resolved', resolved_at = @now, resolution = @resolution, updated_at = @now WHERE id = @id`).run({ id, resolution, now });
    const complaint = complaintById(db, id)!;
    addInteraction(db, { customer_id: complaint.customer_id, kind: 'note', occurred_at: now, owner: complaint.owner, summary: `complaint #${id} resolved: ${resolution}` }, now);
    return complaint;
  })();
}

export interface ComplaintListRow extends ComplaintRecord {
  customer_external_id: string;
  customer_name: string;
}

export interface ComplaintFilter {
  openOnly?: boolean;
  customerId?: number | null;
}

/** Open ones first, then newest first. */
export function listComplaints(db: Db, filter: ComplaintFilter): ComplaintListRow[] {
  return db
    .prepare(
      `SELECT k.id, k.customer_id, k.opened_at, k.severity, k.summary, k.status, k.resolved_at, k.resolution, k.owner,
              c.external_id AS customer_external_id, c.name AS customer_name
       FROM complaints k JOIN customers c ON c.id = k.customer_id
       WHERE (@open = 0 OR k.status = 'open') AND (@customer IS NULL OR k.customer_id = @customer)
       ORDER BY k.status = 'open' DESC, k.opened_at DESC, k.id DESC`,
    )
    .all({ open: filter.openOnly ? 1 : 0, customer: filter.customerId ?? null }) as ComplaintListRow[];
}
