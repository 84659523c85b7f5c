// The value pyramid: tier cuts by profit rank, ties to the higher tier, loss-making customers, unknown cost.
import { afterEach, describe, expect, it } from 'vitest';
import { buildPyramid, parseCuts } from '../../src/analysis/pyramid.js';
import { pyramidCustomers, pyramidTiers } from '../../src/db/pyramid.js';
import type { Sql } from '../../src/db/engine/sql.js';
import type { TestOrder } from '../helpers/db.js';
import { engines } from '../helpers/engines.js';
import { testSqlOn } from '../helpers/same-data.js';

const period = { asOf: '2026-11-23', since: null };
const cuts = [1, 5, 20] as const;
let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/** Customers c1..cN with the given profits (revenue = profit, cost unknown unless given). */
const ordersWithProfits = (profits: number[]): TestOrder[] => profits.map((profit, i) => ({ customer: `c${i + 1}`, date: '2026-06-01', amount: profit }));

describe.each(engines)('the pyramid on %s', (engine) => {
  const tierCounts = async (orders: TestOrder[]): Promise<number[]> => {
    await db?.close();
    db = await testSqlOn(engine, orders);
    return buildPyramid(await pyramidTiers(db, period, cuts)).map((level) => level.customers);
  };

  describe('tier cuts', () => {
    it('ten customers: top 1 % and top 5 % are ⌈0.1⌉ = ⌈0.5⌉ = 1 customer, top 20 % is 2', async () => {
      expect(await tierCounts(ordersWithProfits([100, 90, 80, 70, 60, 50, 40, 30, 20, 10]))).toEqual([1, 0, 1, 8]);
    });

    it('two hundred customers: 2, 8, 30, 160', async () => {
      expect(await tierCounts(ordersWithProfits(Array.from({ length: 200 }, (_, i) => 1000 - i)))).toEqual([2, 8, 30, 160]);
    });

    it('a tie at a cut goes to the higher tier, whole', async () => {
      // c1 and c2 tie at the top: both platinum although the top 1 % of 10 is one customer.
      expect(await tierCounts(ordersWithProfits([100, 100, 90, 80, 70, 60, 50, 40, 30, 20]))).toEqual([2, 0, 0, 8]);
      // a three-way tie for second place straddles the 20 % cut (2 customers): all three go to iron.
      expect(await tierCounts(ordersWithProfits([100, 90, 90, 90, 70, 60, 50, 40, 30, 20]))).toEqual([1, 0, 3, 6]);
    });

    it('a single customer is platinum', async () => {
      expect(await tierCounts(ordersWithProfits([5]))).toEqual([1, 0, 0, 0]);
    });

    it('an empty database gives four empty tiers', async () => {
      const levels = buildPyramid(await pyramidTiers((db = await testSqlOn(engine, [])), period, cuts));
      expect(levels.map((level) => [level.tier.key, level.customers, level.profitShare])).toEqual([
        ['platinum', 0, null], ['gold', 0, null], ['iron', 0, null], ['lead', 0, null],
      ]);
    });
  });

  describe('profit', () => {
    it('is revenue − cost, revenue where cost is unknown; losses rank last and are counted', async () => {
      db = await testSqlOn(engine, 
        [
          { customer: 'a', date: '2026-01-10', amount: 100, cost: 60 }, // 40
          { customer: 'a', date: '2026-02-10', amount: 50 }, // cost unknown: 50
          { customer: 'b', date: '2026-03-10', amount: 100, cost: 130 }, // −30
          { customer: 'c', date: '2026-03-10', amount: 20, cost: 0 }, // 20
        ],
        { interactions: [{ customer: 'b', at: '2026-11-23T18:00:00Z' }, { customer: 'b', at: '2026-11-24T08:00:00Z' }] },
      );
      const rows = await pyramidCustomers(db, period, cuts, null);
      expect(rows.map((row) => [row.external_id, row.profit_cents, row.position, row.tier, row.interactions])).toEqual([
        ['a', 9000, 1, 0, 0], ['c', 2000, 2, 3, 0], ['b', -3000, 3, 3, 1], // top 20 % of 3 = 1 customer
      ]);
      const levels = buildPyramid(await pyramidTiers(db, period, cuts));
      expect(levels[3]).toMatchObject({ customers: 2, profitCents: -1000, lossMaking: 1, interactions: 1, averageProfitCents: -500 });
      // shares are of the total profit 80.00: platinum 90 / 80 = 112.5 %, lead −10 / 80 = −12.5 %.
      expect(levels[0]!.profitShare).toBeCloseTo(112.5, 9);
      expect(levels[3]!.profitShare).toBeCloseTo(-12.5, 9);
      expect(levels[0]!.marginPercent).toBeCloseTo(60, 9); // 90 / 150
    });

    it('--as-of and --since bound the orders', async () => {
      db = await testSqlOn(engine, [
        { customer: 'a', date: '2025-12-31', amount: 1000 },
        { customer: 'a', date: '2026-05-01', amount: 10 },
        { customer: 'b', date: '2026-05-01', amount: 20 },
        { customer: 'b', date: '2026-11-24', amount: 1000 },
      ]);
      const rows = await pyramidCustomers(db, { asOf: '2026-11-23', since: '2026-01-01' }, cuts, null);
      expect(rows.map((row) => [row.external_id, row.revenue_cents])).toEqual([['b', 2000], ['a', 1000]]);
    });
  });

});

describe('parseCuts', () => {
  it('reads three increasing percentages', () => expect(parseCuts('1, 5, 20')).toEqual([1, 5, 20]));
  it.each([['1,5'], ['5,1,20'], ['0,5,20'], ['1,5,120'], ['a,b,c']])('rejects %j', (text) => expect(typeof parseCuts(text)).toBe('string'));
});
