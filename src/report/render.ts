// Renders any Report as a terminal table, JSON, CSV or Markdown. Formatting only; no computation.
import { Chalk } from 'chalk';
import { centsToUnits, formatCents, formatNumber } from '../util/money.js';
import type { CellValue, Column, Lang, OutputFormat, Report, Row } from './types.js';
import { codeWords } from './codes.js';
import { visibleLines, visibleText } from './visible.js';
import { isoWithOffset, showLocal } from '../util/zone.js';
import { columnsThatFit, columnWidths, drawTable, drawVerticalTable, tableWidth, type Align, type Cell } from './table.js';

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
export function renderTable(report: Report, options: RenderOptions = {}): string {
  const lang = options.lang ?? 'en';
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const head = (column: Column): string => visibleText(heading(column, lang));
  const style = {
    head: (text: string) => (options.color ? chalk.bold(text) : text),
    border: (text: string) => (options.color ? chalk.grey(text) : text),
  };
  const alerts = new Set(report.alertRows ?? []);
  const screenLimit = options.screen?.rows && !report.vertical ? screenfulRows(options.screen.rows) : null;
  /** Lines under the table about what the screen left out. */
  const extra: string[] = [];
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
    if (shown.length < report.rows.length) {
      const more = formatNumber(report.rows.length - shown.length, 0);
      extra.unshift(lang === 'zh' ? `…… 还有 ${more} 行（用 --limit 或 --format csv 查看）` : `… and ${more} more (use --limit or --format csv)`);
    }
    return drawTable({ head: headings, rows, aligns, style, widths });
  };
  const title = visibleText(lang === 'zh' && report.titleZh ? report.titleZh : report.title);
  const lines = [options.color ? chalk.bold(title) : title];
  lines.push(...(report.preamble ?? []).map(visibleText));
  if (report.rows.length === 0) lines.push(lang === 'zh' ? '（无数据）' : '(no rows)');
  else lines.push(drawn(), ...extra);
  if (options.pictures && report.picture) lines.push(visibleLines(report.picture));
  for (const note of (report.notes ?? []).map(visibleText)) lines.push(options.color ? chalk.dim(note) : note);
  for (const section of report.sections ?? []) lines.push('', renderTable(section, options).replace(/\n$/, ''));
  return lines.join('\n') + '\n';
}

/** CSV cell: quoted when needed; text a spreadsheet would run as a formula is neutralised with a leading '. */
export function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
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
