// Snapshot reports: the list, what a save stored, the movement matrix and the customers who fell.
import type { MovementMatrix } from '../analysis/snapshot.js';
import { tiers } from '../analysis/pyramid.js';
import { stageName } from './codes.js';
import type { Faller, SnapshotHeader } from '../db/snapshots.js';
import { tierLabel } from './pyramid.js';
import type { Column, Lang, Report, Row } from './types.js';

/** A stable column key from a segment name: "Can't Lose Them" → "cant_lose_them". */
export const segmentKey = (name: string): string =>
  name.toLowerCase().replace(/['’]/g, '').replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_|_$/g, '') || 'segment';

export function snapshotListReport(snapshots: SnapshotHeader[]): Report {
  return {
    name: 'snapshots',
    title: `Snapshots (${snapshots.length})`,
    titleZh: `分析快照（${snapshots.length}）`,
    json: 'array',
    columns: [
      { key: 'as_of', label: 'As of', labelZh: '分析日期', type: 'date' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'since', label: 'Since', labelZh: '起始日期', type: 'date' },
      { key: 'bins', label: 'Bins', labelZh: '分箱数', type: 'integer' },
      { key: 'rules', label: 'Rules', labelZh: '细分规则', type: 'text' },
      { key: 'cuts', label: 'Cuts', labelZh: '金字塔切分', type: 'text' },
      { key: 'saved_at', label: 'Saved at', labelZh: '保存时间', type: 'datetime' },
    ],
    rows: snapshots.map((s) => ({ as_of: s.as_of, customers: s.customers, since: s.since, bins: s.bins, rules: s.rules, cuts: s.cuts, saved_at: s.created_at })),
  };
}

export function movementReport(matrix: MovementMatrix, options: { from: string; to: string; lang: Lang; label: (segment: string) => string }): Report {
  const none = options.lang === 'zh' ? '（无）' : '(none)';
  const columns: Column[] = [
    { key: 'from_segment', label: `From ${options.from} \\ to ${options.to}`, labelZh: `${options.from} → ${options.to}`, type: 'text' },
    ...matrix.segments.map((segment): Column => ({ key: segmentKey(segment), label: options.label(segment), type: 'integer' })),
    { key: 'not_in_to', label: `Not in ${options.to}`, labelZh: `不在 ${options.to}`, type: 'integer' },
    { key: 'total', label: 'Total', labelZh: '合计', type: 'integer' },
  ];
  const rowFor = (from: string | null): Row => {
    const counts = matrix.counts.get(from) ?? new Map<string | null, number>();
    const row: Row = { from_segment: from === null ? `${none} ${options.lang === 'zh' ? '新客户' : 'new'}` : options.label(from) };
    let total = 0;
    for (const segment of matrix.segments) {
      const count = counts.get(segment) ?? 0;
      row[segmentKey(segment)] = count;
      total += count;
    }
    row.not_in_to = counts.get(null) ?? 0;
    row.total = total + (row.not_in_to as number);
    return row;
  };
  const rows = [...matrix.segments, ...(matrix.counts.has(null) ? [null] : [])].map(rowFor);
  const moved = [...matrix.counts.entries()].reduce(
    (sum, [from, to]) => sum + [...to.entries()].filter(([segment]) => segment !== from).reduce((s, [, n]) => s + n, 0),
    0,
  );
  return {
    name: 'snapshot-movement',
    title: `Segment movement from ${options.from} to ${options.to}`,
    titleZh: `客户细分变化：${options.from} → ${options.to}`,
    columns,
    rows,
    notes: [`${moved} customer(s) changed segment (rows: segment at ${options.from}; columns: segment at ${options.to})`],
  };
}

export function fallersReport(rows: Faller[], options: { from: string; to: string; lang: Lang; label: (segment: string) => string }): Report {
  return {
    name: 'snapshot-fallers',
    title: `Customers who fell from a high-value segment or tier, ${options.from} → ${options.to} (${rows.length})`,
    titleZh: `从高价值细分或层级下滑的客户：${options.from} → ${options.to}（${rows.length} 位）`,
    columns: [
      { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
      { key: 'from_segment', label: 'From segment', labelZh: '原细分', type: 'text' },
      { key: 'to_segment', label: 'To segment', labelZh: '现细分', type: 'text' },
      { key: 'from_tier', label: 'From tier', labelZh: '原层级', type: 'text' },
      { key: 'to_tier', label: 'To tier', labelZh: '现层级', type: 'text' },
      { key: 'stage', label: 'Stage now', labelZh: '当前阶段', type: 'text' },
      { key: 'profit', label: 'Profit before', labelZh: '原利润', type: 'money' },
      { key: 'revenue_before', label: 'Revenue before', labelZh: '原销售额', type: 'money' },
      { key: 'revenue_now', label: 'Revenue now', labelZh: '现销售额', type: 'money' },
    ],
    rows: rows.map((row) => ({
      customer_id: row.external_id,
      name: row.name,
      from_segment: options.label(row.from_segment),
      to_segment: row.to_segment === null ? null : options.label(row.to_segment),
      from_tier: tierLabel(tiers[row.from_tier]!, options.lang),
      to_tier: row.to_tier === null ? null : tierLabel(tiers[row.to_tier]!, options.lang),
      stage: row.to_stage === null ? null : stageName(row.to_stage, options.lang),
      profit: row.from_profit_cents,
      revenue_before: row.from_monetary_cents,
      revenue_now: row.to_monetary_cents,
    })),
  };
}
