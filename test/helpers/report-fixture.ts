// The report fixture database: test/fixtures/reports/*.csv through the real importer, then complaints and follow-ups at fixed times.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { projectRoot, runCrm, type RunOptions, type RunResult } from './cli.js';

export const reportFixtures = path.join(projectRoot, 'test/fixtures/reports');

export interface ReportFixture {
  dir: string;
  db: string;
  crm(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** Removes the folder (call in afterAll: the fixture outlives a single test). */
  remove(): void;
}

/** Builds the fixture database once; the clock of each step is fixed, so every figure is reproducible. */
export async function reportFixture(options: { empty?: boolean } = {}): Promise<ReportFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-report-'));
  const db = path.join(dir, 'crm.db');
  const crm = (argv: string[], runOptions: RunOptions = {}) => runCrm(['--db', db, ...argv], runOptions);
  const step = async (argv: string[], at?: string): Promise<void> => {
    const result = await crm(argv, at ? { now: new Date(at) } : {});
    expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
  };
  await step(['init']);
  if (!options.empty) {
    for (const kind of ['customers', 'orders', 'payments', 'interactions', 'surveys']) {
      await step(['import', kind, path.join(reportFixtures, `${kind}.csv`)]);
    }
    // Interactions I01…I06 are ids 1…6. I01 (due 11-05) done on the day; I02 (due 11-12) done two days late.
    await step(['followups', 'done', '1', '--note', 'sent the catalogue'], '2026-11-05T16:00:00Z');
    await step(['followups', 'done', '2', '--note', 'called back'], '2026-11-14T10:00:00Z');
    // Complaints: #1 K01 resolved in 3.5 days, #2 K03 resolved in 2 days, #3 K02 still open (13 days on 11-23).
    await step(['complaint', 'open', 'K01', '--summary', 'box dented', '--at', '2026-10-01 12:00']);
    await step(['complaint', 'resolve', '1', '--resolution', 'sent a new box'], '2026-10-05T00:00:00Z');
    await step(['complaint', 'open', 'K03', '--summary', 'late delivery', '--at', '2026-11-01 09:00']);
    await step(['complaint', 'resolve', '2', '--resolution', 'refunded shipping'], '2026-11-03T09:00:00Z');
    await step(['complaint', 'open', 'K02', '--summary', '茶叶受潮 damp tea', '--severity', 'high', '--at', '2026-11-10 10:00']);
  }
  return { dir, db, crm, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
