// The dashboard's chart sections as HTML: key figures, pyramid, segments, months, cohorts, lifecycle, loyalty (tables.ts: the lists).
// Reads the report values of data.ts and formats them; labels follow the page's language; all data is escaped.
import { tiers } from '../../analysis/pyramid.js';
import { formatCents, formatNumber } from '../../util/money.js';
import { displayValue, heading } from '../render.js';
import { say } from '../sales-reports.js';
import type { Column, Lang, Report, Row } from '../types.js';
import { dashboardMonths, type DashboardData } from './data.js';
import { escapeHtml as esc } from './escape.js';
import { barChartSvg, colours, heatMapSvg, monthlySvg, pyramidSvg, quadrantSvg, type HeatCell, type QuadrantCell } from './svg.js';

export const numberOf = (row: Row | undefined, key: string): number | null => (typeof row?.[key] === 'number' ? (row[key] as number) : null);
export const textOf = (row: Row | undefined, key: string): string => (row?.[key] === null || row?.[key] === undefined ? '' : String(row[key]));
const percentText = (value: number | null): string => (value === null ? '–' : `${formatNumber(value, 1)} %`);
const money = (cents: number | null): string => (cents === null ? '–' : formatCents(cents));
export const column = (report: Report, key: string): Column => report.columns.find((item) => item.key === key)!;
const label = (report: Report, key: string, lang: Lang): string => heading(column(report, key), lang);

export function section(id: string, title: string, body: string, className = ''): string {
  return `<section id="${id}"${className ? ` class="${className}"` : ''}><h2>${esc(title)}</h2>${body}</section>`;
}

export const empty = (lang: Lang): string => `<p class="empty">${esc(say(lang, 'Nothing to show for this period.', '本期没有数据。'))}</p>`;
export const caption = (text: string): string => `<p class="caption">${esc(text)}</p>`;
export const notes = (report: Report): string => (report.notes?.length ? `<ul class="notes">${report.notes.map((note) => `<li>${esc(note)}</li>`).join('')}</ul>` : '');
const figure = (chart: string, text = ''): string => `<figure>${chart}${text ? `<figcaption>${esc(text)}</figcaption>` : ''}</figure>`;

// ---------------------------------------------------------------- key figures

function change(lang: Lang, value: number | null): string {
  if (value === null) return say(lang, 'no previous figure to compare', '无上期数据可比');
  const arrow = value > 0 ? '▲' : value < 0 ? '▼' : '■';
  return `${arrow} ${formatNumber(value, 1)} % ${say(lang, 'against the previous period', '较上期')}`;
}

export function keyFigures(data: DashboardData): string {
  const { summary, lang } = data;
  const row = summary.rows[0];
  const title = lang === 'zh' ? (summary.titleZh ?? summary.title) : summary.title;
  if (!row) return section('key-figures', say(lang, 'Key figures', '关键指标'), caption(title) + empty(lang));
  const value = (key: string) => displayValue(column(summary, key), row[key] ?? null);
  const pair = (key: string) => `${label(summary, key, lang)}: ${value(key) || '–'}`;
  const card = (key: string, lines: string[], tone = '') => {
    const number = numberOf(row, key);
    const negative = number !== null && number < 0 && column(summary, key).type !== 'integer';
    return `<div class="card${tone}" data-figure="${esc(key)}"><div class="card-label">${esc(label(summary, key, lang))}</div>` +
      `<div class="card-value${negative ? ' negative' : ''}">${esc(value(key) || '–')}</div>${lines.map((line) => `<div class="card-note">${esc(line)}</div>`).join('')}</div>`;
  };
  const cards = [
    card('active_customers', [pair('new_customers'), pair('new_customers_previous'), pair('lost_customers')]),
    card('revenue', [change(lang, numberOf(row, 'revenue_change_percent')), pair('revenue_previous'), pair('orders')]),
    card('profit', [change(lang, numberOf(row, 'profit_change_percent')), pair('profit_previous')]),
    card('owed', [pair('owed_over_60_days')]),
    card('followups_overdue', [pair('followups_due_today'), pair('open_complaints')], (numberOf(row, 'followups_overdue') ?? 0) > 0 ? ' alert' : ''),
  ];
  return section('key-figures', say(lang, 'Key figures', '关键指标'), caption(title) + `<div class="cards">${cards.join('')}</div>` + notes(summary));
}

// ---------------------------------------------------------------- pyramid

