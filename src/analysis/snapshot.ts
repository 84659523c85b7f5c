// What a snapshot holds per customer: RFM scores and segment, pyramid tier and lifecycle stage, for one date.
import type { Db } from '../db/open.js';
import { customerTiers, type PyramidCuts } from '../db/pyramid.js';
import { purchaseHistories } from '../db/relationship.js';
import type { SnapshotCustomer } from '../db/snapshots.js';
import { segmentCustomers, type SegmentOptions } from './customer-segments.js';
import { classifyLifecycle, defaultLifecycleRules } from './lifecycle.js';
import { purchaseSummary } from '../db/clv.js';
import { analyseClv, ClvError, parseHorizon } from './clv.js';

/** Segments that count as high value when a snapshot diff looks for customers who fell. */
export const defaultHighValueSegments = ['Champions', 'Loyal Customers', 'Potential Loyalist'];

/** Computes everything first (the queries), then yields one row per customer for the insert. */
/**
 * Each customer's p_alive and CLV (crm clv's defaults: weeks, 12 months, 10 % a year) as of the date, from the whole
 * history up to it; or why the model could not be fitted (then the snapshot stores NULL for them).
 */
export function clvStandings(db: Db, asOf: string): { byCustomer: Map<number, { pAlive: number; clvCents: number }>; unavailable: string | null } {
  const byCustomer = new Map<number, { pAlive: number; clvCents: number }>();
  try {
    const result = analyseClv(purchaseSummary(db, asOf), { unit: 'week', horizon: parseHorizon('12m', 'week')!, discountRate: 0.1 });
    result.summary.customerIds.forEach((id, i) => byCustomer.set(id, { pAlive: result.customers.pAlive[i]!, clvCents: Math.round(result.customers.clvCents[i]!) }));
    return { byCustomer, unavailable: null };
  } catch (error) {
    if (error instanceof ClvError) return { byCustomer, unavailable: error.message };
    throw error;
  }
}

export function snapshotCustomers(db: Db, options: SegmentOptions & { cuts: PyramidCuts }): { count: number; rows: Iterable<SnapshotCustomer>; clvUnavailable: string | null } {
  const { scores, segmentation } = segmentCustomers(db, { ...options, scheme: 'rules' });
  const tiers = customerTiers(db, options.period, options.cuts);
  const stageOf = new Map<number, string>();
  for (const row of classifyLifecycle(purchaseHistories(db, options.period, defaultLifecycleRules.spendWindowDays), options.period.asOf)) {
    stageOf.set(row.history.id, row.stage);
  }
  const clv = clvStandings(db, options.period.asOf);
  function* rows(): Generator<SnapshotCustomer> {
    for (let i = 0; i < scores.customerIds.length; i++) {
      const customerId = scores.customerIds[i]!;
      const tier = tiers.get(customerId);
      yield {
        customerId,
        recencyDays: scores.recencyDays[i]!,
        frequency: scores.frequency[i]!,
        monetaryCents: scores.monetaryCents[i]!,
        profitCents: tier?.profitCents ?? scores.monetaryCents[i]!,
        rScore: scores.rScore[i]!,
        fScore: scores.fScore[i]!,
        mScore: scores.mScore[i]!,
        segment: segmentation.labels[segmentation.segmentOf[i]!]!.name,
        tier: tier?.tier ?? 3,
        stage: stageOf.get(customerId) ?? 'lost',
        pAlive: clv.byCustomer.get(customerId)?.pAlive ?? null,
        clvCents: clv.byCustomer.get(customerId)?.clvCents ?? null,
      };
    }
  }
  return { count: scores.customerIds.length, rows: rows(), clvUnavailable: clv.unavailable };
}

export const NOT_IN_SNAPSHOT = null;

export interface MovementMatrix {
  /** Segments in display order: the default rules' order first, others by name, Others last. */
  segments: string[];
  /** from segment (null: not in FROM, a new customer) → to segment (null: not in TO) → customers. */
  counts: Map<string | null, Map<string | null, number>>;
}

export function movementMatrix(movements: { from_segment: string | null; to_segment: string | null; customers: number }[], knownOrder: readonly string[]): MovementMatrix {
  const names = new Set<string>();
  const counts = new Map<string | null, Map<string | null, number>>();
  for (const move of movements) {
    if (move.from_segment !== null) names.add(move.from_segment);
    if (move.to_segment !== null) names.add(move.to_segment);
    if (!counts.has(move.from_segment)) counts.set(move.from_segment, new Map());
    counts.get(move.from_segment)!.set(move.to_segment, move.customers);
  }
  const rank = (name: string): number => (name === 'Others' ? 1e6 : knownOrder.includes(name) ? knownOrder.indexOf(name) : 1e3);
  const segments = [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { segments, counts };
}
