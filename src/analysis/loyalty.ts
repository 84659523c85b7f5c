// The four loyalty forms (docs/rules.md#loyalty): willingness from survey satisfaction × action from repeat purchase. Pure.
import type { LoyaltyFacts } from '../db/relationship.js';

export type LoyaltyForm = 'loyal' | 'potential' | 'inertia' | 'lost' | 'unknown';

export const loyaltyForms: readonly { key: LoyaltyForm; name: string; nameZh: string }[] = [
  { key: 'loyal', name: 'Loyal (willing, buys again)', nameZh: '忠诚客户（现有客户）' },
  { key: 'potential', name: 'Potential (willing, not buying)', nameZh: '潜在客户' },
  { key: 'inertia', name: 'Being lost (buys from inertia)', nameZh: '惰性忠诚（正在流失）' },
  { key: 'lost', name: 'Lost (neither)', nameZh: '流失客户' },
  { key: 'unknown', name: 'Unknown (no survey)', nameZh: '未知（无调查）' },
];

export interface LoyaltyRules {
  /** Willing when satisfaction C = perceived / expected is at least this (C = 1: expectation met). */
  willingAt: number;
  /** Acting when the customer bought in this many recent days and has bought more than once. */
  windowDays: number;
}

export const defaultLoyaltyRules: LoyaltyRules = { willingAt: 1, windowDays: 90 };

/**
 * Willing: C ≥ willingAt. Acting (buys again): an order in the recent window and at least two orders.
 * A customer without a survey is "unknown": their willingness is not guessed.
 */
export function loyaltyForm(facts: Pick<LoyaltyFacts, 'satisfaction' | 'orders' | 'recent_orders'>, rules: LoyaltyRules = defaultLoyaltyRules): LoyaltyForm {
  if (facts.satisfaction === null) return 'unknown';
  const willing = facts.satisfaction >= rules.willingAt;
  const acting = facts.recent_orders > 0 && facts.orders >= 2;
  if (willing) return acting ? 'loyal' : 'potential';
  return acting ? 'inertia' : 'lost';
}

export interface LoyaltySummary {
  form: (typeof loyaltyForms)[number];
  customers: number;
  share: number;
  averageSatisfaction: number | null;
  revenueCents: number;
}

export function summariseLoyalty(customers: { facts: LoyaltyFacts; form: LoyaltyForm }[]): LoyaltySummary[] {
  const tally = new LoyaltyTally();
  tally.add(customers);
  return tally.summary();
}

/** summariseLoyalty over customers given a batch at a time (a million customers are never all held): the same sums, in the same order. */
export class LoyaltyTally {
  private total = 0;
  private readonly perForm = new Map(loyaltyForms.map((form) => [form.key, { customers: 0, surveyed: 0, satisfaction: 0, revenueCents: 0 }]));

  add(customers: readonly { facts: LoyaltyFacts; form: LoyaltyForm }[]): void {
    for (const customer of customers) this.count(customer.form, customer.facts.revenue_cents, customer.facts.satisfaction);
  }

  /** One customer of FORM, with their revenue and satisfaction (null: no survey). */
  count(form: LoyaltyForm, revenueCents: number, satisfaction: number | null): void {
    this.total += 1;
    const tally = this.perForm.get(form);
    if (!tally) return;
    tally.customers += 1;
    tally.revenueCents += revenueCents;
    if (satisfaction !== null) {
      tally.surveyed += 1;
      tally.satisfaction += satisfaction;
    }
  }

  summary(): LoyaltySummary[] {
    return loyaltyForms.map((form) => {
      const tally = this.perForm.get(form.key)!;
      return {
        form,
        customers: tally.customers,
        share: this.total ? (100 * tally.customers) / this.total : 0,
        averageSatisfaction: tally.surveyed ? tally.satisfaction / tally.surveyed : null,
        revenueCents: tally.revenueCents,
      };
    });
  }
}
