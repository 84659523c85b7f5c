// The people and money reports as values: salesperson performance and receivables. Pure: rows in, Report out.
import { daysBetweenTimes } from '../analysis/complaints.js';
import type { Credit, Receivable, ReceivableSums } from '../db/receivables.js';
import { streamOf } from './stream.js';
import type { ComplaintTimes, OwnerContacts, OwnerSales } from '../db/report-people.js';
import { periodText, plural, say, type ReportContext } from './sales-reports.js';
import { formatCents } from '../util/money.js';
import type { Column, Lang, Report, Row } from './types.js';
import { median } from '../analysis/binning.js';

export const salespeopleColumns: Column[] = [
  { key: 'owner', label: 'Owner', labelZh: '业务员', type: 'text' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'new_customers', label: 'New customers', labelZh: '新客户', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'interactions', label: 'Contacts logged', labelZh: '联系记录', type: 'integer' },
  { key: 'followups_on_time', label: 'Follow-ups on time', labelZh: '按时跟进', type: 'integer' },
  { key: 'followups_late', label: 'Follow-ups late', labelZh: '延迟跟进', type: 'integer' },
  { key: 'followups_overdue', label: 'Follow-ups overdue', labelZh: '逾期未跟进', type: 'integer' },
  { key: 'complaints', label: 'Complaints', labelZh: '投诉数', type: 'integer' },
  { key: 'median_resolve_days', label: 'Median days to resolve', labelZh: '解决天数中位数', type: 'number' },
];

/** docs/rules.md#reports: salesperson performance analysis (业务员业绩分析): one row per owner, most profit first. */
export function salespeopleReport(sales: OwnerSales[], contacts: OwnerContacts[], complaints: ComplaintTimes[], context: ReportContext): Report {
  const owners = new Map<string, Row>();
  const rowOf = (owner: string): Row => {
    if (!owners.has(owner)) {
      owners.set(owner, {
        owner, customers: 0, new_customers: 0, revenue: 0, profit: 0, orders: 0, interactions: 0,
        followups_on_time: 0, followups_late: 0, followups_overdue: 0, complaints: 0, median_resolve_days: null,
      });
    }
    return owners.get(owner)!;
  };
  for (const sale of sales) Object.assign(rowOf(sale.owner), { customers: sale.customers, new_customers: sale.new_customers, revenue: sale.revenue_cents, profit: sale.profit_cents, orders: sale.orders });
  for (const contact of contacts) {
    Object.assign(rowOf(contact.owner), {
      interactions: contact.interactions, followups_on_time: contact.followups_on_time, followups_late: contact.followups_late, followups_overdue: contact.followups_overdue,
    });
  }
  const resolveDays = new Map<string, number[]>();
  for (const complaint of complaints) {
    const row = rowOf(complaint.owner);
    row.complaints = (row.complaints as number) + 1;
    if (complaint.resolved_at !== null) resolveDays.set(complaint.owner, [...(resolveDays.get(complaint.owner) ?? []), daysBetweenTimes(complaint.opened_at, complaint.resolved_at)]);
  }
  for (const [owner, days] of resolveDays) rowOf(owner).median_resolve_days = median(days);
  const rows = [...owners.values()]
    .filter((row) => ['customers', 'orders', 'interactions', 'complaints', 'followups_overdue'].some((key) => (row[key] as number) > 0))
    .sort((a, b) => (b.profit as number) - (a.profit as number) || String(a.owner).localeCompare(String(b.owner)));
  const sum = (key: string): number => rows.reduce((total, row) => total + (row[key] as number), 0);
  const allDays = [...resolveDays.values()].flat();
  return {
    name: 'salespeople',
    title: `Salespeople, ${periodText(context)}`,
    titleZh: `业务员业绩分析，${periodText(context)}`,
    asOf: context.asOf,
    columns: salespeopleColumns,
    rows,
    totals: {
      owner: say(context.lang, 'Total', '合计'),
      ...Object.fromEntries(salespeopleColumns.slice(1, -1).map((column) => [column.key, sum(column.key)])),
      median_resolve_days: median(allDays),
    },
    notes: rows.length
      ? [say(
          context.lang,
          "sales by the customer's owner; contacts, follow-ups and complaints by whoever logged or handles them. Follow-ups due in the period: on time = done by the due date",
          '销售额按客户负责人统计；联系、跟进与投诉按记录人或处理人统计。跟进按本期到期计：按时 = 在到期日或之前完成',
        )]
      : [],
  };
}

