// The owner's one screen (crm report summary) as a value: one record of figures, the pyramid and top segments as sections.
import type { PyramidLevel } from '../analysis/pyramid.js';
import type { SegmentSummary } from '../analysis/segments.js';
import type { MonthRevenue, SalesTotals } from '../db/report-sales.js';
import { sparkLine } from './charts.js';
import { noPaymentsNote } from './people-reports.js';
import { returnsNote } from './returns-note.js';
import { periodText, say, type ReportContext } from './sales-reports.js';
import type { Column, Report } from './types.js';

export interface SummaryInputs {
  previous: { since: string; asOf: string } | null;
  activeCustomers: number;
  newCustomers: number;
  newCustomersPrevious: number | null;
  lostCustomers: number;
  lostCustomersPrevious: number | null;
  wonBackCustomers: number;
  sales: SalesTotals;
  salesPrevious: SalesTotals | null;
  followupsOverdue: number;
  followupsDueToday: number;
  openComplaints: number;
  /** null when the shop records no payments: nothing can be said to be owed (docs/rules.md#receivables). */
  owedCents: number | null;
  owedOver60Cents: number | null;
  pyramid: PyramidLevel[];
  segments: SegmentSummary[];
  months: MonthRevenue[];
}

export const summaryColumns: Column[] = [
  { key: 'period_start', label: 'Period from', labelZh: '期间开始', type: 'date' },
  { key: 'as_of', label: 'Period to', labelZh: '期间结束', type: 'date' },
  { key: 'active_customers', label: 'Active customers (not lost)', labelZh: '活跃客户（未流失）', type: 'integer' },
  { key: 'new_customers', label: 'New customers', labelZh: '新客户', type: 'integer' },
  { key: 'new_customers_previous', label: 'New customers, previous period', labelZh: '新客户（上期）', type: 'integer' },
  { key: 'lost_customers', label: 'Lost customers', labelZh: '流失客户', type: 'integer' },
  { key: 'lost_customers_previous', label: 'Lost customers, previous period', labelZh: '流失客户（上期）', type: 'integer' },
  { key: 'won_back_customers', label: 'Won back', labelZh: '挽回客户', type: 'integer' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'revenue_previous', label: 'Revenue, previous period', labelZh: '销售额（上期）', type: 'money' },
  { key: 'revenue_change_percent', label: 'Revenue change', labelZh: '销售额变化', type: 'percent' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'profit_previous', label: 'Profit, previous period', labelZh: '利润（上期）', type: 'money' },
  { key: 'profit_change_percent', label: 'Profit change', labelZh: '利润变化', type: 'percent' },
  { key: 'followups_overdue', label: 'Follow-ups overdue', labelZh: '逾期跟进', type: 'integer' },
  { key: 'followups_due_today', label: 'Follow-ups due today', labelZh: '今日跟进', type: 'integer' },
  { key: 'open_complaints', label: 'Open complaints', labelZh: '未解决投诉', type: 'integer' },
  { key: 'owed', label: 'Money owed', labelZh: '应收账款', type: 'money' },
  { key: 'owed_over_60_days', label: 'Owed over 60 days', labelZh: '超过60天的应收', type: 'money' },
];

/** Change in percent; null when there is nothing to compare with (no previous period, or it was zero). */
export function changePercent(current: number, previous: number | null | undefined): number | null {
  if (previous === null || previous === undefined || previous === 0) return null;
  return (100 * (current - previous)) / Math.abs(previous);
}

const pyramidColumns: Column[] = [
  { key: 'tier', label: 'Tier', labelZh: '层级', type: 'text' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'customer_share_percent', label: 'Share of customers', labelZh: '客户占比', type: 'percent' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'profit_share_percent', label: 'Share of profit', labelZh: '利润占比', type: 'percent' },
];

