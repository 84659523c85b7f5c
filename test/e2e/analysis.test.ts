// End-to-end: the analysis commands on the samples and on edge cases (empty database, dead rules).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, spawnCrm, tempDir } from '../helpers/cli.js';
import { engines, type Engine } from '../helpers/engines.js';
import { samplesOn } from '../helpers/same-data.js';

/** An empty database, or one with the sample customers and orders, on ENGINE (SQLite unless given). */
async function freshDb(withSamples: boolean, engine: Engine = 'sqlite'): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = tempDir();
  const env = { CRM_DB: await samplesOn(engine, withSamples ? ['customers', 'orders'] : []) };
  return { dir, env };
}

describe.each(engines)('analysis on an empty database on %s', (engine) => {
  it.each([['rfm'], ['segment'], ['segment', '--customers'], ['segment', '--scheme', 'cn8'], ['pyramid'], ['lifecycle'], ['lifecycle', '--stage', 'decline'], ['loyalty'], ['advise']])('crm %s gives an empty report, exit 0', async (...argv) => {
    const { env } = await freshDb(false, engine);
    const table = await runCrm(argv, { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('(no rows)');
    const json = await runCrm([...argv, '--format', 'json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).rows).toEqual([]);
    // No customers, no numbers to compute: nothing may read NaN (cut points, shares, averages).
    expect(table.stdout).not.toContain('NaN');
    expect(json.stdout).not.toContain('NaN');
  });

  it.each([['rfm'], ['segment']])('crm %s says there are no cut points instead of --thresholds "r=NaN,…"', async (command) => {
    const { env } = await freshDb(false, engine);
    const notes = JSON.parse((await runCrm([command!, '--format', 'json'], { env })).stdout).notes as string[];
    expect(notes).toContain('no customers, so no cut points');
    expect(notes.join('\n')).not.toContain('--thresholds');
    expect((await runCrm([command!], { env })).stdout).toContain('no customers, so no cut points');
  });
});

describe.each(engines)('crm segment rules on %s', (engine) => {
  it('prints the default table as CSV that --rules reads back', async () => {
    const { dir, env } = await freshDb(true, engine);
    const file = path.join(dir, 'rules.csv');
    expect((await runCrm(['segment', 'rules', '--format', 'csv', '--output', file], { env })).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8').split('\r\n')[1]).toBe('Champions,冠军客户,5,5,5,5,5,5');
    const a = await runCrm(['segment', '--format', 'json', '--as-of', '2026-11-23'], { env });
    const b = await runCrm(['segment', '--format', 'json', '--as-of', '2026-11-23', '--rules', file], { env });
    expect(JSON.parse(b.stdout).rows).toEqual(JSON.parse(a.stdout).rows);
  });

  it('--check exits 3 when a rule can never match, and lists it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rules.csv');
    fs.writeFileSync(file, 'segment,r_low,r_high,f_low,f_high,m_low,m_high\nRecent,4,5,1,5,1,5\nRecent big,5,5,4,5,4,5\nRest,1,3,1,5,1,5\n');
    const result = spawnCrm(['segment', 'rules', '--rules', file, '--check', '--format', 'csv'], { env: { CRM_DB: path.join(dir, 'none.db') } });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('Recent big,5,5,4,5,4,5,0,dead: taken by Recent');
    expect(result.stderr).toContain('1 rule(s) can never match: Recent big');
  });

  it('--check on the default table exits 0 and lists the combinations left to Others', async () => {
    const result = await runCrm(['segment', 'rules', '--check'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('10 fall into Others: 215 241 251 252 341 351 441 451 541 551');
  });

  it('a broken rules file is rejected (exit 3) before any analysis', async () => {
    const { dir, env } = await freshDb(true, engine);
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(file, JSON.stringify([{ segment: 'A', r_low: 4, r_high: 2, f_low: 1, f_high: 5, m_low: 1, m_high: 5 }]));
    const result = await runCrm(['segment', '--rules', file], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('r lower bound 4 is above the upper bound 2');
  });
});

describe.each(engines)('usage errors exit 2 on %s', (engine) => {
  it.each([
    [['rfm', '--bins', '12']],
    [['rfm', '--thresholds', 'r=5,1']],
    [['rfm', '--as-of', '2026-02-30']],
    [['rfm', '--as-of', '2026-01-01', '--since', '2026-02-01']],
    [['segment', '--scheme', 'kmeans']],
  ])('crm %j', async (argv) => {
    const { env } = await freshDb(false, engine);
    expect((await runCrm(argv, { env })).code).toBe(2);
  });

  it.each([
    [['rfm', '--thresholds', 'r=115,181 f=4,5,6,8'], '--thresholds: r has 2 cut points but f has 4; give every measure the same number'],
    [['rfm', '--thresholds', 'r=1,2,3,4 f=1,2,3,4 m=1,2,3,4', '--bins', '3'], '--thresholds: 4 cut points make scores 1..5, but --bins is 3'],
    [['segment', '--bins', '3'], 'the default segment rules are written for scores 1..5 but customers are scored 1..3; score with --bins 5'],
    [['rfm', '--thresholds', 'r=10,20 f=1,2 m=5,9'], 'the default segment rules are written for scores 1..5 but customers are scored 1..3'],
  ])('crm %j is refused: scores and rules on different scales would misfile customers', async (argv, message) => {
    const { env } = await freshDb(false, engine);
    const result = await runCrm(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('scores on the scale the thresholds give, and --bins 3 works with the eight-class scheme', async () => {
    const { env } = await freshDb(true, engine);
    const cuts = await runCrm(['rfm', '--thresholds', 'r=30,60,90,180 f=2,4,8,16 m=100,500,1000,5000', '--format', 'json'], { env });
    expect(cuts.code).toBe(0);
    const rows = (JSON.parse(cuts.stdout) as { rows: { r_score: number; f_score: number; m_score: number }[] }).rows;
    expect(rows.length).toBeGreaterThan(100);
    expect(Math.max(...rows.map((row) => Math.max(row.r_score, row.f_score, row.m_score)))).toBe(5);
    expect((await runCrm(['segment', '--bins', '3', '--scheme', 'cn8'], { env })).code).toBe(0);
  });
});

describe.each(engines)('crm pyramid on %s', (engine) => {
  it('shows four tiers on the samples, the picture only on a terminal, and lists a tier', async () => {
    const { env } = await freshDb(true, engine);
    const json = await runCrm(['pyramid', '--format', 'json'], { env });
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    // 206 customers bought: the 200 sample customers and the 6 converted leads (the partner is left out).
    // Top 1 %: ⌈2.06⌉ = 3; to 5 %: ⌈10.3⌉ = 11, so 8 gold; to 20 %: ⌈41.2⌉ = 42, so 31 iron; 164 lead.
    expect(body.rows.map((row: { tier: string; customers: number }) => [row.tier, row.customers])).toEqual([
      ['Platinum', 3], ['Gold', 8], ['Iron', 31], ['Lead', 164],
    ]);
    // 1943 sample orders + 66 new ones of customers (70 new, 4 of them the partner's, all with a cost).
    expect(body.notes.join('\n')).toContain('cost unknown for 99 of 2009 orders');
    const onTerminal = await runCrm(['pyramid'], { env, tty: true });
    expect(onTerminal.stdout).toMatch(/██ +Platinum +1\.5 % of customers/);
    const piped = await runCrm(['pyramid'], { env });
    expect(piped.stdout).not.toContain('█');
    const gold = await runCrm(['pyramid', '--tier', 'gold', '--format', 'csv'], { env });
    const lines = gold.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('rank,customer_id,name,tier,orders,revenue,profit,interactions,loss_making');
    expect(lines).toHaveLength(9);
    expect(lines.slice(1).every((line) => line.includes(',Gold,'))).toBe(true);
  });

  it('an empty database gives an empty pyramid, exit 0; a bad --tier or --cuts is a usage error', async () => {
    const { env } = await freshDb(false, engine);
    const empty = await runCrm(['pyramid', '--format', 'json'], { env });
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout).rows).toEqual([]);
    expect((await runCrm(['pyramid', '--tier', 'diamond'], { env })).code).toBe(2);
    expect((await runCrm(['pyramid', '--cuts', '20,5,1'], { env })).code).toBe(2);
  });
});

describe.each(engines)('crm lifecycle, loyalty, advise on the samples on %s', (engine) => {
  it('counts every customer once, lists a stage by value, and advises per tier', async () => {
    const { env } = await freshDb(true, engine);
    const asOf = ['--as-of', '2026-10-29'];
    const stages = JSON.parse((await runCrm(['lifecycle', ...asOf, '--format', 'json'], { env })).stdout).rows;
    expect(stages.map((row: { stage: string }) => row.stage)).toEqual(['Exploration', 'Formation', 'Stability', 'Decline', 'Lost']);
    // The 200 sample customers and the 5 leads converted by 2026-10-29.
    expect(stages.reduce((sum: number, row: { customers: number }) => sum + row.customers, 0)).toBe(205);
    const decline = JSON.parse((await runCrm(['lifecycle', ...asOf, '--stage', 'decline', '--format', 'json'], { env })).stdout).rows;
    expect(decline).toHaveLength(stages[3].customers);
    const revenues = decline.map((row: { revenue: number }) => row.revenue);
    expect(revenues).toEqual([...revenues].sort((a: number, b: number) => b - a));
    const loyalty = JSON.parse((await runCrm(['loyalty', ...asOf, '--format', 'json'], { env })).stdout).rows;
    expect(loyalty.at(-1)).toMatchObject({ form: 'Unknown (no survey)', customers: 205 });
    const advice = await runCrm(['advise', ...asOf, '--format', 'csv', '--lang', 'zh'], { env });
    // 205 customers: ⌈2.05⌉ = 3 platinum (1.4634 %), 164 lead (80 %).
    expect(advice.stdout).toContain('铂金客户,3,1.4634,');
    expect(advice.stdout).toContain('伙伴型,结构层次');
    expect(advice.stdout).toContain('重铅客户,164,80,');
  });
});

describe.each(engines)('--lang zh on %s', (engine) => {
  it('puts the notes under the analysis tables in Chinese too', async () => {
    const { env } = await freshDb(true, engine);
    const notes = async (argv: string[]) => {
      const result = await runCrm([...argv, '--lang', 'zh'], { env });
      expect(result.code).toBe(0);
      return result.stdout.split('\n').filter((line) => line && !/[│┌└├─]/.test(line)).slice(1);
    };
    for (const [argv, expected] of [
      [['rfm', '--limit', '1'], '分界点（与 R 的 rfm 包一致'],
      [['segment'], '细分规则：默认'],
      [['segment', '--scheme', 'cn8'], '八类细分的基准（平均值）'],
      [['pyramid'], '分层：按利润排名前 1 %、前 5 %、前 20 % 的客户'],
    ] as const) {
      const lines = await notes([...argv]);
      expect(lines.join('\n'), argv.join(' ')).toContain(expected);
      // No English sentence left under a Chinese table (the --thresholds value itself is code).
      for (const line of lines) expect(line.replace(/--thresholds "[^"]*"/, ''), argv.join(' ')).not.toMatch(/[A-Za-z]{5,}/);
    }
  });
});
