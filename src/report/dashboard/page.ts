// crm dashboard's page: one self-contained HTML document (styles and SVG inline, no script, no network) from DashboardData.
import { periodText, say } from '../sales-reports.js';
import type { DashboardData } from './data.js';
import { escapeHtml as esc } from './escape.js';
import {
  cohortsSection, keyFigures, lifecycleSection, loyaltySection, monthsSection, pyramidSection, segmentsSection,
} from './sections.js';
import { topCustomersSection, winBackSection } from './tables.js';

/**
 * The page runs no script and loads nothing: the policy forbids both, so even a name that slipped past escaping
 * could not run or call out, and opening the file offline always works.
 */
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const styles = `
:root { --ink: #1f2933; --muted: #52606d; --line: #d5dbe3; --card: #f7f9fb; --alert: #b42318; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1120px; padding: 24px; color: var(--ink); background: #fff; line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 16px; padding-bottom: 8px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 8px; padding-top: 4px; border-top: 1px solid var(--line); }
.period, .caption, figcaption, .notes, footer { color: var(--muted); font-size: 12.5px; }
.caption { margin: 0 0 8px; }
.notes { margin: 6px 0 0; padding-left: 18px; }
section { margin: 0 0 22px; }
figure { margin: 0 0 12px; }
figcaption { margin-top: 4px; max-width: 70ch; }
svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; font-size: 12px; }
svg.chart text:not([fill]) { fill: var(--ink); }
svg.chart text.muted:not([fill]) { fill: var(--muted); }
svg.chart text.strong { font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card.alert { border-color: var(--alert); }
.card-label { font-size: 12.5px; color: var(--muted); }
.card-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0 4px; }
.card-note { font-size: 12px; color: var(--muted); }
.negative { color: var(--alert); }
.pair, .duo { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; align-items: start; }
.empty { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--card); font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
td.date, td.stamp span { white-space: nowrap; }
td.long { overflow-wrap: anywhere; min-width: 8ch; }
.table-wrap { overflow-x: auto; }
footer { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 24px; }
@page { size: A4 portrait; margin: 12mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 16pt; }
  h2 { font-size: 12.5pt; break-after: avoid; page-break-after: avoid; }
  section, figure, .card, tr { break-inside: avoid; page-break-inside: avoid; }
  .table-section { break-inside: auto; page-break-inside: auto; }
  /* A list's heading and caption stay with its first rows instead of ending a page alone. */
  .table-section .caption { break-after: avoid; page-break-after: avoid; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  /* The two segment bar charts one under the other: side by side they would shrink to 6 pt on A4. */
  .pair { grid-template-columns: 1fr; }
  .duo { grid-template-columns: 1fr 1fr; }
  table { font-size: 8.5pt; }
}
`;

/** The whole document. Deterministic: the same data gives the same bytes (no clock, no random ids). */
export function renderDashboard(data: DashboardData): string {
  const { lang } = data;
  const title = say(lang, 'Customer dashboard', '客户经营看板');
  const analysisPeriod = periodText({ since: data.since, asOf: data.asOf, lang });
  const sections = [
    keyFigures(data),
    pyramidSection(data),
    segmentsSection(data),
    monthsSection(data),
    cohortsSection(data),
    `<div class="duo">${lifecycleSection(data)}${loyaltySection(data)}</div>`,
    topCustomersSection(data),
    winBackSection(data),
  ];
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="crm dashboard">
<title>${esc(`${title} · ${data.asOf}`)}</title>
<style>${styles}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><div class="period">${esc(say(lang, `As of ${data.asOf}. Charts and tables: orders ${analysisPeriod}.`, `截至 ${data.asOf}。图表与列表：订单 ${analysisPeriod}。`))}</div></header>
<main>
${sections.join('\n')}
</main>
<footer>${esc(say(lang,
    'Made by crm dashboard from the same figures as crm report summary, crm pyramid, crm segment, crm lifecycle, crm loyalty and crm report profit, lost and cohorts. Money in currency units.',
    '由 crm dashboard 生成，数字与 crm report summary、crm pyramid、crm segment、crm lifecycle、crm loyalty 及 crm report profit、lost、cohorts 相同。金额以货币单位计。'))}</footer>
</body>
</html>
`;
}
