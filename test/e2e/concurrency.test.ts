// Concurrency: while a large import runs in one process, listings, reports, exports and backups in others
// succeed (WAL + busy timeout) and see either the old or the new data, never an error or half an import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrmAsync } from '../helpers/cli.js';
import { count, withDb } from '../helpers/db.js';
import { writeCustomersFile } from '../helpers/generate.js';

const ROWS = 200_000;
let dir: string;
let db: string;
let big: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-concurrency-'));
  db = path.join(dir, 'crm.db');
  await runCrm(['--db', db, 'init']);
  await runCrm(['--db', db, 'import', 'customers', path.join(samples, 'customers.csv')]);
  big = path.join(dir, 'big.csv');
  writeCustomersFile(big, ROWS);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function crm(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCrmAsync(['--db', db, ...argv], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

interface Observation {
  what: string;
  sawNew: boolean;
  /** Started while the import was still running (it may end after the commit: then either answer is right). */
  duringImport: boolean;
}

describe('concurrent use', () => {
  it('readers in other processes succeed during a large import and see all of it or none of it', async () => {
    const importing = crm(['import', 'customers', big, '--format', 'json']);
    let importDone = false;
    const finished = importing.then((result) => {
      importDone = true;
      return result;
    });
    const observations: Observation[] = [];
    const before = 213; // the sample customers, partner and leads
    for (let round = 0; !importDone || observations.filter((o) => !o.duringImport).length < 3; round += 1) {
      let startedDuring = !importDone;
      const list = await crm(['customer', 'list', '--city', 'Atlantis', '--format', 'json']);
      expect(list.code, list.stderr).toBe(0);
      const atlantis = (JSON.parse(list.stdout) as unknown[]).length;
      expect([0, ROWS / 1000]).toContain(atlantis);
      observations.push({ what: 'customer list', sawNew: atlantis > 0, duringImport: startedDuring });

      startedDuring = !importDone;
      const exported = await crm(['export', 'customers']);
      expect(exported.code, exported.stderr).toBe(0);
      const lines = exported.stdout.trimEnd().split('\r\n').length - 1;
      expect([before, before + ROWS]).toContain(lines);
      observations.push({ what: 'export', sawNew: lines > before, duringImport: startedDuring });

      // The owner's report runs too (the imported customers have no orders, so its figures do not move).
      startedDuring = !importDone;
      const summary = await crm(['report', 'summary', '--as-of', '2026-10-31', '--format', 'json']);
      expect(summary.code, summary.stderr).toBe(0);
      expect(JSON.parse(summary.stdout)).toMatchObject({ report: 'summary' });
      observations.push({ what: 'report summary', sawNew: true, duringImport: startedDuring });

      const copy = path.join(dir, `backup-${round}.db`);
      startedDuring = !importDone;
      const backup = await crm(['backup', copy, '--format', 'json']);
      expect(backup.code, backup.stderr).toBe(0);
      expect(JSON.parse(backup.stdout).integrity).toBe('ok');
      const customers = count(copy, 'customers');
      expect([before, before + ROWS]).toContain(customers);
      observations.push({ what: 'backup', sawNew: customers > before, duringImport: startedDuring });
      fs.rmSync(copy);
    }
    const imported = await finished;
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ new: ROWS });
    // The readers really overlapped the import, and once it committed they saw all of it.
    expect(observations.filter((o) => o.duringImport).length).toBeGreaterThanOrEqual(3);
    expect(observations.filter((o) => !o.duringImport).every((o) => o.sawNew)).toBe(true);
    expect(withDb(db, (handle) => handle.pragma('integrity_check', { simple: true }))).toBe('ok');
  });
});
