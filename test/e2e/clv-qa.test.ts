// End-to-end: crm clv's edges found in review (issue 9 QA): horizons too long to compute, Chinese model lines.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, tempDir } from '../helpers/cli.js';

async function emptyDb(): Promise<Record<string, string>> {
  const env = { CRM_DB: path.join(tempDir(), 'crm.db') };
  expect((await runCrm(['init'], { env })).code).toBe(0);
  return env;
}

describe('crm clv --horizon limits', () => {
  it('refuses a horizon over ten years before reading any data (exit 2), and accepts ten years', async () => {
    const env = await emptyDb();
    // A century once ran for minutes (120 month steps of a slowly converging series per customer history).
    for (const [horizon, unit] of [['121m', 'week'], ['522w', 'week'], ['3654d', 'day'], ['1200m', 'month'], ['99999999m', 'week']] as const) {
      const result = await runCrm(['clv', '--horizon', horizon, '--unit', unit], { env });
      expect(result.code, `${horizon} ${result.stderr}`).toBe(2);
      expect(result.stderr).toBe(`crm: --horizon: "${horizon}" is longer than the models can sensibly predict; at most ten years (120m, 521w or 3653d)\n`);
    }
    // Ten years passes the flag check; the empty database then has too little data (exit 1).
    for (const [horizon, unit] of [['120m', 'week'], ['521w', 'week'], ['3653d', 'day'], ['120m', 'day']] as const) {
      const result = await runCrm(['clv', '--horizon', horizon, '--unit', unit], { env });
      expect(result.code, `${horizon} ${result.stderr}`).toBe(1);
      expect(result.stderr).toMatch(/too little data for a CLV model/);
    }
    const pyramid = await runCrm(['pyramid', '--by', 'clv', '--horizon', '20y'], { env });
    expect(pyramid.code).toBe(2);
    expect((await runCrm(['pyramid', '--by', 'clv', '--horizon', '130m'], { env })).stderr).toMatch(/--horizon: "130m" is longer than/);
  });
});
