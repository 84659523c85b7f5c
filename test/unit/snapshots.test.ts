// Snapshots in the database: customers new since FROM and gone by TO both appear in the movements.
import { describe, expect, it } from 'vitest';
import { clvStandings, positionOfId, snapshotCustomers, type SnapshotInputs } from '../../src/analysis/snapshot.js';
import { fallers, saveSnapshot, segmentMovements, type Movement } from '../../src/db/snapshots.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { snapshotOf } from '../../src/report/analysis-inputs.js';
import { engines } from '../helpers/engines.js';
import { testSqlOn } from '../helpers/same-data.js';

async function save(db: Sql, asOf: string, since: string | null = null): Promise<number> {
  const customers = await snapshotOf(db, { period: { asOf, since }, bins: 5, cuts: [1, 5, 20] });
  return saveSnapshot(db, { as_of: asOf, since, bins: 5, rules: 'default', cuts: '1,5,20', customers: customers.count, created_at: 'now' }, customers.rows);
}

/** The movements in one order (the matrix does not depend on the order the database gives them in). */
const sorted = (movements: Movement[]): Movement[] =>
  movements.slice().sort((a, b) => JSON.stringify([a.from_segment, a.to_segment]).localeCompare(JSON.stringify([b.from_segment, b.to_segment])));

describe.each(engines)('segmentMovements and fallers on %s', (engine) => {
  it('counts a customer new since FROM in a null row and one gone by TO in a null column', async () => {
    const db = await testSqlOn(engine, [
      { customer: 'a', date: '2026-01-10', amount: 100 },
      { customer: 'b', date: '2026-06-10', amount: 50 },
    ]);
    const march = await save(db, '2026-03-01');
    const july = await save(db, '2026-07-01');
    // a single customer scores 511 (New Customers); two customers: a is R1 (Lost), b R5 (New Customers)
    expect(sorted(await segmentMovements(db, march, july))).toEqual(sorted([
      { from_segment: 'New Customers', to_segment: 'Lost', customers: 1 },
      { from_segment: null, to_segment: 'New Customers', customers: 1 },
    ]));
    // a window that starts after a's only order: a is gone from the later snapshot
    const windowed = await save(db, '2026-08-01', '2026-05-01');
    expect(await segmentMovements(db, march, windowed)).toContainEqual({ from_segment: 'New Customers', to_segment: null, customers: 1 });
    // a was platinum (the only customer) and is not in the windowed snapshot: it fell
    expect((await fallers(db, march, windowed, ['Champions'])).map((row) => [row.external_id, row.from_tier, row.to_tier])).toEqual([['a', 0, null]]);
    // saving a date again replaces its rows
    await save(db, '2026-07-01');
    expect(await db.value('SELECT count(*) FROM snapshot_customers WHERE snapshot_id = ?', [july])).toBe(2);
    await db.close();
  });
});

describe('snapshotCustomers (plain data in, rows out)', () => {
  it('files each customer by the rows it is handed: no tier is lead with profit = revenue, no stage is lost, no model is NULL', () => {
    const inputs: SnapshotInputs = {
      rfm: { customerIds: [7, 9], recencyDays: Float64Array.from([3, 40]), frequency: Float64Array.from([4, 1]), monetaryCents: Float64Array.from([9000, 1500]) },
      tiers: new Map([[7, { tier: 0, profitCents: 6000 }]]),
      stages: new Map([[7, 'stability' as const]]),
      clv: clvStandings({ customerIds: [], frequency: new Float64Array(), recencyDays: new Float64Array(), ageDays: new Float64Array(), monetaryCents: new Float64Array() }),
    };
    const made = snapshotCustomers(inputs, { bins: 5 });
    expect(made.count).toBe(2);
    expect(made.clvUnavailable).toMatch(/too little data/);
    expect([...made.rows].map((row) => [row.customerId, row.tier, row.profitCents, row.stage, row.pAlive])).toEqual([
      [7, 0, 6000, 'stability', null],
      [9, 3, 1500, 'lost', null],
    ]);
  });
});

describe('positionOfId', () => {
  it('finds an id among ascending ids by halving, or says -1', () => {
    const ids = [2, 3, 5, 8, 13, 21];
    expect(ids.map((id) => positionOfId(ids, id))).toEqual([0, 1, 2, 3, 4, 5]);
    expect([1, 4, 22, 0].map((id) => positionOfId(ids, id))).toEqual([-1, -1, -1, -1]);
    expect(positionOfId([], 1)).toBe(-1);
    expect(positionOfId(Float64Array.from([7]), 7)).toBe(0);
  });
});
