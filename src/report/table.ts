// Draws a boxed text table in one pass over its cells: linear in the number of rows, so a listing of
// 200,000 customers prints in seconds (cli-table3, used before, laid out every cell against every other one
// and took minutes at 20,000 rows, then overflowed the stack). The drawing is the one cli-table3 made:
// single-line box characters, one space of padding, a rule between rows.
import stringWidth from 'string-width';

export type Align = 'left' | 'right';

export interface TableStyle {
  /** Paints a heading (and, in a vertical table, a label). */
  head: (text: string) => string;
  /** Paints the box-drawing characters. */
  border: (text: string) => string;
}

/**
 * A cell: its text, measured as it is, and how it is painted (red for a negative number) once it is padded, so colour
 * codes never reach textWidth and never count towards a width.
 */
export interface PaintedCell {
  text: string;
  paint: (text: string) => string;
}

export type Cell = string | PaintedCell;

const textOf = (cell: Cell | undefined): string => (cell === undefined ? '' : typeof cell === 'string' ? cell : cell.text);

export interface TableLayout {
  /** Headings; an empty list draws no heading row. */
  head: string[];
  rows: Cell[][];
  aligns: Align[];
  style?: TableStyle;
  /** The columns' widths when the caller has measured them already (columnWidths); else measured here. */
  widths?: number[];
}

/** Printable ASCII only: one terminal column per character, no escape sequence to skip. */
const printableAscii = /^[\x20-\x7e]*$/;

/**
 * Terminal columns TEXT takes: its length when it is printable ASCII (most cells: ids, numbers, dates), else what
 * string-width says (double-width Chinese, colour codes). string-width builds a new regular expression on every call,
 * which was half the time of drawing 25,000 rows.
 */
export function textWidth(text: string): number {
  return printableAscii.test(text) ? text.length : stringWidth(text);
}

const plain: TableStyle = { head: (text) => text, border: (text) => text };

/** The widths of the columns: the widest cell (headings included), in terminal columns. */
export function columnWidths(head: string[], rows: Cell[][]): number[] {
  const widths = head.map((text) => textWidth(text));
  for (const row of rows) {
    row.forEach((cell, index) => {
      const width = textWidth(textOf(cell));
      if (!(width <= (widths[index] ?? 0))) widths[index] = width;
    });
  }
  return widths;
}

export function drawTable(layout: TableLayout): string {
  const { head, rows } = layout;
  const widths = layout.widths ?? columnWidths(head, rows);
  const drawer = tableDrawer({ head, aligns: layout.aligns, style: layout.style, widths });
  const lines = drawer.top();
  rows.forEach((row, index) => lines.push(...drawer.row(row, index)));
  lines.push(drawer.bottom());
  return lines.join('\n');
}

/**
 * The lines of a table at widths measured beforehand, a row at a time: what drawTable joins, for a listing written
 * as its rows are made (report/render.ts renderChunks).
 */
export function tableDrawer(layout: Omit<TableLayout, 'rows'> & { widths: number[] }): {
  /** The top rule and the heading row. */
  top: () => string[];
  /** The rule above row INDEX (none above the first when there is no heading) and the row. */
  row: (cells: Cell[], index: number) => string[];
  bottom: () => string;
} {
  const { head, aligns, widths } = layout;
  const style = layout.style ?? plain;
  const rule = (left: string, middle: string, right: string): string =>
    style.border(left + widths.map((width) => '─'.repeat(width + 2)).join(middle) + right);
  const bar = style.border('│');
  const line = (cells: Cell[], paint: (text: string, index: number) => string): string =>
    bar +
    widths
      .map((width, index) => {
        const cell = cells[index];
        const text = textOf(cell);
        const gap = ' '.repeat(width - textWidth(text));
        const painted = typeof cell === 'object' ? cell.paint(text) : paint(text, index);
        return aligns[index] === 'right' ? ` ${gap}${painted} ` : ` ${painted}${gap} `;
      })
      .join(bar) +
    bar;
  const between = rule('├', '┼', '┤');
  return {
    top: () => {
      const lines = [rule('┌', '┬', '┐')];
      if (head.length > 0) lines.push(line(head, (text) => (text === '' ? text : style.head(text))));
      return lines;
    },
    row: (cells, index) => (index > 0 || head.length > 0 ? [between, line(cells, (text) => text)] : [line(cells, (text) => text)]),
    bottom: () => rule('└', '┴', '┘'),
  };
}

/** A two-column "label │ value" table for a single record; labels painted like headings. */
export function drawVerticalTable(pairs: [string, Cell][], style: TableStyle = plain): string {
  const rows = pairs.map(([label, value]): Cell[] => [{ text: label, paint: style.head }, value]);
  return drawTable({ head: [], rows, aligns: ['left', 'left'], style });
}

/** How wide a table of columns this wide is drawn: a bar and a space either side of each cell. */
export function tableWidth(widths: number[]): number {
  return widths.reduce((sum, width) => sum + width + 3, 1);
}

/**
 * The columns that fit a terminal this wide: from the left (a report puts what names a row first and its
 * least important figures last), keeping at least the first column. Returns their indexes.
 */
export function columnsThatFit(widths: number[], screenColumns: number): number[] {
  const kept: number[] = [];
  let width = 1;
  for (const [index, columnWidth] of widths.entries()) {
    if (kept.length > 0 && width + columnWidth + 3 > screenColumns) break;
    kept.push(index);
    width += columnWidth + 3;
  }
  return kept;
}
