// RFM and segment reports: per-customer scores, the per-segment summary, the rules table and its lint.
import type { CustomerLabel } from '../db/analysis.js';
import type { RfmScores } from '../analysis/rfm.js';
import { rfmScore } from '../analysis/rfm.js';
import type { RulesLint, SegmentRule } from '../analysis/segment-rules.js';
import type { SegmentLabel, Segmentation, SegmentSummary } from '../analysis/segments.js';
import { segmentNamed } from '../analysis/segments.js';
import type { Column, Lang, Report, Row } from './types.js';

export const label = (segment: SegmentLabel, lang: Lang): string => (lang === 'zh' ? segment.nameZh : segment.name);

/** issue 4: these columns, in this order and with these names, in CSV and JSON. */
export const rfmCustomerColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'recency_days', label: 'Recency (days)', labelZh: '最近购买（天）', type: 'integer' },
  { key: 'frequency', label: 'Orders', labelZh: '购买次数', type: 'integer' },
  { key: 'monetary', label: 'Revenue', labelZh: '消费金额', type: 'money' },
  { key: 'r_score', label: 'R', type: 'integer' },
  { key: 'f_score', label: 'F', type: 'integer' },
  { key: 'm_score', label: 'M', type: 'integer' },
  { key: 'rfm_score', label: 'RFM', type: 'integer' },
  { key: 'segment', label: 'Segment', labelZh: '客户细分', type: 'text' },
];

const formatCut = (value: number): string => String(Math.round(value * 10_000) / 10_000);

/** The cut points in force, written as a --thresholds value so a run can be repeated with frozen cuts. */
export function cutsNote(scores: RfmScores, lang: Lang = 'en'): string {
  // No customers: quantiles of nothing are NaN, and there are no cut points to reuse.
  if (scores.customerIds.length === 0) return lang === 'zh' ? '没有客户，因此没有分界点' : 'no customers, so no cut points';
  const cuts = (measure: 'r' | 'f' | 'm') => scores.edges[measure].lower.slice(1).map(formatCut).join(',');
  const text = (['r', 'f', 'm'] as const).filter((measure) => cuts(measure)).map((measure) => `${measure}=${cuts(measure)}`).join(' ');
  if (lang === 'zh') return text ? `分界点（与 R 的 rfm 包一致；用 --thresholds "${text}" 可沿用）` : '每个维度只有一档：所有评分都是 1';
  return text ? `cut points (R rfm compatible; reuse with --thresholds "${text}")` : 'one bin per measure: every score is 1';
}

/** The notes under the segment table (rules scheme): which rules table was used, and the cut points. */
export function segmentNotes(rulesSource: string, scores: RfmScores, lang: Lang = 'en'): string[] {
  const rules = lang === 'zh' ? `细分规则：${rulesSource === 'default' ? '默认' : rulesSource}` : `rules: ${rulesSource}`;
  return [rules, cutsNote(scores, lang)];
}

export interface CustomerSelection {
  /** Only customers in this segment (matched on the English or Chinese name, case-insensitive). */
  segment?: string;
  /** At most this many customers, the best first. */
  limit?: number;
}

/** Rows of a listing made at a time (each batch's names looked up together). */
export const listingBatch = 2_000;

/**
 * Per-customer scores, best first (rfm_score, then revenue), as R's rfm table plus the segment. The rows are made as
 * they are written (Report.stream): the order is a typed array of indexes, and the names of each batch of rows are
 * looked up when the batch is made, so a million customers are never a million row objects.
 */
