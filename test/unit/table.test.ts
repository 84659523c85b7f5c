// The boxed table drawing (report/table.ts) and fitting a listing to a terminal (report/render.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderTable, screenfulRows } from '../../src/report/render.js';
import stringWidth from 'string-width';
import { columnsThatFit, columnWidths, drawTable, drawVerticalTable, tableWidth, textWidth } from '../../src/report/table.js';
import type { Report } from '../../src/report/types.js';

describe('drawTable', () => {
  it('draws the box cli-table3 drew: padding of one, a rule between rows, numbers to the right', () => {
    const text = drawTable({ head: ['Name', 'Revenue'], rows: [['Ann', '1,200.00'], ['张三', '5.00']], aligns: ['left', 'right'] });
    expect(text).toBe(
      [
        '┌──────┬──────────┐',
        '│ Name │  Revenue │',
        '├──────┼──────────┤',
        '│ Ann  │ 1,200.00 │',
        '├──────┼──────────┤',
        '│ 张三 │     5.00 │',
        '└──────┴──────────┘',
      ].join('\n'),
    );
  });

  it('draws a vertical record as label │ value lines', () => {
    expect(drawVerticalTable([['Name', 'Ann'], ['City', 'Hangzhou']])).toBe(
      ['┌──────┬──────────┐', '│ Name │ Ann      │', '├──────┼──────────┤', '│ City │ Hangzhou │', '└──────┴──────────┘'].join('\n'),
    );
  });

  it('measures wide characters as two columns and colour codes as none', () => {
    expect(columnWidths(['a'], [['绿茶'], ['\u001b[31mx\u001b[39m']])).toEqual([4]);
  });

  it('draws with the widths it is given: render.ts measured the cells once to fit the screen', () => {
    expect(drawTable({ head: ['a'], rows: [['x']], aligns: ['left'], widths: [3] })).toBe(['┌─────┐', '│ a   │', '├─────┤', '│ x   │', '└─────┘'].join('\n'));
  });

  it('measures a cell by its text and paints it after padding: the paint never counts towards the width', () => {
    const marked = (text: string) => `<${text}>`;
    expect(columnWidths(['v'], [[{ text: '-1', paint: marked }]])).toEqual([2]);
    expect(drawTable({ head: ['v'], rows: [[{ text: '-1', paint: marked }], ['3']], aligns: ['right'] })).toBe(
      ['┌────┐', '│  v │', '├────┤', '│ <-1> │', '├────┤', '│  3 │', '└────┘'].join('\n'),
    );
    const style = { head: (text: string) => `*${text}*`, border: (text: string) => text };
    expect(drawVerticalTable([['Name', 'Ann'], ['City', { text: '-2', paint: marked }]], style)).toBe(
      ['┌──────┬─────┐', '│ *Name* │ Ann │', '├──────┼─────┤', '│ *City* │ <-2>  │', '└──────┴─────┘'].join('\n'),
    );
  });

  it('draws 200,000 rows (cli-table3 overflowed the stack)', () => {
    const rows = Array.from({ length: 200_000 }, (_, index) => [String(index), 'x']);
    const text = drawTable({ head: ['id', 'v'], rows, aligns: ['right', 'left'] });
    expect(text.split('\n')).toHaveLength(3 + 2 * 200_000);
  });
});

describe('fitting a terminal', () => {
  it('keeps the columns that fit from the left, at least the first', () => {
    // Widths 4, 10, 6: the table is 1 + 7 + 13 + 9 = 30 columns wide.
    expect(tableWidth([4, 10, 6])).toBe(30);
    expect(columnsThatFit([4, 10, 6], 30)).toEqual([0, 1, 2]);
    expect(columnsThatFit([4, 10, 6], 29)).toEqual([0, 1]);
    expect(columnsThatFit([4, 10, 6], 20)).toEqual([0]);
    expect(columnsThatFit([40], 20)).toEqual([0]);
  });

  it('shows a screenful of rows: two lines each, eight lines kept for the title, headings and notes', () => {
    expect(screenfulRows(24)).toBe(8);
    expect(screenfulRows(50)).toBe(21);
    expect(screenfulRows(10)).toBe(5);
  });

  const listing: Report = {
    name: 'customers',
    title: 'Customers',
    columns: [
      { key: 'id', label: 'ID', type: 'text' },
      { key: 'name', label: 'Name', type: 'text' },
      { key: 'city', label: 'City', type: 'text' },
    ],
    rows: Array.from({ length: 30 }, (_, index) => ({ id: `C${String(index + 1).padStart(3, '0')}`, name: `Customer ${index + 1}`, city: 'Hangzhou' })),
  };

  it('a long listing on a terminal shows its first rows and says how many more there are', () => {
    const text = renderTable(listing, { screen: { columns: 200, rows: 24 } });
    expect(text).toContain('│ C008 │');
    expect(text).not.toContain('│ C009 │');
    expect(text).toContain('… and 22 more (use --limit or --format csv)');
    expect(renderTable(listing, { screen: { columns: 200, rows: 24 }, lang: 'zh' })).toContain('…… 还有 22 行（用 --limit 或 --format csv 查看）');
  });

  it('leaves out the columns that do not fit and names them', () => {
    // ID 4, Name 11, City 8: 1 + 7 + 14 + 11 = 33 columns; a 30-column terminal keeps ID and Name.
    const text = renderTable(listing, { screen: { columns: 30, rows: 100 } });
    expect(text.split('\n')[1]).toBe('┌──────┬─────────────┐');
    expect(text).toContain('(left out to fit the terminal: City; use --format csv or a wider terminal to see them)');
  });

  it('without a screen every row and column is drawn', () => {
    const text = renderTable(listing);
    expect(text).toContain('│ C030 │');
    expect(text).not.toContain('more');
  });
});

describe('textWidth', () => {
  it('counts terminal columns as string-width does: ASCII by its length, Chinese double, colour codes nothing', () => {
    const samples = ['', 'C00000001', '13,671,280.00', ' spaced ', '王伟', 'Acme 王伟 Ltd', '\u001b[31m-15.00\u001b[39m', '\u001b[1mName\u001b[22m', 'é', '１２.００', '\\x1b[2J'];
    for (const text of samples) expect(textWidth(text), JSON.stringify(text)).toBe(stringWidth(text));
    expect(textWidth('王伟')).toBe(4);
    expect(textWidth('\u001b[31m-15.00\u001b[39m')).toBe(6);
  });

  it('is the one measure of terminal columns: no other source file calls string-width (the charts pad with textWidth)', () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const users = (fs.readdirSync(root, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && /from 'string-width'/.test(fs.readFileSync(path.join(root, file), 'utf8')))
      .map((file) => file.split(path.sep).join('/'));
    expect(users).toEqual(['report/table.ts']);
  });
});
