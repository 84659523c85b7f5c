// Relationship lifecycle stages (docs/rules.md#lifecycle): exploration, formation, stability, decline, lost. Pure rules.
import { daysBetween } from '../util/dates.js';
import type { PurchaseHistory } from '../db/relationship.js';

export type Stage = 'exploration' | 'formation' | 'stability' | 'decline' | 'lost';

export const stages: readonly { key: Stage; name: string; nameZh: string }[] = [
  { key: 'exploration', name: 'Exploration', nameZh: '考察期' },
  { key: 'formation', name: 'Formation', nameZh: '形成期' },
  { key: 'stability', name: 'Stability', nameZh: '稳定期' },
  { key: 'decline', name: 'Decline', nameZh: '衰退期' },
  { key: 'lost', name: 'Lost', nameZh: '流失' },
];

/** The defaults of docs/rules.md#lifecycle; every one can be changed. */
export interface LifecycleRules {
  /** A one-time buyer is exploring while the purchase is at most this many days old. */
  explorationDays: number;
  /** A repeat buyer is forming the relationship until this tenure, stable after. */
  tenureDays: number;
  /** Decline when recency exceeds this many times the customer's own average gap. */
  declineGapFactor: number;
  /** Spend window (days) for the spend-drop rule. */
  spendWindowDays: number;
  /** Decline when spend in the last window is under this fraction of the window before. */
  spendDropRatio: number;
  /** Lost after this many days without a purchase … */
  lostDays: number;
  /** … or this many times the average gap, whichever is longer. */
  lostGapFactor: number;
}

export const defaultLifecycleRules: LifecycleRules = {
  explorationDays: 90,
  tenureDays: 365,
  declineGapFactor: 2,
  spendWindowDays: 90,
  spendDropRatio: 0.5,
  lostDays: 365,
  lostGapFactor: 4,
};

export interface LifecycleFacts {
  recencyDays: number;
  tenureDays: number;
  /** Days with a purchase (several orders on one day are one purchase). */
  purchaseDays: number;
  recentCents: number;
  priorCents: number;
}

/** Average days between purchases: (last − first) ÷ (purchase days − 1); null for a one-time buyer. */
export function averageGapDays(facts: LifecycleFacts): number | null {
  if (facts.purchaseDays < 2) return null;
  return (facts.tenureDays - facts.recencyDays) / (facts.purchaseDays - 1);
}

/**
 * The stage, checked in this order: lost (no purchase for max(lostDays, lostGapFactor × gap) days);
 * a one-time buyer explores while the purchase is recent, else declines; a repeat buyer declines when
 * recency > declineGapFactor × gap or recent spend < spendDropRatio × the window before; otherwise
 * formation under tenureDays of tenure, stability from then on.
 */
export function lifecycleStage(facts: LifecycleFacts, rules: LifecycleRules = defaultLifecycleRules): Stage {
  const gap = averageGapDays(facts);
  const lostAfter = Math.max(rules.lostDays, gap === null ? 0 : rules.lostGapFactor * gap);
  if (facts.recencyDays >= lostAfter) return 'lost';
  if (gap === null) return facts.recencyDays <= rules.explorationDays ? 'exploration' : 'decline';
  if (facts.recencyDays > rules.declineGapFactor * gap) return 'decline';
  if (facts.recentCents < rules.spendDropRatio * facts.priorCents) return 'decline';
  return facts.tenureDays < rules.tenureDays ? 'formation' : 'stability';
}

export interface CustomerStage {
  history: PurchaseHistory;
  facts: LifecycleFacts;
  averageGapDays: number | null;
  stage: Stage;
}

/** Classifies a stream of histories lazily, so a million customers need not be held at once. */
export function* classifyLifecycle(histories: Iterable<PurchaseHistory>, asOf: string, rules: LifecycleRules = defaultLifecycleRules): Generator<CustomerStage> {
  for (const history of histories) {
    const facts: LifecycleFacts = {
      recencyDays: daysBetween(history.last_order, asOf),
      tenureDays: daysBetween(history.first_order, asOf),
      purchaseDays: history.purchase_days,
      recentCents: history.recent_cents,
      priorCents: history.prior_cents,
    };
    yield { history, facts, averageGapDays: averageGapDays(facts), stage: lifecycleStage(facts, rules) };
  }
}

export interface StageSummary {
  stage: (typeof stages)[number];
  customers: number;
  share: number;
  revenueCents: number;
  averageRecencyDays: number | null;
}

/** Customers per stage, added a batch at a time (a million customers are classified batch by batch, never all held). */
export class StageTally {
  private readonly totals = new Map(stages.map((stage) => [stage.key, { customers: 0, revenue: 0, recency: 0 }]));
  private all = 0;

  add(customers: Iterable<CustomerStage>): void {
    for (const customer of customers) this.count(customer.stage, customer.history.revenue_cents, customer.facts.recencyDays);
  }

  /** One customer at STAGE, with their revenue and days since the last purchase. */
  count(stage: Stage, revenueCents: number, recencyDays: number): void {
    const total = this.totals.get(stage)!;
    total.customers++;
    total.revenue += revenueCents;
    total.recency += recencyDays;
    this.all++;
  }

  summary(): StageSummary[] {
    return stages.map((stage) => {
      const total = this.totals.get(stage.key)!;
      return {
        stage,
        customers: total.customers,
        share: this.all ? (100 * total.customers) / this.all : 0,
        revenueCents: total.revenue,
        averageRecencyDays: total.customers ? total.recency / total.customers : null,
      };
    });
  }
}

export function summariseStages(customers: Iterable<CustomerStage>): StageSummary[] {
  const tally = new StageTally();
  tally.add(customers);
  return tally.summary();
}
