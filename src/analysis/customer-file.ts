// Gathers one customer's file (客户档案): profile, money, satisfaction, open complaints, follow-ups, timeline.
// Plain data in (db/customer-file.ts customerFileFacts reads it), plain data out.
import type { CustomerRecord, CustomerTotals } from '../db/customers.js';
import type { ComplaintListRow } from '../db/complaints.js';
import type { CustomerFileFacts, HistoryCounts, TimelineEntry } from '../db/customer-file.js';
import type { FollowUpRow } from '../db/interactions.js';
import { addDays } from '../util/dates.js';
import { customerMoney, type CustomerMoney } from './balance.js';
import { customerSatisfaction, type CustomerSatisfaction } from './satisfaction.js';

export interface CustomerFile {
  customer: CustomerRecord;
  totals: CustomerTotals;
  money: CustomerMoney;
  satisfaction: CustomerSatisfaction;
  history: HistoryCounts;
  openComplaints: ComplaintListRow[];
  /** Every open follow-up of the customer, oldest due first. */
  followUps: FollowUpRow[];
  /** Newest first; at most `timelineLimit` entries. */
  timeline: TimelineEntry[];
  timelineTotal: number;
  today: string;
  /** The partner who referred the customer. */
  referrer: Pick<CustomerRecord, 'external_id' | 'name'> | null;
  /** Campaigns the customer is in: "autumn-letter (control until 2026-09-30: do not contact)". */
  campaigns: string[];
  /** The member level and the sales that make it (db/members.ts), when the shop has levels. */
  member?: { level: string | null; growthCents: number; basis: 'growth' | 'lifetime' };
  /** The points balance and what expires in the next 30 days (db/points.ts), when the shop runs points. */
  points?: { balance: number; expiringSoon: number; expiringBy: string };
}

export interface CustomerFileOptions {
  today: string;
}

export function buildCustomerFile(facts: CustomerFileFacts, options: CustomerFileOptions): CustomerFile {
  const { customer, history } = facts;
  return {
    customer,
    totals: facts.totals,
    money: customerMoney(facts.money.orders, facts.money.paid_cents),
    satisfaction: customerSatisfaction(facts.surveys),
    history,
    openComplaints: facts.openComplaints,
    followUps: facts.followUps,
    timeline: facts.timeline,
    timelineTotal: history.interactions + history.orders + history.payments + facts.changes,
    today: options.today,
    referrer: facts.referrer,
    campaigns: facts.campaigns.map((campaign) => {
      const ends = addDays(campaign.started_on, campaign.window_days);
      const running = options.today <= ends; // the last day of the window still counts
      return `${campaign.name} (${campaign.group}${running ? ` until ${ends}` : ''}${running && campaign.group === 'control' ? ': do not contact' : ''})`;
    }),
  };
}
