// Golden tests: every report on the fixed dataset of test/fixtures/reports, in every format, against checked-in files.
// The figures were checked by hand once; the calculations are written beside each report below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGolden, formatExtension } from '../helpers/golden.js';
import { reportFixture, type ReportFixture } from '../helpers/report-fixture.js';

let fixture: ReportFixture;
beforeAll(async () => {
  fixture = await reportFixture();
});
afterAll(() => fixture?.remove());

const formats = ['table', 'json', 'csv', 'md'] as const;
const asOf = ['--as-of', '2026-11-23'];

/** Report name → extra flags. */
export const goldenReports: Record<string, string[]> = {
  list: [],
  products: asOf,
  profit: asOf,
  salespeople: asOf,
  receivables: asOf,
  cohorts: asOf,
  summary: [...asOf, '--period', '90d'],
  lost: [...asOf, '--period', '90d'],
  satisfaction: [...asOf, '--period', '90d'],
};

describe('crm agenda', () => {
  it.each(formats)('--format %s matches its golden file; --check exits 10', async (format) => {
    const result = await fixture.crm(['agenda', ...asOf, '--check', '--format', format]);
    expect(result.code).toBe(10);
    expect(result.stderr).toBe('crm: agenda: 4 things to do\n');
    expectGolden(`agenda.${formatExtension[format]}`, result.stdout);
  });
});

