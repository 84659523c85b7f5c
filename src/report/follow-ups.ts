// Follow-ups due as a report: a stable bare JSON array for the nightly job, overdue rows in red on a terminal.
import { followUpStateLabels } from './codes.js';
import { daysOverdue, followUpState, type FollowUpWindow } from '../analysis/follow-ups.js';
import type { FollowUpRow } from '../db/interactions.js';
import type { Column, Report } from './types.js';

export const followUpColumns: Column[] = [
  { key: 'id', label: 'ID', labelZh: '编号', type: 'integer' },
  { key: 'due', label: 'Due', labelZh: '跟进日期', type: 'date' },
  { key: 'state', label: 'State', labelZh: '状态', type: 'text', labels: followUpStateLabels },
  { key: 'days_overdue', label: 'Days late', labelZh: '逾期天数', type: 'integer' },
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'customer_name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'reason', label: 'Follow-up of', labelZh: '跟进事项', type: 'text' },
  { key: 'last_contact_at', label: 'Last contact', labelZh: '最近联系', type: 'datetime' },
  { key: 'last_contact_summary', label: 'Last contact summary', labelZh: '最近联系内容', type: 'text' },
];

const titles: Record<FollowUpWindow, [string, string]> = {
  all: ['Open follow-ups', '待跟进'],
  overdue: ['Overdue follow-ups', '逾期跟进'],
  today: ['Follow-ups due today', '今日跟进'],
  week: ['Follow-ups due in the coming 7 days', '未来7天跟进'],
};

export function followUpsReport(rows: FollowUpRow[], window: FollowUpWindow, today: string): Report {
  const [title, titleZh] = titles[window];
  const reportRows = rows.map((row) => ({
    id: row.id, due: row.follow_up_at, state: followUpState(row.follow_up_at, today), days_overdue: daysOverdue(row.follow_up_at, today),
    customer_id: row.customer_external_id, customer_name: row.customer_name, phone: row.phone, owner: row.owner, reason: row.reason,
    last_contact_at: row.last_contact_at, last_contact_summary: row.last_contact_summary,
  }));
  return {
    name: 'followups',
    title: `${title} (${rows.length})`,
    titleZh: `${titleZh}（${rows.length}）`,
    asOf: today,
    json: 'array',
    columns: followUpColumns,
    rows: reportRows,
    alertRows: reportRows.flatMap((row, index) => (row.state === 'overdue' ? [index] : [])),
    notes: rows.length ? ['close one with: crm followups done ID [--note TEXT]'] : [],
  };
}
