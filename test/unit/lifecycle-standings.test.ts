// lifecycleStandings: the standings as of a date and as of an earlier one from one pass over the orders, the same
// as classifying every purchase history as of each date on its own (classifiedCustomers), on both engines.
import { describe, expect, it } from 'vitest';
import { StageTally } from '../../src/analysis/lifecycle.js';
import { classifiedCustomers, fromLifecycle, lifecycleStandings, loyaltySummaries, scoredSegments, Standings, wonBack } from '../../src/report/analysis-inputs.js';
import { cohortCells } from '../../src/db/report-sales.js';
import { returnFacts } from '../../src/db/report-customers.js';
import { addDays } from '../../src/util/dates.js';
import { buildReport } from '../../src/report/build.js';
import { defaultCuts, tierAtPosition } from '../../src/analysis/pyramid.js';
import { customerTiers, pyramidTiers } from '../../src/db/pyramid.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { engines } from '../helpers/engines.js';
import { testSqlOn } from '../helpers/same-data.js';

async function oneDateAtATime(sql: Sql, asOf: string): Promise<{ standings: Standings; stages: ReturnType<StageTally['summary']> }> {
  const standings = new Standings();
  const tally = new StageTally();
  for await (const batch of classifiedCustomers(sql, { asOf, since: null })) {
    for (const customer of batch) standings.add(customer);
    tally.add(batch);
  }
  return { standings, stages: tally.summary() };
}