export const receivableColumns: Column[] = [
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'owed', label: 'Owed', labelZh: '欠款', type: 'money' },
  { key: 'oldest_unpaid', label: 'Oldest unpaid order', labelZh: '最早未付订单', type: 'date' },
  { key: 'days_0_30', label: '0–30 days', labelZh: '0–30天', type: 'money' },
  { key: 'days_31_60', label: '31–60 days', labelZh: '31–60天', type: 'money' },
  { key: 'days_61_90', label: '61–90 days', labelZh: '61–90天', type: 'money' },
  { key: 'days_over_90', label: 'Over 90 days', labelZh: '90天以上', type: 'money' },
];

/** Why a shop without a single payment has no receivables (docs/rules.md#receivables). */
export function noPaymentsNote(lang: Lang): string {
  return say(
    lang,
    'no payments are recorded, so nothing is reported owed: record payments (crm pay, crm import payments) to see who owes what',
    '没有任何回款记录，因此不报告欠款：记录回款（crm pay、crm import payments）后才能看到谁欠多少',
  );
}

/** Who owes, for receivablesReport: how many and the sums (the totals row), and the rows a batch at a time, in order. */
export interface ReceivableListing {
  sums: ReceivableSums;
  batches: () => AsyncIterable<readonly Receivable[]>;
}

const receivableRow = (debt: Receivable): Row => ({
  customer_id: debt.external_id,
  name: debt.name,
  owner: debt.owner,
  owed: debt.owed_cents,
  oldest_unpaid: debt.oldest_unpaid,
  days_0_30: debt.days_0_30_cents,
  days_31_60: debt.days_31_60_cents,
  days_61_90: debt.days_61_90_cents,
  days_over_90: debt.days_over_90_cents,
});

/**
 * 回款管理: who owes what as of a date, aged by order date; payments pay the oldest orders first. DEBTS is null when the
 * shop records no payments: an empty report that says so. The rows are written as they are read (a million debtors are
 * never all in memory).
 */
export function receivablesReport(debts: ReceivableListing | null, credit: Credit, context: ReportContext): Report {
  const sums = debts?.sums ?? { customers: 0, owed_cents: 0, days_0_30_cents: 0, days_31_60_cents: 0, days_61_90_cents: 0, days_over_90_cents: 0 };
  const notes = [
    debts === null
      ? noPaymentsNote(context.lang)
      : say(context.lang, 'owed = billed orders − payments; payments pay the oldest orders first (FIFO); age counts from the order date', '欠款 = 订单 − 回款；回款先冲抵最早的订单（先进先出）；账龄按订单日期计'),
  ];
  if (credit.customers > 0) {
    notes.push(say(context.lang, `${plural(credit.customers, 'customer')} paid in advance (${formatCents(credit.credit_cents)} in all): not listed`, `${credit.customers} 位客户预付款（共 ${formatCents(credit.credit_cents)}），未列出`));
  }
  return {
    name: 'receivables',
    title: `Receivables as of ${context.asOf}`,
    titleZh: `应收账款（截至 ${context.asOf}）`,
    asOf: context.asOf,
    columns: receivableColumns,
    rows: [],
    ...(debts === null ? {} : { stream: streamOf(sums.customers, debts.batches, (batch) => batch.map(receivableRow)) }),
    totals: {
      name: say(context.lang, 'Total', '合计'),
      owed: sums.owed_cents, days_0_30: sums.days_0_30_cents, days_31_60: sums.days_31_60_cents, days_61_90: sums.days_61_90_cents, days_over_90: sums.days_over_90_cents,
    },
    notes,
  };
}
