// What a snapshot holds per customer: RFM scores and segment, pyramid tier and lifecycle stage, for one date.
// Plain data in and out: report/analysis-inputs.ts snapshotInputs reads what it needs first.
import type { PurchaseSummary } from '../db/clv.js';
import type { RfmInputs } from '../db/analysis.js';
import type { SnapshotCustomer } from '../db/snapshots.js';
import { segmentCustomers, type SegmentOptions } from './customer-segments.js';
import type { Stage } from './lifecycle.js';
import { analyseClv, ClvError, clvAt, pAliveAt, parseHorizon } from './clv.js';

/** Segments that count as high value when a snapshot diff looks for customers who fell. */
export const defaultHighValueSegments = ['Champions', 'Loyal Customers', 'Potential Loyalist'];

/** What a snapshot looks up by customer id (a Map, or columns by id: a million customers without a million objects). */
export interface ById<T> {
  get(customerId: number): T | undefined;
}

/** The position of ID in IDS (ascending), or -1. */
export function positionOfId(ids: ArrayLike<number>, id: number): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = ids[middle]!;
    if (at === id) return middle;
    if (at < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** p_alive and CLV by customer, or why the model could not be fitted (then the snapshot stores NULL for them). */
export interface ClvStandings extends ById<{ pAlive: number; clvCents: number }> {
  unavailable: string | null;
}

/**
 * Each customer's p_alive and CLV (crm clv's defaults: weeks, 12 months, 10 % a year) as of the date, from the whole
 * history up to it (db/clv.ts purchaseSummary, customers in ascending id order); or why the model could not be fitted.
 * Kept in two columns beside the ids: the model's own memory is free once this returns.
 */
export function clvStandings(summary: PurchaseSummary): ClvStandings {
  try {
    const result = analyseClv(summary, { unit: 'week', horizon: parseHorizon('12m', 'week')!, discountRate: 0.1 });
    const ids = Float64Array.from(result.summary.customerIds);
    const pAlive = new Float64Array(ids.length);
    const clvCents = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      if (i > 0 && !(ids[i]! > ids[i - 1]!)) throw new Error('clvStandings: the purchase summary is not in ascending customer id order');
      pAlive[i] = pAliveAt(result.customers, i);
      clvCents[i] = Math.round(clvAt(result, i));
    }
    return {
      get: (customerId) => {
        const at = positionOfId(ids, customerId);
        return at < 0 ? undefined : { pAlive: pAlive[at]!, clvCents: clvCents[at]! };
      },
      unavailable: null,
    };
  } catch (error) {
    if (error instanceof ClvError) return { get: () => undefined, unavailable: error.message };
    throw error;
  }
}

/** What a snapshot is made of, read from the database by report/analysis-inputs.ts snapshotInputs. */
export interface SnapshotInputs {
  /** RFM measures over the period. */
  rfm: RfmInputs;
  /** Pyramid tier and profit per customer over the period, by the snapshot's cuts. */
  tiers: ById<{ tier: number; profitCents: number }>;
  /** Lifecycle stage per customer over the period (classifyLifecycle of the purchase histories, classified as they are read). */
  stages: ById<Stage>;
  /** p_alive and CLV from all history up to the date (clvStandings). */
  clv: ClvStandings;
}

/** Computes everything first, then yields one row per customer for the insert. */
export function snapshotCustomers(inputs: SnapshotInputs, options: Omit<SegmentOptions, 'period'>): { count: number; rows: Iterable<SnapshotCustomer>; clvUnavailable: string | null } {
  const { scores, segmentation } = segmentCustomers(inputs.rfm, { ...options, scheme: 'rules' });
  const tiers = inputs.tiers;
  const stageOf = inputs.stages;
  const clv = inputs.clv;
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
        pAlive: clv.get(customerId)?.pAlive ?? null,
        clvCents: clv.get(customerId)?.clvCents ?? null,
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
