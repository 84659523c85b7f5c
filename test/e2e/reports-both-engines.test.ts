// The samples on SQLite and the same rows on PostgreSQL: every report, the agenda and the dashboard (its page and the
// data behind it) print the same bytes on both engines, in UTC and in Asia/Shanghai, where contacts and complaints
// close to midnight fall on another day than in UTC (docs/rules.md#dates). The PostgreSQL database is filled from the
// SQLite file by crm db copy, so the internal ids the reports show (a follow-up's, a complaint's) are the same.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeTarget } from '../../src/db/open-store.js';
import { setStoreZone } from '../../src/db/day-bounds.js';
import { overview } from '../../src/db/overview.js';
import * as money from '../../src/db/receivables.js';
import * as customers from '../../src/db/report-customers.js';
import * as people from '../../src/db/report-people.js';
import * as sales from '../../src/db/report-sales.js';
import { defaultHighValueSegments } from '../../src/analysis/snapshot.js';
import { gatherDashboard } from '../../src/report/dashboard/data.js';
import { resolvePeriod, type ResolvedPeriod } from '../../src/report/period.js';
import { reportCatalogue } from '../../src/report/catalogue.js';
import { runCrm, samples, type RunOptions } from '../helpers/cli.js';
import { sameDataOn } from '../helpers/same-data.js';
import { postgresAvailable, query } from '../helpers/engines.js';

const asOf = '2026-10-31';

/** The rows of a read in batches, all together (to compare the engines' outputs whole). */
async function collect<T>(batches: AsyncIterable<readonly T[]>): Promise<T[]> {
  const rows: T[] = [];
  for await (const batch of batches) rows.push(...batch);
  return rows;
}
// Noon UTC on the as-of day: the same calendar day in UTC and in Shanghai.
const now = new Date(`${asOf}T12:00:00Z`);
const zones = ['UTC', 'Asia/Shanghai'] as const;

let dir: string | undefined;
let sqlite: string;
let postgres: string;

const run = (db: string, argv: string[], zone: string, at: Date = now) => runCrm(['--db', db, ...argv], { now: at, env: { TZ: zone } } satisfies RunOptions);

