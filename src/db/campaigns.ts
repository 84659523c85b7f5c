// Campaigns with a control group (issue 11): the stored split, contacts logged for a campaign, and each member's outcome.
import { dayBounds } from './day-bounds.js';
import type { Db } from './open.js';
import { billed, purchase, windowParams } from './report-sales.js';

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

export function campaignByName(db: Db, name: string): CampaignRecord | undefined {
  return db.prepare('SELECT * FROM campaigns WHERE name = ?').get(name) as CampaignRecord | undefined;
}

/** Stores the campaign and its two groups in one transaction; returns its id. */
export function createCampaign(db: Db, campaign: NewCampaign, now: string): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO campaigns (name, started_on, segment, tier, stage, holdout_percent, seed, window_days, created_at)
           VALUES (@name, @startedOn, @segment, @tier, @stage, @holdoutPercent, @seed, @windowDays, @now)`,
        )
        .run({ ...campaign, treated: undefined, control: undefined, now }).lastInsertRowid,
    );
    const member = db.prepare('INSERT INTO campaign_members (campaign_id, customer_id, arm) VALUES (?, ?, ?)');
    for (const customerId of campaign.treated) member.run(id, customerId, 'treated');
    for (const customerId of campaign.control) member.run(id, customerId, 'control');
    return id;
  })();
}

export interface CampaignMember {
  customer_id: string;
  name: string;
  group: 'treated' | 'control';
  /** Contacts logged for this campaign with this customer. */
  contacts: number;
}

/** Both groups, treated first, each by customer id. */
export function campaignMembers(db: Db, campaignId: number): CampaignMember[] {
  return db
    .prepare(
      `SELECT c.external_id AS customer_id, c.name, m.arm AS "group",
              (SELECT count(*) FROM interactions i WHERE i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id) AS contacts
       FROM campaign_members m JOIN customers c ON c.id = m.customer_id
       WHERE m.campaign_id = ?
       ORDER BY m.arm = 'control', c.external_id`,
    )
    .all(campaignId) as CampaignMember[];
}

/** The group a customer is in, or null when the customer is not part of the campaign. */
export function campaignGroupOf(db: Db, campaignId: number, customerId: number): 'treated' | 'control' | null {
  const arm = db.prepare('SELECT arm FROM campaign_members WHERE campaign_id = ? AND customer_id = ?').pluck().get(campaignId, customerId) as string | undefined;
  return arm === 'treated' || arm === 'control' ? arm : null;
}

export interface CampaignListRow extends CampaignRecord {
  treated: number;
  control: number;
  contacts: number;
}

export function listCampaigns(db: Db): CampaignListRow[] {
  return db
    .prepare(
      `SELECT k.*, (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = k.id AND m.arm = 'treated') AS treated,
              (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = k.id AND m.arm = 'control') AS control,
              (SELECT count(*) FROM interactions i WHERE i.campaign_id = k.id) AS contacts
       FROM campaigns k ORDER BY k.started_on DESC, k.id DESC`,
    )
    .all() as CampaignListRow[];
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
export function memberOutcomes(db: Db, campaign: CampaignRecord, until: string): MemberOutcome[] {
  // Contacts are instants: the campaign's days are cut at the shop's midnights.
  const { sinceAt: startAt, asOfEnd: untilEnd } = dayBounds(db, campaign.started_on, until);
  return db
    .prepare(
      `WITH bought AS (
         SELECT o.customer_id, sum(${purchase}) AS orders, sum(o.amount_cents) AS revenue_cents
         FROM campaign_members m JOIN orders o ON o.customer_id = m.customer_id
         WHERE m.campaign_id = @id AND o.order_date > @start AND o.order_date <= @until AND ${billed}
         GROUP BY o.customer_id
       )
       SELECT m.arm,
              EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = m.customer_id AND i.campaign_id = m.campaign_id
                      AND i.occurred_at >= @startAt AND i.occurred_at < @untilEnd) AS contacted,
              coalesce(b.orders, 0) AS orders, coalesce(b.revenue_cents, 0) AS revenue_cents
       FROM campaign_members m LEFT JOIN bought b ON b.customer_id = m.customer_id
       WHERE m.campaign_id = @id`,
    )
    .all({ ...windowParams({ since: null, asOf: until }), id: campaign.id, start: campaign.started_on, until, startAt, untilEnd }) as MemberOutcome[];
}

/** The campaigns a customer is part of, newest first, with the group and when each window ends. */
export function campaignsOfCustomer(db: Db, customerId: number): { name: string; group: 'treated' | 'control'; started_on: string; window_days: number }[] {
  return db
    .prepare(
      `SELECT k.name, m.arm AS "group", k.started_on, k.window_days FROM campaign_members m JOIN campaigns k ON k.id = m.campaign_id
       WHERE m.customer_id = ? ORDER BY k.started_on DESC, k.id DESC`,
    )
    .all(customerId) as { name: string; group: 'treated' | 'control'; started_on: string; window_days: number }[];
}