const segmentColumns: Column[] = [
  { key: 'segment', label: 'Segment', labelZh: '客户细分', type: 'text' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'share_percent', label: 'Share of customers', labelZh: '客户占比', type: 'percent' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
];

export function summaryReport(inputs: SummaryInputs, context: ReportContext): Report {
  const zh = context.lang === 'zh';
  const previous = inputs.salesPrevious;
  const row = {
    period_start: context.since,
    as_of: context.asOf,
    active_customers: inputs.activeCustomers,
    new_customers: inputs.newCustomers,
    new_customers_previous: inputs.newCustomersPrevious,
    lost_customers: inputs.lostCustomers,
    lost_customers_previous: inputs.lostCustomersPrevious,
    won_back_customers: inputs.wonBackCustomers,
    orders: inputs.sales.orders,
    revenue: inputs.sales.revenue_cents,
    revenue_previous: previous?.revenue_cents ?? null,
    revenue_change_percent: changePercent(inputs.sales.revenue_cents, previous?.revenue_cents),
    profit: inputs.sales.profit_cents,
    profit_previous: previous?.profit_cents ?? null,
    profit_change_percent: changePercent(inputs.sales.profit_cents, previous?.profit_cents),
    followups_overdue: inputs.followupsOverdue,
    followups_due_today: inputs.followupsDueToday,
    open_complaints: inputs.openComplaints,
    owed: inputs.owedCents,
    owed_over_60_days: inputs.owedOver60Cents,
  };
  // An empty database (nothing bought, nothing due) is an empty report, as for every report.
  const empty = inputs.activeCustomers + inputs.lostCustomers + inputs.sales.orders + inputs.followupsOverdue + inputs.followupsDueToday + inputs.openComplaints === 0 && (inputs.owedCents ?? 0) === 0;
  // The most valuable segments: the three with the most revenue that have customers.
  const topSegments = [...inputs.segments].filter((segment) => segment.customers > 0).sort((a, b) => b.revenueCents - a.revenueCents).slice(0, 3);
  const months = inputs.months;
  return {
    name: 'summary',
    title: `Summary, ${periodText(context)}${inputs.previous ? say(context.lang, ` (previous: ${inputs.previous.since} … ${inputs.previous.asOf})`, `（上期：${inputs.previous.since} … ${inputs.previous.asOf}）`) : ''}`,
    titleZh: `经营总览，${periodText(context)}${inputs.previous ? `（上期：${inputs.previous.since} … ${inputs.previous.asOf}）` : ''}`,
    asOf: context.asOf,
    vertical: true,
    columns: summaryColumns,
    rows: empty ? [] : [row],
    notes: empty
      ? []
      : [
          say(context.lang, 'lost: no purchase for 365 days or 4× their average gap, whichever is longer; refunded and cancelled orders left out', '流失：超过 365 天或平均购买间隔 4 倍（取较长者）未购买；已排除退款和取消的订单'),
          ...(inputs.sales.returns > 0 ? [returnsNote({ returns: inputs.sales.returns, cents: inputs.sales.returns_cents }, context.lang)!] : []),
          ...(inputs.owedCents === null ? [noPaymentsNote(context.lang)] : []),
        ],
    picture: months.length > 1 ? `${say(context.lang, 'Revenue by month', '月度销售额')} ${months[0]!.month} ${sparkLine(months.map((month) => month.revenue_cents))} ${months[months.length - 1]!.month}` : undefined,
    sections: [
      {
        name: 'pyramid',
        title: say(context.lang, 'Value pyramid (profit in the period)', '客户价值金字塔（本期利润）'),
        columns: pyramidColumns,
        rows: inputs.pyramid.every((level) => level.customers === 0)
          ? []
          : inputs.pyramid.map((level) => ({
              tier: zh ? level.tier.nameZh : level.tier.name, customers: level.customers, customer_share_percent: level.customerShare,
              profit: level.profitCents, profit_share_percent: level.profitShare,
            })),
      },
      {
        name: 'top_segments',
        title: say(context.lang, 'Top segments by revenue', '销售额最高的客户细分'),
        columns: segmentColumns,
        rows: topSegments.map((segment) => ({ segment: zh ? segment.segment.nameZh : segment.segment.name, customers: segment.customers, share_percent: segment.share, revenue: segment.revenueCents })),
      },
    ],
  };
}