beforeAll(async () => {
  if (!postgresAvailable) return;
  // A folder of its own: tempDir()'s goes after the first test, and every test here reads this file.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-engines-'));
  sqlite = path.join(dir, 'crm.db');
  const must = async (argv: string[], at: Date = now, zone = 'UTC') => {
    const result = await run(sqlite, argv, zone, at);
    if (result.code !== 0) throw new Error(`crm ${argv.join(' ')}: ${result.stderr}`);
  };
  await must(['init']);
  for (const kind of ['customers', 'orders', 'interactions', 'payments', 'surveys']) await must(['import', kind, path.join(samples, `${kind}.csv`)]);
  // Follow-ups done close to midnight: 23:30 UTC is 07:30 the next day in Shanghai, 15:30 UTC is 23:30 the same day.
  const due = await query<{ id: number; follow_up_at: string }>(sqlite, 'SELECT id, follow_up_at FROM interactions WHERE follow_up_at IS NOT NULL AND follow_up_done_at IS NULL ORDER BY id LIMIT 6');
  for (const [index, followUp] of due.entries()) {
    const day = followUp.follow_up_at.slice(0, 10);
    await must(['followups', 'done', String(followUp.id)], new Date(`${day}T${index % 2 === 0 ? '23:30' : '15:30'}:00Z`));
  }
  // Complaints opened and resolved near midnight, one still open (on the agenda after a week).
  await must(['complaint', 'open', 'C0001', '--summary', 'box dented', '--at', '2026-10-01T23:50:00Z']);
  await must(['complaint', 'resolve', '1', '--resolution', 'new box'], new Date('2026-10-04T16:10:00Z'));
  await must(['complaint', 'open', 'C0002', '--summary', '茶叶受潮', '--severity', 'high', '--at', '2026-10-15T16:30:00Z']);
  await must(['complaint', 'open', 'C0003', '--summary', 'late', '--at', '2026-10-23T15:59:00Z']);
  // A snapshot a month back, so the agenda compares valuable customers with it.
  await must(['snapshot', 'save', '--as-of', '2026-09-30']);
  postgres = await sameDataOn('postgres', sqlite);
}, 300_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The report flags each report is run with: its default period, a relative one and a calendar month. */
const reportRuns: [string, string[]][] = reportCatalogue.flatMap((entry): [string, string[]][] => [
  [entry.name, ['--as-of', asOf]],
  [entry.name, ['--as-of', asOf, '--period', '90d']],
  [entry.name, ['--period', '2026-10']],
]);

describe.skipIf(!postgresAvailable).each(zones)('SQLite and PostgreSQL print the same in %s', (zone) => {
  it.for(reportRuns)('crm report %s %j', async ([name, flags]) => {
    for (const format of ['json', 'table']) {
      const onFile = await run(sqlite, ['report', name, ...flags, '--format', format], zone);
      const onServer = await run(postgres, ['report', name, ...flags, '--format', format], zone);
      expect(onFile.code, onFile.stderr).toBe(0);
      expect(onServer.stderr).toBe(onFile.stderr);
      expect(onServer.code).toBe(0);
      expect(onServer.stdout).toBe(onFile.stdout);
    }
  });

  it.for(['', '--all', '--include-partners'])('crm agenda --check %s', async (flag) => {
    const flags = flag === '' ? [] : [flag];
    for (const format of ['json', 'table']) {
      const argv = ['agenda', '--as-of', asOf, '--check', ...flags, '--format', format];
      const onFile = await run(sqlite, argv, zone);
      const onServer = await run(postgres, argv, zone);
      expect(onFile.code, onFile.stderr).toBe(10);
      expect(onServer.code).toBe(10);
      expect(onServer.stdout).toBe(onFile.stdout);
    }
  });

  it.for([['--as-of', asOf], ['--period', '2026']])('crm dashboard %j: the page and the data behind it', async (flags) => {
    const onFile = await run(sqlite, ['dashboard', ...flags], zone);
    const onServer = await run(postgres, ['dashboard', ...flags], zone);
    expect(onFile.code, onFile.stderr).toBe(0);
    expect(onServer.code).toBe(0);
    expect(onServer.stdout).toBe(onFile.stdout);
    const data = async (db: string) => {
      const sql = await openStore(storeTarget(db, process.cwd()), { env: process.env });
      try {
        await setStoreZone(sql, zone);
        const period = (fallback: string | undefined): ResolvedPeriod => {
          const resolved = resolvePeriod({ period: flags[0] === '--period' ? flags[1] : fallback, asOf: flags[0] === '--as-of' ? flags[1] : undefined, today: asOf });
          if (typeof resolved === 'string') throw new Error(resolved);
          return resolved;
        };
        return JSON.stringify(await gatherDashboard(sql, { summaryPeriod: period('30d'), analysisPeriod: period(undefined), lang: 'en', today: asOf, zone }));
      } finally {
        await sql.close();
      }
    };
    expect(await data(postgres)).toBe(await data(sqlite));
  });
});


describe.skipIf(!postgresAvailable)('the data close to midnight', () => {
  it('gives other days in Shanghai than in UTC, the same on both engines', async () => {
    const totals = async (db: string, zone: string) => {
      const { rows } = JSON.parse((await run(db, ['report', 'salespeople', '--as-of', asOf, '--format', 'json'], zone)).stdout) as { rows: Record<string, number>[] };
      const sum = (key: string) => rows.reduce((total, row) => total + row[key]!, 0);
      return { onTime: sum('followups_on_time'), late: sum('followups_late') };
    };
    const utc = await totals(sqlite, 'UTC');
    const shanghai = await totals(sqlite, 'Asia/Shanghai');
    // A follow-up done at 23:30 UTC on its due day is done the next morning in Shanghai: late there, on time in UTC.
    expect(shanghai.late).toBeGreaterThan(utc.late);
    expect(await totals(postgres, 'UTC')).toEqual(utc);
    expect(await totals(postgres, 'Asia/Shanghai')).toEqual(shanghai);
  });
});

describe.skipIf(!postgresAvailable).each(zones)('the report store functions in %s', (zone) => {
  it('return the same rows on both engines, for every period kind', async () => {
    const rowsOf = async (db: string): Promise<string> => {
      const sql = await openStore(storeTarget(db, process.cwd()), { env: process.env });
      try {
        await setStoreZone(sql, zone);
        const out: Record<string, unknown> = {};
        const ids = await sql.column<number>('SELECT id FROM customers ORDER BY id LIMIT 60');
        for (const [label, window] of Object.entries({
          all: { since: null, asOf },
          autumn: { since: '2026-08-01', asOf },
          partners: { since: '2026-01-01', asOf, includePartners: true },
        })) {
          out[`${label} coverage`] = [await sales.orderCoverage(sql, window), await sales.orderCoverage(sql, window, true)];
          out[`${label} products`] = await sales.productTotals(sql, window);
          out[`${label} profits`] = await sales.customerProfits(sql, window);
          out[`${label} cohorts`] = await sales.cohortCells(sql, window);
          out[`${label} months`] = await sales.monthlyRevenue(sql, window);
          out[`${label} totals`] = await sales.salesTotals(sql, window);
          out[`${label} returns`] = await customers.returnFacts(sql, window);
          out[`${label} surveys`] = await collect(customers.surveyBatches(sql, window));
          out[`${label} owner sales`] = await people.ownerSales(sql, window);
          out[`${label} owner contacts`] = await people.ownerContacts(sql, window);
          out[`${label} complaints`] = await people.complaintTimes(sql, window);
        }
        for (const day of ['2026-10-02', '2026-10-16', asOf]) {
          out[`${day} values`] = await customers.customerValues(sql, ids, day);
          out[`${day} open complaints`] = await customers.openComplaintCount(sql, day);
          out[`${day} follow-ups`] = [await customers.openFollowUpCount(sql, null, day), await customers.openFollowUpCount(sql, day, day)];
          out[`${day} valuable`] = await customers.valuableColumnsInLastSnapshot(sql, day, 1, defaultHighValueSegments).then((columns) => Array.from({ length: columns.count }, (_, at) => columns.standingAt(at)));
          out[`${day} receivables`] = [await money.paymentsRecorded(sql), await collect(money.receivableBatches(sql, day)), await money.receivableTotals(sql, day), await money.advancePayments(sql, day)];
        }
        out.overview = await overview(sql);
        return JSON.stringify(out, null, 1);
      } finally {
        await sql.close();
      }
    };
    const onFile = await rowsOf(sqlite);
    // Something to compare: the snapshot names valuable customers, someone owes, a complaint is open.
    expect(onFile).toContain('"segment"');
    expect(onFile).toContain('"owed_cents"');
    expect(await rowsOf(postgres)).toBe(onFile);
  }, 120_000);
});
