// The dashboard's pure parts: the R×F grid, the month series, the SVG builders' geometry and colours, and escaping.
import { describe, expect, it } from 'vitest';
import { rfGrid } from '../../src/analysis/rf-grid.js';
import type { RfmScores } from '../../src/analysis/rfm.js';
import { loyaltyForms } from '../../src/analysis/loyalty.js';
import { lastMonths, monthsSpanned, type DashboardData } from '../../src/report/dashboard/data.js';
import { cohortsSection, loyaltySection } from '../../src/report/dashboard/sections.js';
import { loyaltySummaryReport } from '../../src/report/relationship.js';
import { escapeHtml } from '../../src/report/dashboard/escape.js';
import { reportTable, shortened } from '../../src/report/dashboard/tables.js';
import { barChartSvg, barLength, heatColour, heatMapSvg, monthlySvg, niceTicks, pyramidSvg, quadrantSvg, textWidth, tierWidth } from '../../src/report/dashboard/svg.js';

const frame = (chart: string) => ({ id: `chart-${chart}`, chart, title: 'T', description: 'D' });
const hostile = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'&`;

describe('rfGrid', () => {
  // Two bins each. A (R2 F1, 10.00) and B (R2 F1, 30.00) share a cell: 2 customers, average (1000 + 3000) / 2 = 2000 cents.
  // C (R1 F2, 5.00) is alone: 500. D has R score 0 (outside hand-given cuts): in no cell, counted as outside.
  const scores: RfmScores = {
    customerIds: [1, 2, 3, 4],
    recencyDays: Float64Array.from([5, 6, 200, 999]),
    frequency: Float64Array.from([1, 1, 4, 1]),
    monetaryCents: Float64Array.from([1000, 3000, 500, 700]),
    rScore: Uint8Array.from([2, 2, 1, 0]),
    fScore: Uint8Array.from([1, 1, 2, 1]),
    mScore: Uint8Array.from([1, 2, 1, 1]),
    bins: { r: 2, f: 2, m: 2 },
    edges: { r: { lower: [], upper: [] }, f: { lower: [], upper: [] }, m: { lower: [], upper: [] } },
  };

  it('counts customers and averages spend per (R, F), best recency first', () => {
    expect(rfGrid(scores)).toEqual({
      rBins: 2,
      fBins: 2,
      outside: 1,
      cells: [
        { r: 2, f: 1, customers: 2, averageSpendCents: 2000 },
        { r: 2, f: 2, customers: 0, averageSpendCents: null },
        { r: 1, f: 1, customers: 0, averageSpendCents: null },
        { r: 1, f: 2, customers: 1, averageSpendCents: 500 },
      ],
    });
  });

  it('gives an empty grid of empty cells for no customers', () => {
    const none = { ...scores, customerIds: [], rScore: new Uint8Array(), fScore: new Uint8Array(), monetaryCents: new Float64Array() };
    const grid = rfGrid(none);
    expect(grid.cells).toHaveLength(4);
    expect(grid.cells.every((cell) => cell.customers === 0 && cell.averageSpendCents === null)).toBe(true);
  });
});

describe('monthsSpanned', () => {
  it('counts the calendar months from one date to another, both months included', () => {
    expect(monthsSpanned('2026-01-15', '2026-10-31')).toBe(10);
    expect(monthsSpanned('2026-10-01', '2026-10-31')).toBe(1);
    // December 2024 to November 2026: 1 + 12 + 11.
    expect(monthsSpanned('2024-12-01', '2026-11-20')).toBe(24);
  });
});

describe('lastMonths', () => {
  it('fills the months without sales with zeros, oldest first, ending at the as-of month', () => {
    const rows = [
      { month: '2026-09', revenue_cents: 100, profit_cents: 40 },
      { month: '2026-11', revenue_cents: 50, profit_cents: -10 },
    ];
    expect(lastMonths(rows, '2026-11-20', 3)).toEqual([
      { month: '2026-09', revenueCents: 100, profitCents: 40 },
      { month: '2026-10', revenueCents: 0, profitCents: 0 },
      { month: '2026-11', revenueCents: 50, profitCents: -10 },
    ]);
  });

  it('crosses a year boundary: 24 months as of 2026-01-05 start at 2024-02', () => {
    const months = lastMonths([], '2026-01-05');
    expect(months).toHaveLength(24);
    expect(months[0]!.month).toBe('2024-02');
    expect(months[23]!.month).toBe('2026-01');
  });
});

