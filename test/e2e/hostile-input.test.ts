// The hostile-input corpus (test/fixtures/bad/): each file gives a clear error naming file and line,
// the right exit code, and leaves the database exactly as it was; metacharacters are stored literally.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmBin, projectRoot, runCrm, samples } from '../helpers/cli.js';
import { fullDump, withDb } from '../helpers/db.js';

const bad = path.join(projectRoot, 'test/fixtures/bad');
let dir: string;
let db: string;
let baseline: Record<string, unknown[]>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hostile-'));
  db = path.join(dir, 'crm.db');
  await runCrm(['--db', db, 'init']);
  await runCrm(['--db', db, 'import', 'customers', path.join(samples, 'customers.csv')]);
  baseline = fullDump(db);
  // A 10 MB field is generated rather than committed.
  fs.writeFileSync(path.join(dir, 'huge-field.csv'), `customer_id,name,notes\nG1,Anna,short\nG2,Bo,"${'x'.repeat(10 * 1024 * 1024)}"\nG3,Chen,ok\n`);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A way to run node: the launcher (node itself, or a wrapper around it) and spawn options. */
type Runner = { launcher: string[]; options: SpawnSyncOptions } | { skip: string };

function runNode(runner: { launcher: string[]; options: SpawnSyncOptions }, argv: string[], options: SpawnSyncOptions = {}) {
  return spawnSync(runner.launcher[0]!, [...runner.launcher.slice(1), ...argv], { ...options, ...runner.options, encoding: 'utf8' });
}

/**
 * How to run crm so that file modes bind it, for a read-only file that really is read-only.
 * A normal user: as is. Root ignores file modes (CAP_DAC_OVERRIDE), so it stays root, and can still
 * load bin/crm and dist/ from a checkout nobody else may read (a `mktemp -d` clone, mode 0700, as CI
 * makes), but without the capabilities that override file modes (setpriv drops them). Failing that,
 * it runs as nobody, when nobody can run the built crm; otherwise the test cannot be made here.
 */
