// End-to-end: snapshots are idempotent per date, and a diff shows movement and who fell.
import { describe, expect, it } from 'vitest';
import { movementMatrix } from '../../src/analysis/snapshot.js';
import { segmentKey } from '../../src/report/snapshot.js';
import { runCrm } from '../helpers/cli.js';
import { engines, scalar, type Engine } from '../helpers/engines.js';
import { samplesOn } from '../helpers/same-data.js';

async function samplesDb(engine: Engine): Promise<{ db: string; env: Record<string, string> }> {
  const db = await samplesOn(engine, ['customers', 'orders']);
  return { db, env: { CRM_DB: db } };
}

const count = async (db: string, sql: string): Promise<number | undefined> => scalar<number>(db, sql);

describe.each(engines)('crm snapshot on %s', (engine) => {
  it('save is idempotent for the same date; diff needs two snapshots', async () => {
    const { db, env } = await samplesDb(engine);
    expect((await runCrm(['snapshot', 'diff'], { env })).code).toBe(2);
    const first = await runCrm(['snapshot', 'save', '--as-of', '2026-08-31', '--format', 'json'], { env });
    expect(JSON.parse(first.stdout)).toEqual({ as_of: '2026-08-31', customers: 200, replaced: 'no' });
    const again = await runCrm(['snapshot', 'save', '--as-of', '2026-08-31', '--format', 'json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ replaced: 'yes' });
    expect(await count(db, 'SELECT count(*) FROM snapshots')).toBe(1);
    expect(await count(db, 'SELECT count(*) FROM snapshot_customers')).toBe(200);
    const stderr = (await runCrm(['snapshot', 'diff'], { env })).stderr;
    expect(stderr).toContain('need two snapshots to compare, found 1');
  });

  it('diff: every customer is counted once in the matrix, and the fallers are listed biggest value first', async () => {
    const { env } = await samplesDb(engine);
    await runCrm(['snapshot', 'save', '--as-of', '2026-08-31'], { env });
    await runCrm(['snapshot', 'save', '--as-of', '2026-10-29'], { env });
    const matrix = JSON.parse((await runCrm(['snapshot', 'diff', '--format', 'json'], { env })).stdout);
    expect(matrix.columns[1].key).toBe('champions');
    expect(matrix.rows.reduce((sum: number, row: { total: number }) => sum + row.total, 0)).toBe(205);
    const diagonal = matrix.rows.reduce((sum: number, row: Record<string, number | string>) => sum + Number(row[segmentKey(String(row.from_segment))] ?? 0), 0);
    expect(matrix.notes[0]).toBe(`${205 - diagonal} customer(s) changed segment (rows: segment at 2026-08-31; columns: segment at 2026-10-29)`);
    const fell = JSON.parse((await runCrm(['snapshot', 'diff', '2026-08-31', '2026-10-29', '--customers', '--format', 'json'], { env })).stdout).rows;
    expect(fell.length).toBeGreaterThan(0);
    const profits = fell.map((row: { profit: number }) => row.profit);
    expect(profits).toEqual([...profits].sort((a: number, b: number) => b - a));
    const tierRank = ['Platinum', 'Gold', 'Iron', 'Lead'];
    const high = ['Champions', 'Loyal Customers', 'Potential Loyalist'];
    for (const row of fell) {
      const fellTier = tierRank.indexOf(row.to_tier) > tierRank.indexOf(row.from_tier);
      const fellSegment = high.includes(row.from_segment) && !high.includes(row.to_segment);
      expect(fellTier || fellSegment).toBe(true);
    }
    const table = await runCrm(['snapshot', 'diff'], { env });
    expect(table.stdout).toContain('Segment movement from 2026-08-31 to 2026-10-29');
    expect(table.stdout).toContain('Customers who fell from a high-value segment or tier');
    expect((await runCrm(['snapshot', 'diff', '2026-01-01'], { env })).code).toBe(2);
  });
});

describe('movementMatrix and segment keys', () => {
  it('orders segments as the rules do, Others last, and keeps new customers (null) apart', () => {
    const matrix = movementMatrix(
      [
        { from_segment: 'Lost', to_segment: 'Champions', customers: 1 },
        { from_segment: 'Others', to_segment: 'Lost', customers: 2 },
        { from_segment: null, to_segment: 'Zeta', customers: 3 },
      ],
      ['Champions', 'Lost'],
    );
    expect(matrix.segments).toEqual(['Champions', 'Lost', 'Zeta', 'Others']);
    expect(matrix.counts.get(null)?.get('Zeta')).toBe(3);
  });

  it.each([["Can't Lose Them", 'cant_lose_them'], ['About To Sleep', 'about_to_sleep'], ['重要价值客户', '重要价值客户']])('%s → %s', (name, key) => {
    expect(segmentKey(name)).toBe(key);
  });
});