export function pyramidSection(data: DashboardData): string {
  const { pyramid, lang } = data;
  const title = say(lang, 'Customer value pyramid', '客户价值金字塔');
  if (!pyramid.rows.length) return section('pyramid', title, empty(lang));
  const marks = pyramid.rows.map((row, index) => {
    const customers = numberOf(row, 'customers') ?? 0;
    const name = textOf(row, 'tier');
    const shares = say(lang, `${percentText(numberOf(row, 'customer_share'))} of customers · ${percentText(numberOf(row, 'profit_share'))} of profit`,
      `客户占比 ${percentText(numberOf(row, 'customer_share'))} · 利润占比 ${percentText(numberOf(row, 'profit_share'))}`);
    const first = say(lang, `${name}: ${formatNumber(customers)} customer${customers === 1 ? '' : 's'}`, `${name}：${formatNumber(customers)} 位客户`);
    const profit = say(lang, `profit ${money(numberOf(row, 'profit'))}`, `利润 ${money(numberOf(row, 'profit'))}`);
    return { key: tiers[index]?.key ?? String(index), customers, lines: [first, `${shares} · ${profit}`], tooltip: `${first}; ${shares}; ${profit}` };
  });
  const chart = pyramidSvg(
    { id: 'chart-pyramid', chart: 'pyramid', title, description: marks.map((mark) => mark.tooltip).join('. ') },
    marks,
  );
  return section('pyramid', title, figure(chart, say(lang, 'Customers ranked by profit: platinum the top 1 %, gold to 5 %, iron to 20 %, lead the rest. Each tier is as wide as its number of customers.',
    '按利润排序：铂金为前 1 %，黄金至 5 %，钢铁至 20 %，其余为重铅。每层宽度与客户数成正比。')));
}

// ---------------------------------------------------------------- segments and the R×F heat map

export function segmentsSection(data: DashboardData): string {
  const { segments, lang, rfGrid } = data;
  const title = say(lang, 'RFM segments', 'RFM 客户细分');
  if (!segments.rows.length) return section('segments', title, empty(lang));
  const customersTitle = say(lang, 'Customers per segment', '各细分客户数');
  const revenueTitle = say(lang, 'Revenue per segment', '各细分销售额');
  const customerBars = segments.rows.map((row) => {
    const count = numberOf(row, 'customers') ?? 0;
    const valueText = `${formatNumber(count)} (${percentText(numberOf(row, 'share'))})`;
    return { label: textOf(row, 'segment'), value: count, valueText, tooltip: `${textOf(row, 'segment')}: ${valueText}` };
  });
  const revenueBars = segments.rows.map((row) => {
    const cents = numberOf(row, 'revenue') ?? 0;
    return { label: textOf(row, 'segment'), value: cents, valueText: money(cents), tooltip: `${textOf(row, 'segment')}: ${money(cents)}` };
  });
  const customersChart = barChartSvg({ id: 'chart-segment-customers', chart: 'segment-customers', title: customersTitle, description: customerBars.map((bar) => bar.tooltip).join('; ') }, customerBars, colours.customers);
  const revenueChart = barChartSvg({ id: 'chart-segment-revenue', chart: 'segment-revenue', title: revenueTitle, description: revenueBars.map((bar) => bar.tooltip).join('; ') }, revenueBars, colours.revenue);

  const heatTitle = say(lang, 'Average spend by R and F score', '按 R、F 评分的平均消费');
  const cells: HeatCell[] = rfGrid.cells.map((cell) => {
    const where = `R ${cell.r}, F ${cell.f}`;
    const tooltip = cell.averageSpendCents === null
      ? say(lang, `${where}: no customers`, `${where}：无客户`)
      : say(lang, `${where}: ${cell.customers} customers, average spend ${money(cell.averageSpendCents)}`, `${where}：${cell.customers} 位客户，平均消费 ${money(cell.averageSpendCents)}`);
    return {
      row: rfGrid.rBins - cell.r, column: cell.f - 1, value: cell.averageSpendCents,
      text: cell.averageSpendCents === null ? '–' : formatNumber(cell.averageSpendCents / 100, 0), tooltip,
    };
  });
  const heat = heatMapSvg(
    { id: 'chart-rf-heat', chart: 'rf-heat', title: heatTitle, description: cells.map((cell) => cell.tooltip).join('; ') },
    {
      rowLabels: Array.from({ length: rfGrid.rBins }, (_, index) => `R ${rfGrid.rBins - index}`),
      columnLabels: Array.from({ length: rfGrid.fBins }, (_, index) => `F ${index + 1}`),
      rowAxis: say(lang, 'recency', '最近购买'),
      columnAxis: say(lang, 'frequency →', '购买频率 →'),
      cellWidth: 72,
      cellHeight: 30,
      scale: 'log',
    },
    cells,
  );
  const outside = rfGrid.outside ? ' ' + say(lang, `${rfGrid.outside} customers outside the cut points are not in the grid.`, `${rfGrid.outside} 位客户超出分界点，未计入。`) : '';
  return section('segments', title,
    `<div class="pair">${figure(customersChart, customersTitle)}${figure(revenueChart, revenueTitle)}</div>` +
    figure(heat, say(lang, `${heatTitle}: score 5 = bought most recently / most often; darker = higher average spend (revenue per customer; colours on a log scale).`,
      `${heatTitle}：5 分 = 最近购买 / 购买最频繁；颜色越深，人均消费越高（对数色阶）。`) + outside));
}

