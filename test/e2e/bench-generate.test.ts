// The benchmark's generator as a command: --help (or a flag it does not know) must not write its 45 MB of CSV.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, tempDir } from '../helpers/cli.js';

const generator = path.join(projectRoot, 'bench/generate.mjs');
const run = (argv: string[], cwd: string) => spawnSync(process.execPath, [generator, ...argv], { cwd, encoding: 'utf8' });

describe('node bench/generate.mjs', () => {
  it('prints its usage for --help and writes nothing', () => {
    const dir = tempDir();
    const result = run(['--help'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: node bench\/generate\.mjs \[--customers 100000\]/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a flag it does not know (exit 2) and writes nothing', () => {
    const dir = tempDir();
    const result = run(['--size', '1m'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^generate\.mjs: unknown option --size\n/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('still writes the two files with the flags it knows', () => {
    const dir = tempDir();
    const result = run(['--customers', '3', '--orders', '5', '--out', 'data'], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'data')).sort()).toEqual(['customers.csv', 'orders.csv']);
    // A header and one line per row.
    expect(fs.readFileSync(path.join(dir, 'data/orders.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
  });
});
