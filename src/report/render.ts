// Renders any Report as a terminal table, JSON, CSV or Markdown. Formatting only; no computation.
import { Chalk } from 'chalk';
import { centsToUnits, formatCents, formatNumber } from '../util/money.js';
import { rowCount, type CellValue, type Column, type Lang, type OutputFormat, type Report, type Row } from './types.js';
import { codeWords } from './codes.js';
import { visibleLines, visibleText } from './visible.js';
import { isoWithOffset, showLocal } from '../util/zone.js';
import { columnsThatFit, columnWidths, drawTable, drawVerticalTable, tableDrawer, tableWidth, textWidth, type Align, type Cell } from './table.js';

export interface RenderOptions {
  color?: boolean;
  lang?: Lang;
  /** Draw pictures (only on a terminal). */
  pictures?: boolean;
  /**
   * The terminal a table is shown on: a listing longer than a screenful shows its first rows and says how many
   * more there are; columns that do not fit its width are left out and named.
   */
  screen?: { columns?: number; rows?: number };
  /**
   * The shop's time zone: datetime cells (stored as UTC instants) are shown as its wall clock in tables and
   * Markdown (`2026-11-20 15:30`) and written with its offset in CSV and JSON (`2026-11-20T15:30:00+08:00`).
   * Unset, they stay as stored.
   */
  zone?: string;
}

/** Rows of a listing shown on a terminal this tall: each row takes two lines (the row and a rule). */
export function screenfulRows(screenRows: number): number {
  return Math.max(5, Math.floor((screenRows - 8) / 2));
}

export function heading(column: Column, lang: Lang): string {
  return lang === 'zh' && column.labelZh ? column.labelZh : column.label;
}

/** Value as written in CSV and JSON: money in currency units, numbers as numbers. */
export function dataValue(column: Column, value: CellValue, zone?: string): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && column.type === 'datetime' && zone) return isoWithOffset(value, zone);
  if (typeof value !== 'number') return value;
  switch (column.type) {
    case 'money':
      return centsToUnits(value);
    case 'percent':
    case 'number':
      return Math.round(value * 10_000) / 10_000;
    case 'probability':
      return Math.round(value * 1_000_000) / 1_000_000;
    default:
      return value;
  }
}

/** Value as shown in a table or Markdown: grouped thousands, money with two decimals, a code as its words, a time on the shop's clock. */
export function displayValue(column: Column, value: CellValue, options: { lang?: Lang; zone?: string } = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' && column.type === 'datetime' && options.zone) return showLocal(value, options.zone);
  if (typeof value !== 'number') return column.labels ? codeWords(column.labels, value, options.lang ?? 'en') : value;
  switch (column.type) {
    case 'money':
      return formatCents(value);
    case 'percent':
      return `${formatNumber(value, 1)} %`;
    case 'number':
      return formatNumber(value, 2);
    case 'probability':
      return value < 0.001 ? '< 0.001' : value.toFixed(3);
    case 'integer':
      return formatNumber(value, 0);
    default:
      return String(value);
  }
}

const numericTypes = new Set(['integer', 'number', 'money', 'percent', 'probability']);

/**
 * Every text a table prints (cells, headings, title, notes, picture) goes through visibleText first, so
 * escape sequences in the data are shown, not obeyed; crm's own colour is added after that.
 */
