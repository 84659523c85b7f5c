// The built `crm` binary runs every report in every format (same bytes as the golden files), writes --output, refuses
// bad periods; on SQLite and on PostgreSQL holding the same rows by crm db copy (the golden files are the same for both).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCrm } from '../helpers/cli.js';
import { sameDataOn } from '../helpers/same-data.js';
import { engines, newDatabase } from '../helpers/engines.js';
import { formatExtension, goldenDir } from '../helpers/golden.js';
import { reportFixture, type ReportFixture } from '../helpers/report-fixture.js';

let fixture: ReportFixture;
beforeAll(async () => {
  fixture = await reportFixture();
});
afterAll(() => fixture?.remove());

const reports: Record<string, string[]> = {
  list: [], products: [], profit: [], salespeople: [], receivables: [], cohorts: [],
  summary: ['--period', '90d'], lost: ['--period', '90d'], satisfaction: ['--period', '90d'],
};
const formats = ['table', 'json', 'csv', 'md'] as const;

describe.each(engines)('on %s', (engine) => {
  let db: string;
  beforeAll(async () => {
    db = await sameDataOn(engine, fixture.db);
  });

  describe.each(Object.entries(reports))('crm report %s (spawned)', (name, flags) => {
    it.for(formats)('--format %s', (format) => {
      const result = spawnCrm(['--db', db, 'report', name, ...(name === 'list' ? [] : ['--as-of', '2026-11-23', ...flags]), '--format', format]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(fs.readFileSync(path.join(goldenDir, `${name}.${formatExtension[format]}`), 'utf8'));
    });
  });

  describe('crm agenda (spawned)', () => {
    it.for(formats)('--check --format %s exits 10 with the golden list', (format) => {
      const result = spawnCrm(['--db', db, 'agenda', '--as-of', '2026-11-23', '--check', '--format', format]);
      expect(result.code).toBe(10);
      expect(result.stdout).toBe(fs.readFileSync(path.join(goldenDir, `agenda.${formatExtension[format]}`), 'utf8'));
    });
  });

  describe('crm report (spawned)', () => {
    it('--output writes the file and says so on stderr only', () => {
      const file = path.join(fixture.dir, `receivables-${engine}.csv`);
      const result = spawnCrm(['--db', db, 'report', 'receivables', '--as-of', '2026-11-23', '--format', 'csv', '--output', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`wrote 4 rows to ${file}\n`);
      // A file gets the byte order mark Excel needs for Chinese names; the rest is what stdout prints.
      expect(fs.readFileSync(file, 'utf8')).toBe(`\uFEFF${fs.readFileSync(path.join(goldenDir, 'receivables.csv'), 'utf8')}`);
    });

    it.each([
      [['--period', '13q'], '--period "13q" is not one of'],
      [['--period', '30d', '--since', '2026-01-01'], 'cannot be used together'],
      [['--period', '2025', '--as-of', '2025-06-30'], 'leave out --as-of'],
      [['--as-of', 'yesterday'], '--as-of: "yesterday" is not a date'],
      [['--format', 'xml'], "argument 'xml' is invalid"],
    ])('%j is a usage error (exit 2)', (flags, message) => {
      const result = spawnCrm(['--db', db, 'report', 'products', ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    });

    it('a missing database is exit 4 with the way to create one', async () => {
      // On PostgreSQL: a database the server has, with no crm schema in it.
      const none = engine === 'sqlite' ? path.join(fixture.dir, 'none.db') : await newDatabase(engine);
      const result = spawnCrm(['--db', none, 'report', 'products']);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('crm init');
    });
  });
});
