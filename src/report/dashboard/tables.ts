// The dashboard's two customer lists (top 20 by profit, the win-back list) as HTML tables of their report's rows.
import { displayValue, heading } from '../render.js';
import { say } from '../sales-reports.js';
import type { CellValue, Column, Lang, Report } from '../types.js';
import type { DashboardData } from './data.js';
import { escapeHtml as esc } from './escape.js';
import { caption, column, empty, notes, section } from './sections.js';

/** Longest text a list cell shows; a longer one (a 200-character name) is cut there with "…", the whole of it in the cell's tooltip. */
export const cellTextLimit = 60;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** `text` cut to `limit` characters as a reader counts them (an emoji with its joiners is one), "…" marking the cut. */
export function shortened(text: string, limit = cellTextLimit): string {
  const parts = [...graphemes.segment(text)];
  return parts.length <= limit ? text : `${parts.slice(0, limit - 1).map((part) => part.segment).join('')}…`;
}

function cell(item: Column, value: CellValue, lang: Lang, zone?: string): string {
  const numeric = ['integer', 'number', 'money', 'percent'].includes(item.type);
  const negative = typeof value === 'number' && value < 0 && numeric;
  const full = displayValue(item, value ?? null, { lang, zone });
  const shown = numeric ? full : shortened(full);
  // A date never breaks; a time stamp only between its date and its time; text at its spaces, and a text with a
  // word longer than 12 characters anywhere, so that a long name without spaces cannot widen the table past the page.
  const stamp = numeric ? null : /^(\d{4}-\d{2}-\d{2}[T ])([\d:.]+Z?)$/.exec(full);
  const kind = numeric ? 'num' : stamp ? 'stamp' : item.type === 'date' || /^\d{4}-\d{2}-\d{2}$/.test(full) ? 'date' : /\S{13}/u.test(shown) ? 'text long' : 'text';
  const classes = [kind, negative ? 'negative' : ''].filter(Boolean).join(' ');
  const tooltip = shown === full ? '' : ` title="${esc(full)}"`;
  const content = stamp ? `<span>${esc(stamp[1]!)}</span><wbr><span>${esc(stamp[2]!)}</span>` : esc(shown);
  return `<td class="${classes}"${tooltip}>${content}</td>`;
}

/**
 * A report's rows as an HTML table, with the columns named by `keys` (in that order), headed in the page's language;
 * datetime cells on the clock of `zone` (the shop's) when given.
 */
export function reportTable(report: Report, keys: string[], lang: Lang, tableName: string, zone?: string): string {
  const chosen = keys.map((key) => column(report, key)).filter(Boolean);
  const head = chosen.map((item) => `<th scope="col"${['integer', 'number', 'money', 'percent'].includes(item.type) ? ' class="num"' : ''}>${esc(heading(item, lang))}</th>`).join('');
  const body = report.rows.map((row) => `<tr>${chosen.map((item) => cell(item, row[item.key] ?? null, lang, zone)).join('')}</tr>`).join('');
  // The wrapper scrolls sideways on a narrow screen rather than pushing the whole page wider.
  return `<div class="table-wrap"><table data-table="${esc(tableName)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export function topCustomersSection(data: DashboardData): string {
  const { topCustomers: report, lang } = data;
  const title = say(lang, `Top ${report.rows.length || 20} customers by profit`, `利润前 ${report.rows.length || 20} 位客户`);
  if (!report.rows.length) return section('top-customers', title, empty(lang), 'table-section');
  const more = data.topCustomersTotal > report.rows.length
    ? caption(say(lang, `${report.rows.length} of ${data.topCustomersTotal} customers; crm report profit lists all.`, `共 ${data.topCustomersTotal} 位客户，此处显示 ${report.rows.length} 位；完整列表见 crm report profit。`))
    : '';
  return section('top-customers', title,
    caption(lang === 'zh' ? (report.titleZh ?? report.title) : report.title) +
    reportTable(report, ['rank', 'customer_id', 'name', 'owner', 'orders', 'revenue', 'profit', 'cumulative_profit_percent'], lang, 'top-customers') + more + notes(report), 'table-section');
}

export function winBackSection(data: DashboardData): string {
  const { winBack: report, lang } = data;
  const title = say(lang, 'Win-back list: customers lost', '挽回名单：流失客户');
  if (!report.rows.length) return section('win-back', title, empty(lang), 'table-section');
  const more = data.winBackTotal > report.rows.length
    ? caption(say(lang, `The ${report.rows.length} most valuable of ${data.winBackTotal}; crm report lost lists all.`, `共 ${data.winBackTotal} 位，此处显示价值最高的 ${report.rows.length} 位；完整列表见 crm report lost。`))
    : '';
  return section('win-back', title,
    caption(lang === 'zh' ? (report.titleZh ?? report.title) : report.title) +
    reportTable(report, ['customer_id', 'name', 'owner', 'lost_on', 'last_order', 'orders', 'profit', 'tier_before', 'last_contact_at'], lang, 'win-back', data.zone) + more + notes(report), 'table-section');
}
