// The output rules of issue 6, checked on the renderer: widths, alignment, money, red negatives, CSV and JSON.
import { describe, expect, it } from 'vitest';
import { render, renderChunks, renderCsv, renderJson, renderTable } from '../../src/report/render.js';
import { bar, barChart, sparkLine } from '../../src/report/charts.js';
import { textWidth } from '../../src/report/table.js';
import type { Report } from '../../src/report/types.js';

const report: Report = {
  name: 'sample',
  title: 'Sample',
  asOf: '2026-11-23',
  columns: [
    { key: 'name', label: 'Name', type: 'text' },
    { key: 'orders', label: 'Orders', type: 'integer' },
    { key: 'profit', label: 'Profit', type: 'money' },
    { key: 'share', label: 'Share', type: 'percent' },
  ],
  rows: [
    { name: '王芳', orders: 1234, profit: 123456789, share: 61.25 },
    { name: 'Acme Ltd', orders: 5, profit: -15000, share: -1 },
    { name: '=HYPERLINK("x")', orders: 0, profit: 0, share: null },
  ],
  totals: { name: 'Total', orders: 1239, profit: 123441789 },
  notes: ['cost missing for 12 % of orders: profit uses revenue'],
  picture: 'PICTURE',
};

describe('table', () => {
  const text = renderTable(report);
  const lines = text.split('\n').filter((line) => /^[│┌├└]/.test(line));

  it('counts Chinese characters as two columns, so every line of the table is as wide as the others', () => {
    expect(textWidth('王芳')).toBe(4);
    expect(new Set(lines.map(textWidth)).size).toBe(1);
    const chinese = lines.find((line) => line.includes('王芳'))!;
    const latin = lines.find((line) => line.includes('Acme Ltd'))!;
    expect(textWidth(chinese.slice(0, chinese.indexOf('│', 1)))).toBe(textWidth(latin.slice(0, latin.indexOf('│', 1))));
  });

  it('right-aligns numbers with thousands separators and money with two decimals; totals row and note', () => {
    expect(text).toMatch(/│ +1,234 │ +1,234,567\.89 │ +61\.3 % │/);
    expect(text).toMatch(/│ +5 │ +-150\.00 │ +-1\.0 % │/);
    expect(text).toMatch(/│ Total +│ +1,239 │ +1,234,417\.89 │/);
    expect(text.trimEnd().endsWith('cost missing for 12 % of orders: profit uses revenue')).toBe(true);
  });

  it('paints negative numbers red only with colour, and draws the picture only when asked (a terminal)', () => {
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('PICTURE');
    const coloured = renderTable(report, { color: true, pictures: true });
    expect(coloured).toContain('\u001b[31m-150.00\u001b[39m');
    expect(coloured).not.toContain('\u001b[31m0.00');
    expect(coloured).toContain('PICTURE');
  });

  it('an empty report says so, with no totals row', () => {
    const empty = renderTable({ ...report, rows: [] });
    expect(empty).toContain('(no rows)');
    expect(empty).not.toContain('Total');
  });
});

describe('csv', () => {
  const text = renderCsv(report);
  it('has a header, one line per row, no totals; money in units; negative numbers stay numbers; formulas neutralised', () => {
    expect(text.split('\r\n')).toEqual([
      'name,orders,profit,share',
      '王芳,1234,1234567.89,61.25',
      'Acme Ltd,5,-150,-1',
      `"'=HYPERLINK(""x"")",0,0,`,
      '',
    ]);
  });
  it('neutralises text that starts with -, +, @, tab or CR', () => {
    const rows = ['-1+1', '+1', '@SUM(A1)', '\tx', '\rx'].map((name) => ({ name }));
    const lines = renderCsv({ ...report, columns: report.columns.slice(0, 1), rows }).split('\r\n');
    expect(lines.slice(1, 4)).toEqual(["'-1+1", "'+1", "'@SUM(A1)"]);
    expect(lines[4]).toBe("'\tx");
  });
});

