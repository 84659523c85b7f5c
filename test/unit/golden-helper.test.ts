// A test run never writes a golden file: a missing one fails (whatever the environment says), a different one fails.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectGolden, goldenDir, updatingGolden } from '../helpers/golden.js';
import { tempDir } from '../helpers/cli.js';

const savedEnv = { ...process.env };
afterEach(() => {
  for (const key of ['CI', 'UPDATE_GOLDEN']) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

describe('expectGolden in an ordinary test run', () => {
  it('is not in update mode', () => {
    expect(updatingGolden()).toBe(false);
  });

  it.each([
    ['CI unset', {}],
    ['CI=false', { CI: 'false' }],
    ['CI=true', { CI: 'true' }],
    ['UPDATE_GOLDEN=1', { UPDATE_GOLDEN: '1' }],
  ])('a missing golden file fails and is not written (%s)', (_name, env: Record<string, string>) => {
    delete process.env.CI;
    delete process.env.UPDATE_GOLDEN;
    Object.assign(process.env, env);
    const dir = tempDir();
    const name = `missing-${process.pid}-${Date.now()}.txt`;
    try {
      expect(() => expectGolden(name, 'new output\n', dir)).toThrow(/missing golden file/);
      expect(fs.existsSync(path.join(dir, name))).toBe(false);
      expect(fs.existsSync(path.join(goldenDir, name))).toBe(false);
    } finally {
      fs.rmSync(path.join(goldenDir, name), { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a different golden file fails and is left as it was', () => {
    process.env.UPDATE_GOLDEN = '1';
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'report.txt'), 'expected\n');
      expect(() => expectGolden('report.txt', 'actual\n', dir)).toThrow();
      expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).toBe('expected\n');
      expectGolden('report.txt', 'expected\n', dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