describe('pyramid geometry', () => {
  // The samples' tiers: 2, 8, 30, 160 customers; the largest (160) is 300 px wide.
  // 300 × 2 / 160 = 3.75; 300 × 8 / 160 = 15; 300 × 30 / 160 = 56.25; 300 × 160 / 160 = 300.
  it('makes tier widths proportional to customers', () => {
    expect([2, 8, 30, 160].map((customers) => tierWidth(customers, 160))).toEqual([3.75, 15, 56.25, 300]);
  });

  it('keeps a tier with customers visible (2 px) and an empty tier empty', () => {
    // 300 × 1 / 1000 = 0.3 px would vanish: drawn 2 px.
    expect(tierWidth(1, 1000)).toBe(2);
    expect(tierWidth(0, 160)).toBe(0);
    expect(tierWidth(0, 0)).toBe(0);
  });

  it('draws four centred tiers with those widths', () => {
    const tiers = [2, 8, 30, 160].map((customers, index) => ({ key: `t${index}`, customers, lines: [`tier ${index}`], tooltip: `tier ${index}` }));
    const svg = pyramidSvg(frame('pyramid'), tiers);
    const marks = [...svg.matchAll(/<rect class="mark tier" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)];
    expect(marks).toHaveLength(4);
    // Rounded to 0.1 px; x = (300 − width) / 2: (300 − 3.75) / 2 = 148.125 → 148.1; (300 − 56.25) / 2 = 121.875 → 121.9.
    expect(marks.map((mark) => Number(mark[3]))).toEqual([3.8, 15, 56.3, 300]);
    expect(marks.map((mark) => Number(mark[1]))).toEqual([148.1, 142.5, 121.9, 0]);
    // 40 px tiers, 6 px apart.
    expect(marks.map((mark) => Number(mark[2]))).toEqual([0, 46, 92, 138]);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="chart-pyramid-title">T</title>');
  });
});

describe('bars', () => {
  it('makes bar lengths proportional to the value, the largest 240 px', () => {
    // 240 × 15 / 59 = 61.0169…; 240 × 59 / 59 = 240.
    expect(barLength(15, 59)).toBeCloseTo(61.0169, 3);
    expect(barLength(59, 59)).toBe(240);
    expect(barLength(0, 59)).toBe(0);
    expect(barLength(-5, 59)).toBe(0);
  });

  it('draws one bar per item, even an empty one', () => {
    const svg = barChartSvg(frame('bars'), [
      { label: 'Champions', value: 15, valueText: '15', tooltip: 'Champions: 15' },
      { label: 'Others', value: 0, valueText: '0', tooltip: 'Others: 0' },
    ], '#000');
    expect(svg.match(/class="mark bar"/g)).toHaveLength(2);
    expect(svg).toContain('width="240" height="16" fill="#000" data-value="15"');
  });
});

describe('heat colours and ticks', () => {
  it('runs from light blue at the minimum to dark blue at the maximum', () => {
    // light (239, 246, 255), dark (8, 69, 148); halfway: 239 − 231/2 = 123.5 → 124 (7c), 246 − 177/2 = 157.5 → 158 (9e), 255 − 107/2 = 201.5 → 202 (ca).
    expect(heatColour(0, 0, 10)).toBe('#eff6ff');
    expect(heatColour(10, 0, 10)).toBe('#084594');
    expect(heatColour(5, 0, 10)).toBe('#7c9eca');
    // Out of range clamps; a single value (min = max) is the darkest.
    expect(heatColour(20, 0, 10)).toBe('#084594');
    expect(heatColour(3, 3, 3)).toBe('#084594');
  });

  it('draws only the cells given: a triangle leaves the unknown months out', () => {
    const svg = heatMapSvg(frame('heat'), { rowLabels: ['a', 'b'], columnLabels: ['+1', '+2'], rowAxis: 'r', columnAxis: 'c', cellWidth: 40, cellHeight: 20 }, [
      { row: 0, column: 0, value: 50, text: '50%', tooltip: 'a +1' },
      { row: 0, column: 1, value: 10, text: '10%', tooltip: 'a +2' },
      { row: 1, column: 0, value: null, text: '–', tooltip: 'b +1 none' },
    ]);
    expect(svg.match(/class="mark cell"/g)).toHaveLength(2);
    expect(svg.match(/class="mark cell empty"/g)).toHaveLength(1);
    expect(svg).toContain('fill="#084594" data-value="50"');
    expect(svg).toContain('fill="#eff6ff" data-value="10"');
  });

  it('colours on a log scale when asked: 9 between 0 and 99 sits at log(10) / log(100) = halfway', () => {
    const svg = heatMapSvg(frame('heat'), { rowLabels: ['a'], columnLabels: ['1', '2', '3'], rowAxis: 'r', columnAxis: 'c', cellWidth: 40, cellHeight: 20, scale: 'log' }, [
      { row: 0, column: 0, value: 0, text: '0', tooltip: '0' },
      { row: 0, column: 1, value: 9, text: '9', tooltip: '9' },
      { row: 0, column: 2, value: 99, text: '99', tooltip: '99' },
    ]);
    // log1p: 0 → 0, 9 → ln 10, 99 → ln 100 = 2 ln 10: 9 is at t = 0.5, the halfway colour #7c9eca.
    expect(svg).toContain('fill="#eff6ff" data-value="0"');
    expect(svg).toContain('fill="#7c9eca" data-value="9"');
    expect(svg).toContain('fill="#084594" data-value="99"');
  });

  it('picks round ticks that include zero', () => {
    // 0 … 27,000,000: a quarter is 6,750,000 → step 10,000,000 (1, 2, 5 × 10^6 are too small); 30,000,000 covers the top.
    expect(niceTicks(0, 27_000_000)).toEqual([0, 10_000_000, 20_000_000, 30_000_000]);
    // −500 … 1,500: a quarter is 500 → step 500.
    expect(niceTicks(-500, 1500)).toEqual([-500, 0, 500, 1000, 1500]);
    expect(niceTicks(0, 0)).toEqual([0]);
  });
});

