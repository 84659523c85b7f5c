// Interactions (calls, visits, e-mails, …) and their follow-ups: the only SQL about them outside imports.
import type { Db } from './open.js';

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

export function addInteraction(db: Db, interaction: NewInteraction, now: string): InteractionRecord {
  const result = db
    .prepare(
      `INSERT INTO interactions (customer_id, kind, occurred_at, summary, outcome, owner, follow_up_at, campaign_id, created_at, updated_at)
       VALUES (@customer_id, @kind, @occurred_at, @summary, @outcome, @owner, @follow_up_at, @campaign_id, @now, @now)`,
    )
    .run({ outcome: null, owner: null, follow_up_at: null, campaign_id: null, ...interaction, now });
  return interactionById(db, Number(result.lastInsertRowid))!;
}

export function interactionById(db: Db, id: number): InteractionRecord | undefined {
  return db
    .prepare(
      `SELECT id, customer_id, kind, occurred_at, summary, outcome, owner, follow_up_at, follow_up_done_at, follow_up_note
       FROM interactions WHERE id = ?`,
    )
    .get(id) as InteractionRecord | undefined;
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
export function listFollowUps(db: Db, filter: FollowUpFilter): FollowUpRow[] {
  return db
    .prepare(
      `SELECT i.id, i.follow_up_at, c.id AS customer_id, c.external_id AS customer_external_id, c.name AS customer_name, c.phone,
              coalesce(i.owner, c.owner) AS owner, i.summary AS reason,
              l.occurred_at AS last_contact_at, l.kind AS last_contact_kind, l.summary AS last_contact_summary
       FROM interactions i
       JOIN customers c ON c.id = i.customer_id
       LEFT JOIN interactions l ON l.id = (
         SELECT x.id FROM interactions x WHERE x.customer_id = i.customer_id ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1)
       WHERE i.follow_up_at IS NOT NULL AND i.follow_up_done_at IS NULL
         AND (@from IS NULL OR i.follow_up_at >= @from)
         AND (@to IS NULL OR i.follow_up_at <= @to)
         AND (@owner IS NULL OR coalesce(i.owner, c.owner) = @owner)
         AND (@customer IS NULL OR i.customer_id = @customer)
       ORDER BY i.follow_up_at, i.occurred_at, i.id`,
    )
    .all({ from: filter.from, to: filter.to, owner: filter.owner ?? null, customer: filter.customerId ?? null }) as FollowUpRow[];
}

/**
 * Closes a follow-up and logs the close as a note on the customer's timeline, in one transaction.
 * Returns the note that was logged.
 */
export function completeFollowUp(db: Db, id: number, note: string | null, now: string): InteractionRecord {
  return db.transaction(() => {
    const followUp = interactionById(db, id)!;
    db.prepare('UPDATE interactions SET follow_up_done_at = ?, follow_up_note = ?, updated_at = ? WHERE id = ?').run(now, note, now, id);
    return addInteraction(
      db,
      {
        customer_id: followUp.customer_id, kind: 'note', occurred_at: now, owner: followUp.owner,
        summary: `follow-up #${id} done${note ? `: ${note}` : ''}`,
      },
      now,
    );
  })();
}
