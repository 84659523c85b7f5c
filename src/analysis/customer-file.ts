// Gathers one customer's file (客户档案): profile, money, satisfaction, open complaints, follow-ups, timeline.
import type { CustomerRecord, CustomerTotals } from '../db/customers.js';
import { customerById, customerTotals } from '../db/customers.js';
import { campaignsOfCustomer } from '../db/campaigns.js';
import { addDays } from '../util/dates.js';
import { listComplaints, type ComplaintListRow } from '../db/complaints.js';
import { customerMoneyInputs, customerSurveys, customerTimeline, historyCounts, type HistoryCounts, type TimelineEntry } from '../db/customer-file.js';
import { listFollowUps, type FollowUpRow } from '../db/interactions.js';
import type { Db } from '../db/open.js';
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
}

export interface CustomerFileOptions {
  today: string;
  /** null: the whole timeline. */
  timelineLimit: number | null;
}

export function buildCustomerFile(db: Db, customer: CustomerRecord, options: CustomerFileOptions): CustomerFile {
  const inputs = customerMoneyInputs(db, customer.id);
  const history = historyCounts(db, customer.id);
  return {
    customer,
    totals: customerTotals(db, customer.id),
    money: customerMoney(inputs.orders, inputs.paid_cents),
    satisfaction: customerSatisfaction(customerSurveys(db, customer.id)),
    history,
    openComplaints: listComplaints(db, { openOnly: true, customerId: customer.id }),
    followUps: listFollowUps(db, { from: null, to: null, customerId: customer.id }),
    timeline: customerTimeline(db, customer.id, options.timelineLimit),
    timelineTotal: history.interactions + history.orders + history.payments,
    today: options.today,
    referrer: customer.referred_by === null ? null : (customerById(db, customer.referred_by) ?? null),
    campaigns: campaignsOfCustomer(db, customer.id).map((campaign) => {
      const ends = addDays(campaign.started_on, campaign.window_days);
      const running = options.today <= ends; // the last day of the window still counts
      return `${campaign.name} (${campaign.group}${running ? ` until ${ends}` : ''}${running && campaign.group === 'control' ? ': do not contact' : ''})`;
    }),
  };
}
