// A listing on a terminal: a screenful that fits its width and says what it left out; a pipe gets everything.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, tempDir } from '../helpers/cli.js';

async function sampleDb(): Promise<string> {
  const db = path.join(tempDir(), 'crm.db');
  expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
  expect((await runCrm(['--db', db, 'import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
  return db;
}

describe('customer list on a terminal', () => {
  it('shows the first screenful and how many more, within the terminal width', async () => {
    const db = await sampleDb();
    const shown = await runCrm(['--db', db, 'customer', 'list'], { tty: true, screen: { columns: 80, rows: 24 } });
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(shown.stdout).toContain('… and 205 more (use --limit or --format csv)');
    expect(lines.filter((line) => line.startsWith('│ C'))).toHaveLength(8);
    expect(Math.max(...lines.filter((line) => /^[┌│├└]/.test(line)).map((line) => line.length))).toBeLessThanOrEqual(80);
    expect(shown.stdout).toMatch(/\(left out to fit the terminal: .+\)/);
  });

  it('piped, every row is printed', async () => {
    const db = await sampleDb();
    const piped = await runCrm(['--db', db, 'customer', 'list']);
    // Every row but the heading starts with "│ " and a customer id.
    expect(piped.stdout.split('\n').filter((line) => /^│ [A-Z]\d/.test(line))).toHaveLength(213);
    expect(piped.stdout).not.toContain('more (use');
  });
});
