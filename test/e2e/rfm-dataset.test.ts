// End-to-end: the R package rfm's own data set gives the scores its documentation publishes (as of 2006-12-31).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, runCrm, spawnCrm } from '../helpers/cli.js';
import fs from 'node:fs';
import os from 'node:os';
import { engines, type Engine } from '../helpers/engines.js';
import { sameDataOn } from '../helpers/same-data.js';

const dataset = path.join(projectRoot, 'test/fixtures/datasets/rfm_data_orders.csv');
let dir: string;
let env: Record<string, string>;
/** The imported data on each engine (into a PostgreSQL database by crm db copy). */
const envs = {} as Record<Engine, Record<string, string>>;

beforeAll(async () => {
  // One database for the whole file (the import is the slow part); removed in afterAll below.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rfm-'));
  env = { CRM_DB: path.join(dir, 'crm.db') };
  expect((await runCrm(['init'], { env })).code).toBe(0);
  const imported = await runCrm(['import', 'orders', dataset, '--create-customers', '--format', 'json'], { env });
  expect(imported.code).toBe(0);
  expect(JSON.parse(imported.stdout)).toMatchObject({ new: 4906, customers_created: 995 });
  for (const engine of engines) envs[engine] = { CRM_DB: await sameDataOn(engine, env.CRM_DB!) };
  return () => fs.rmSync(dir, { recursive: true, force: true });
});

const csvRows = (text: string): Map<string, string> =>
  new Map(text.trim().split(/\r?\n/).slice(1).map((line) => [line.slice(0, line.indexOf(',')), line]));

describe.each(engines)('crm rfm on rfm_data_orders (R package rfm, MIT) on %s', (engine) => {
  it("matches the package's published rows", async () => {
    const result = await runCrm(['rfm', '--as-of', '2006-12-31', '--bins', '5', '--format', 'csv', '--lang', 'en'], { env: envs[engine] });
    expect(result.code).toBe(0);
    const rows = csvRows(result.stdout);
    expect(rows.size).toBe(995);
    expect(result.stdout.split('\r\n')[0]).toBe('customer_id,name,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,segment');
    expect(rows.get("Abbey O'Reilly")).toBe("Abbey O'Reilly,Abbey O'Reilly,205,6,472,3,4,3,343,Potential Loyalist");
    expect(rows.get("Agness O'Keefe")).toBe("Agness O'Keefe,Agness O'Keefe,90,9,843,5,5,5,555,Champions");
  });

  it("the cut points are R's (the package documents them rounded: 115,181,297,482 / 4,5,6,8 / 256,382,506,666)", async () => {
    const result = await runCrm(['rfm', '--as-of', '2006-12-31', '--format', 'json', '--limit', '1'], { env: envs[engine] });
    const notes: string[] = JSON.parse(result.stdout).notes;
    expect(notes[0]).toContain('r=115,181,297.4,482 f=4,5,6,8 m=255.8,382,506.4,666');
  });

  it('--thresholds with the documented cuts gives the same scores for the published rows', async () => {
    const result = await runCrm(
      ['rfm', '--as-of', '2006-12-31', '--thresholds', 'r=115,181,297,482 f=4,5,6,8 m=256,382,506,666', '--format', 'csv'],
      { env: envs[engine] },
    );
    const rows = csvRows(result.stdout);
    expect(rows.get("Abbey O'Reilly")).toContain(',3,4,3,343,');
    expect(rows.get("Agness O'Keefe")).toContain(',5,5,5,555,');
  });

  it('crm segment summarises all 995 customers and lists one segment', async () => {
    const summary = await runCrm(['segment', '--as-of', '2006-12-31', '--format', 'json'], { env: envs[engine] });
    const rows: { segment: string; customers: number; revenue: number }[] = JSON.parse(summary.stdout).rows;
    expect(rows.map((row) => row.segment)).toEqual([
      'Champions', 'Potential Loyalist', 'Loyal Customers', 'Promising', 'New Customers', "Can't Lose Them",
      'At Risk', 'Need Attention', 'About To Sleep', 'Lost', 'Others',
    ]);
    expect(rows.reduce((sum, row) => sum + row.customers, 0)).toBe(995);
    expect(rows.reduce((sum, row) => sum + row.revenue, 0)).toBe(464158);
    const champions = await runCrm(['segment', '--customers', '--segment', 'champions', '--as-of', '2006-12-31', '--format', 'csv'], { env: envs[engine] });
    const listed = csvRows(champions.stdout);
    expect(listed.size).toBe(rows[0]!.customers);
    expect([...listed.values()].every((line) => line.endsWith(',555,Champions'))).toBe(true);
  });

  it('--since limits the orders: a customer whose orders are all older disappears', async () => {
    const result = await runCrm(['rfm', '--as-of', '2006-12-31', '--since', '2006-01-01', '--format', 'json'], { env: envs[engine] });
    const rows: { recency_days: number }[] = JSON.parse(result.stdout).rows;
    expect(rows.length).toBeLessThan(995);
    expect(Math.max(...rows.map((row) => row.recency_days))).toBeLessThanOrEqual(364);
  });

  it('the built binary prints the Chinese labels with --lang zh', () => {
    const result = spawnCrm(['segment', '--as-of', '2006-12-31', '--lang', 'zh', '--format', 'md'], { env: envs[engine] });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| 冠军客户 |');
    expect(result.stdout).toContain('| 潜在忠诚客户 |');
  });
});