export async function rfmCustomersReport(
  scores: RfmScores,
  segmentation: Segmentation,
  /** Looks up id and name of the customers that are listed, a batch at a time. */
  labelsOf: (customerIds: number[]) => Promise<Map<number, CustomerLabel>>,
  options: { asOf: string; lang: Lang; selection?: CustomerSelection; title?: string },
): Promise<Report> {
  const wanted = options.selection?.segment;
  let chosen = new Uint32Array(scores.customerIds.length);
  let count = 0;
  for (let i = 0; i < scores.customerIds.length; i++) {
    const segment = segmentation.labels[segmentation.segmentOf[i]!]!;
    if (wanted && !segmentNamed(segment, wanted)) continue;
    chosen[count++] = i;
  }
  const score = (i: number) => rfmScore(scores.rScore[i]!, scores.fScore[i]!, scores.mScore[i]!);
  chosen = chosen.subarray(0, count).sort((a, b) => score(b) - score(a) || scores.monetaryCents[b]! - scores.monetaryCents[a]! || scores.customerIds[a]! - scores.customerIds[b]!);
  if (options.selection?.limit !== undefined) chosen = chosen.subarray(0, Math.min(chosen.length, options.selection.limit));
  const indexes = chosen;
  const rowsOf = async (part: Uint32Array): Promise<Row[]> => {
    const labels = await labelsOf(Array.from(part, (i) => scores.customerIds[i]!));
    return Array.from(part, (i) => {
      const customer = labels.get(scores.customerIds[i]!);
      return {
        customer_id: customer?.externalId ?? null,
        name: customer?.name ?? null,
        recency_days: scores.recencyDays[i]!,
        frequency: scores.frequency[i]!,
        monetary: scores.monetaryCents[i]!,
        r_score: scores.rScore[i]!,
        f_score: scores.fScore[i]!,
        m_score: scores.mScore[i]!,
        rfm_score: score(i),
        segment: label(segmentation.labels[segmentation.segmentOf[i]!]!, options.lang),
      };
    });
  };
  return {
    name: 'rfm',
    title: `${options.title ?? 'RFM scores'} as of ${options.asOf} (${indexes.length} customers)`,
    titleZh: `RFM 评分（截至 ${options.asOf}，${indexes.length} 位客户）`,
    asOf: options.asOf,
    columns: rfmCustomerColumns,
    rows: [],
    stream: {
      count: indexes.length,
      batches: async function* () {
        for (let start = 0; start < indexes.length; start += listingBatch) yield await rowsOf(indexes.subarray(start, start + listingBatch));
      },
    },
    notes: [cutsNote(scores, options.lang), ...baselineNotes(segmentation, options.lang)],
  };
}

function baselineNotes(segmentation: Segmentation, lang: Lang): string[] {
  const baseline = segmentation.baseline;
  if (!baseline) return [];
  const kind = baseline.kind === 'median' ? '中位数' : '平均值';
  if (lang === 'zh') {
    return [
      `八类细分的基准（${kind}）：最近购买 ${formatCut(baseline.recencyDays)} 天前，${formatCut(baseline.frequency)} 笔订单，` +
        `销售额 ${formatCut(baseline.monetaryCents / 100)}；优于基准为"高"，等于基准为"低"`,
    ];
  }
  return [
    `cn8 baseline (${baseline.kind}): recency ${formatCut(baseline.recencyDays)} days, ${formatCut(baseline.frequency)} orders, ` +
      `revenue ${formatCut(baseline.monetaryCents / 100)}; better than the baseline is "high", equal is "low"`,
  ];
}

