// End-to-end: crm clv's edges found in review (issue 9 QA): horizons too long to compute, Chinese model lines.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runCrm, tempDir } from '../helpers/cli.js';
import { engines, type Engine } from '../helpers/engines.js';
import { builtWith, sameDataOn, samplesOn } from '../helpers/same-data.js';

async function emptyDb(engine: Engine): Promise<Record<string, string>> {
  return { CRM_DB: await samplesOn(engine, []) };
}

async function samplesDb(engine: Engine): Promise<Record<string, string>> {
  return { CRM_DB: await samplesOn(engine, ['customers', 'orders']) };
}

describe.each(engines)('crm clv --lang zh on %s', (engine) => {
  it('gives the model lines above the table, the notes and the units in Chinese too (clv, --validate, pyramid --by clv)', async () => {
    const env = await samplesDb(engine);
    const english = /BG\/NBD \(|log-likelihood|horizon|discounted|hold-out|in all|warning|p_alive|Total|tiers:|weeks|days/;
    const clv = await runCrm(['clv', '--as-of', '2026-10-31', '--limit', '1', '--lang', 'zh', '--format', 'md', '--unit', 'day'], { env });
    expect(clv.code, clv.stderr).toBe(0);
    expect(clv.stdout).not.toMatch(english);
    expect(clv.stdout).toMatch(/^BG\/NBD（购买次数，时间单位：天）：r = [\d.]+, alpha = [\d.]+, a = [\d.]+, b = [\d.]+；对数似然 -[\d.]+，共 205 位客户（其中 \d+ 位有重复购买）/m);
    expect(clv.stdout).toMatch(/^Gamma-Gamma（每次购买金额）：p = /m);
    expect(clv.stdout).toMatch(/^预测期 12m（360 天），按年率 10 % 逐月折现；购买频次与每次金额的相关系数 0\.\d{3}/m);
    expect(clv.stdout).toContain('| 首末购买间隔（天） | 客户年龄（天） |');
    // The samples' spend rises with frequency: the Gamma-Gamma warning, in Chinese under the table and on stderr.
    expect(clv.stdout).toMatch(/^> 警告：购买频次与每次购买金额相关（0\.\d\d，高于 0\.3）/m);
    expect(clv.stderr).toMatch(/^警告：购买频次与每次购买金额相关/);

    const validation = await runCrm(['clv', '--validate', '--calibration-end', '2026-03-31', '--as-of', '2026-10-31', '--lang', 'zh', '--format', 'md'], { env });
    expect(validation.code, validation.stderr).toBe(0);
    expect(validation.stdout).not.toMatch(english);
    expect(validation.stdout).toMatch(/^BG\/NBD（以校准期订单拟合，时间单位：周）：.*；验证期 30\.571 周/m);
    expect(validation.stdout).toMatch(/^\| \*\*合计\*\* \|/m);
    expect(validation.stdout).toMatch(/^> 共预测 [\d.]+ 次重复购买，实际发生 \d+ 次（-?[\d.]+ %）/m);

    const pyramid = await runCrm(['pyramid', '--by', 'clv', '--as-of', '2026-10-31', '--lang', 'zh', '--format', 'md'], { env });
    expect(pyramid.code, pyramid.stderr).toBe(0);
    expect(pyramid.stdout).not.toMatch(english);
    expect(pyramid.stdout).toMatch(/^> 层级：按预测终身价值排名前 1 %、至 5 %、至 20 % 的客户/m);
  });

  it('pyramid --by clv gives the Gamma-Gamma warning as crm clv does (under the table and on stderr)', async () => {
    const env = await samplesDb(engine);
    const result = await runCrm(['pyramid', '--by', 'clv', '--as-of', '2026-10-31', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { notes: string[] };
    expect(json.notes[0]).toMatch(/^warning: frequency and value per purchase are correlated \(0\.\d\d, above 0\.3\)/);
    expect(json.notes[1]).toMatch(/^tiers: top 1 %/);
    expect(result.stderr).toMatch(/^warning: frequency and value per purchase are correlated/);
  });
});

describe.each(engines)('crm clv --horizon limits on %s', (engine) => {
  it('refuses a horizon over ten years before reading any data (exit 2), and accepts ten years', async () => {
    const env = await emptyDb(engine);
    // A century once ran for minutes (120 month steps of a slowly converging series per customer history).
    // The limit is on the horizon as written, whatever --unit (a month is 30 days with --unit month, 4.345 weeks with week).
    for (const [horizon, unit] of [['121m', 'week'], ['121m', 'month'], ['121m', 'day'], ['522w', 'week'], ['3654d', 'day'], ['3654d', 'week'], ['120.5m', 'week'], ['1200m', 'month'], ['99999999m', 'week']] as const) {
      const result = await runCrm(['clv', '--horizon', horizon, '--unit', unit], { env });
      expect(result.code, `${horizon} ${result.stderr}`).toBe(2);
      expect(result.stderr).toBe(`crm: --horizon: "${horizon}" is longer than the models can sensibly predict; at most ten years (120m, 521w or 3653d)\n`);
    }
    // Ten years passes the flag check; the empty database then has too little data (exit 1).
    for (const [horizon, unit] of [['120m', 'week'], ['521w', 'week'], ['3653d', 'day'], ['3653d', 'week'], ['120m', 'day'], ['120m', 'month']] as const) {
      const result = await runCrm(['clv', '--horizon', horizon, '--unit', unit], { env });
      expect(result.code, `${horizon} ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(/too little data for a CLV model/);
    }
    const pyramid = await runCrm(['pyramid', '--by', 'clv', '--horizon', '20y'], { env });
    expect(pyramid.code).toBe(2);
    expect((await runCrm(['pyramid', '--by', 'clv', '--horizon', '130m'], { env })).stderr).toMatch(/--horizon: "130m" is longer than/);
  });
});

describe.each(engines)('crm clv with negative orders on %s', (engine) => {
  it('books orders below zero as returns (docs/rules.md#which-orders-count): no repeat purchase, no negative order value or CLV', async () => {
    const cdnow = path.join(projectRoot, 'test/fixtures/datasets/CDNOW_sample.txt');
    const columns = ['--no-header', '--delimiter', 'whitespace', '--columns', 'customer_id,-,order_date,-,amount', '--create-customers'];
    // NEG buys for 50, then books two returns as orders of -40 and -30: returns are no purchase, so NEG has one
    // purchase and no repeat purchase (before issue 17 they counted as two repeats worth -35 each).
    const file = path.join(tempDir(), 'returns.txt');
    fs.writeFileSync(file, ' NEG 1 19970101 1 50.00\n NEG 1 19970201 1 -40.00\n NEG 1 19970301 1 -30.00\n');
    const env = { CRM_DB: await sameDataOn(engine, await builtWith([['init'], ['import', 'orders', cdnow, ...columns], ['import', 'orders', file, ...columns]])) };
    const result = await runCrm(['clv', '--as-of', '1997-09-30', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      model: { gamma_gamma: { p: number; q: number; v: number } };
      rows: { customer_id: string; monetary: number; expected_order_value: number; clv: number }[];
      notes: string[];
    };
    const neg = json.rows.find((row) => row.customer_id === 'NEG')!;
    expect(neg.monetary).toBe(0);
    // No repeat purchase (x = 0): the expected order value is the population mean v·p/(q−1)
    // (CDNOW's p ≈ 6.25, q ≈ 3.74, v ≈ 15.44: about 35.22).
    const { p, q, v } = json.model.gamma_gamma;
    expect(neg.expected_order_value).toBeCloseTo((v * p) / (q - 1), 2);
    expect(json.notes).toContain('2 returns (-70.00) netted: they reduce revenue and profit but are no purchase (not counted in frequency, recency or lifecycle)');
    for (const row of json.rows) {
      expect(row.expected_order_value).toBeGreaterThan(0);
      expect(row.clv).toBeGreaterThanOrEqual(0);
    }
  });
});

describe.each(engines)('crm clv --validate edges on %s', (engine) => {
  it('warns when nothing at all was bought after the calibration end (the orders stop before --as-of)', async () => {
    const env = await samplesDb(engine);
    // The samples' orders end in November 2026: a hold-out from 2027 on has no purchases to compare with.
    const result = await runCrm(['clv', '--validate', '--calibration-end', '2026-12-31', '--as-of', '2027-06-30', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { notes: string[]; total: { actual: number; predicted: number } };
    expect(json.total.actual).toBe(0);
    expect(json.total.predicted).toBeGreaterThan(0);
    const warning = 'warning: no purchases at all after 2026-12-31 up to 2027-06-30: do the orders reach --as-of? Without them the comparison says nothing about the model';
    expect(json.notes).toContain(warning);
    expect(result.stderr).toBe(`${warning}\n`);
    // A hold-out with purchases has no such warning.
    const fine = await runCrm(['clv', '--validate', '--calibration-end', '2026-03-31', '--as-of', '2026-10-31', '--format', 'json'], { env });
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.stderr).toBe('');
    // Calibration end before the first order: nobody to fit (exit 1); at or after --as-of: a usage error (exit 2).
    const before = await runCrm(['clv', '--validate', '--calibration-end', '2020-01-01', '--as-of', '2026-10-31'], { env });
    expect(before.code).toBe(1);
    expect(before.stderr).toBe('crm: too little data for a CLV model: no sales up to --calibration-end 2020-01-01\n');
    for (const command of [['clv'], ['pyramid', '--by', 'clv']]) {
      const early = await runCrm([...command, '--as-of', '2020-01-01'], { env });
      expect(early.code).toBe(1);
      expect(early.stderr).toBe('crm: too little data for a CLV model: no sales up to 2020-01-01\n');
    }
    for (const end of ['2026-10-31', '2026-11-01']) {
      const late = await runCrm(['clv', '--validate', '--calibration-end', end, '--as-of', '2026-10-31'], { env });
      expect(late.code).toBe(2);
      expect(late.stderr).toBe(`crm: --calibration-end ${end} must be before the as-of date 2026-10-31\n`);
    }
  });
});

describe.each(engines)('crm pyramid --horizon/--discount on %s', (engine) => {
  it('are refused without --by clv instead of being silently ignored (exit 2)', async () => {
    const env = await emptyDb(engine);
    for (const flag of [['--horizon', '39w'], ['--discount', '0.05']]) {
      const result = await runCrm(['pyramid', ...flag], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`crm: ${flag[0]} goes with --by clv (the profit pyramid looks back, not ahead)\n`);
    }
    expect((await runCrm(['pyramid'], { env })).code).toBe(0);
    // With --by clv the defaults still apply (12m, 0.10): the empty database has too little data (exit 1).
    const clv = await runCrm(['pyramid', '--by', 'clv'], { env });
    expect(clv.code).toBe(1);
    expect(clv.stderr).toMatch(/too little data for a CLV model/);
  });
});

describe.each(engines)('crm clv --validate flags on %s', (engine) => {
  it('refuses --horizon, --discount and --limit, which it would ignore (exit 2)', async () => {
    const env = await emptyDb(engine);
    for (const flag of [['--horizon', '39w'], ['--discount', '0.05'], ['--limit', '5']]) {
      const result = await runCrm(['clv', '--validate', '--calibration-end', '2026-03-31', '--as-of', '2026-10-31', ...flag], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`crm: ${flag[0]} does not go with --validate (it predicts from --calibration-end to --as-of)\n`);
    }
    // --unit is the model's time unit and goes with it: the empty database then has too little data (exit 1).
    expect((await runCrm(['clv', '--validate', '--calibration-end', '2026-03-31', '--as-of', '2026-10-31', '--unit', 'day'], { env })).code).toBe(1);
  });
});

describe.each(engines)('crm clv --discount on %s', (engine) => {
  it('takes .1 and 0.1 alike; refuses 1, 10, 10 %, -0.1 and 1e-2 (exit 2)', async () => {
    const env = await emptyDb(engine);
    for (const rate of ['.1', '0.1', '0', '0.', '0.99']) {
      const result = await runCrm(['clv', '--discount', rate], { env });
      // Past the flag check: the empty database has too little data (exit 1).
      expect(result.code, `${rate} ${result.stderr}`).toBe(1);
    }
    for (const rate of ['1', '10', '10%', '-0.1', '1e-2', '.', '']) {
      const result = await runCrm(['clv', '--discount', rate], { env });
      expect(result.code, rate).toBe(2);
      expect(result.stderr).toBe(`crm: --discount: "${rate}" is not an annual rate from 0 to below 1 (e.g. 0.10)\n`);
    }
  });
});
