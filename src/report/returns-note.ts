// The note an analysis adds when it netted returns (credit notes): docs/rules.md#which-orders-count.
import { formatCents } from '../util/money.js';
import type { Lang, Report } from './types.js';

export interface NettedReturns {
  returns: number;
  /** Their sum, in cents (below zero). */
  cents: number;
}

/** "2 returns (−35.70) netted: …", or null when there were none. */
export function returnsNote(netted: NettedReturns, lang: Lang): string | null {
  if (netted.returns === 0) return null;
  const amount = formatCents(netted.cents);
  return lang === 'zh'
    ? `已冲减 ${netted.returns} 笔退货（${amount}）：计入销售额和利润，但不算购买（不计频次、最近购买和生命周期）`
    : `${netted.returns} return${netted.returns === 1 ? '' : 's'} (${amount}) netted: they reduce revenue and profit but are no purchase (not counted in frequency, recency or lifecycle)`;
}

/** The report with the returns note added at the end of its notes. */
export function withReturnsNote(report: Report, netted: NettedReturns, lang: Lang): Report {
  const note = returnsNote(netted, lang);
  return note === null ? report : { ...report, notes: [...(report.notes ?? []), note] };
}