/** One row per segment: customers, share, orders, revenue, average order value, average recency. */
export function segmentSummaryReport(summary: SegmentSummary[], segmentation: Segmentation, options: { asOf: string; lang: Lang; notes?: string[] }): Report {
  const customers = summary.reduce((sum, row) => sum + row.customers, 0);
  const orders = summary.reduce((sum, row) => sum + row.orders, 0);
  const revenue = summary.reduce((sum, row) => sum + row.revenueCents, 0);
  return {
    name: 'segments',
    title: `Segments (${segmentation.scheme}) as of ${options.asOf}`,
    titleZh: `客户细分（${segmentation.scheme === 'cn8' ? '八类' : '规则'}，截至 ${options.asOf}）`,
    asOf: options.asOf,
    columns: [
      { key: 'segment', label: 'Segment', labelZh: '客户细分', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'share', label: 'Share', labelZh: '占比', type: 'percent' },
      { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'average_order', label: 'Avg order', labelZh: '客单价', type: 'money' },
      { key: 'average_recency_days', label: 'Avg recency (days)', labelZh: '平均最近购买（天）', type: 'number' },
    ],
    rows: customers === 0 ? [] : summary.map((row) => ({
      segment: label(row.segment, options.lang),
      customers: row.customers,
      share: row.share,
      orders: row.orders,
      revenue: row.revenueCents,
      average_order: row.averageOrderCents,
      average_recency_days: row.averageRecencyDays,
    })),
    totals: {
      segment: options.lang === 'zh' ? '合计' : 'Total',
      customers,
      share: customers ? 100 : 0,
      orders,
      revenue,
      average_order: orders ? Math.round(revenue / orders) : null,
      average_recency_days: null,
    },
    notes: [...(options.notes ?? []), ...baselineNotes(segmentation, options.lang)],
  };
}

const ruleColumns: Column[] = [
  { key: 'segment', label: 'Segment', labelZh: '客户细分', type: 'text' },
  { key: 'segment_zh', label: 'Chinese', labelZh: '中文名', type: 'text' },
  { key: 'r_low', label: 'R from', labelZh: 'R 下限', type: 'integer' },
  { key: 'r_high', label: 'R to', labelZh: 'R 上限', type: 'integer' },
  { key: 'f_low', label: 'F from', labelZh: 'F 下限', type: 'integer' },
  { key: 'f_high', label: 'F to', labelZh: 'F 上限', type: 'integer' },
  { key: 'm_low', label: 'M from', labelZh: 'M 下限', type: 'integer' },
  { key: 'm_high', label: 'M to', labelZh: 'M 上限', type: 'integer' },
];

const ruleRow = (rule: SegmentRule): Row => ({
  segment: rule.name, segment_zh: rule.nameZh ?? null,
  r_low: rule.r[0], r_high: rule.r[1], f_low: rule.f[0], f_high: rule.f[1], m_low: rule.m[0], m_high: rule.m[1],
});

/** The rules table in force; its CSV/JSON is exactly what --rules FILE reads back. */
export function rulesReport(rules: readonly SegmentRule[], source: string): Report {
  return {
    name: 'segment-rules',
    title: `Segment rules (${source}): the first rule that matches wins, else Others`,
    titleZh: `细分规则（${source}）：按顺序取第一条匹配的规则，否则为“其他”`,
    json: 'array',
    columns: ruleColumns,
    rows: rules.map(ruleRow),
  };
}

/** The lint: per rule how many score combinations it takes, dead rules, and combinations left to Others. */
export function rulesCheckReport(lint: RulesLint, bins: number, source: string): Report {
  const dead = lint.checks.filter((check) => check.dead).length;
  const notes = [
    `${bins}×${bins}×${bins} = ${bins ** 3} score combinations; ${lint.uncovered.length} fall into Others` +
      (lint.uncovered.length ? `: ${lint.uncovered.join(' ')}` : ''),
  ];
  if (dead) notes.push(`${dead} rule(s) can never match: earlier rules take every combination they cover`);
  return {
    name: 'segment-rules-check',
    title: `Segment rules check (${source})`,
    titleZh: `细分规则检查（${source}）`,
    columns: [
      ...ruleColumns.filter((column) => column.key !== 'segment_zh'),
      { key: 'combinations', label: 'Combinations taken', labelZh: '覆盖组合数', type: 'integer' },
      { key: 'status', label: 'Status', labelZh: '状态', type: 'text' },
    ],
    rows: lint.checks.map((check) => ({
      ...ruleRow(check.rule),
      combinations: check.combinations,
      status: check.dead ? (check.shadowedBy.length ? `dead: taken by ${check.shadowedBy.join(', ')}` : 'dead: matches no score combination') : 'ok',
    })),
    notes,
  };
}