// ---------------------------------------------------------------- revenue and profit by month

export function monthsSection(data: DashboardData): string {
  const { months, lang } = data;
  // Fewer than 24 months: --since/--period starts later, and the first month counts from that day.
  const title = data.since !== null && months.length < dashboardMonths
    ? say(lang, `Revenue and profit by month since ${data.since}`, `${data.since} 起各月销售额与利润`)
    : say(lang, `Revenue and profit, the last ${months.length} months`, `近 ${months.length} 个月销售额与利润`);
  if (months.every((month) => month.revenueCents === 0 && month.profitCents === 0)) return section('months', title, empty(lang));
  const revenueWord = say(lang, 'revenue', '销售额');
  const profitWord = say(lang, 'profit', '利润');
  const marks = months.map((month) => ({
    label: month.month, revenue: month.revenueCents, profit: month.profitCents,
    tooltip: `${month.month}: ${revenueWord} ${money(month.revenueCents)}, ${profitWord} ${money(month.profitCents)}`,
  }));
  const chart = monthlySvg({ id: 'chart-months', chart: 'months', title, description: marks.map((mark) => mark.tooltip).join('; ') }, marks, {
    tickText: (cents) => formatNumber(cents / 100, 0),
    legend: { revenue: say(lang, 'Revenue', '销售额'), profit: say(lang, 'Profit', '利润') },
  });
  return section('months', title, figure(chart, say(lang, 'Per calendar month, refunded and cancelled orders left out; profit uses revenue where an order has no cost.', '按自然月，不含退款和取消的订单；无成本的订单利润按收入计。')));
}

// ---------------------------------------------------------------- cohorts

export function cohortsSection(data: DashboardData): string {
  const { cohorts, lang } = data;
  const title = say(lang, 'Cohort retention', '客户留存（按首单月份）');
  if (!cohorts.rows.length) return section('cohorts', title, empty(lang));
  const monthColumns = cohorts.columns.filter((item) => item.key.startsWith('month_'));
  const cells: HeatCell[] = [];
  cohorts.rows.forEach((row, rowIndex) => {
    monthColumns.forEach((item, columnIndex) => {
      const value = numberOf(row, item.key);
      // Blank in the report (a month not reached yet): nothing drawn, which makes the triangle.
      if (value === null) return;
      cells.push({
        row: rowIndex, column: columnIndex, value, text: `${formatNumber(value, 0)}%`,
        tooltip: say(lang, `${textOf(row, 'cohort')} (${textOf(row, 'customers')} customers), month +${columnIndex + 1}: ${percentText(value)} bought`,
          `${textOf(row, 'cohort')}（${textOf(row, 'customers')} 位客户），第 ${columnIndex + 1} 个月：${percentText(value)} 再次购买`),
      });
    });
  });
  const chart = heatMapSvg({ id: 'chart-cohorts', chart: 'cohorts', title, description: say(lang, `${cells.length} cohort-month cells`, `${cells.length} 个单元格`) }, {
    rowLabels: cohorts.rows.map((row) => `${textOf(row, 'cohort')} (${textOf(row, 'customers')})`),
    columnLabels: monthColumns.map((item) => heading(item, lang)),
    rowAxis: label(cohorts, 'cohort', lang),
    columnAxis: say(lang, 'months after the first order →', '首单后月份 →'),
    cellWidth: 44,
    cellHeight: 20,
    textSize: 10,
  }, cells);
  // The report's title is a phrase without a full stop: end it before the sentence about older cohorts.
  const older = data.cohortsTotal > cohorts.rows.length
    ? say(lang, `. The newest ${cohorts.rows.length} of ${data.cohortsTotal} cohorts; crm report cohorts lists all.`, `。显示最近 ${cohorts.rows.length} 个（共 ${data.cohortsTotal} 个）；完整列表见 crm report cohorts。`)
    : '';
  return section('cohorts', title, figure(chart, (lang === 'zh' ? (cohorts.titleZh ?? cohorts.title) : cohorts.title) + older) + notes(cohorts));
}

