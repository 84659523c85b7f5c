// Numbers and dates in flags beyond any sensible range: one line naming the flag and the range, exit 2;
// never an internal message ("datatype mismatch", "Invalid time value") or a stack overflow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';

const huge = '9999999999999999999';
let dir: string;
let db: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-flag-limits-'));
  db = path.join(dir, 'crm.db');
  await runCrm(['--db', db, 'init']);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('whole-number flags', () => {
  it.each([
    [['customer', 'list', '--limit', huge], `crm: --limit: "${huge}" is not a whole number from 1 to 10000000`],
    [['customer', 'search', 'a', '--limit', huge], `crm: --limit: "${huge}" is not a whole number from 1 to 10000000`],
    [['import', 'log', '--limit', huge], `crm: --limit: "${huge}" is not a whole number from 1 to 10000000`],
    [['rfm', '--limit', huge], `crm: --limit: "${huge}" is not a whole number from 1 to 10000000`],
    [['clv', '--limit', '0'], 'crm: --limit: "0" is not a whole number from 1 to 10000000'],
    [['loyalty', '--window', huge], `crm: --window: "${huge}" is not a whole number from 1 to 3650`],
    [['loyalty', '--window', '3651'], 'crm: --window: "3651" is not a whole number from 1 to 3650'],
    [['loyalty', '--willing-at', '1e300'], 'crm: --willing-at: "1e300" is not a number above 0 and at most 10 (C runs from 0.1 to 10)'],
    [['backup', '--keep', huge], `crm: --keep: "${huge}" is not a whole number from 1 to 100000`],
    [['import', 'undo', huge, '--yes'], `crm: RUN: "${huge}" is not an id (a whole number such as 12)`],
    [['rfm', '--bins', huge], `crm: --bins: "${huge}" is not a whole number from 2 to 9`],
    [['campaign', 'create', 'x', '--seed', huge], `crm: --seed: "${huge}" is not a whole number from 0 to 999999999999999`],
    [['campaign', 'create', 'x', '--window', '99999w'], 'crm: --window: "99999w" is not a number of days from 1 to 3650 (e.g. 60d or 8w)'],
    [['report', 'products', '--period', `${huge}d`], `crm: --period "${huge}d" is too long: at most 36500d or 1200m (a hundred years)`],
  ])('%j', async (argv, message) => {
    const result = await runCrm(['--db', db, ...argv]);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
  });
});

describe('date flags out of range say the range', () => {
  const range = 'is outside the dates crm accepts (1900-01-01 to 2200-12-31)';
  it.each([
    [['rfm', '--as-of', '9999-12-31'], `crm: --as-of: "9999-12-31" ${range}`],
    [['rfm', '--since', '0001-01-01'], `crm: --since: "0001-01-01" ${range}`],
    [['report', 'summary', '--as-of', '99991231'], `crm: --as-of: "99991231" ${range}`],
    [['report', 'products', '--period', '0001'], `crm: --period 0001 ${range}`],
    [['log', 'C1', '--kind', 'call', '--summary', 'x', '--at', '9999-01-01 10:00'], `crm: --at: "9999-01-01 10:00" ${range}`],
    [['log', 'C1', '--kind', 'call', '--summary', 'x', '--follow-up', '9999-01-01'], `crm: --follow-up: "9999-01-01" ${range}`],
  ])('%j', async (argv, message) => {
    if (argv[0] === 'log') await runCrm(['--db', db, 'customer', 'add', 'Anna', '--id', 'C1']);
    const result = await runCrm(['--db', db, ...argv]);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
  });

  it('a date that is not a date still says the form to use', async () => {
    const result = await runCrm(['--db', db, 'rfm', '--as-of', '2026-02-30']);
    expect(result.stderr).toBe('crm: --as-of: "2026-02-30" is not a date (use YYYY-MM-DD)\n');
  });
});

describe('a rules table with 100,000 rules', () => {
  it('is refused in one line naming the limit, not with a stack overflow', async () => {
    const file = path.join(dir, 'rules.csv');
    const lines = ['segment,segment_zh,r_low,r_high,f_low,f_high,m_low,m_high'];
    for (let index = 0; index < 100_000; index += 1) lines.push(`S${index},,1,5,1,5,1,5`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    for (const argv of [['segment', '--rules', file], ['segment', 'rules', '--rules', file, '--check']]) {
      const result = await runCrm(['--db', db, ...argv]);
      expect(result.stderr).toBe(`crm: ${file}: 100000 rules; a rules table has at most 1000 (scores 1..9 make only 729 combinations to file)\n`);
      expect(result.code).toBe(3);
    }
  });
});
