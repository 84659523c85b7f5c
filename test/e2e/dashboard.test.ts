// crm dashboard end to end: the built binary on the samples writes one self-contained page whose figures are the other
// commands'; on SQLite and on PostgreSQL holding the same rows (filled from the SQLite file by crm db copy).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCrm, tempDir, type RunResult } from '../helpers/cli.js';
import { sameDataOn } from '../helpers/same-data.js';
import { dashboardAsOf, hostileName, longName, longOwner, sampleDatabase, type SampleDatabase } from '../helpers/dashboard.js';
import { engines, newDatabase, type Engine } from '../helpers/engines.js';

let samples: SampleDatabase;

const attributeValues = (page: string, pattern: RegExp): string[] => [...page.matchAll(pattern)].map((match) => match[1]!);
const money = (units: number): string => units.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

beforeAll(() => {
  samples = sampleDatabase();
});

afterAll(() => samples?.remove());

/** A sample database's rows on ENGINE, and crm run on them (spawned) in the sample's folder. */
async function onEngine(engine: Engine, sample: SampleDatabase): Promise<(argv: string[]) => RunResult> {
  const db = await sameDataOn(engine, sample.db);
  return (argv) => spawnCrm(['--db', db, ...argv], { cwd: sample.dir });
}

describe.each(engines)('crm dashboard on %s', (engine) => {
  let crm: (argv: string[]) => RunResult;
  let html: string;
  const page = `report-${engine}.html`;
  const json = (argv: string[]) => {
    const result = crm([...argv, '--as-of', dashboardAsOf, '--format', 'json', '--lang', 'en']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { rows: Record<string, unknown>[] };
  };

  beforeAll(async () => {
    crm = await onEngine(engine, samples);
    const result = crm(['dashboard', '--as-of', dashboardAsOf, '--lang', 'en', '--output', page]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`wrote the dashboard as of ${dashboardAsOf} to ${page}\n`);
    html = fs.readFileSync(path.join(samples.dir, page), 'utf8');
  }, 120_000);

  it('writes one self-contained page, readable by its owner only', () => {
    expect(fs.statSync(path.join(samples.dir, page)).mode & 0o777).toBe(0o600);
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // Nothing to fetch: no src/href attributes, no CSS url() or @import, no script; the only URL is the SVG namespace.
    expect(html).not.toMatch(/\s(src|href)=|url\(|@import|<script|<link|<img|<iframe/i);
    expect(new Set(html.match(/https?:\/\/[^\s"'<>]+/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;`);
    expect(html).toContain('@page { size: A4 portrait; margin: 12mm; }');
  });

  it('has every section the issue lists', () => {
    for (const id of ['key-figures', 'pyramid', 'segments', 'months', 'cohorts', 'lifecycle', 'loyalty', 'top-customers', 'win-back']) {
      expect(html, id).toContain(`<section id="${id}"`);
    }
    for (const chart of ['pyramid', 'segment-customers', 'segment-revenue', 'rf-heat', 'months', 'cohorts', 'lifecycle', 'loyalty']) {
      expect(html, chart).toContain(`data-chart="${chart}"`);
    }
  });

  it('shows the key figures of crm report summary', () => {
    const [summary] = json(['report', 'summary']).rows as [Record<string, number>];
    for (const key of ['revenue', 'profit', 'owed']) {
      expect(html).toMatch(new RegExp(`data-figure="${key}"><div class="card-label">[^<]+</div><div class="card-value">${money(summary[key]!)}</div>`));
    }
    expect(html).toMatch(new RegExp(`data-figure="active_customers"><div class="card-label">[^<]+</div><div class="card-value">${summary.active_customers}</div>`));
    expect(html).toMatch(new RegExp(`data-figure="followups_overdue">.*?<div class="card-value">${summary.followups_overdue}</div>`));
  });

  it('draws the pyramid, segments and lifecycle from the same values as crm pyramid, crm segment and crm lifecycle', () => {
    const pyramid = json(['pyramid']).rows;
    expect(attributeValues(html, /data-tier="\w+" data-customers="(\d+)"/g).map(Number)).toEqual(pyramid.map((row) => row.customers));
    expect(attributeValues(html, /data-tier="(\w+)"/g)).toEqual(['platinum', 'gold', 'iron', 'lead']);
    const segments = json(['segment']).rows;
    const segmentSvg = html.match(/<svg[^>]*data-chart="segment-customers".*?<\/svg>/s)![0];
    expect(attributeValues(segmentSvg, /class="mark bar"[^>]*data-value="(\d+)"/g).map(Number)).toEqual(segments.map((row) => row.customers));
    const lifecycle = json(['lifecycle']).rows;
    const lifecycleSvg = html.match(/<svg[^>]*data-chart="lifecycle".*?<\/svg>/s)![0];
    expect(attributeValues(lifecycleSvg, /class="mark bar"[^>]*data-value="(\d+)"/g).map(Number)).toEqual(lifecycle.map((row) => row.customers));
  });

  it('lists the top 20 customers of crm report profit and the win-back list of crm report lost', () => {
    const profit = json(['report', 'profit']).rows;
    const table = html.match(/<table data-table="top-customers">.*?<\/table>/s)![0];
    expect(table.match(/<tr>/g)).toHaveLength(21);
    expect(table).toContain(`<td class="text">${profit[0]!.customer_id}</td><td class="text">${profit[0]!.name}</td>`);
    expect(table).toContain(`<td class="text">${profit[19]!.customer_id}</td><td class="text">${profit[19]!.name}</td>`);
    const lost = json(['report', 'lost']).rows;
    const winBack = html.match(/<table data-table="win-back">.*?<\/table>/s)![0];
    expect(winBack.match(/<tr>/g)).toHaveLength(Math.min(20, lost.length) + 1);
    expect(winBack).toContain(`<td class="text">${lost[0]!.customer_id}</td><td class="text">${lost[0]!.name}</td>`);
  });

  it('takes --since like the reports: the key figures and the charts then cover that span', () => {
    const since = '2026-01-01';
    const result = crm(['dashboard', '--since', since, '--as-of', dashboardAsOf, '--lang', 'en']);
    expect(result.code, result.stderr).toBe(0);
    const page = result.stdout;
    expect(page).toContain(`Charts and tables: orders ${since} … ${dashboardAsOf}.`);
    const [summary] = json(['report', 'summary', '--since', since]).rows as [Record<string, number>];
    expect(page).toMatch(new RegExp(`data-figure="revenue"><div class="card-label">[^<]+</div><div class="card-value">${money(summary.revenue!)}</div>`));
    const pyramid = json(['pyramid', '--since', since]).rows;
    expect(attributeValues(page, /data-tier="\w+" data-customers="(\d+)"/g).map(Number)).toEqual(pyramid.map((row) => row.customers));
    // A different span from the default page: fewer customers bought since January than ever.
    expect(pyramid.reduce((sum, row) => sum + Number(row.customers), 0)).toBeLessThan(200);
    // The months chart covers the same span: January to October 2026, ten months, not the 24 up to October.
    expect(attributeValues(page, /class="mark bar revenue"[^>]*data-month="([\d-]+)"/g)).toEqual(Array.from({ length: 10 }, (_, index) => `2026-${String(index + 1).padStart(2, '0')}`));
    expect(page).toContain('<h2>Revenue and profit by month since 2026-01-01</h2>');
  });

  it('gives the same bytes for the same data and flags (no clock in the page)', () => {
    const again = crm(['dashboard', '--as-of', dashboardAsOf, '--lang', 'en']);
    expect(again.stdout).toBe(html);
  });

  it('labels everything in Chinese with --lang zh', () => {
    const result = crm(['dashboard', '--as-of', dashboardAsOf, '--lang', 'zh']);
    expect(result.code, result.stderr).toBe(0);
    const page = result.stdout;
    expect(page.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
    for (const text of ['客户经营看板', '关键指标', '客户价值金字塔', '铂金客户', 'RFM 客户细分', '冠军客户', '近 24 个月销售额与利润', '客户留存', '客户关系生命周期', '考察期', '客户忠诚的四种类型', '利润前 20 位客户', '挽回名单', '销售额']) {
      expect(page, text).toContain(text);
    }
    // No English chart or section heading is left.
    expect(page).not.toMatch(/Key figures|Customer value pyramid|Lifecycle stages|Win-back list|of customers ·|Nothing to show/);
  });

  it('shows a hostile customer name as text', async () => {
    const hostile = sampleDatabase({ empty: true });
    try {
      hostile.addHostileCustomer();
      const result = (await onEngine(engine, hostile))(['dashboard', '--as-of', dashboardAsOf, '--lang', 'en']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/<script|<img|<b>|<i>|onerror="/i);
      // 87 characters: the cell shows the first 59 and "…", the tooltip all of it, both escaped.
      expect(result.stdout).toContain('<td class="text long" title="&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;Tom &quot;Tea&quot; &amp; Co&#39;s">' +
        '&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window…</td>');
      expect(result.stdout).toContain('<td class="text">&quot;owner&quot; &lt;i&gt;</td>');
      // The 200-character name and owner are cut to 60 characters (59 and "…"), whole in the tooltip.
      expect(result.stdout).toContain(`<td class="text long" title="${longName}">${longName.slice(0, 59)}…</td><td class="text long" title="${longOwner}">${longOwner.slice(0, 59)}…</td>`);
      expect(hostileName).toContain('<script>');
    } finally {
      hostile.remove();
    }
  });

  it('says so on an empty database, exit 0', async () => {
    const empty = sampleDatabase({ empty: true });
    try {
      const result = (await onEngine(engine, empty))(['dashboard', '--as-of', dashboardAsOf, '--lang', 'en']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.match(/Nothing to show for this period\./g)).toHaveLength(9);
      expect(result.stdout).not.toContain('class="mark');
    } finally {
      empty.remove();
    }
  });

  it('rejects bad flags (exit 2) and a missing database (exit 4) with one line', async () => {
    const cases: [string[], number, RegExp][] = [
      [['dashboard', '--lang', 'fr'], 2, /--lang.*fr/],
      [['dashboard', '--as-of', '2026-13-01'], 2, /^crm: --as-of: "2026-13-01" is not a date/],
      [['dashboard', '--since', '2026-11-01', '--as-of', '2026-10-31'], 2, /^crm: --since 2026-11-01 is after the as-of date 2026-10-31/],
      [['dashboard', '--period', '2026', '--as-of', '2026-10-31'], 2, /^crm: --period 2026 sets its own end/],
      [['dashboard', '--output', 'no/such/folder/report.html'], 2, /^crm: --output: folder .* does not exist/],
    ];
    for (const [argv, code, message] of cases) {
      const result = crm(argv);
      expect(result.code, argv.join(' ')).toBe(code);
      expect(result.stderr, argv.join(' ')).toMatch(message);
      expect(result.stderr.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(result.stdout).toBe('');
    }
    const dir = tempDir();
    // On PostgreSQL: a database the server has, with no crm schema in it.
    const none = engine === 'sqlite' ? path.join(dir, 'none.db') : await newDatabase(engine);
    const missing = spawnCrm(['--db', none, 'dashboard', '--output', path.join(dir, 'x.html')]);
    expect(missing.code).toBe(4);
    expect(fs.existsSync(path.join(dir, 'x.html'))).toBe(false);
  });
});
