// Issue 16: text from the database never reaches the terminal or a Markdown page as live code. Tables show
// control characters as visible escapes; Markdown escapes HTML, | and line breaks. crm's own colour still works.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderTable } from '../../src/report/render.js';
import { barChart } from '../../src/report/charts.js';
import { textWidth } from '../../src/report/table.js';
import { visibleText } from '../../src/report/visible.js';
import type { Report } from '../../src/report/types.js';

const ESC = '\u001b';
const BEL = '\u0007';
const clearScreen = `Eve${ESC}[2J${ESC}[H`;
const setTitle = `Mallory${ESC}]0;pwned${BEL}`;

/** Characters a terminal or a bidi algorithm would act on; none may be printed raw. */
const live = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/u;

function hostile(): Report {
  return {
    name: 'hostile',
    title: `Customers of ${setTitle}`,
    columns: [
      { key: 'name', label: 'Name', type: 'text' },
      { key: 'notes', label: `Notes ${ESC}[31m`, type: 'text' },
      { key: 'profit', label: 'Profit', type: 'money' },
    ],
    rows: [
      { name: clearScreen, notes: 'line one\nline two', profit: -1500 },
      { name: setTitle, notes: `tab\there, DEL\u007f, CSI\u009b31m`, profit: 200 },
      { name: 'evil\u202etxt.exe', notes: 'isolate\u2066x\u2069', profit: 0 },
      { name: '王芳', notes: 'café ✓', profit: 100 },
    ],
    preamble: [`fitted on ${ESC}[5mblink`],
    notes: [`note about ${clearScreen}`],
    picture: `Share\n${ESC}[2Jbar`,
  };
}

describe('visibleText', () => {
  it('writes controls, DEL, C1 controls and bidi controls as escapes', () => {
    expect(visibleText(clearScreen)).toBe('Eve\\x1b[2J\\x1b[H');
    expect(visibleText(setTitle)).toBe('Mallory\\x1b]0;pwned\\x07');
    expect(visibleText('a\nb\r\tc\u007f\u009b\u0085')).toBe('a\\nb\\r\\tc\\x7f\\x9b\\x85');
    expect(visibleText('evil\u202etxt\u2066\u2069\u200f')).toBe('evil\\u202etxt\\u2066\\u2069\\u200f');
  });

  it('leaves ordinary text alone: CJK, accents, emoji, backslashes', () => {
    for (const text of ['王芳', 'café', 'Zoë 👩‍👩‍👧', 'C:\\path', '']) expect(visibleText(text)).toBe(text);
  });
});

describe('table', () => {
  it('prints no control character from the data, in cells, headings, title, preamble, notes and picture', () => {
    const text = renderTable(hostile(), { pictures: true });
    expect(text).not.toMatch(live);
    expect(text).toContain('Eve\\x1b[2J\\x1b[H');
    expect(text).toContain('Mallory\\x1b]0;pwned\\x07');
    expect(text).toContain('line one\\nline two');
    expect(text).toContain('tab\\there, DEL\\x7f, CSI\\x9b31m');
    expect(text).toContain('evil\\u202etxt.exe');
    expect(text).toContain('Notes \\x1b[31m');
    expect(text).toContain('Customers of Mallory');
    expect(text).toContain('fitted on \\x1b[5mblink');
    expect(text).toContain('note about Eve\\x1b[2J');
    expect(text).toContain('Share\n\\x1b[2Jbar');
  });

  it('keeps one row per record and every line of the grid equally wide (CJK counted twice)', () => {
    const grid = renderTable(hostile()).split('\n').filter((line) => /^[│┌├└]/.test(line));
    expect(grid.filter((line) => line.startsWith('│'))).toHaveLength(5);
    expect(new Set(grid.map(textWidth)).size).toBe(1);
  });

  it("still colours crm's own alerts and negative numbers, around the escaped text", () => {
    const text = renderTable({ ...hostile(), alertRows: [0] }, { color: true });
    expect(text).toContain(`${ESC}[31mEve\\x1b[2J\\x1b[H${ESC}[39m`);
    expect(text).toContain(`${ESC}[1mCustomers of Mallory\\x1b]0;pwned\\x07${ESC}[22m`);
  });

  it('escapes sections too (customer show prints its complaints and timeline as sections)', () => {
    const text = renderTable({ ...hostile(), sections: [{ ...hostile(), name: 'timeline', title: `Timeline ${ESC}c` }] });
    expect(text).not.toMatch(live);
    expect(text).toContain('Timeline \\x1bc');
  });

  it('measures chart labels after escaping them, so the bars line up', () => {
    const lines = barChart([{ label: `a${ESC}[2J`, percent: 50 }, { label: '王芳', percent: 10 }]).split('\n');
    expect(lines[0]).toMatch(/^a\\x1b\[2J │/);
    expect(lines.map((line) => textWidth(line.slice(0, line.indexOf('│'))))).toEqual([9, 9]);
  });
});

describe('markdown', () => {
  const page = (name: string): string =>
    renderMarkdown({ name: 'x', title: `List ${name}`, columns: [{ key: 'name', label: 'Name', type: 'text' }], rows: [{ name }], notes: [`about ${name}`] });

  it('escapes HTML so <script> and <img onerror> are shown, not run', () => {
    const text = page('<script>alert(1)</script> & <img src=x onerror=alert(2)>');
    expect(text).not.toMatch(/<script|<img/);
    expect(text).toContain('| &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt; |');
    expect(text).toContain('## List &lt;script&gt;');
    expect(text).toContain('> about &lt;script&gt;');
  });

  it('escapes | and backslashes, writes a line break as <br>, and control characters as escapes', () => {
    const text = page(`a|b\\c\nd\r\ne${ESC}[2J\u202e`);
    expect(text).toContain('| a\\|b\\\\c<br>d<br>e\\x1b[2J\\u202e |');
    expect(text).not.toMatch(live);
    expect(text.split('\n').filter((line) => line.startsWith('| '))).toHaveLength(3);
  });
});
