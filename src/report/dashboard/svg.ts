// Small hand-drawn SVG charts for the dashboard: pyramid, bars, heat map, monthly bars with a line, 2×2 quadrant.
// Inputs are numbers and ready-made (already translated) texts; every text is escaped here. Each chart is
// role="img" with a <title> and <desc>, and each mark carries class "mark" and a <title> (a tooltip, read aloud).
import { textWidth as terminalColumns } from '../table.js';
import { escapeHtml as esc } from './escape.js';

const fontSize = 12;

/** Width in px a text takes at `size` px (wide CJK characters count two half-widths). */
export function textWidth(text: string, size = fontSize): number {
  return Math.ceil(terminalColumns(text) * size * 0.56);
}

const round = (value: number): number => Math.round(value * 10) / 10;

interface Frame {
  id: string;
  /** data-chart name the browser test counts marks by. */
  chart: string;
  title: string;
  description: string;
}

function svg(frame: Frame, width: number, height: number, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<svg class="chart" data-chart="${esc(frame.chart)}" id="${esc(frame.id)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" ` +
    `aria-labelledby="${esc(frame.id)}-title ${esc(frame.id)}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${esc(frame.id)}-title">${esc(frame.title)}</title><desc id="${esc(frame.id)}-desc">${esc(frame.description)}</desc>${body}</svg>`
  );
}

function text(x: number, y: number, content: string, options: { anchor?: 'start' | 'middle' | 'end'; size?: number; className?: string; fill?: string } = {}): string {
  const attributes = [`x="${round(x)}"`, `y="${round(y)}"`];
  if (options.anchor && options.anchor !== 'start') attributes.push(`text-anchor="${options.anchor}"`);
  if (options.size && options.size !== fontSize) attributes.push(`font-size="${options.size}"`);
  if (options.className) attributes.push(`class="${options.className}"`);
  if (options.fill) attributes.push(`fill="${options.fill}"`);
  return `<text ${attributes.join(' ')}>${esc(content)}</text>`;
}

function rect(x: number, y: number, width: number, height: number, className: string, fill: string, tooltip: string, data: Record<string, string | number> = {}): string {
  const extra = Object.entries(data).map(([key, value]) => ` data-${key}="${esc(value)}"`).join('');
  return `<rect class="${className}" x="${round(x)}" y="${round(y)}" width="${round(Math.max(0, width))}" height="${round(Math.max(0, height))}" fill="${fill}"${extra}><title>${esc(tooltip)}</title></rect>`;
}

// ---------------------------------------------------------------- colours

/** Readable on white and told apart by colour-blind readers (blue and orange of the Okabe–Ito set, darkened). */
export const colours = { revenue: '#1f6fb2', profit: '#c45a00', customers: '#2c7a7b', loss: '#b42318', grid: '#d5dbe3', ink: '#1f2933', muted: '#52606d', empty: '#f1f3f5' };

const light = [239, 246, 255];
const dark = [8, 69, 148];

/** Heat colour for `value` in [min, max]: light blue (min) to dark blue (max), linear per RGB channel. */
export function heatColour(value: number, min: number, max: number): string {
  const t = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 1;
  const channel = (index: number) => Math.round(light[index]! + (dark[index]! - light[index]!) * t).toString(16).padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/**
 * Dark text on the lighter part of the scale, white on the darker part. The switch at 0.62 is where the two
 * contrasts cross (about 4 : 1 each, WCAG relative luminance); away from it either is higher.
 */
const heatInk = (value: number, min: number, max: number): string => ((max > min ? (value - min) / (max - min) : 1) > 0.62 ? '#ffffff' : colours.ink);

// ---------------------------------------------------------------- pyramid

export interface PyramidTierMark {
  key: string;
  customers: number;
  /** One or two lines written beside the tier: its name, customers, share of customers and of profit. */
  lines: string[];
  tooltip: string;
}

export const pyramidWidth = 300;

/**
 * The width of a tier: proportional to its customers, the largest tier `width` px wide; a tier with customers
 * is at least 2 px (visible), an empty tier 0.
 */
export function tierWidth(customers: number, largest: number, width = pyramidWidth): number {
  if (customers <= 0 || largest <= 0) return 0;
  return Math.max(2, (width * customers) / largest);
}

/** Four centred tiers, top (platinum) to bottom (lead), each as wide as its share of customers allows. */
export function pyramidSvg(frame: Frame, tiers: PyramidTierMark[]): string {
  const height = 40;
  const gap = 6;
  const largest = Math.max(0, ...tiers.map((tier) => tier.customers));
  const labelX = pyramidWidth + 24;
  const labelWidth = Math.max(0, ...tiers.flatMap((tier) => tier.lines.map((line) => textWidth(line))));
  const fills = ['#5b6b7c', '#b7791f', '#4a5568', '#2d3748'];
  let body = '';
  tiers.forEach((tier, index) => {
    const y = index * (height + gap);
    const width = tierWidth(tier.customers, largest);
    body += rect((pyramidWidth - width) / 2, y, width, height, 'mark tier', fills[index % fills.length]!, tier.tooltip, { tier: tier.key, customers: tier.customers });
    tier.lines.forEach((line, lineIndex) => {
      const lineY = y + height / 2 + (lineIndex - (tier.lines.length - 1) / 2) * 16 + 4;
      body += text(labelX, lineY, line, { className: lineIndex === 0 ? 'strong' : 'muted' });
    });
  });
  return svg(frame, labelX + labelWidth + 8, tiers.length * (height + gap) - gap, body);
}

// ---------------------------------------------------------------- horizontal bars

export interface BarMark {
  label: string;
  value: number;
  valueText: string;
  tooltip: string;
}

export const barAreaWidth = 240;

/** Length of a bar: proportional to value, the largest value `width` px; negative and zero values draw nothing. */
export function barLength(value: number, largest: number, width = barAreaWidth): number {
  if (value <= 0 || largest <= 0) return 0;
  return (width * value) / largest;
}

/** One horizontal bar per item, label on the left, value on the right of its bar. */
export function barChartSvg(frame: Frame, bars: BarMark[], colour: string): string {
  const row = 22;
  const labelWidth = Math.max(40, ...bars.map((bar) => textWidth(bar.label))) + 10;
  const valueWidth = Math.max(0, ...bars.map((bar) => textWidth(bar.valueText)));
  const largest = Math.max(0, ...bars.map((bar) => bar.value));
  let body = '';
  bars.forEach((bar, index) => {
    const y = index * row;
    const length = barLength(bar.value, largest);
    body += text(labelWidth - 8, y + 15, bar.label, { anchor: 'end' });
    body += rect(labelWidth, y + 3, length, row - 6, 'mark bar', bar.value < 0 ? colours.loss : colour, bar.tooltip, { value: bar.value });
    body += text(labelWidth + length + 6, y + 15, bar.valueText, { className: 'muted' });
  });
  return svg(frame, labelWidth + barAreaWidth + 6 + valueWidth + 4, Math.max(row, bars.length * row), body);
}

// ---------------------------------------------------------------- heat map

export interface HeatCell {
  row: number;
  column: number;
  /** null: nothing to show (an empty cell), drawn light grey. */
  value: number | null;
  text: string;
  tooltip: string;
}

export interface HeatMapLayout {
  rowLabels: string[];
  columnLabels: string[];
  /** Axis captions: what the rows and columns are. */
  rowAxis: string;
  columnAxis: string;
  cellWidth: number;
  cellHeight: number;
  textSize?: number;
  /** 'log': colour by log(1 + value), so one very large cell does not wash out the rest (money); default linear. */
  scale?: 'linear' | 'log';
}

/** A grid of coloured cells (value → heatColour between the smallest and largest value shown), with row and column labels. */
export function heatMapSvg(frame: Frame, layout: HeatMapLayout, cells: HeatCell[]): string {
  const scaled = (value: number): number => (layout.scale === 'log' ? Math.log1p(Math.max(0, value)) : value);
  const values = cells.map((cell) => cell.value).filter((value): value is number => value !== null).map(scaled);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const size = layout.textSize ?? 11;
  const left = Math.max(...layout.rowLabels.map((label) => textWidth(label, size)), textWidth(layout.rowAxis, size)) + 12;
  const top = 36;
  let body = text(left - 8, 12, layout.rowAxis, { anchor: 'end', size, className: 'muted' });
  body += text(left, 12, layout.columnAxis, { size, className: 'muted' });
  layout.columnLabels.forEach((label, column) => {
    body += text(left + column * layout.cellWidth + layout.cellWidth / 2, top - 6, label, { anchor: 'middle', size });
  });
  layout.rowLabels.forEach((label, row) => {
    body += text(left - 8, top + row * layout.cellHeight + layout.cellHeight / 2 + size / 3, label, { anchor: 'end', size });
  });
  for (const cell of cells) {
    const x = left + cell.column * layout.cellWidth;
    const y = top + cell.row * layout.cellHeight;
    const fill = cell.value === null ? colours.empty : heatColour(scaled(cell.value), min, max);
    body += rect(x + 1, y + 1, layout.cellWidth - 2, layout.cellHeight - 2, cell.value === null ? 'mark cell empty' : 'mark cell', fill, cell.tooltip, cell.value === null ? {} : { value: round(cell.value) });
    body += text(x + layout.cellWidth / 2, y + layout.cellHeight / 2 + size / 3, cell.text, {
      anchor: 'middle', size, fill: cell.value === null ? colours.muted : heatInk(scaled(cell.value), min, max),
    });
  }
  return svg(frame, left + layout.columnLabels.length * layout.cellWidth + 4, top + layout.rowLabels.length * layout.cellHeight + 4, body);
}

// ---------------------------------------------------------------- monthly revenue and profit

export interface MonthMark {
  /** Axis label (YYYY-MM); every third one is written. */
  label: string;
  revenue: number;
  profit: number;
  tooltip: string;
}

/** Round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k), about `count` of them, 0 always among them. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  if (high === low) return [0];
  const rough = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  const ticks: number[] = [];
  for (let tick = Math.floor(low / step) * step; tick <= high + step * 1e-9; tick += step) ticks.push(Math.round(tick / step) * step);
  if (ticks[ticks.length - 1]! < high) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

/** Revenue as bars and profit as a line with a dot per month, on one axis (money), zero line drawn. */
export function monthlySvg(frame: Frame, months: MonthMark[], options: { tickText: (value: number) => string; legend: { revenue: string; profit: string } }): string {
  const ticks = niceTicks(Math.min(0, ...months.map((month) => Math.min(month.revenue, month.profit))), Math.max(0, ...months.map((month) => Math.max(month.revenue, month.profit))));
  const low = ticks[0]!;
  const high = ticks[ticks.length - 1]!;
  const left = Math.max(...ticks.map((tick) => textWidth(options.tickText(tick), 11))) + 10;
  const top = 26;
  const plot = 200;
  const step = 28;
  const y = (value: number) => top + (high === low ? plot : ((high - value) / (high - low)) * plot);
  let body = '';
  for (const tick of ticks) {
    body += `<line class="gridline" x1="${left}" x2="${left + months.length * step}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="${tick === 0 ? colours.muted : colours.grid}" stroke-width="1"/>`;
    body += text(left - 6, y(tick) + 4, options.tickText(tick), { anchor: 'end', size: 11, className: 'muted' });
  }
  const points: string[] = [];
  months.forEach((month, index) => {
    const x = left + index * step;
    const bar = month.revenue >= 0 ? { top: y(month.revenue), height: y(0) - y(month.revenue) } : { top: y(0), height: y(month.revenue) - y(0) };
    body += rect(x + 4, bar.top, step - 8, bar.height, 'mark bar revenue', colours.revenue, month.tooltip, { month: month.label, value: month.revenue });
    points.push(`${round(x + step / 2)},${round(y(month.profit))}`);
    if (index % 3 === 0 || index === months.length - 1) body += text(x + step / 2, top + plot + 16, month.label, { anchor: 'middle', size: 10, className: 'muted' });
  });
  body += `<polyline class="profit-line" points="${points.join(' ')}" fill="none" stroke="${colours.profit}" stroke-width="2"/>`;
  months.forEach((month, index) => {
    const [cx, cy] = points[index]!.split(',');
    body += `<circle class="mark dot profit" cx="${cx}" cy="${cy}" r="3.5" fill="${colours.profit}" data-month="${esc(month.label)}" data-value="${month.profit}"><title>${esc(month.tooltip)}</title></circle>`;
  });
  // The legend, top left.
  body += `<rect x="${left}" y="4" width="12" height="12" fill="${colours.revenue}"/>` + text(left + 16, 14, options.legend.revenue, { size: 11 });
  const second = left + 16 + textWidth(options.legend.revenue, 11) + 18;
  body += `<line x1="${second}" x2="${second + 14}" y1="10" y2="10" stroke="${colours.profit}" stroke-width="2"/><circle cx="${second + 7}" cy="10" r="3.5" fill="${colours.profit}"/>`;
  body += text(second + 18, 14, options.legend.profit, { size: 11 });
  // A short span (--period 2026-10: one month) is narrower than the legend: the legend sets the width then.
  const legendEnd = second + 18 + textWidth(options.legend.profit, 11);
  return svg(frame, Math.max(left + months.length * step + 8, legendEnd + 4), top + plot + 24, body);
}