describe.each(engines)('lifecycleStandings (%s)', (engine) => {
  it('gives the earlier date the standings a pass of its own gives (first, last, purchase days, spend windows) and the won back after it', async () => {
    const sql = await testSqlOn(engine, [
      // bought only after the earlier date: not there then
      { customer: 'new', date: '2026-11-10', amount: 50 },
      // two orders on one day before, one after: two purchase days then, three now
      { customer: 'steady', date: '2025-01-05', amount: 10 },
      { customer: 'steady', date: '2025-01-05', amount: 20 },
      { customer: 'steady', date: '2026-08-20', amount: 30 },
      { customer: 'steady', date: '2026-11-02', amount: 40 },
      // lost by the earlier date, back since
      { customer: 'back', date: '2024-03-01', amount: 70 },
      { customer: 'back', date: '2026-11-20', amount: 80 },
      // a return after the earlier date: no purchase day, but it counts in the spend windows of now only
      { customer: 'returner', date: '2026-07-15', amount: 90 },
      { customer: 'returner', date: '2026-10-01', amount: 100 },
      { customer: 'returner', date: '2026-11-05', amount: -60 },
      // only a return before the earlier date, a purchase after
      { customer: 'odd', date: '2026-09-01', amount: -5 },
      { customer: 'odd', date: '2026-11-11', amount: 15 },
      // lost long ago
      { customer: 'gone', date: '2023-05-05', amount: 25 },
      { customer: 'gone', date: '2023-06-05', amount: 25 },
    ]);
    for (const [asOf, previous] of [['2026-11-30', '2026-10-31'], ['2026-11-30', '2026-11-30'], ['2026-11-30', '2024-01-01'], ['2026-11-30', '2026-11-04'], ['2026-11-30', '2026-11-19']] as const) {
      const read = await lifecycleStandings(sql, asOf, { previous });
      const now = await oneDateAtATime(sql, asOf);
      const then = await oneDateAtATime(sql, previous);
      expect(read.standings.toArray()).toEqual(now.standings.toArray());
      expect(read.stages).toEqual(now.stages);
      expect(read.previous!.toArray()).toEqual(then.standings.toArray());
      expect(read.previousAsOf).toBe(previous);
      expect(read.wonBack).toBe(wonBack(await returnFacts(sql, { since: addDays(previous, 1), asOf })));
    }
    // 'back' bought again after 999 days: won back after 2026-10-31
    expect((await lifecycleStandings(sql, '2026-11-30', { previous: '2026-10-31' })).wonBack).toBe(1);
    expect(await lifecycleStandings(sql, '2026-11-30')).toMatchObject({ previous: null, previousAsOf: null, wonBack: null });
    await sql.close();
  });

  it('hands the dashboard the first rows of report profit and report lost as each ranks them alone, ties included', async () => {
    // Equal profits: the ranking breaks ties by customer id; some of the tied are cut off at the limit.
    const sql = await testSqlOn(engine, [
      { customer: 'd', date: '2023-01-05', amount: 50, cost: 10 },
      { customer: 'b', date: '2023-02-05', amount: 60, cost: 20 },
      { customer: 'c', date: '2023-03-05', amount: 40, cost: 0 },
      { customer: 'a', date: '2023-04-05', amount: 45, cost: 5 },
      { customer: 'e', date: '2023-04-06', amount: 10, cost: 30 },
      { customer: 'f', date: '2026-11-01', amount: 100, cost: 10 },
      { customer: 'g', date: '2026-10-01', amount: 40, cost: 0 },
      { customer: 'g', date: '2026-11-02', amount: -5, cost: null },
    ]);
    const asOf = '2026-11-30';
    const all = { since: null, asOf, previous: null };
    const recent = { since: '2025-01-01', asOf, previous: { since: '2023-02-02', asOf: '2024-12-31' } };
    const lifecycle = await lifecycleStandings(sql, asOf, { values: true });
    for (const limit of [0, 1, 2, 3, 20]) {
      for (const [name, period] of [['profit', all], ['lost', all], ['lost', recent]] as const) {
        const alone = await buildReport(sql, name, { period, lang: 'en', today: asOf, limit });
        expect(await buildReport(sql, name, { period, lang: 'en', today: asOf, limit, lifecycle }), `${name} ${period.since} ${limit}`).toEqual(alone);
      }
    }
    expect((await buildReport(sql, 'profit', { period: all, lang: 'en', today: asOf, limit: 3, lifecycle })).rows.map((row) => row.customer_id)).toEqual(['f', 'a', 'b']);
    // tierAtPosition over the standings' profits gives every customer the tier the pyramid's SQL gives.
    const { profit } = lifecycle.standings.valueColumns();
    const inSql = await customerTiers(sql, { since: null, asOf }, defaultCuts);
    for (const cuts of [defaultCuts, [10, 30, 60] as const]) {
      const expected = cuts === defaultCuts ? inSql : await customerTiers(sql, { since: null, asOf }, cuts);
      for (let at = 0; at < profit.length; at++) {
        const position = 1 + profit.filter((other) => other > profit[at]!).length;
        expect(tierAtPosition(position, profit.length, cuts)).toBe(expected.get(lifecycle.standings.idAt(at))!.tier);
      }
    }
    await sql.close();
  });

  it('hands the dashboard the pyramid, segments, loyalty and cohorts each reads alone, from the same pass', async () => {
    // Ties in profit at the cuts, orders without cost, a return, customers without orders, interactions and surveys
    // in and out of the period, purchases in and out of loyalty's 90 days, several orders in one month.
    const orders = [
      { customer: 'a', date: '2024-01-05', amount: 50, cost: 10 },
      { customer: 'a', date: '2026-11-02', amount: 50, cost: null },
      { customer: 'b', date: '2025-02-05', amount: 60, cost: 20 },
      { customer: 'b', date: '2025-02-25', amount: 20, cost: 20 },
      { customer: 'c', date: '2025-03-05', amount: 40, cost: 0 },
      { customer: 'd', date: '2026-09-05', amount: 40, cost: 0 },
      { customer: 'd', date: '2026-10-05', amount: -10, cost: null },
      { customer: 'e', date: '2026-04-06', amount: 10, cost: 30 },
      { customer: 'f', date: '2026-11-01', amount: 100, cost: 10 },
      { customer: 'f', date: '2026-12-03', amount: 100, cost: 10 },
      { customer: 'g', date: '2026-10-01', amount: 40, cost: 0 },
      { customer: 'g', date: '2026-11-02', amount: 25, cost: null },
      { customer: 'h', date: '2026-08-01', amount: -5, cost: null },
    ];
    const sql = await testSqlOn(engine, orders, {
      customers: ['silent', 'quiet'],
      interactions: [
        { customer: 'a', at: '2026-11-03T10:00:00Z' },
        { customer: 'a', at: '2026-11-04T10:00:00Z' },
        { customer: 'f', at: '2026-12-05T10:00:00Z' },
        { customer: 'silent', at: '2026-11-05T10:00:00Z' },
      ],
      surveys: [
        { customer: 'a', date: '2026-10-01', expected: 4, perceived: 5 },
        { customer: 'b', date: '2026-01-01', expected: 5, perceived: 3 },
        { customer: 'g', date: '2026-11-01', expected: 4, perceived: 4 },
        { customer: 'quiet', date: '2026-06-01', expected: 3, perceived: 4 },
        { customer: 'f', date: '2026-12-04', expected: 2, perceived: 5 },
      ],
    });
    for (const asOf of ['2026-11-30', '2026-10-04', '2026-12-31']) {
      const period = { since: null, asOf };
      const read = await lifecycleStandings(sql, asOf, { values: true });
      const known = fromLifecycle(read, period)!;
      expect(known, asOf).not.toBeNull();
      expect(await known.tiers(sql, defaultCuts)).toEqual(await pyramidTiers(sql, period, defaultCuts));
      expect(await known.tiers(sql, [10, 30, 60])).toEqual(await pyramidTiers(sql, period, [10, 30, 60]));
      expect(known.segments()).toEqual(await scoredSegments(sql, period));
      expect(await known.loyalty(sql)).toEqual(await loyaltySummaries(sql, period));
      expect(known.cohorts()).toEqual(await cohortCells(sql, period));
      // A start date, another date or another partners rule: not the same orders.
      expect(fromLifecycle(read, { since: '2025-01-01', asOf })).toBeNull();
      expect(fromLifecycle(read, { since: null, asOf: '2026-11-29' })).toBeNull();
      expect(fromLifecycle(read, { since: null, asOf, includePartners: true })).toBeNull();
      expect(fromLifecycle(await lifecycleStandings(sql, asOf), period)).toBeNull();
      // report cohorts with a start takes its cells from the pass too: the cohorts from that month on.
      const since = { since: '2025-03-01', asOf, previous: null };
      expect(await buildReport(sql, 'cohorts', { period: since, lang: 'en', today: asOf, lifecycle: read })).toEqual(await buildReport(sql, 'cohorts', { period: since, lang: 'en', today: asOf }));
    }
    await sql.close();
  });
});
