// Complaints as a report: age of the open ones, time to resolve of the closed ones.
import { complaintStatusLabels, severityLabels } from './codes.js';
import { complaintTiming } from '../analysis/complaints.js';
import type { ComplaintListRow } from '../db/complaints.js';
import type { Column, Report } from './types.js';

export const complaintColumns: Column[] = [
  { key: 'id', label: 'ID', labelZh: '编号', type: 'integer' },
  { key: 'opened_at', label: 'Opened', labelZh: '投诉时间', type: 'datetime' },
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'customer_name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'severity', label: 'Severity', labelZh: '严重程度', type: 'text', labels: severityLabels },
  { key: 'status', label: 'Status', labelZh: '状态', type: 'text', labels: complaintStatusLabels },
  { key: 'summary', label: 'Summary', labelZh: '内容', type: 'text' },
  { key: 'age_days', label: 'Open for (days)', labelZh: '已开天数', type: 'number' },
  { key: 'resolved_in_days', label: 'Resolved in (days)', labelZh: '处理天数', type: 'number' },
  { key: 'resolution', label: 'Resolution', labelZh: '处理结果', type: 'text' },
];

export function complaintsReport(rows: ComplaintListRow[], now: string, openOnly: boolean): Report {
  const reportRows = rows.map((row) => ({
    id: row.id, opened_at: row.opened_at, customer_id: row.customer_external_id, customer_name: row.customer_name,
    severity: row.severity, status: row.status, summary: row.summary, ...complaintTiming(row.opened_at, row.resolved_at, now),
    resolution: row.resolution,
  }));
  const resolved = reportRows.filter((row) => row.resolved_in_days !== null);
  const notes = resolved.length
    ? [`${resolved.length} resolved, on average in ${(resolved.reduce((sum, row) => sum + row.resolved_in_days!, 0) / resolved.length).toFixed(1)} days`]
    : [];
  return {
    name: 'complaints',
    title: `${openOnly ? 'Open complaints' : 'Complaints'} (${rows.length})`,
    titleZh: `${openOnly ? '未处理投诉' : '投诉'}（${rows.length}）`,
    json: 'array',
    columns: complaintColumns,
    rows: reportRows,
    alertRows: reportRows.flatMap((row, index) => (row.status === 'open' && row.severity === 'high' ? [index] : [])),
    notes,
  };
}