describe('months chart', () => {
  it('is wide enough for its legend when the span is one month (--period 2026-10)', () => {
    const chart = monthlySvg(frame('months'), [{ label: '2026-10', revenue: 100, profit: 40, tooltip: 't' }], { tickText: String, legend: { revenue: 'Revenue', profit: 'Profit' } });
    const width = Number(/viewBox="0 0 (\d+) /.exec(chart)![1]);
    // The profit legend's text starts at x and runs textWidth('Profit', 11) further; the chart must hold all of it.
    const x = Number(/<text x="([\d.]+)" y="14" font-size="11">Profit<\/text>/.exec(chart)![1]);
    expect(width).toBeGreaterThanOrEqual(x + textWidth('Profit', 11));
  });
});

describe('escaping', () => {
  it('turns the five HTML-special characters into entities', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml(42)).toBe('42');
  });

  it('leaves no markup of a hostile name in any chart', () => {
    const charts = [
      barChartSvg({ ...frame('bars'), title: hostile }, [{ label: hostile, value: 1, valueText: hostile, tooltip: hostile }], '#000'),
      pyramidSvg(frame('pyramid'), [{ key: hostile, customers: 1, lines: [hostile], tooltip: hostile }]),
      heatMapSvg(frame('heat'), { rowLabels: [hostile], columnLabels: [hostile], rowAxis: hostile, columnAxis: hostile, cellWidth: 40, cellHeight: 20 }, [
        { row: 0, column: 0, value: 1, text: hostile, tooltip: hostile },
      ]),
      quadrantSvg(frame('quadrant'), { rowLabels: [hostile, 'b'], columnLabels: [hostile, 'd'] }, [{ row: 0, column: 0, key: hostile, share: 10, lines: [hostile], tooltip: hostile }]),
    ];
    for (const svg of charts) {
      expect(svg).not.toMatch(/<script|<img|onerror="/i);
      expect(svg).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;&quot;&#39;&amp;');
    }
  });
});

