// End-to-end: what a walk through the README turned up (a typo in --segment, crm demo and --db).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrm, tempDir } from '../helpers/cli.js';

async function samplesDb(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = tempDir();
  const env = { CRM_DB: path.join(dir, 'crm.db') };
  expect((await runCrm(['init'], { env })).code).toBe(0);
  for (const kind of ['customers', 'orders']) expect((await runCrm(['import', kind, path.join(samples, `${kind}.csv`)], { env })).code).toBe(0);
  return { dir, env };
}

describe('--segment names a segment of the scheme in force', () => {
  it.each([
    [['rfm', '--segment', 'At-Risk']],
    [['segment', '--customers', '--segment', 'AtRisk']],
    // cn8 has its own eight names: a name of the rules scheme is not one of them.
    [['segment', '--customers', '--scheme', 'cn8', '--segment', 'At Risk']],
  ])('crm %j: a segment that does not exist is a usage error (exit 2), not an empty list', async (argv) => {
    const { env } = await samplesDb();
    const result = spawnCrm([...argv, '--as-of', '2026-11-20', '--format', 'csv'], { env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    const segment = argv[argv.length - 1]!;
    expect(result.stderr).toContain(`--segment "${segment}": no such segment`);
    // The message names the segments there are, so the user can correct the typo.
    expect(result.stderr).toContain(argv.includes('cn8') ? 'Important value (重要价值客户)' : 'At Risk (有流失风险客户)');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([['at risk'], ['AT RISK'], ['有流失风险客户'], [' At Risk ']])('--segment "%s" (any case, Chinese, spaces around) still lists the At Risk customers', async (name) => {
    const { env } = await samplesDb();
    const wanted = spawnCrm(['segment', '--customers', '--segment', 'At Risk', '--as-of', '2026-11-20', '--format', 'csv'], { env });
    expect(wanted.code, wanted.stderr).toBe(0);
    // The samples as of their last order have 10 At Risk customers (crm demo's segment table): header + 10 rows.
    expect(wanted.stdout.trim().split('\r\n')).toHaveLength(11);
    const result = spawnCrm(['segment', '--customers', '--segment', name, '--as-of', '2026-11-20', '--format', 'csv'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(wanted.stdout);
  });

  it('an empty segment that exists is still an empty list, exit 0', async () => {
    const { env } = await samplesDb();
    // The default rules leave Others empty on the samples (crm demo's segment table shows 0).
    const result = spawnCrm(['rfm', '--segment', 'Others', '--as-of', '2026-11-20', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual([]);
  });
});

describe('crm demo and where its database goes', () => {
  it('crm --db FILE demo builds the demo in FILE (not ./demo.db), and runs again over its own database', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tour.db');
    for (let run = 0; run < 2; run++) {
      const result = spawnCrm(['--db', file, 'demo'], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`a fresh database at ${file}`);
    }
    expect(fs.existsSync(path.join(dir, 'demo.db'))).toBe(false);
    // 200 customers, 12 leads (6 convert), 1 partner: the demo's overview says 206 customers (README "CSV formats").
    const customers = spawnCrm(['--db', file, 'customer', 'list', '--kind', 'customer', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(customers.stdout)).toHaveLength(206);
  });

  it('refuses to replace a database it did not make (exit 2) and leaves it byte for byte as it was', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'crm.db');
    // A user who followed the README: crm init, then the sample customers, then their own work.
    expect((await runCrm(['--db', file, 'init'])).code).toBe(0);
    expect((await runCrm(['--db', file, 'import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
    expect((await runCrm(['--db', file, 'log', 'C0001', '--kind', 'call', '--summary', 'my own note'])).code).toBe(0);
    const before = fs.readFileSync(file);
    for (const argv of [['demo', '--db-file', file], ['--db', file, 'demo']]) {
      const result = spawnCrm(argv, { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `crm: crm demo: ${file} exists and is not a database crm demo made; the demo starts from an empty file, so it would be deleted. Nothing was changed: give another --db-file, or remove the file yourself`,
      );
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    }
    // Not a database at all: refused the same way.
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'my notes\n');
    expect(spawnCrm(['demo', '--db-file', notes], { cwd: dir }).code).toBe(2);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes\n');
  });

  it('--db and --db-file naming two files is a usage error', () => {
    const dir = tempDir();
    const result = spawnCrm(['--db', 'a.db', 'demo', '--db-file', 'b.db'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('crm: crm demo: --db a.db and --db-file b.db name two files; give one');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('the help matches the README', () => {
  it('crm report --help names every report crm report list has', () => {
    const list = spawnCrm(['report', 'list', '--format', 'json']);
    const names = (JSON.parse(list.stdout).rows as { report: string }[]).map((row) => row.report);
    expect(names).toContain('funnel');
    const help = spawnCrm(['report', '--help']).stdout;
    const description = help.split('\n\n')[1]!.replace(/\s+/g, ' ');
    for (const name of names) expect(description).toContain(name);
  });

  it('crm --help lists every exit code of the README, 10 of crm agenda --check too', () => {
    const help = spawnCrm(['--help']).stdout;
    expect(help).toContain('Exit codes: 0 ok, 1 failure, 2 usage error, 3 input rows rejected, 4 database problem, 10 crm agenda --check found something to do.');
  });

  it('crm import --help shows the CDNOW example on two lines joined by a backslash, as the README does', () => {
    const help = spawnCrm(['import', '--help']).stdout;
    expect(help).toContain('--delimiter whitespace \\\n      --columns customer_id,-,order_date,-,amount --create-customers');
  });
});

describe('crm import --on-error skip lists the problems as the README writes them', () => {
  it('file:line: field "value": reason, the same lines as --on-error abort prints', async () => {
    const { dir, env } = await samplesDb();
    const file = path.join(samples, 'bad-orders.csv');
    const abort = spawnCrm(['import', 'orders', file], { env });
    expect(abort.code).toBe(3);
    const skip = spawnCrm(['import', 'orders', file, '--on-error', 'skip', '--rejects', path.join(dir, 'rejects.csv')], { env });
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.stdout).toContain(`  ${file}:2: order_date "2026-02-30": not a valid date`);
    expect(skip.stdout).toContain(`  ${file}:7: amount "1e400": not an amount`);
    // An empty value has no quotes to show.
    expect(skip.stdout).toContain(`  ${file}:5: customer_id: required value is empty`);
    const lines = (text: string) => text.split('\n').filter((line) => line.startsWith(`  ${file}:`)).map((line) => line.trim());
    expect(lines(skip.stdout)).toEqual(lines(abort.stderr));
    expect(lines(skip.stdout)).toHaveLength(5);
  });
});

describe('a calendar --period still running ends today', () => {
  it('crm report summary --period 2026-11 on 2026-11-23 is November 1–23: a follow-up due on the 26th is not overdue yet', async () => {
    const { env } = await samplesDb();
    // runCrm's clock is 2026-11-23 09:00 UTC.
    expect((await runCrm(['log', 'C0001', '--kind', 'call', '--summary', 'price list', '--follow-up', '2026-11-26'], { env })).code).toBe(0);
    const result = await runCrm(['report', 'summary', '--period', '2026-11', '--format', 'json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.as_of).toBe('2026-11-23');
    expect(summary.rows[0].period_start).toBe('2026-11-01');
    // Counted to November 30 the follow-up due on the 26th was "overdue" (the only one: the samples' interactions are not imported).
    expect(summary.rows[0].followups_overdue).toBe(0);
    const december = await runCrm(['report', 'summary', '--period', '2026-12'], { env });
    expect(december.code).toBe(2);
    expect(december.stderr).toBe('crm: --period 2026-12 has not started yet (today is 2026-11-23)\n');
  });
});

describe('crm snapshot diff --high names segments like --segment does', () => {
  it('a typo is a usage error; any case and the Chinese names give the same list as the default', async () => {
    const { env } = await samplesDb();
    for (const asOf of ['2026-06-30', '2026-11-20']) expect((await runCrm(['snapshot', 'save', '--as-of', asOf], { env })).code).toBe(0);
    const typo = spawnCrm(['snapshot', 'diff', '--high', 'Champions,Loyal Customer'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(/^crm: --high: no segment "Loyal Customer" in the default rules or in these snapshots \(known: Champions, Potential Loyalist, Loyal Customers, /);
    const standard = spawnCrm(['snapshot', 'diff', '--customers', '--format', 'csv'], { env });
    expect(standard.code, standard.stderr).toBe(0);
    // Between June and November some valuable customers of the samples slipped: the list is not empty.
    expect(standard.stdout.trim().split('\r\n').length).toBeGreaterThan(1);
    const spelled = spawnCrm(['snapshot', 'diff', '--customers', '--format', 'csv', '--high', 'champions,忠诚客户,POTENTIAL LOYALIST'], { env });
    expect(spelled.code, spelled.stderr).toBe(0);
    expect(spelled.stdout).toBe(standard.stdout);
  });
});