describe('json', () => {
  it('is { report, as_of, columns, rows } with numbers as numbers and money in units', () => {
    const json = JSON.parse(renderJson(report));
    expect(Object.keys(json)).toEqual(['report', 'as_of', 'columns', 'rows', 'notes']);
    expect(json.report).toBe('sample');
    expect(json.as_of).toBe('2026-11-23');
    expect(json.rows[1]).toEqual({ name: 'Acme Ltd', orders: 5, profit: -150, share: -1 });
    expect(json.rows[2].share).toBeNull();
  });
  it('adds further tables under sections', () => {
    const json = JSON.parse(renderJson({ ...report, sections: [{ ...report, name: 'part', rows: report.rows.slice(0, 1) }] }));
    expect(json.sections.part.rows).toEqual([{ name: '王芳', orders: 1234, profit: 1234567.89, share: 61.25 }]);
    expect(json.sections.part.columns[2]).toEqual({ key: 'profit', label: 'Profit', type: 'money' });
  });
  it('an empty report is an empty rows array', () => {
    expect(JSON.parse(render({ ...report, rows: [] }, 'json')).rows).toEqual([]);
  });
});

describe('charts', () => {
  it.each([
    [100, 10, '██████████'],
    [50, 10, '█████'],
    [5, 10, '▌'],
    [0, 10, ''],
    [-3, 10, ''],
    [null, 10, ''],
    [150, 4, '████'],
  ])('bar(%s, %i) = "%s"', (percent, width, expected) => {
    expect(bar(percent, width)).toBe(expected);
  });

  it('aligns bar labels by display width', () => {
    const lines = barChart([{ label: '铂金', percent: 50 }, { label: 'Gold', percent: 25 }], 8).split('\n');
    expect(lines).toEqual(['铂金 │████ 50.0 %', 'Gold │██ 25.0 %']);
  });

  it.each([
    [[], ''],
    [[5, 5, 5], '▄▄▄'],
    [[0, 7, 14], '▁▅█'],
    [[1, 2, 3, 4, 5, 6, 7, 8], '▁▂▃▄▅▆▇█'],
  ])('sparkLine(%j) = %s', (values, expected) => {
    expect(sparkLine(values)).toBe(expected);
  });
});

describe('rows written as they are made (Report.stream)', () => {
  // The same report with its rows in batches: every format must be byte for byte what render() prints.
  const streamed = (base: Report, size: number): Report => ({
    ...base,
    rows: [],
    stream: {
      count: base.rows.length,
      batches: async function* () {
        for (let start = 0; start < base.rows.length; start += size) yield base.rows.slice(start, start + size);
      },
    },
  });
  const joined = async (base: Report, format: 'table' | 'json' | 'csv' | 'md', options = {}) => {
    let text = '';
    for await (const chunk of renderChunks(streamed(base, 2), format, options)) text += chunk;
    return text;
  };
  const many: Report = { ...report, rows: Array.from({ length: 5000 }, (_, i) => ({ name: `n${i}\n"x"`, orders: i, profit: -i * 7, share: i / 3 })) };
  const variants: [string, Report][] = [
    ['with totals, notes and a picture', report],
    ['without rows', { ...report, rows: [], totals: undefined }],
    ['a bare JSON array', { ...report, json: 'array', totals: undefined }],
    ['an empty bare JSON array', { ...report, json: 'array', rows: [] }],
    ['further keys and a preamble', { ...report, meta: { fit: { a: 1, b: [1, 2] } }, preamble: ['a = 1'] }],
    ['5,000 rows (several pieces)', many],
  ];
  for (const [name, base] of variants) {
    it(`${name}: table, JSON, CSV and Markdown as render() makes them`, async () => {
      for (const format of ['table', 'json', 'csv', 'md'] as const) {
        expect(await joined(base, format, { zone: 'Asia/Shanghai' })).toBe(render(base, format, { zone: 'Asia/Shanghai' }));
      }
      expect(await joined(base, 'table', { color: true, lang: 'zh' })).toBe(render(base, 'table', { color: true, lang: 'zh' }));
    });
  }

  it('a table on a terminal takes the first screenful and says how many more there are', async () => {
    const screen = { columns: 200, rows: 30 };
    expect(await joined(many, 'table', { screen })).toBe(render(many, 'table', { screen }));
    expect(await joined(many, 'table', { screen })).toContain('… and 4,989 more');
  });
});
