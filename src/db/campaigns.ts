// Campaigns with a control group (issue 11): the stored split, contacts logged for a campaign, and each member's outcome.
import { dayBounds } from './day-bounds.js';
import type { Sql } from './engine/sql.js';
import { billed, purchase } from './report-sales.js';

export interface CampaignRecord {
  id: number;
  name: string;
  started_on: string;
  segment: string | null;
  tier: string | null;
  stage: string | null;
  holdout_percent: number;
  seed: number;
  window_days: number;
  created_at: string;
}

export interface NewCampaign {
  name: string;
  startedOn: string;
  segment: string | null;
  tier: string | null;
  stage: string | null;
  holdoutPercent: number;
  seed: number;
  windowDays: number;
  /** Internal customer ids of each group. */
  treated: readonly number[];
  control: readonly number[];
}

export async function campaignByName(sql: Sql, name: string): Promise<CampaignRecord | undefined> {
  return sql.get<CampaignRecord>('SELECT * FROM campaigns WHERE name = ?', [name]);
}

/** Stores the campaign and its two groups in one transaction; returns its id. */
export async function createCampaign(sql: Sql, campaign: NewCampaign, now: string): Promise<number> {
  return sql.transaction(async () => {
    const { treated, control, ...values } = campaign;
    const id = (await sql.value<number>(
      `INSERT INTO campaigns (name, started_on, segment, tier, stage, holdout_percent, seed, window_days, created_at, created_by, updated_by)
       VALUES (@name, @startedOn, @segment, @tier, @stage, @holdoutPercent, @seed, @windowDays, @now, @actor, @actor)
       RETURNING id`,
      { ...values, now, actor: sql.actor },
    ))!;
    // Written in batches of rows, not one statement per member (a group may hold many thousands).
    const members: [number, string][] = [...treated.map((customerId) => [customerId, 'treated'] as [number, string]), ...control.map((customerId) => [customerId, 'control'] as [number, string])];
    for (let start = 0; start < members.length; start += 300) {
      const batch = members.slice(start, start + 300);
      await sql.run(
        `INSERT INTO campaign_members (campaign_id, customer_id, arm) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}`,
        batch.flatMap(([customerId, arm]) => [id, customerId, arm]),
      );
    }
    return id;
  });
}

export interface CampaignMember {
  customer_id: string;
  name: string;
  group: 'treated' | 'control';
  /** Contacts logged for this campaign with this customer. */
  contacts: number;
}

/** Both groups, treated first, each by customer id. */
export async function campaignMembers(sql: Sql, campaignId: number): Promise<CampaignMember[]> {
  return sql.all<CampaignMember>(
      `SELECT c.external_id AS customer_id, c.name, m.arm AS "group",
              (SELECT count(*) FROM interactions i WHERE i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id) AS contacts
       FROM campaign_members m JOIN customers c ON c.id = m.customer_id
       WHERE m.campaign_id = ?
       ORDER BY CASE WHEN m.arm = 'control' THEN 1 ELSE 0 END, c.external_id`,
    [campaignId],
  );
}

/** The group a customer is in, or null when the customer is not part of the campaign. */
export async function campaignGroupOf(sql: Sql, campaignId: number, customerId: number): Promise<'treated' | 'control' | null> {
  const arm = await sql.value<string>('SELECT arm FROM campaign_members WHERE campaign_id = ? AND customer_id = ?', [campaignId, customerId]);
  return arm === 'treated' || arm === 'control' ? arm : null;
}

export interface CampaignListRow extends CampaignRecord {
  treated: number;
  control: number;
  contacts: number;
}

export async function listCampaigns(sql: Sql): Promise<CampaignListRow[]> {
  return sql.all<CampaignListRow>(
      `SELECT k.*, (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = k.id AND m.arm = 'treated') AS treated,
              (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = k.id AND m.arm = 'control') AS control,
              (SELECT count(*) FROM interactions i WHERE i.campaign_id = k.id) AS contacts
       FROM campaigns k ORDER BY k.started_on DESC, k.id DESC`,
  );
}

export interface MemberOutcome {
  arm: 'treated' | 'control';
  /** A contact was logged for the campaign with this customer from its start day to the end of `until`. */
  contacted: number;
  /** Billed orders and revenue after the start day, up to and including `until`. */
  orders: number;
  revenue_cents: number;
}

/**
 * Each member's contacts and purchases in (started_on, until]: orders counts purchases (a member whose only order in
 * the window is a return did not buy), revenue nets the returns.
 */
export async function memberOutcomes(sql: Sql, campaign: CampaignRecord, until: string): Promise<MemberOutcome[]> {
  // Contacts are instants: the campaign's days are cut at the shop's midnights.
  const { sinceAt: startAt, asOfEnd: untilEnd } = dayBounds(sql, campaign.started_on, until);
  return sql.all<MemberOutcome>(
      `WITH bought AS (
         SELECT o.customer_id, sum(CASE WHEN ${purchase} THEN 1 ELSE 0 END) AS orders, sum(o.amount_cents) AS revenue_cents
         FROM campaign_members m JOIN orders o ON o.customer_id = m.customer_id
         WHERE m.campaign_id = @id AND o.order_date > @start AND o.order_date <= @until AND ${billed}
         GROUP BY o.customer_id
       )
       SELECT m.arm,
              CASE WHEN EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id
                      AND i.occurred_at >= @startAt AND i.occurred_at < @untilEnd) THEN 1 ELSE 0 END AS contacted,
              coalesce(b.orders, 0) AS orders, coalesce(b.revenue_cents, 0) AS revenue_cents
       FROM campaign_members m LEFT JOIN bought b ON b.customer_id = m.customer_id
       WHERE m.campaign_id = @id
       ORDER BY m.customer_id`,
    { id: campaign.id, start: campaign.started_on, until, startAt, untilEnd },
  );
}

/** The campaigns a customer is part of, newest first, with the group and when each window ends. */
export interface CustomerCampaign {
  name: string;
  group: 'treated' | 'control';
  started_on: string;
  window_days: number;
}

export async function campaignsOfCustomer(sql: Sql, customerId: number): Promise<CustomerCampaign[]> {
  return sql.all<CustomerCampaign>(
    `SELECT k.name, m.arm AS "group", k.started_on, k.window_days FROM campaign_members m JOIN campaigns k ON k.id = m.campaign_id
     WHERE m.customer_id = ? ORDER BY k.started_on DESC, k.id DESC`,
    [customerId],
  );
}
