// The dashboard classifies every customer's lifecycle once and shares it with the summary, the win-back list and
// the lifecycle chart: the shared values must be exactly those each report computes on its own.
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open.js';
import { customerStandings, lifecycleStandings, stageSummaries, standingsAndStages } from '../../src/report/analysis-inputs.js';
import { buildReport } from '../../src/report/build.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import { testDb } from '../helpers/db.js';
import { collected } from '../helpers/streamed.js';

const asOf = '2026-10-31';
// A bought twice in 2024 and never again: lost. B bought twice this October, C once the day before as-of.
const db: Db = testDb([
  { customer: 'A', date: '2024-01-10', amount: 100, cost: 60 },
  { customer: 'A', date: '2024-02-10', amount: 50, cost: 20 },
  { customer: 'B', date: '2026-10-01', amount: 80, cost: 30 },
  { customer: 'B', date: '2026-10-20', amount: 40, cost: 10 },
  { customer: 'C', date: '2026-10-30', amount: 25, cost: 5 },
]);
const sql = new SqliteSql(db, db.name);
afterAll(() => db.close());

describe('standingsAndStages', () => {
  it('gives the standings and the stage summary of the two separate calls, from one pass', async () => {
    const shared = await standingsAndStages(sql, asOf);
    expect(shared.standings.toArray()).toEqual((await customerStandings(sql, asOf)).toArray());
    expect(shared.stages).toEqual(await stageSummaries(sql, { since: null, asOf }));
    // A: average gap 31 days (2024-01-10 → 02-10, two purchase days), so lost after max(365, 4 × 31) = 365 days:
    // 2024-02-10 + 365 days = 2025-02-09 (2024 has a 29 February), long before as-of.
    const a = shared.standings.toArray().find((standing) => standing.firstOrder === '2024-01-10')!;
    expect(a).toMatchObject({ stage: 'lost', lastOrder: '2024-02-10', lostOn: '2025-02-09' });
    expect(shared.standings.size).toBe(3);
    expect(shared.stages.map((stage) => [stage.stage.key, stage.customers])).toEqual([['exploration', 1], ['formation', 1], ['stability', 0], ['decline', 0], ['lost', 1]]);
  });

  it('makes the same summary and win-back list when the reports are handed the standings', async () => {
    const period = { since: '2026-10-02', asOf, previous: { since: '2026-09-02', asOf: '2026-10-01' } };
    const all = { since: null, asOf, previous: null };
    const lifecycle = await lifecycleStandings(sql, asOf);
    // As the dashboard reads it: with the standings as of the summary's previous period too.
    const withPrevious = await lifecycleStandings(sql, asOf, { previous: period.previous.asOf, values: true });
    for (const [name, chosen] of [['summary', period], ['lost', all], ['lost', period]] as const) {
      // The win-back list's rows are a stream: compared as they are written.
      const alone = await collected(await buildReport(sql, name, { period: chosen, lang: 'en', today: asOf }));
      for (const handed of [lifecycle, withPrevious]) {
        expect(await collected(await buildReport(sql, name, { period: chosen, lang: 'en', today: asOf, lifecycle: handed })), `${name} ${chosen.since}`).toEqual(alone);
      }
    }
    // The win-back list over all history names A, lost on 2025-02-09.
    const lost = await collected(await buildReport(sql, 'lost', { period: all, lang: 'en', today: asOf, lifecycle }));
    expect(lost.rows.map((row) => [row.customer_id, row.lost_on])).toEqual([['A', '2025-02-09']]);
  });
});
