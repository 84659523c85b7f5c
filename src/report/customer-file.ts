// The customer file (crm customer show) as one report: the profile card, then complaints, follow-ups and timeline sections.
import { contactKindLabels, customerStatusLabels, followUpStateLabels, severityLabels, timelineTypeLabels } from './codes.js';
import { complaintTiming } from '../analysis/complaints.js';
import type { CustomerFile } from '../analysis/customer-file.js';
import { daysOverdue, followUpState } from '../analysis/follow-ups.js';
import { satisfactionLevelZh } from '../analysis/satisfaction.js';
import type { Column, Report } from './types.js';

const cardColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'company', label: 'Company', labelZh: '公司', type: 'text' },
  { key: 'email', label: 'E-mail', labelZh: '邮箱', type: 'text' },
  { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
  { key: 'city', label: 'City', labelZh: '城市', type: 'text' },
  { key: 'region', label: 'Region', labelZh: '地区', type: 'text' },
  { key: 'channel', label: 'Source (channel)', labelZh: '来源', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'tags', label: 'Tags', labelZh: '标签', type: 'text' },
  { key: 'notes', label: 'Notes', labelZh: '备注', type: 'text' },
  { key: 'status', label: 'Status', labelZh: '状态', type: 'text', labels: customerStatusLabels },
  { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text', labels: contactKindLabels },
  { key: 'converted_at', label: 'Converted from lead', labelZh: '线索转化日期', type: 'date' },
  { key: 'dropped', label: 'Lead dropped', labelZh: '线索已放弃', type: 'text' },
  { key: 'referred_by', label: 'Referred by', labelZh: '推荐人', type: 'text' },
  { key: 'campaigns', label: 'Campaigns', labelZh: '营销活动', type: 'text' },
  { key: 'created_at', label: 'Since', labelZh: '建档时间', type: 'datetime' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'first_order', label: 'First order', labelZh: '首次下单', type: 'date' },
  { key: 'last_order', label: 'Last order', labelZh: '最近下单', type: 'date' },
  { key: 'value_so_far', label: 'Value so far (profit, billed orders)', labelZh: '累计价值', type: 'money' },
  { key: 'billed', label: 'Billed (orders not refunded)', labelZh: '应收', type: 'money' },
  { key: 'paid', label: 'Paid', labelZh: '已回款', type: 'money' },
  { key: 'balance', label: 'Balance (owed; negative = paid ahead)', labelZh: '欠款余额', type: 'money' },
  { key: 'satisfaction', label: 'Satisfaction C (latest survey)', labelZh: '满意度 C（最近）', type: 'number' },
  { key: 'satisfaction_level', label: 'Satisfaction', labelZh: '满意程度', type: 'text' },
  { key: 'satisfaction_average', label: 'Satisfaction C (average)', labelZh: '满意度 C（平均）', type: 'number' },
  { key: 'surveys', label: 'Surveys', labelZh: '调查次数', type: 'integer' },
  { key: 'interactions', label: 'Contacts logged', labelZh: '联系次数', type: 'integer' },
  { key: 'complaints_open', label: 'Open complaints', labelZh: '未处理投诉', type: 'integer' },
  { key: 'follow_ups_due', label: 'Follow-ups due (today or late)', labelZh: '到期跟进', type: 'integer' },
];

function complaintsSection(file: CustomerFile, now: string): Report {
  return {
    name: 'complaints',
    title: `Open complaints (${file.openComplaints.length})`,
    titleZh: `未处理投诉（${file.openComplaints.length}）`,
    columns: [
      { key: 'id', label: 'ID', labelZh: '编号', type: 'integer' },
      { key: 'opened_at', label: 'Opened', labelZh: '投诉时间', type: 'datetime' },
      { key: 'severity', label: 'Severity', labelZh: '严重程度', type: 'text', labels: severityLabels },
      { key: 'summary', label: 'Summary', labelZh: '内容', type: 'text' },
      { key: 'age_days', label: 'Open for (days)', labelZh: '已开天数', type: 'number' },
    ],
    rows: file.openComplaints.map((row) => ({ id: row.id, opened_at: row.opened_at, severity: row.severity, summary: row.summary, age_days: complaintTiming(row.opened_at, null, now).age_days })),
  };
}

function followUpsSection(file: CustomerFile): Report {
  const rows = file.followUps.map((row) => ({
    id: row.id, due: row.follow_up_at, state: followUpState(row.follow_up_at, file.today), days_overdue: daysOverdue(row.follow_up_at, file.today), owner: row.owner, reason: row.reason,
  }));
  return {
    name: 'follow_ups',
    title: `Open follow-ups (${rows.length})`,
    titleZh: `待跟进（${rows.length}）`,
    columns: [
      { key: 'id', label: 'ID', labelZh: '编号', type: 'integer' },
      { key: 'due', label: 'Due', labelZh: '跟进日期', type: 'date' },
      { key: 'state', label: 'State', labelZh: '状态', type: 'text', labels: followUpStateLabels },
      { key: 'days_overdue', label: 'Days late', labelZh: '逾期天数', type: 'integer' },
      { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
      { key: 'reason', label: 'Follow-up of', labelZh: '跟进事项', type: 'text' },
    ],
    rows,
    alertRows: rows.flatMap((row, index) => (row.state === 'overdue' ? [index] : [])),
  };
}

function timelineSection(file: CustomerFile): Report {
  const shown = file.timeline.length;
  const partial = shown < file.timelineTotal;
  return {
    name: 'timeline',
    title: partial ? `Timeline: latest ${shown} of ${file.timelineTotal} (--all for everything)` : `Timeline (${shown})`,
    titleZh: partial ? `时间线：最近 ${shown} 条，共 ${file.timelineTotal} 条（--all 显示全部）` : `时间线（${shown}）`,
    columns: [
      { key: 'at', label: 'When', labelZh: '时间', type: 'datetime' },
      { key: 'type', label: 'What', labelZh: '类型', type: 'text', labels: timelineTypeLabels },
      { key: 'ref', label: 'Ref', labelZh: '编号', type: 'text' },
      { key: 'detail', label: 'Detail', labelZh: '内容', type: 'text' },
      { key: 'amount', label: 'Amount', labelZh: '金额', type: 'money' },
      { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
      { key: 'by', label: 'By', labelZh: '操作人', type: 'text' },
    ],
    rows: file.timeline.map((entry) => ({
      at: entry.at, type: entry.type, ref: entry.ref, detail: entry.detail, amount: entry.amount_cents, owner: entry.owner, by: entry.by,
    })),
  };
}

export function customerFileReport(file: CustomerFile, now: string, lang: 'en' | 'zh' = 'en'): Report {
  const { customer, totals, money, satisfaction } = file;
  const profit = totals.cost_cents === null ? null : totals.revenue_cents - totals.cost_cents;
  const level = satisfaction.level === null ? null : lang === 'zh' ? satisfactionLevelZh[satisfaction.level] : satisfaction.level;
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10_000);
  const memberColumns: Column[] = [
    ...(file.member
      ? [
          { key: 'member_level', label: 'Member level', labelZh: '会员等级', type: 'text' },
          { key: 'growth', label: file.member.basis === 'growth' ? 'Growth (sales, last 12 months)' : 'Growth (sales, lifetime)', labelZh: file.member.basis === 'growth' ? '成长值（近 12 个月消费）' : '成长值（累计消费）', type: 'money' },
        ] satisfies Column[]
      : []),
    ...(file.points
      ? [
          { key: 'points', label: 'Points', labelZh: '积分', type: 'integer' },
          { key: 'points_expiring', label: `Points expiring by ${file.points.expiringBy}`, labelZh: `${file.points.expiringBy} 前到期积分`, type: 'integer' },
        ] satisfies Column[]
      : []),
  ];
  return {
    name: 'customer',
    title: `${customer.name} (${customer.external_id})`,
    json: 'object',
    vertical: true,
    columns: memberColumns.length ? [...cardColumns.slice(0, 13), ...memberColumns, ...cardColumns.slice(13)] : cardColumns,
    rows: [
      {
        customer_id: customer.external_id, name: customer.name, company: customer.company, email: customer.email,
        phone: customer.phone, city: customer.city, region: customer.region, channel: customer.channel, owner: customer.owner,
        tags: customer.tags, notes: customer.notes, status: customer.status, kind: customer.kind, converted_at: customer.converted_at,
        dropped: customer.dropped_at ? `${customer.dropped_at}: ${customer.drop_reason ?? ''}` : null,
        ...(file.member ? { member_level: file.member.level, growth: file.member.growthCents } : {}),
        ...(file.points ? { points: file.points.balance, points_expiring: file.points.expiringSoon } : {}),
        referred_by: file.referrer ? `${file.referrer.external_id} ${file.referrer.name}` : null,
        campaigns: file.campaigns.length ? file.campaigns.join('; ') : null, created_at: customer.created_at,
        orders: totals.orders, revenue: totals.revenue_cents, profit, first_order: totals.first_order, last_order: totals.last_order,
        value_so_far: money.value_cents, billed: money.billed_cents, paid: money.paid_cents, balance: money.balance_cents,
        satisfaction: round(satisfaction.latest), satisfaction_level: level, satisfaction_average: round(satisfaction.average),
        surveys: satisfaction.surveys, interactions: file.history.interactions, complaints_open: file.openComplaints.length,
        follow_ups_due: file.followUps.filter((row) => row.follow_up_at <= file.today).length,
      },
    ],
    sections: [complaintsSection(file, now), followUpsSection(file), timelineSection(file)],
    notes: totals.returns > 0
      ? [lang === 'zh'
          ? `${totals.returns} 笔退货已从销售额中冲减，不计入订单数和下单日期`
          : `${totals.returns} return${totals.returns === 1 ? '' : 's'} (credit notes) netted in revenue; not counted in orders or order dates`]
      : [],
  };
}
