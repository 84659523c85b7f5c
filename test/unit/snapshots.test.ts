// Snapshots in the database: customers new since FROM and gone by TO both appear in the movements.
import { describe, expect, it } from 'vitest';
import { snapshotCustomers } from '../../src/analysis/snapshot.js';
import { fallers, saveSnapshot, segmentMovements } from '../../src/db/snapshots.js';
import type { Db } from '../../src/db/open.js';
import { testDb } from '../helpers/db.js';

function save(db: Db, asOf: string, since: string | null = null): number {
  const customers = snapshotCustomers(db, { period: { asOf, since }, bins: 5, cuts: [1, 5, 20] });
  return saveSnapshot(db, { as_of: asOf, since, bins: 5, rules: 'default', cuts: '1,5,20', customers: customers.count, created_at: 'now' }, customers.rows);
}

describe('segmentMovements and fallers', () => {
  it('counts a customer new since FROM in a null row and one gone by TO in a null column', () => {
    const db = testDb([
      { customer: 'a', date: '2026-01-10', amount: 100 },
      { customer: 'b', date: '2026-06-10', amount: 50 },
    ]);
    const march = save(db, '2026-03-01');
    const july = save(db, '2026-07-01');
    // a single customer scores 511 (New Customers); two customers: a is R1 (Lost), b R5 (New Customers)
    expect(segmentMovements(db, march, july)).toEqual([
      { from_segment: 'New Customers', to_segment: 'Lost', customers: 1 },
      { from_segment: null, to_segment: 'New Customers', customers: 1 },
    ]);
    // a window that starts after a's only order: a is gone from the later snapshot
    const windowed = save(db, '2026-08-01', '2026-05-01');
    expect(segmentMovements(db, march, windowed)).toContainEqual({ from_segment: 'New Customers', to_segment: null, customers: 1 });
    // a was platinum (the only customer) and is not in the windowed snapshot: it fell
    expect(fallers(db, march, windowed, ['Champions']).map((row) => [row.external_id, row.from_tier, row.to_tier])).toEqual([['a', 0, null]]);
    // saving a date again replaces its rows
    save(db, '2026-07-01');
    expect(db.prepare('SELECT count(*) FROM snapshot_customers WHERE snapshot_id = ?').pluck().get(july)).toBe(2);
    db.close();
  });
});
