// Golden files: compare output with a checked-in expected file. A test run never writes one: a missing or
// different file fails the test. Only `npm run golden:update` (vitest.golden.config.ts, which provides
// updateGolden) rewrites them; no environment variable can, so `npm test` and CI always compare.
import fs from 'node:fs';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { projectRoot } from './cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set only by vitest.golden.config.ts (npm run golden:update). */
    updateGolden: boolean;
  }
}

export const goldenDir = path.join(projectRoot, 'test/golden/reports');

/** True only under vitest.golden.config.ts; the default config provides nothing. */
export function updatingGolden(): boolean {
  return inject('updateGolden') === true;
}

export function expectGolden(name: string, actual: string, dir: string = goldenDir): void {
  const file = path.join(dir, name);
  if (updatingGolden()) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) {
    throw new Error(`missing golden file ${path.relative(projectRoot, file)}: run npm run golden:update, then review it by hand`);
  }
  expect(actual, `differs from ${path.relative(projectRoot, file)} (npm run golden:update rewrites it)`).toBe(fs.readFileSync(file, 'utf8'));
}

export const formatExtension = { table: 'txt', json: 'json', csv: 'csv', md: 'md' } as const;
