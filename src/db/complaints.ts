// Complaints (客户投诉): open, resolve, list. Opening and resolving also log on the customer's timeline.
import type { ComplaintSeverity, ComplaintStatus } from '../analysis/complaints.js';
import { addInteraction } from './interactions.js';
import type { Sql } from './engine/sql.js';

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

export async function complaintById(sql: Sql, id: number): Promise<ComplaintRecord | undefined> {
  return sql.get<ComplaintRecord>('SELECT id, customer_id, opened_at, severity, summary, status, resolved_at, resolution, owner FROM complaints WHERE id = ?', [id]);
}

/** Opens a complaint and logs it as a 'complaint' contact, in one transaction. */
export async function openComplaint(sql: Sql, complaint: NewComplaint, now: string): Promise<ComplaintRecord> {
  return sql.transaction(async () => {
    const id = (await sql.value<number>(
      `INSERT INTO complaints (customer_id, opened_at, severity, summary, status, owner, created_at, updated_at, created_by, updated_by)
       VALUES (@customer_id, @opened_at, @severity, @summary, 'open', @owner, @now, @now, @actor, @actor)
       RETURNING id`,
      { ...complaint, now, actor: sql.actor },
    ))!;
    await addInteraction(
      sql,
      { customer_id: complaint.customer_id, kind: 'complaint', occurred_at: complaint.opened_at, owner: complaint.owner, summary: `complaint #${id} (${complaint.severity}): ${complaint.summary}` },
      now,
    );
    return (await complaintById(sql, id))!;
  });
}

/** Resolves an open complaint and logs the resolution as a note, in one transaction. */
export async function resolveComplaint(sql: Sql, id: number, resolution: string, now: string): Promise<ComplaintRecord> {
  return sql.transaction(async () => {
    await sql.run(
      `UPDATE complaints SET status = 'resolved', resolved_at = @now, resolution = @resolution, updated_at = @now, updated_by = @actor WHERE id = @id`,
      { id, resolution, now, actor: sql.actor },
    );
    const complaint = (await complaintById(sql, id))!;
    await addInteraction(sql, { customer_id: complaint.customer_id, kind: 'note', occurred_at: now, owner: complaint.owner, summary: `complaint #${id} resolved: ${resolution}` }, now);
    return complaint;
  });
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
export async function listComplaints(sql: Sql, filter: ComplaintFilter): Promise<ComplaintListRow[]> {
  return sql.all<ComplaintListRow>(
      `SELECT k.id, k.customer_id, k.opened_at, k.severity, k.summary, k.status, k.resolved_at, k.resolution, k.owner,
              c.external_id AS customer_external_id, c.name AS customer_name
       FROM complaints k JOIN customers c ON c.id = k.customer_id
       WHERE (CAST(@open AS BIGINT) = 0 OR k.status = 'open') AND (CAST(@customer AS BIGINT) IS NULL OR k.customer_id = @customer)
       ORDER BY CASE WHEN k.status = 'open' THEN 1 ELSE 0 END DESC, k.opened_at DESC, k.id DESC`,
    { open: filter.openOnly ? 1 : 0, customer: filter.customerId ?? null },
  );
}
