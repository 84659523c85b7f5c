// Issue 17, "big lists out": CSV files Excel reads, limits that say so, words instead of codes, receivables only
// for shops that record payments, an agenda capped per kind, duplicates in groups, a clv refusal that helps.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';
import { sameDataOn } from '../helpers/same-data.js';
import { sampleDb } from '../helpers/db.js';
import { engines } from '../helpers/engines.js';

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

describe('listings that stop at their limit say so', () => {
  it('customer search: its default limit of 50 is named under the table, on stderr for CSV, and not when all fit', async () => {
    const { db } = await sampleDb();
    const table = await runCrm(['--db', db, 'customer', 'search', 'example']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Customers matching "example" \(50\)\n/);
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('showing the first 50 matches; use --limit for more');
    const csv = await runCrm(['--db', db, 'customer', 'search', 'example', '--format', 'csv']);
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(51);
    expect(csv.stderr).toBe('showing the first 50 matches; use --limit for more\n');
    const zh = await runCrm(['--db', db, 'customer', 'search', 'example', '--limit', '3', '--lang', 'zh', '--format', 'md']);
    expect(zh.stdout).toContain('> 只显示前 3 个匹配结果；用 --limit 查看更多');
    const all = await runCrm(['--db', db, 'customer', 'search', 'example', '--limit', '1000']);
    expect(all.stdout).not.toContain('showing the first');
    // Exactly as many matches as the limit: the listing is whole, nothing to say.
    const count = Number(/\((\d+)\)/.exec(all.stdout)![1]);
    const exact = await runCrm(['--db', db, 'customer', 'search', 'example', '--limit', String(count), '--format', 'csv']);
    expect(exact.stderr).toBe('');
  });

  it('customer list has no default limit; a --limit it stopped at is named', async () => {
    const { db } = await sampleDb();
    expect((await runCrm(['--db', db, 'customer', 'list'])).stdout).not.toContain('showing the first');
    const limited = await runCrm(['--db', db, 'customer', 'list', '--limit', '5']);
    expect(limited.stdout.trimEnd().split('\n').at(-1)).toBe('showing the first 5 customers; use --limit for more');
    const json = await runCrm(['--db', db, 'customer', 'list', '--limit', '5', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toHaveLength(5);
    expect(json.stderr).toBe('showing the first 5 customers; use --limit for more\n');
  });
});

describe.each(engines)('receivables only for a shop that records payments, on %s', (engine) => {
  it('orders without a single payment: nothing owed, a note, exit 0; the agenda lists no debts; one payment turns them on', async () => {
    const { db: file } = await sampleDb(true);
    // On PostgreSQL the same rows, by crm db copy.
    const db = await sameDataOn(engine, file);
    const asOf = ['--as-of', '2026-11-23'];
    const none = await runCrm(['--db', db, 'report', 'receivables', ...asOf]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(
      'Receivables as of 2026-11-23\n(no rows)\nno payments are recorded, so nothing is reported owed: record payments (crm pay, crm import payments) to see who owes what\n',
    );
    const json = JSON.parse((await runCrm(['--db', db, 'report', 'receivables', ...asOf, '--format', 'json'])).stdout) as { rows: unknown[]; notes: string[] };
    expect(json.rows).toEqual([]);
    expect(json.notes[0]).toMatch(/^no payments are recorded/);
    const summaryRun = await runCrm(['--db', db, 'report', 'summary', ...asOf, '--format', 'json']);
    expect(summaryRun.code, summaryRun.stderr).toBe(0);
    const summary = JSON.parse(summaryRun.stdout) as { rows: Record<string, unknown>[]; notes: string[] };
    expect(summary.rows[0]).toMatchObject({ owed: null, owed_over_60_days: null });
    expect(summary.notes).toContain('no payments are recorded, so nothing is reported owed: record payments (crm pay, crm import payments) to see who owes what');
    const agenda = await runCrm(['--db', db, 'agenda', ...asOf, '--format', 'csv']);
    expect(agenda.code, agenda.stderr).toBe(0);
    expect(agenda.stdout).not.toContain('receivable_over_60_days');
    const table = await runCrm(['--db', db, 'agenda', ...asOf]);
    expect(table.stdout).toContain('no payments are recorded, so no debts are listed');

    const paid = await runCrm(['--db', db, 'pay', 'C0001', '1.00', '--date', '2026-11-01']);
    expect(paid.code, paid.stderr).toBe(0);
    const some = JSON.parse((await runCrm(['--db', db, 'report', 'receivables', ...asOf, '--format', 'json'])).stdout) as { rows: unknown[] };
    expect(some.rows.length).toBeGreaterThan(20);
    const capped = await runCrm(['--db', db, 'agenda', ...asOf, '--check']);
    expect(capped.code, capped.stderr).toBe(10);
    // --check counts every item, listed or not: the title's count.
    const total = /^Agenda for 2026-11-23: ([\d,]+) to do \(the first 20 of each kind\)\n/.exec(capped.stdout)![1]!.replace(/,/g, '');
    expect(capped.stderr).toBe(`crm: agenda: ${total} things to do\n`);
    expect(capped.stdout).toMatch(/\n… and [\d,]+ more customers owing for over 60 days \(crm report receivables\)\n/);
    const all = await runCrm(['--db', db, 'agenda', ...asOf, '--all', '--format', 'csv']);
    expect(all.stdout.split('\r\n').filter((line) => line.includes(',receivable_over_60_days,')).length).toBeGreaterThan(20);
  });
});

describe('crm clv refusing', () => {
  it('says in one line why, what would make it work and what to use meanwhile; exit 1', async () => {
    const { db } = await sampleDb(true);
    const result = await runCrm(['--db', db, 'clv', '--as-of', '2025-02-01']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'crm: too little data for a CLV model: 10 customers with repeat purchases (of 21); at least 30 are needed (2 months of history: it works once more ' +
        'customers have bought again, with older orders imported or a later --as-of; meanwhile crm rfm and crm segment rank customers by the same orders without a model)\n',
    );
  });
});
