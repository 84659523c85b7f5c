// Interactions (calls, visits, e-mails, …) and their follow-ups: the only SQL about them outside imports.
import type { Sql } from './engine/sql.js';

export const loggableKinds = ['call', 'visit', 'email', 'message', 'meeting', 'note'] as const;
export type LoggableKind = (typeof loggableKinds)[number];
export type InteractionKind = LoggableKind | 'complaint';

export interface NewInteraction {
  customer_id: number;
  kind: InteractionKind;
  occurred_at: string;
  summary: string;
  outcome?: string | null;
  owner?: string | null;
  follow_up_at?: string | null;
  /** The campaign the contact was made for (crm log --campaign). */
  campaign_id?: number | null;
}

export interface InteractionRecord {
  id: number;
  customer_id: number;
  kind: InteractionKind;
  occurred_at: string;
  summary: string;
  outcome: string | null;
  owner: string | null;
  follow_up_at: string | null;
  follow_up_done_at: string | null;
  follow_up_note: string | null;
}

export async function addInteraction(sql: Sql, interaction: NewInteraction, now: string): Promise<InteractionRecord> {
  const id = await sql.value<number>(
    `INSERT INTO interactions (customer_id, kind, occurred_at, summary, outcome, owner, follow_up_at, campaign_id, created_at, updated_at, created_by, updated_by)
     VALUES (@customer_id, @kind, @occurred_at, @summary, @outcome, @owner, @follow_up_at, @campaign_id, @now, @now, @actor, @actor)
     RETURNING id`,
    { outcome: null, owner: null, follow_up_at: null, campaign_id: null, ...interaction, now, actor: sql.actor },
  );
  return (await interactionById(sql, id!))!;
}

export async function interactionById(sql: Sql, id: number): Promise<InteractionRecord | undefined> {
  return sql.get<InteractionRecord>(
    `SELECT id, customer_id, kind, occurred_at, summary, outcome, owner, follow_up_at, follow_up_done_at, follow_up_note
     FROM interactions WHERE id = ?`,
    [id],
  );
}

export interface FollowUpRow {
  id: number;
  follow_up_at: string;
  customer_id: number;
  customer_external_id: string;
  customer_name: string;
  phone: string | null;
  owner: string | null;
  reason: string;
  last_contact_at: string | null;
  last_contact_kind: string | null;
  last_contact_summary: string | null;
}

export interface FollowUpFilter {
  /** Inclusive bounds on the due date; null is open-ended. */
  from: string | null;
  to: string | null;
  owner?: string | null;
  customerId?: number | null;
}

/** Open follow-ups, oldest due first, each with the customer's latest contact. */
export async function listFollowUps(sql: Sql, filter: FollowUpFilter): Promise<FollowUpRow[]> {
  return sql.all<FollowUpRow>(
      `SELECT i.id, i.follow_up_at, c.id AS customer_id, c.external_id AS customer_external_id, c.name AS customer_name, c.phone,
              coalesce(i.owner, c.owner) AS owner, i.summary AS reason,
              l.occurred_at AS last_contact_at, l.kind AS last_contact_kind, l.summary AS last_contact_summary
       FROM interactions i
       JOIN customers c ON c.id = i.customer_id
       LEFT JOIN interactions l ON l.id = (
         SELECT x.id FROM interactions x WHERE x.customer_id = i.customer_id ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1)
       WHERE i.follow_up_at IS NOT NULL AND i.follow_up_done_at IS NULL
         AND (CAST(@from AS TEXT) IS NULL OR i.follow_up_at >= @from)
         AND (CAST(@to AS TEXT) IS NULL OR i.follow_up_at <= @to)
         AND (CAST(@owner AS TEXT) IS NULL OR coalesce(i.owner, c.owner) = @owner)
         AND (CAST(@customer AS BIGINT) IS NULL OR i.customer_id = @customer)
       ORDER BY i.follow_up_at, i.occurred_at, i.id`,
    { from: filter.from, to: filter.to, owner: filter.owner ?? null, customer: filter.customerId ?? null },
  );
}

/**
 * Closes a follow-up and logs the close as a note on the customer's timeline, in one transaction.
 * Returns the note that was logged.
 */
export async function completeFollowUp(sql: Sql, id: number, note: string | null, now: string): Promise<InteractionRecord> {
  return sql.transaction(async () => {
    const followUp = (await interactionById(sql, id))!;
    await sql.run('UPDATE interactions SET follow_up_done_at = ?, follow_up_note = ?, updated_at = ?, updated_by = ? WHERE id = ?', [now, note, now, sql.actor, id]);
    return addInteraction(
      sql,
      {
        customer_id: followUp.customer_id, kind: 'note', occurred_at: now, owner: followUp.owner,
        summary: `follow-up #${id} done${note ? `: ${note}` : ''}`,
      },
      now,
    );
  });
}