// ---------------------------------------------------------------- lifecycle and loyalty

export function lifecycleSection(data: DashboardData): string {
  const { lifecycle, lang } = data;
  const title = say(lang, 'Lifecycle stages', '客户关系生命周期');
  if (!lifecycle.rows.length) return section('lifecycle', title, empty(lang), 'small');
  const bars = lifecycle.rows.map((row) => {
    const count = numberOf(row, 'customers') ?? 0;
    const valueText = `${formatNumber(count)} (${percentText(numberOf(row, 'share'))})`;
    return { label: textOf(row, 'stage'), value: count, valueText, tooltip: `${textOf(row, 'stage')}: ${valueText}` };
  });
  const chart = barChartSvg({ id: 'chart-lifecycle', chart: 'lifecycle', title, description: bars.map((bar) => bar.tooltip).join('; ') }, bars, colours.customers);
  return section('lifecycle', title, figure(chart, say(lang, 'Customers per stage as of the analysis date.', '截至分析日期各阶段客户数。')), 'small');
}

export function loyaltySection(data: DashboardData): string {
  const { loyalty, lang } = data;
  const title = say(lang, 'Loyalty: the four forms', '客户忠诚的四种类型');
  const known = loyalty.rows.slice(0, 4);
  if (!known.some((row) => (numberOf(row, 'customers') ?? 0) > 0)) {
    // Customers but no survey answers (CDNOW, a shop that never asked): say what is missing, not "nothing".
    const unsurveyed = numberOf(loyalty.rows[4], 'customers') ?? 0;
    const why = unsurveyed > 0
      ? `<p class="empty">${esc(say(lang, `No survey answers: the forms need a satisfaction survey per customer (crm import surveys); ${formatNumber(unsurveyed)} customers have none.`,
        `没有调查数据：忠诚类型需要客户满意度调查（crm import surveys）；${formatNumber(unsurveyed)} 位客户尚无调查。`))}</p>`
      : empty(lang);
    return section('loyalty', title, why, 'small');
  }
  // Rows come in loyaltyForms order: loyal, potential, inertia (being lost), lost, then unknown.
  const places: { row: 0 | 1; column: 0 | 1; key: string }[] = [
    { row: 0, column: 0, key: 'loyal' }, { row: 0, column: 1, key: 'potential' }, { row: 1, column: 0, key: 'inertia' }, { row: 1, column: 1, key: 'lost' },
  ];
  const cells: QuadrantCell[] = known.map((row, index) => {
    const count = numberOf(row, 'customers') ?? 0;
    const share = numberOf(row, 'share') ?? 0;
    const shortName = textOf(row, 'form').replace(/\s*[（(].*$/, '');
    const counted = say(lang, `${formatNumber(count)} (${percentText(share)})`, `${formatNumber(count)} 位（${percentText(share)}）`);
    return { ...places[index]!, share, lines: [shortName, counted], tooltip: `${textOf(row, 'form')}: ${counted}` };
  });
  const chart = quadrantSvg({ id: 'chart-loyalty', chart: 'loyalty', title, description: cells.map((cell) => cell.tooltip).join('; ') }, {
    rowLabels: [say(lang, 'willing', '有意愿'), say(lang, 'not willing', '无意愿')],
    columnLabels: [say(lang, 'buys again', '再次购买'), say(lang, 'does not', '未再购买')],
  }, cells);
  const unknown = loyalty.rows[4];
  const unknownText = unknown && (numberOf(unknown, 'customers') ?? 0) > 0 ? ` ${textOf(unknown, 'form')}: ${formatNumber(numberOf(unknown, 'customers') ?? 0)}.` : '';
  return section('loyalty', title, figure(chart, say(lang, 'Willing: latest survey C ≥ 1; buys again: an order in the last 90 days and at least two orders.', '有意愿：最近一次调查 C ≥ 1；再次购买：近 90 天有订单且至少两笔订单。') + unknownText), 'small');
}
