// Small text charts that go with a terminal table (a report's `picture`): bars for shares, a spark line for a series.
import { textWidth } from './table.js';
import { visibleText } from './visible.js';

const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar `width` columns long at 100 %, in eighths of a column; negative or missing shares draw nothing. */
export function bar(percent: number | null, width = 30): string {
  if (percent === null || !(percent > 0)) return '';
  const units = Math.round((Math.min(percent, 100) / 100) * width * 8);
  return '█'.repeat(Math.floor(units / 8)) + eighths[units % 8];
}

/**
 * One line per item: label (padded, double-width characters counted twice), bar, the share written in.
 * Labels are data (product names): control characters are shown as escapes before they are measured.
 */
export function barChart(items: { label: string; percent: number | null }[], width = 30): string {
  const labels = items.map((item) => visibleText(item.label));
  const labelWidth = Math.max(0, ...labels.map(textWidth));
  return items
    .map((item, index) => {
      const label = labels[index]!;
      const share = item.percent === null ? '' : ` ${item.percent.toFixed(1)} %`;
      return `${label}${' '.repeat(labelWidth - textWidth(label))} │${bar(item.percent, width)}${share}`;
    })
    .join('\n');
}

const ticks = '▁▂▃▄▅▆▇█';

/** A spark line: one character per value, the lowest value ▁ and the highest █ (all equal: all ▄). */
export function sparkLine(values: number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.map((value) => (high === low ? ticks[3] : ticks[Math.round(((value - low) / (high - low)) * (ticks.length - 1))])).join('');
}
