// Issue 17, "big lists out": CSV files Excel reads, limits that say so, words instead of codes, receivables only
// for shops that record payments, an agenda capped per kind, duplicates in groups, a clv refusal that helps.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';
import { sampleDb } from '../helpers/db.js';

describe('CSV and the byte order mark', () => {
  it('--output gets a UTF-8 BOM, stdout none; --bom and --no-bom override both', async () => {
    const { dir, db } = await sampleDb();
    const file = path.join(dir, 'customers.csv');
    const bom = '\uFEFF';
    const stdout = await runCrm(['--db', db, 'customer', 'list', '--format', 'csv']);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout.startsWith('customer_id,')).toBe(true);
    expect((await runCrm(['--db', db, 'customer', 'list', '--format', 'csv', '--bom'])).stdout).toBe(bom + stdout.stdout);
    expect((await runCrm(['--db', db, 'customer', 'list', '--format', 'csv', '--output', file])).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(bom + stdout.stdout);
    expect((await runCrm(['--db', db, 'customer', 'list', '--format', 'csv', '--output', file, '--no-bom'])).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(stdout.stdout);
    // Only CSV: JSON and Markdown in a file are as on stdout.
    for (const format of ['json', 'md']) {
      const shown = await runCrm(['--db', db, 'rfm', '--as-of', '2026-11-23', '--format', format]);
      expect((await runCrm(['--db', db, 'rfm', '--as-of', '2026-11-23', '--format', format, '--output', file])).code).toBe(0);
      expect(fs.readFileSync(file, 'utf8'), format).toBe(shown.stdout);
    }
  });

  it('a customer list written with its BOM reads back: the first heading is customer_id, not \\uFEFFcustomer_id', async () => {
    const { dir, db } = await sampleDb();
    const file = path.join(dir, 'customers.csv');
    expect((await runCrm(['--db', db, 'customer', 'list', '--format', 'csv', '--output', file])).code).toBe(0);
    const result = await runCrm(['--db', db, 'import', 'customers', file, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/0 new/);
  });
});