function modesApplyingRunner(readOnlyFile: string): Runner {
  if (process.getuid?.() !== 0) return { launcher: [process.execPath], options: {} };
  const candidates = [
    { name: 'root without CAP_DAC_OVERRIDE (setpriv)', launcher: ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', process.execPath], options: {} },
    { name: 'uid 65534', launcher: [process.execPath], options: { uid: 65534, gid: 65534 } },
  ];
  const firstLine = (result: ReturnType<typeof runNode>): string => {
    const lines = String(result.stderr ?? '').trim().split('\n');
    const line = (lines.find((text) => /Error|EACCES|EPERM/.test(text)) ?? lines[0] ?? '').trim();
    return result.error?.message ?? (line || `exit ${result.status}`);
  };
  const reasons: string[] = [];
  for (const candidate of candidates) {
    // Exit 3 when the file cannot be opened for writing, as it should be.
    const write = runNode(candidate, ['-e', "try { require('fs').openSync(process.argv[1], 'r+') } catch { process.exit(3) }", readOnlyFile]);
    if (write.status !== 3) {
      reasons.push(`${candidate.name}: ${write.status === 0 ? 'can still write a 0444 file' : firstLine(write)}`);
      continue;
    }
    const version = runNode(candidate, [crmBin, '--version']);
    if (version.status !== 0) {
      reasons.push(`${candidate.name}: cannot run ${crmBin} (${firstLine(version)})`);
      continue;
    }
    return candidate;
  }
  return { skip: `skipped: running as root, and crm cannot be run with file modes applying here (${reasons.join('; ')})` };
}

interface Case {
  file: string;
  kind?: 'customers' | 'orders';
  args?: string[];
  code: number;
  /** The message, including where: "line N" on the first line or "FILE:N:" in the details. */
  message: RegExp;
}

const cases: Case[] = [
  { file: 'empty.csv', code: 3, message: /empty\.csv: line 1: the file is empty/ },
  { file: 'header-only.csv', code: 3, message: /header-only\.csv: line 2: no data rows after the header/ },
  { file: 'unclosed-quote.csv', code: 3, message: /unclosed-quote\.csv: line 3: a quoted field starting on this line is never closed/ },
  { file: 'nul-bytes.csv', code: 3, message: /nul-bytes\.csv:3: name "Bo\\0Nul": contains a NUL byte/ },
  { file: 'invalid-utf8.csv', code: 3, message: /invalid-utf8\.csv: line 3: invalid UTF-8 bytes/ },
  { file: 'invalid-utf8.csv', args: ['--encoding', 'utf8'], code: 3, message: /invalid-utf8\.csv: line 3: invalid UTF-8 bytes/ },
  { file: 'duplicate-headers.csv', code: 3, message: /duplicate-headers\.csv: line 1: columns "name" and "Name" both map to field name/ },
  { file: 'unknown-headers.csv', code: 3, message: /unknown-headers\.csv: line 1: missing required column customer_id/ },
  { file: 'impossible-date.csv', kind: 'orders', code: 3, message: /impossible-date\.csv:3: order_date "2026-02-30": not a valid date/ },
  { file: 'bad-amounts.csv', kind: 'orders', code: 3, message: /bad-amounts\.csv:2: amount "1e400": not an amount[^]*bad-amounts\.csv:3: amount "NaN"[^]*bad-amounts\.csv:4: amount "Infinity"/ },
  { file: '@huge-field.csv', code: 3, message: /huge-field\.csv: line 3: a record is larger than 1 MB/ },
  { file: '@', code: 2, message: /is a directory, not a CSV file/ },
  { file: '@missing.csv', code: 2, message: /missing\.csv: no such file/ },
];

describe('hostile and broken input', () => {
  it.each(cases.map((item) => ({ ...item, flags: (item.args ?? []).join(' ') })))('$file $flags → exit $code, database unchanged', async ({ file, kind, args, code, message }) => {
    const target = file.startsWith('@') ? path.join(dir, file.slice(1)) : path.join(bad, file);
    const result = await runCrm(['--db', db, 'import', kind ?? 'customers', target, ...(args ?? [])]);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    const [first, ...details] = result.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^crm: /);
    expect(first).toContain(target.replace(/\/$/, ''));
    expect(result.stderr).toMatch(message);
    expect(details.every((line) => line.startsWith('  '))).toBe(true);
    expect(fullDump(db)).toEqual(baseline);
  });

  it('mixed line endings (CRLF, LF and CR in one file) import correctly, with true line numbers', async () => {
    const copy = path.join(dir, 'mixed.db');
    fs.copyFileSync(db, copy);
    const result = await runCrm(['--db', copy, 'import', 'customers', path.join(bad, 'mixed-line-endings.csv'), '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows_read: 3, new: 3 });
    expect(withDb(copy, (handle) => handle.prepare("SELECT external_id, name, city FROM customers WHERE external_id LIKE 'B%' ORDER BY 1").all())).toEqual([
      { external_id: 'B1', name: 'Anna', city: 'Berlin' },
      { external_id: 'B2', name: 'Bo', city: 'Paris' },
      { external_id: 'B3', name: 'Chen', city: 'Shanghai' },
    ]);
    fs.writeFileSync(path.join(dir, 'mixed-bad.csv'), 'customer_id,name,email\r\nM1,Anna,a@example.com\nM2,Bo,bad-email\rM3,"Multi\nline",c@example.com\rM4,X,not-an-email\r\n');
    const bad2 = await runCrm(['--db', copy, 'import', 'customers', path.join(dir, 'mixed-bad.csv')]);
    expect(bad2.stderr).toContain('mixed-bad.csv:3: email "bad-email"');
    expect(bad2.stderr).toContain('mixed-bad.csv:6: email "not-an-email"');
  });

  it('stores SQL and shell metacharacters literally and executes nothing', async () => {
    const copy = path.join(dir, 'literal.db');
    fs.copyFileSync(db, copy);
    const file = path.join(bad, 'sql-and-shell.csv');
    const result = await runCrm(['--db', copy, 'import', 'customers', file, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ new: 2, rejected: 0 });
    const [header, ...records] = parse(fs.readFileSync(file)) as string[][];
    withDb(copy, (handle) => {
      for (const record of records) {
        const stored = handle.prepare(`SELECT ${header!.map((column) => (column === 'customer_id' ? 'external_id' : column)).join(', ')} FROM customers WHERE external_id = ?`).raw().get(record[0]) as (string | null)[];
        // Empty cells are stored as NULL; a leading ' before = is a spreadsheet's text prefix and is taken off.
        expect(stored).toEqual(record.map((cell) => (cell === '' ? null : cell.replace(/^'(?=[=+\-@])/, ''))));
      }
      expect(handle.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(215);
    });
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
  });

  it('a read-only database: exit 4, one line, file unchanged', (context) => {
    const roDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-ro-'));
    try {
      const roDb = path.join(roDir, 'crm.db');
      const input = path.join(roDir, 'customers.csv');
      withDb(db, (handle) => handle.pragma('wal_checkpoint(TRUNCATE)'), false);
      fs.copyFileSync(db, roDb);
      fs.copyFileSync(path.join(samples, 'customers.csv'), input);
      fs.chmodSync(input, 0o644);
      fs.chmodSync(roDb, 0o444);
      fs.chmodSync(roDir, 0o555);
      const bytes = fs.readFileSync(roDb);
      const runner = modesApplyingRunner(roDb);
      if ('skip' in runner) return context.skip(runner.skip);
      const result = runNode(runner, [crmBin, '--db', roDb, 'import', 'customers', input], {
        cwd: roDir, env: { ...process.env, NO_COLOR: '1', CRM_DB: undefined },
      });
      expect(result.status, result.stderr).toBe(4);
      expect(result.stderr.trim()).toBe(`crm: ${roDb}: the database is read-only; check the file and folder permissions`);
      expect(fs.readFileSync(roDb).equals(bytes)).toBe(true);
    } finally {
      fs.chmodSync(roDir, 0o755);
      fs.rmSync(roDir, { recursive: true, force: true });
    }
  });
});