// ---------------------------------------------------------------- 2 × 2 quadrant

export interface QuadrantCell {
  row: 0 | 1;
  column: 0 | 1;
  key: string;
  /** Share of customers in percent (colours the cell). */
  share: number;
  lines: string[];
  tooltip: string;
}

/** The loyalty matrix: rows (willing / not willing) × columns (buys again / does not), cells coloured by share. */
export function quadrantSvg(frame: Frame, layout: { rowLabels: [string, string]; columnLabels: [string, string] }, cells: QuadrantCell[]): string {
  const cellWidth = Math.max(150, ...cells.flatMap((cell) => cell.lines.map((line) => textWidth(line) + 16)));
  const cellHeight = 64;
  const left = Math.max(...layout.rowLabels.map((label) => textWidth(label))) + 12;
  const top = 22;
  let body = '';
  layout.columnLabels.forEach((label, column) => (body += text(left + column * cellWidth + cellWidth / 2, 14, label, { anchor: 'middle' })));
  layout.rowLabels.forEach((label, row) => (body += text(left - 8, top + row * cellHeight + cellHeight / 2 + 4, label, { anchor: 'end' })));
  for (const cell of cells) {
    const x = left + cell.column * cellWidth;
    const y = top + cell.row * cellHeight;
    body += rect(x + 1, y + 1, cellWidth - 2, cellHeight - 2, 'mark cell', heatColour(cell.share, 0, 100), cell.tooltip, { form: cell.key, share: round(cell.share) });
    cell.lines.forEach((line, index) => {
      body += text(x + cellWidth / 2, y + cellHeight / 2 + (index - (cell.lines.length - 1) / 2) * 16 + 4, line, { anchor: 'middle', fill: heatInk(cell.share, 0, 100) });
    });
  }
  return svg(frame, left + 2 * cellWidth + 4, top + 2 * cellHeight + 4, body);
}
