// Golden files: compare output with a checked-in expected file; UPDATE_GOLDEN=1 writes it instead (then review it by hand).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { projectRoot } from './cli.js';

export const goldenDir = path.join(projectRoot, 'test/golden/reports');

export function expectGolden(name: string, actual: string): void {
  const file = path.join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    if (process.env.CI === 'true' && process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden file ${name}`);
    fs.mkdirSync(goldenDir, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  expect(actual, `differs from test/golden/reports/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(fs.readFileSync(file, 'utf8'));
}

export const formatExtension = { table: 'txt', json: 'json', csv: 'csv', md: 'md' } as const;