describe.each(Object.entries(goldenReports))('crm report %s', (name, flags) => {
  it.each(formats)('--format %s matches its golden file', async (format) => {
    const result = await fixture.crm(['report', name, ...flags, '--format', format]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectGolden(`${name}.${formatExtension[format]}`, result.stdout);
  });
});

describe('hand-checked figures', () => {
  const json = async (argv: string[]) => JSON.parse((await fixture.crm([...argv, '--format', 'json'])).stdout);

  it('products', async () => {
    const { rows, notes } = await json(['report', 'products', ...asOf]);
    // Gift box: O01 1000 + O02 500 + O04 1500 + O10 2000 + O14 500 + O16 500 = 6000.00; profit 400 + 200 + 600 + 700
    // + 200 + 500 (O16 has no cost: its revenue) = 2600.00; margin 2600 / 6000 = 43.33 %; customers K01 K03 K04 K05,
    // repeat: K01 only (3 orders); share 6000 / 11350 = 52.86 %. Tea set leaves out O09 (refunded).
    expect(rows[0]).toEqual({ product: 'Gift box', units: 12, orders: 6, revenue: 6000, profit: 2600, margin_percent: 43.3333, customers: 4, repeat_customers: 1, revenue_share_percent: 52.8634 });
    // 2 of the 17 billed orders have no cost: 11.8 % → "12 %".
    expect(notes).toEqual(['cost missing for 12 % of orders: profit uses revenue', '1 refunded or cancelled order left out']);
  });

  it('profit', async () => {
    const report = await json(['report', 'profit', ...asOf]);
    // Six customers with orders; the top 20 % is ⌈1.2⌉ = 2 customers: K03 1800 (700 + 600 + 500, O12 without cost)
    // and K01 1580 (400 + 200 + 300 + 600 + 80): (1800 + 1580) / 4670 = 72.38 %. K06 sold at a loss: 300 − 450 = −150.
    expect(report.rows[1]).toMatchObject({ rank: 2, customer_id: 'K01', profit: 1580, cumulative_profit_percent: 72.3769, cumulative_customers_percent: 33.3333 });
    expect(report.rows[5]).toMatchObject({ customer_id: 'K06', profit: -150, cumulative_profit_percent: 100 });
    expect((await fixture.crm(['report', 'profit', ...asOf])).stdout).toContain('the top 20 % of customers bring 72.4 % of profit');
  });

  it('salespeople', async () => {
    const { rows } = await json(['report', 'salespeople', ...asOf]);
    // 张强 owns K01 (4000) and K02 (1050, O09 refunded left out): 5050.00 from 9 orders. Contacts he logged: I01, I02,
    // I06, the two follow-up-done notes, complaint #1 opened and resolved, complaint #3 opened = 8. Follow-up I01 (due
    // 11-05, done 11-05) on time, I02 (due 11-12, done 11-14) late. Complaints #1 and #3; only #1 resolved, in 3.5 days.
    expect(rows.find((row: { owner: string }) => row.owner === '张强')).toEqual({
      owner: '张强', customers: 2, new_customers: 2, revenue: 5050, profit: 1980, orders: 9, interactions: 8,
      followups_on_time: 1, followups_late: 1, followups_overdue: 0, complaints: 2, median_resolve_days: 3.5,
    });
    // Emma Liu: I03 was due 11-20 and is still open on 11-23: overdue. Complaint #2 took 2 days.
    expect(rows.find((row: { owner: string }) => row.owner === 'Emma Liu')).toMatchObject({ followups_overdue: 1, complaints: 1, median_resolve_days: 2 });
  });

  it('receivables', async () => {
    const { rows } = await json(['report', 'receivables', ...asOf]);
    // K03 billed 2000 (07-10) + 1600 (09-01) + 500 (11-15) = 4100, paid 1500: FIFO pays 1500 of O10, so 500 of it is
    // unpaid at 136 days (> 90), O11 1600 at 83 days (61–90), O12 500 at 8 days (0–30): owed 2600.
    expect(rows[0]).toEqual({ customer_id: 'K03', name: 'Acme Ltd', owner: 'Emma Liu', owed: 2600, oldest_unpaid: '2026-07-10', days_0_30: 500, days_31_60: 0, days_61_90: 1600, days_over_90: 500 });
    // K02: 50 + 100 + 100 + 800 = 1050 billed (O09 refunded), paid 250: the three oldest are paid, O08 (10-30, 24 days) is not.
    expect(rows[1]).toMatchObject({ customer_id: 'K02', owed: 800, oldest_unpaid: '2026-10-30', days_0_30: 800 });
    // K04 paid in full, K06 paid 350 for 300 (in advance), K07 bought nothing: not listed.
    expect(rows.map((row: { customer_id: string }) => row.customer_id)).toEqual(['K03', 'K02', 'K01', 'K05']);
  });

  it('cohorts', async () => {
    const { rows } = await json(['report', 'cohorts', ...asOf]);
    // K02's first order is 2025-11 (O17); it bought again 3, 7 and 11 months later (O06 02-01, O07 06-01, O08 10-30).
    expect(rows[2]).toMatchObject({ cohort: '2025-11', customers: 1, month_1: 0, month_3: 100, month_7: 100, month_11: 100, month_12: 0 });
    // K06 (2026-04) has seven months reached by 2026-11; the eighth is not known yet.
    expect(rows[3]).toMatchObject({ cohort: '2026-04', month_7: 0, month_8: null });
  });

  it('summary', async () => {
    const { rows, sections } = await json(['report', 'summary', ...asOf, '--period', '90d']);
    // 90 days to 11-23 start 08-26; the 90 before are 05-28 … 08-25. Revenue now: O04 1500 + O05 200 + O08 800 + O11 1600
    // + O12 500 + O16 500 = 5100 (O09 refunded); before: O07 100 + O10 2000 = 2100; change (5100 − 2100) / 2100 = 142.86 %.
    // K04 (orders 03-01, 06-01, 09-01 of 2025: average gap 92 days, 4× = 368 > 365) is lost on 2026-09-04, in the period.
    // Owed 4100 (the receivables total); over 60 days: K03's 1600 + 500 = 2100. Open complaint: #3. New: K05 (first order 11-20).
    expect(rows[0]).toMatchObject({
      period_start: '2026-08-26', active_customers: 5, new_customers: 1, lost_customers: 1, won_back_customers: 0, revenue: 5100,
      revenue_previous: 2100, revenue_change_percent: 142.8571, followups_overdue: 1, followups_due_today: 1, open_complaints: 1, owed: 4100, owed_over_60_days: 2100,
    });
    expect(Object.keys(sections)).toEqual(['pyramid', 'top_segments']);
  });

  it('lost and satisfaction', async () => {
    const lost = await json(['report', 'lost', ...asOf, '--period', '90d']);
    // K04: lifetime 800 + 500 + 100 = 1400, profit 300 + 200 + 40 = 540; last contact the unanswered call of 2025-10-01.
    expect(lost.rows).toEqual([expect.objectContaining({ customer_id: 'K04', lost_on: '2026-09-04', revenue: 1400, profit: 540, tier_before: 'Lead', last_contact: 'call: no answer' })]);
    const satisfaction = await json(['report', 'satisfaction', ...asOf, '--period', '90d']);
    // S1 9/8 = 1.125 (satisfied), S2 8/8 = 1 (acceptable), S3 6/9 = 0.667 (dissatisfied): mean 0.9306.
    expect(satisfaction.rows[0]).toEqual({ group_by: 'all', group: 'All surveys', surveys: 3, customers: 3, average_c: 0.9306, satisfied_percent: 33.3333, acceptable_percent: 33.3333, dissatisfied_percent: 33.3333 });
  });

  it('a calendar period keeps only its orders', async () => {
    const { as_of, rows } = await json(['report', 'products', '--period', '2026-Q3']);
    // July–September 2026: O04 Gift box 1500, O10 Gift box 2000, O11 Tea set 1600.
    expect(as_of).toBe('2026-09-30');
    expect(rows.map((row: { product: string; revenue: number }) => [row.product, row.revenue])).toEqual([['Gift box', 3500], ['Tea set', 1600]]);
  });

  it('headings and notes in Chinese with --lang zh; a bar chart on a terminal only', async () => {
    const zh = await fixture.crm(['report', 'products', ...asOf, '--lang', 'zh']);
    expectGolden('products.zh.txt', zh.stdout);
    const terminal = await fixture.crm(['report', 'products', ...asOf], { tty: true });
    expectGolden('products.terminal.txt', terminal.stdout);
    expect(terminal.stdout).toContain('Share of revenue\nGift box');
  });
});

describe('an empty database', () => {
  let empty: ReportFixture;
  beforeAll(async () => {
    empty = await reportFixture({ empty: true });
  });
  afterAll(() => empty?.remove());

  it('crm agenda --check has nothing to do: exit 0', async () => {
    const result = await empty.crm(['agenda', '--check', '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual([]);
  });

  it.each(Object.keys(goldenReports).filter((name) => name !== 'list'))('crm report %s is an empty report, exit 0', async (name) => {
    const json = await empty.crm(['report', name, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).rows).toEqual([]);
    const table = await empty.crm(['report', name]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('(no rows)');
    expect((await empty.crm(['report', name, '--format', 'csv'])).stdout.split('\r\n').length).toBe(2);
  });
});
