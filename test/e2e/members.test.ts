// End-to-end, both engines: member levels (crm member levels) derived from sales, in customer show/list and snapshot diff.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, tableCounts, type Engine } from '../helpers/engines.js';

const ladder = '普通=0 银卡=2000 金卡=5000 钻石=10000';

const customersCsv = `customer_id,name,owner
M1,Mei One,王伟
M2,Mei Two,王伟
M3,Mei Three,张强
`;
// As of 2026-11-23 (runCrm's today, UTC) growth counts 2025-11-24 … 2026-11-23.
//   M1: O1 is one day too old; O2 1,500 + O3 600 = 2,100 → 银卡 (lifetime 5,100 → 金卡)
//   M2: 5,200 less a 300 return = 4,900 → 银卡
//   M3: 10,000 → 钻石, until O6 is refunded → 0 → 普通
const ordersCsv = (o6Status: string) => `order_id,customer_id,order_date,amount,status
O1,M1,2025-11-23,3000.00,paid
O2,M1,2025-11-24,1500.00,paid
O3,M1,2026-06-01,600.00,paid
O4,M2,2026-10-01,5200.00,paid
O5,M2,2026-10-02,-300.00,paid
O6,M3,2026-11-20,10000.00,${o6Status}
`;

async function shop(engine: Engine): Promise<{ env: Record<string, string>; dir: string; db: string }> {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const env = { CRM_DB: db };
  fs.writeFileSync(path.join(dir, 'customers.csv'), customersCsv);
  fs.writeFileSync(path.join(dir, 'orders.csv'), ordersCsv('paid'));
  for (const argv of [['init'], ['import', 'customers', path.join(dir, 'customers.csv')], ['import', 'orders', path.join(dir, 'orders.csv')]]) {
    expect((await runCrm(argv, { env })).code).toBe(0);
  }
  return { env, dir, db };
}

const json = async (argv: string[], env: Record<string, string>) => {
  const result = await runCrm([...argv, '--format', 'json'], { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

describe.each(engines)('member levels on %s', (engine) => {
  it('set and show the ladder; levels follow sales (12 months, returns netted, refunds take a level away)', async () => {
    const { env, dir } = await shop(engine);
    const levels = await json(['member', 'levels', 'set', ladder], env);
    expect(levels.rows).toEqual([
      { level: '普通', from: 0, customers: 0 },
      { level: '银卡', from: 2000, customers: 2 },
      { level: '金卡', from: 5000, customers: 0 },
      { level: '钻石', from: 10000, customers: 1 },
    ]);
    const show = await json(['customer', 'show', 'M1'], env);
    expect(show).toMatchObject({ member_level: '银卡', growth: 2100 });
    expect((await json(['customer', 'show', 'M2'], env))).toMatchObject({ member_level: '银卡', growth: 4900 });
    const silver = await json(['customer', 'list', '--level', '银卡'], env);
    expect(silver.map((row: { customer_id: string }) => row.customer_id).sort()).toEqual(['M1', 'M2']);
    expect((await json(['customer', 'list', '--level', '钻石'], env)).map((row: { level: string }) => row.level)).toEqual(['钻石']);

    // The refund of O6 comes in with the next import: M3 falls to the bottom level at once.
    fs.writeFileSync(path.join(dir, 'orders.csv'), ordersCsv('refunded'));
    expect((await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env })).code).toBe(0);
    expect((await json(['customer', 'show', 'M3'], env))).toMatchObject({ member_level: '普通', growth: 0 });

    // Lifetime: every sale up to today.
    await json(['member', 'levels', 'set', ladder, '--basis', 'lifetime'], env);
    expect((await json(['customer', 'show', 'M1'], env))).toMatchObject({ member_level: '金卡', growth: 5100 });
  });

  it('bad ladders and unknown levels: one line, exit 2, nothing written', async () => {
    const { env, db } = await shop(engine);
    const before = await tableCounts(db);
    for (const bad of ['', '金卡', '金卡=-5', '金卡=abc', '金卡=1 金卡=2', 'a=1 b=1', '金卡=1,000']) {
      const result = await runCrm(['member', 'levels', 'set', bad], { env });
      expect(result.code, bad).toBe(2);
      expect(result.stderr.trim().split('\n'), bad).toHaveLength(1);
    }
    expect(await tableCounts(db)).toEqual(before);
    const unknown = await runCrm(['customer', 'list', '--level', '金卡'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no member levels yet');
    await runCrm(['member', 'levels', 'set', ladder], { env });
    const typo = await runCrm(['customer', 'list', '--level', 'gold'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('levels: 普通, 银卡, 金卡, 钻石');
  });

  it('a snapshot keeps each level; diff lists who moved up or down', async () => {
    const { env, dir } = await shop(engine);
    await runCrm(['member', 'levels', 'set', ladder], { env });
    expect((await runCrm(['snapshot', 'save'], { env })).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'orders.csv'), ordersCsv('refunded'));
    await runCrm(['import', 'orders', path.join(dir, 'orders.csv')], { env });
    // The next day: M3's refund has taken 钻石 away (M3 has no sale left, so is not in the snapshot), and M1's
    // 1,500 of 2025-11-24 has left the 12 months (2025-11-25 … 2026-11-24): 600 is 普通.
    expect((await runCrm(['snapshot', 'save'], { env, now: new Date('2026-11-24T09:00:00Z') })).code).toBe(0);
    const moves = await json(['snapshot', 'diff', '--levels'], env);
    expect(moves.rows).toEqual([
      { from_level: '钻石', to_level: '(no level)', direction: 'down', customers: 1 },
      { from_level: '银卡', to_level: '普通', direction: 'down', customers: 1 },
    ]);
    const table = await runCrm(['snapshot', 'diff'], { env });
    expect(table.stdout).toContain('Member level moves 2026-11-23 → 2026-11-24 (2 customers)');
  });
});
