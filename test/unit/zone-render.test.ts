// Stored UTC instants shown on the shop's clock (docs/storage.md#times): tables and Markdown as `2026-10-17 21:45`,
// CSV and JSON as ISO-8601 with the zone's offset, dates and other text untouched; without a zone, as stored.
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/render.js';
import { reportTable } from '../../src/report/dashboard/tables.js';
import type { Report } from '../../src/report/types.js';

const report: Report = {
  name: 'x',
  title: 'T',
  columns: [
    { key: 'at', label: 'At', type: 'datetime' },
    { key: 'on', label: 'On', type: 'date' },
    { key: 'note', label: 'Note', type: 'text' },
  ],
  // 13:45 UTC is 21:45 in Shanghai (UTC+8); a timeline mixes instants with bare order dates.
  rows: [
    { at: '2026-10-17T13:45:00Z', on: '2026-10-17', note: '2026-10-17T13:45:00Z' },
    { at: '2026-10-16', on: null, note: null },
    { at: null, on: null, note: 'x' },
  ],
};

describe('datetime cells in the shop zone', () => {
  it('tables and Markdown show the local wall clock; text columns are left as they are', () => {
    const table = render(report, 'table', { zone: 'Asia/Shanghai' });
    expect(table).toContain('│ 2026-10-17 21:45 │ 2026-10-17 │ 2026-10-17T13:45:00Z │');
    expect(table).toContain('│ 2026-10-16       │');
    expect(render(report, 'md', { zone: 'Asia/Shanghai' })).toContain('| 2026-10-17 21:45 | 2026-10-17 | 2026-10-17T13:45:00Z |');
    expect(render(report, 'table', { zone: 'UTC' })).toContain('│ 2026-10-17 13:45 │');
  });

  it('CSV and JSON keep the instant, written with the offset', () => {
    expect(render(report, 'csv', { zone: 'Asia/Shanghai' })).toBe('at,on,note\r\n2026-10-17T21:45:00+08:00,2026-10-17,2026-10-17T13:45:00Z\r\n2026-10-16,,\r\n,,x\r\n');
    const json = JSON.parse(render(report, 'json', { zone: 'America/New_York' })) as { rows: { at: string | null }[] };
    expect(json.rows.map((row) => row.at)).toEqual(['2026-10-17T09:45:00-04:00', '2026-10-16', null]);
    expect(render(report, 'csv', { zone: 'UTC' })).toContain('2026-10-17T13:45:00Z,');
  });

  it('without a zone nothing is converted', () => {
    expect(render(report, 'table')).toContain('│ 2026-10-17T13:45:00Z │ 2026-10-17 │');
  });

  it('the dashboard lists show the local clock, breaking only between date and time', () => {
    const table = reportTable(report, ['at'], 'en', 'x', 'Asia/Shanghai');
    expect(table).toContain('<td class="stamp"><span>2026-10-17 </span><wbr><span>21:45</span></td>');
  });
});