/** How a table paints: headings, borders, and the cells of a row (plain text kept for measuring). */
function tablePaint(report: Report, options: RenderOptions) {
  const lang = options.lang ?? 'en';
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const head = (column: Column): string => visibleText(heading(column, lang));
  const style = {
    head: (text: string) => (options.color ? chalk.bold(text) : text),
    border: (text: string) => (options.color ? chalk.grey(text) : text),
  };
  const alerts = new Set(report.alertRows ?? []);
  const red = (text: string): string => chalk.red(text);
  // Cells keep their plain text for measuring; the red of an alert row or a negative number is painted after padding.
  const cells = (row: Row, index = -1): Cell[] =>
    report.columns.map((column) => {
      const value = row[column.key] ?? null;
      const text = visibleText(displayValue(column, value, { lang, zone: options.zone }));
      if (alerts.has(index)) return { text, paint: red };
      return typeof value === 'number' && value < 0 && numericTypes.has(column.type) ? { text, paint: red } : text;
    });
  const bold = (cell: Cell): Cell =>
    typeof cell === 'string' ? { text: cell, paint: (text) => chalk.bold(text) } : { text: cell.text, paint: (text) => chalk.bold(cell.paint(text)) };
  const aligns = report.columns.map((column): Align => (numericTypes.has(column.type) ? 'right' : 'left'));
  return { lang, chalk, head, style, cells, bold, aligns };
}

export function renderTable(report: Report, options: RenderOptions = {}): string {
  const { lang, chalk, head, style, cells, bold } = tablePaint(report, options);
  const screenLimit = options.screen?.rows && !report.vertical ? screenfulRows(options.screen.rows) : null;
  /** Lines under the table about what the screen left out. */
  const extra: string[] = [];
  const textOf = (cell: Cell): string => (typeof cell === 'string' ? cell : cell.text);
  const drawn = (): string => {
    if (report.vertical) {
      const pairs: [string, Cell][] = [];
      for (const row of report.rows) {
        const shown = cells(row);
        report.columns.forEach((column, index) => {
          if (textOf(shown[index]!) !== '') pairs.push([head(column), shown[index]!]);
        });
      }
      return drawVerticalTable(pairs, style);
    }
    const shown = screenLimit !== null && report.rows.length > screenLimit ? report.rows.slice(0, screenLimit) : report.rows;
    const rows = shown.map((row, index) => cells(row, index));
    if (report.totals) rows.push(cells(report.totals).map(bold));
    let headings = report.columns.map(head);
    let aligns = report.columns.map((column): Align => (numericTypes.has(column.type) ? 'right' : 'left'));
    let widths = columnWidths(headings, rows);
    if (options.screen?.columns && tableWidth(widths) > options.screen.columns) {
      const kept = columnsThatFit(widths, options.screen.columns);
      const left = headings.filter((_, index) => !kept.includes(index));
      extra.push(
        lang === 'zh'
          ? `（为适应终端宽度省略的列：${left.join('、')}；用 --format csv 或更宽的终端查看全部）`
          : `(left out to fit the terminal: ${left.join(', ')}; use --format csv or a wider terminal to see them)`,
      );
      headings = kept.map((index) => headings[index]!);
      aligns = kept.map((index) => aligns[index]!);
      widths = kept.map((index) => widths[index]!);
      for (let at = 0; at < rows.length; at += 1) rows[at] = kept.map((index) => rows[at]![index]!);
    }
    if (shown.length < rowCount(report)) {
      const more = formatNumber(rowCount(report) - shown.length, 0);
      extra.unshift(lang === 'zh' ? `…… 还有 ${more} 行（用 --limit 或 --format csv 查看）` : `… and ${more} more (use --limit or --format csv)`);
    }
    return drawTable({ head: headings, rows, aligns, style, widths });
  };
  const title = visibleText(lang === 'zh' && report.titleZh ? report.titleZh : report.title);
  const lines = [options.color ? chalk.bold(title) : title];
  lines.push(...(report.preamble ?? []).map(visibleText));
  if (rowCount(report) === 0) lines.push(lang === 'zh' ? '（无数据）' : '(no rows)');
  else lines.push(drawn(), ...extra);
  if (options.pictures && report.picture) lines.push(visibleLines(report.picture));
  for (const note of (report.notes ?? []).map(visibleText)) lines.push(options.color ? chalk.dim(note) : note);
  for (const section of report.sections ?? []) lines.push('', renderTable(section, options).replace(/\n$/, ''));
  return lines.join('\n') + '\n';
}