describe('sections', () => {
  // Ten customers: 4 loyal, 3 potential, 2 being lost (inertia), 1 lost, none unknown → shares 40, 30, 20, 10 %.
  const counts = { loyal: 4, potential: 3, inertia: 2, lost: 1, unknown: 0 } as const;
  const loyalty = loyaltySummaryReport(
    loyaltyForms.map((form) => ({ form, customers: counts[form.key], share: counts[form.key] * 10, averageSatisfaction: null, revenueCents: 0 })),
    { asOf: '2026-10-31', lang: 'en', windowDays: 90, willingAt: 1 },
  );
  const data = { lang: 'en', asOf: '2026-10-31', since: null, loyalty } as unknown as DashboardData;

  it('places the loyalty forms in the 2×2 grid: willing on top, buying again on the left', () => {
    const svg = loyaltySection(data);
    const cells = [...svg.matchAll(/<rect class="mark cell" x="([\d.]+)" y="([\d.]+)"[^>]*data-form="(\w+)" data-share="([\d.]+)"/g)].map((match) => ({ x: Number(match[1]), y: Number(match[2]), form: match[3], share: Number(match[4]) }));
    expect(cells.map((cell) => [cell.form, cell.share])).toEqual([['loyal', 40], ['potential', 30], ['inertia', 20], ['lost', 10]]);
    const [loyal, potential, inertia, lost] = cells as [typeof cells[0], typeof cells[0], typeof cells[0], typeof cells[0]];
    expect(loyal.y).toBe(potential.y);
    expect(inertia.y).toBe(lost.y);
    expect(inertia.y).toBeGreaterThan(loyal.y);
    expect(loyal.x).toBe(inertia.x);
    expect(potential.x).toBe(lost.x);
    expect(potential.x).toBeGreaterThan(loyal.x);
    // The cells say the short form name and "customers (share)": 4 of 10 is 40.0 %.
    expect(svg).toContain('>Loyal</text>');
    expect(svg).toContain('>4 (40.0 %)</text>');
  });

  it('says the surveys are missing when customers have no survey answer', () => {
    // 7 customers, all of the unknown form (no survey): no chart, a sentence naming what is missing and how many.
    const unsurveyed = loyaltySummaryReport(loyaltyForms.map((form) => ({ form, customers: form.key === 'unknown' ? 7 : 0, share: form.key === 'unknown' ? 100 : 0, averageSatisfaction: null, revenueCents: 0 })), { asOf: '2026-10-31', lang: 'en', windowDays: 90, willingAt: 1 });
    const html = loyaltySection({ ...data, loyalty: unsurveyed });
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('Nothing to show');
    expect(html).toContain('No survey answers: the forms need a satisfaction survey per customer (crm import surveys); 7 customers have none.');
    expect(loyaltySection({ ...data, lang: 'zh', loyalty: unsurveyed })).toContain('7 位客户尚无调查');
  });

  it('ends the cohort caption\'s first sentence before saying older cohorts are left out', () => {
    const cohorts = {
      name: 'cohorts', title: 'Cohorts, up to 2026-10-31', titleZh: '客户留存，截至 2026-10-31',
      columns: [{ key: 'cohort', label: 'Cohort', type: 'text' }, { key: 'customers', label: 'Customers', type: 'integer' }, { key: 'month_1', label: '+1', type: 'percent' }],
      rows: Array.from({ length: 24 }, (_, index) => ({ cohort: `c${index}`, customers: 2, month_1: 50 })),
    } as DashboardData['cohorts'];
    expect(cohortsSection({ ...data, cohorts, cohortsTotal: 30 })).toContain('<figcaption>Cohorts, up to 2026-10-31. The newest 24 of 30 cohorts; crm report cohorts lists all.</figcaption>');
    expect(cohortsSection({ ...data, lang: 'zh', cohorts, cohortsTotal: 30 })).toContain('<figcaption>客户留存，截至 2026-10-31。显示最近 24 个（共 30 个）；完整列表见 crm report cohorts。</figcaption>');
    expect(cohortsSection({ ...data, cohorts, cohortsTotal: 24 })).toContain('<figcaption>Cohorts, up to 2026-10-31</figcaption>');
  });

  it('says there is nothing to show when no customer has a known form', () => {
    const none = loyaltySummaryReport(loyaltyForms.map((form) => ({ form, customers: 0, share: 0, averageSatisfaction: null, revenueCents: 0 })), { asOf: '2026-10-31', lang: 'zh', windowDays: 90, willingAt: 1 });
    const html = loyaltySection({ ...data, lang: 'zh', loyalty: none });
    expect(html).toContain('本期没有数据。');
    expect(html).not.toContain('<svg');
  });
});

describe('list cells', () => {
  it('cuts a long text to 60 characters as a reader counts them, "…" the 60th', () => {
    expect(shortened('x'.repeat(60))).toBe('x'.repeat(60));
    expect(shortened('x'.repeat(200))).toBe(`${'x'.repeat(59)}…`);
    // A family emoji (four people joined by three zero-width joiners, 11 UTF-16 units) is one character: never split.
    const family = '👨‍👩‍👧‍👦';
    expect(shortened(family.repeat(5), 3)).toBe(`${family}${family}…`);
    expect(shortened('张'.repeat(61))).toBe(`${'张'.repeat(59)}…`);
  });

  it('marks text cells with a long word to wrap anywhere, dates and numbers to stay on one line, and keeps a cut text whole in the tooltip', () => {
    const long = `<b>${'W'.repeat(100)}</b>`;
    const table = reportTable({
      name: 'x', title: 'T', columns: [{ key: 'name', label: 'Name', type: 'text' }, { key: 'on', label: 'On', type: 'date' }, { key: 'at', label: 'At', type: 'text' }, { key: 'n', label: 'N', type: 'integer' }],
      rows: [{ name: long, on: '2026-10-01', at: '2026-10-17T13:45:00Z', n: 1234 }],
    }, ['name', 'on', 'at', 'n'], 'en', 'x');
    expect(table).toContain(`<td class="text long" title="&lt;b&gt;${'W'.repeat(100)}&lt;/b&gt;">&lt;b&gt;${'W'.repeat(56)}…</td>`);
    // The time stamp may break after the T (a <wbr>), never inside the date or the time.
    expect(table).toContain('<td class="date">2026-10-01</td><td class="stamp"><span>2026-10-17T</span><wbr><span>13:45:00Z</span></td><td class="num">1,234</td>');
    expect(table).toMatch(/^<div class="table-wrap"><table data-table="x">/);
  });
});