/** CSV cell: quoted when needed; text a spreadsheet would run as a formula is neutralised with a leading '. */
export function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  // JSON.stringify writes a finite number exactly as String does, but String keeps the text in V8's number-string
  // cache, which puts it in the old generation: a million-row listing (crm clv at 1M customers) then piled up
  // tens of MB of dead number texts between full collections.
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(report: Report, zone?: string): string {
  const lines = [report.columns.map((column) => csvCell(column.key)).join(',')];
  for (const row of report.rows) {
    lines.push(report.columns.map((column) => csvCell(dataValue(column, row[column.key] ?? null, zone))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function jsonRows(report: Report, zone?: string): Record<string, CellValue>[] {
  return report.rows.map((row) => {
    const out: Record<string, CellValue> = {};
    for (const column of report.columns) out[column.key] = dataValue(column, row[column.key] ?? null, zone);
    return out;
  });
}

const columnMeta = (report: Report) => report.columns.map((column) => ({ key: column.key, label: column.label, type: column.type }));

export function renderJson(report: Report, zone?: string): string {
  const rows = jsonRows(report, zone);
  if (report.json === 'array') return JSON.stringify(rows, null, 2) + '\n';
  if (report.json === 'object') {
    if (!report.sections?.length || rows[0] === undefined) return JSON.stringify(rows[0] ?? null, null, 2) + '\n';
    const object: Record<string, unknown> = { ...rows[0] };
    for (const section of report.sections) object[section.name] = jsonRows(section, zone);
    return JSON.stringify(object, null, 2) + '\n';
  }
  const envelope = {
    report: report.name,
    as_of: report.asOf ?? null,
    columns: columnMeta(report),
    rows,
    notes: report.notes ?? [],
    ...(report.meta ?? {}),
    // Further tables of the report (the summary's pyramid and segments), each as { columns, rows }.
    ...(report.sections?.length ? { sections: Object.fromEntries(report.sections.map((section) => [section.name, { columns: columnMeta(section), rows: jsonRows(section, zone) }])) } : {}),
  };
  return JSON.stringify(envelope, null, 2) + '\n';
}

/**
 * Text for one Markdown cell or line: backslashes and | escaped, & < > as HTML entities (so a name like
 * <img onerror=…> is shown, never run, where Markdown becomes HTML), a line break as <br>, and any other
 * control character as a visible escape.
 */
function markdownCell(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
  return visibleText(escaped);
}

export function renderMarkdown(report: Report, options: RenderOptions = {}): string {
  const lang = options.lang ?? 'en';
  const title = lang === 'zh' && report.titleZh ? report.titleZh : report.title;
  const lines = [`## ${markdownCell(title)}`, ''];
  if (report.preamble?.length) lines.push(...report.preamble.map((line) => `${markdownCell(line)}  `), '');
  if (report.rows.length === 0) {
    lines.push(lang === 'zh' ? '（无数据）' : '(no rows)');
  } else {
    lines.push(`| ${report.columns.map((column) => markdownCell(heading(column, lang))).join(' | ')} |`);
    lines.push(`| ${report.columns.map((column) => (numericTypes.has(column.type) ? '---:' : '---')).join(' | ')} |`);
    const push = (row: Row, bold: boolean): void => {
      const cells = report.columns.map((column) => {
        const text = markdownCell(displayValue(column, row[column.key] ?? null, { lang, zone: options.zone }));
        return bold && text ? `**${text}**` : text;
      });
      lines.push(`| ${cells.join(' | ')} |`);
    };
    for (const row of report.rows) push(row, false);
    if (report.totals) push(report.totals, true);
  }
  if (report.notes?.length) lines.push('', ...report.notes.map((note) => `> ${markdownCell(note)}`));
  for (const section of report.sections ?? []) lines.push('', renderMarkdown(section, options).replace(/\n$/, ''));
  return lines.join('\n') + '\n';
}

export function render(report: Report, format: OutputFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'table':
      return renderTable(report, options);
    case 'json':
      return renderJson(report, options.zone);
    case 'csv':
      return renderCsv(report, options.zone);
    case 'md':
      return renderMarkdown(report, options);
  }
}

/** Text gathered into pieces of about 64 KiB, so a million short lines are a few hundred writes. */
class Pieces {
  private parts: string[] = [];
  private length = 0;
  add(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }
  /** The text gathered, when there is enough of it (or when FORCE), and starts again. */
  take(force = false): string | null {
    if (this.length === 0 || (!force && this.length < 64 * 1024)) return null;
    const text = this.parts.join('');
    this.parts = [];
    this.length = 0;
    return text;
  }
}

async function* batchesOf(report: Report): AsyncIterable<readonly Row[]> {
  if (report.stream) yield* report.stream.batches();
  else yield report.rows;
}

/** The first N rows of a report (those a screenful shows). */
async function firstRows(report: Report, count: number): Promise<Row[]> {
  const rows: Row[] = [];
  if (count <= 0) return rows;
  for await (const batch of batchesOf(report)) {
    for (const row of batch) {
      rows.push(row);
      if (rows.length >= count) return rows;
    }
  }
  return rows;
}

/**
 * The report as render() writes it, in pieces: a report whose rows are a stream (Report.stream) is written as its rows
 * are made (CSV, JSON and Markdown a row at a time; a table on a terminal takes its first screenful; a table for a
 * pipe or a file reads the rows twice, once to measure the columns and once to draw them), so its rows are never all
 * held. The text is byte for byte what render() returns for the same rows.
 */
export async function* renderChunks(report: Report, format: OutputFormat, options: RenderOptions = {}): AsyncGenerator<string> {
  if (!report.stream) {
    yield render(report, format, options);
    return;
  }
  const pieces = new Pieces();
  const lines = async function* (texts: Iterable<string>) {
    for (const text of texts) pieces.add(text);
    const piece = pieces.take();
    if (piece !== null) yield piece;
  };
  switch (format) {
    case 'csv': {
      pieces.add(report.columns.map((column) => csvCell(column.key)).join(',') + '\r\n');
      for await (const batch of batchesOf(report)) {
        yield* lines(batch.map((row) => report.columns.map((column) => csvCell(dataValue(column, row[column.key] ?? null, options.zone))).join(',') + '\r\n'));
      }
      break;
    }
    case 'json': {
      if (report.json === 'object' || report.sections?.length) {
        yield render({ ...report, rows: await firstRows(report, Number.POSITIVE_INFINITY), stream: undefined }, format, options);
        return;
      }
      // The document with a marker where the rows go, split there: the rows are written between, indented as
      // JSON.stringify(…, null, 2) indents the elements of an array at that depth.
      const marker = `\u0000rows-${Math.random()}\u0000`;
      const shape =
        report.json === 'array'
          ? marker
          : { report: report.name, as_of: report.asOf ?? null, columns: columnMeta(report), rows: marker, notes: report.notes ?? [], ...(report.meta ?? {}) };
      const whole = JSON.stringify(shape, null, 2) + '\n';
      const at = whole.indexOf(JSON.stringify(marker));
      const indent = report.json === 'array' ? '' : '  ';
      pieces.add(whole.slice(0, at) + '[');
      let written = 0;
      for await (const batch of batchesOf(report)) {
        yield* lines(
          jsonRows({ ...report, rows: batch as Row[] }, options.zone).map(
            (row) => (written++ === 0 ? '\n' : ',\n') + `${indent}  ` + JSON.stringify(row, null, 2).replace(/\n/g, `\n${indent}  `),
          ),
        );
      }
      pieces.add((written === 0 ? ']' : `\n${indent}]`) + whole.slice(at + JSON.stringify(marker).length));
      break;
    }
    case 'md': {
      const lang = options.lang ?? 'en';
      const title = lang === 'zh' && report.titleZh ? report.titleZh : report.title;
      const head: string[] = [`## ${markdownCell(title)}`, ''];
      if (report.preamble?.length) head.push(...report.preamble.map((line) => `${markdownCell(line)}  `), '');
      const line = (row: Row, bold: boolean): string => {
        const cells = report.columns.map((column) => {
          const text = markdownCell(displayValue(column, row[column.key] ?? null, { lang, zone: options.zone }));
          return bold && text ? `**${text}**` : text;
        });
        return `| ${cells.join(' | ')} |\n`;
      };
      if (report.stream.count === 0) {
        head.push(lang === 'zh' ? '（无数据）' : '(no rows)');
        yield* lines(head.map((text) => `${text}\n`));
      } else {
        head.push(`| ${report.columns.map((column) => markdownCell(heading(column, lang))).join(' | ')} |`);
        head.push(`| ${report.columns.map((column) => (numericTypes.has(column.type) ? '---:' : '---')).join(' | ')} |`);
        yield* lines(head.map((text) => `${text}\n`));
        for await (const batch of batchesOf(report)) yield* lines(batch.map((row) => line(row, false)));
        if (report.totals) pieces.add(line(report.totals, true));
      }
      const tail: string[] = [];
      if (report.notes?.length) tail.push('', ...report.notes.map((note) => `> ${markdownCell(note)}`));
      for (const section of report.sections ?? []) tail.push('', renderMarkdown(section, options).replace(/\n$/, ''));
      yield* lines(tail.map((text) => `${text}\n`));
      break;
    }
    case 'table': {
      if (report.vertical || report.stream.count === 0 || options.screen?.rows) {
        // A screenful (or a record, or nothing): the rows shown are few; renderTable says how many more there are.
        const shown = options.screen?.rows && !report.vertical ? screenfulRows(options.screen.rows) : Number.POSITIVE_INFINITY;
        yield renderTable({ ...report, rows: await firstRows(report, shown) }, options);
        return;
      }
      // For a pipe or a file, every row and column: measured in one pass over the rows, drawn in a second.
      const { lang, chalk, head, style, cells, bold, aligns } = tablePaint(report, options);
      const headings = report.columns.map(head);
      const widths = columnWidths(headings, report.totals ? [cells(report.totals)] : []);
      let index = 0;
      for await (const batch of batchesOf(report)) {
        for (const row of batch) {
          cells(row, index++).forEach((cell, column) => {
            const width = textWidth(typeof cell === 'string' ? cell : cell.text);
            if (!(width <= widths[column]!)) widths[column] = width;
          });
        }
      }
      const drawer = tableDrawer({ head: headings, aligns, style, widths });
      const title = visibleText(lang === 'zh' && report.titleZh ? report.titleZh : report.title);
      pieces.add([options.color ? chalk.bold(title) : title, ...(report.preamble ?? []).map(visibleText), ...drawer.top()].join('\n'));
      index = 0;
      for await (const batch of batchesOf(report)) {
        const drawn: string[] = [];
        for (const row of batch) {
          for (const text of drawer.row(cells(row, index), index)) drawn.push('\n', text);
          index += 1;
        }
        yield* lines(drawn);
      }
      if (report.totals) for (const text of drawer.row(cells(report.totals).map(bold), index)) pieces.add('\n' + text);
      const tail = [drawer.bottom()];
      if (options.pictures && report.picture) tail.push(visibleLines(report.picture));
      for (const note of (report.notes ?? []).map(visibleText)) tail.push(options.color ? chalk.dim(note) : note);
      for (const section of report.sections ?? []) tail.push('', renderTable(section, options).replace(/\n$/, ''));
      pieces.add('\n' + tail.join('\n') + '\n');
      break;
    }
  }
  const rest = pieces.take(true);
  if (rest !== null) yield rest;
}
