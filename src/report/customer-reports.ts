// The lost-customer (win-back) and satisfaction reports as values. Pure: rows in, Report out.
import { groupByLabels } from './codes.js';
import type { LoyaltySummary } from '../analysis/loyalty.js';
import { SatisfactionTally, type SatisfactionGroup } from '../analysis/satisfaction.js';
import type { CustomerValue, SurveyRow } from '../db/report-customers.js';
import type { CustomerStanding } from './analysis-inputs.js';
import { tiers } from './analysis-inputs.js';
import { periodText, say, type ReportContext } from './sales-reports.js';
import type { Column, Lang, Report, Row } from './types.js';
import { rankedStream } from './stream.js';

const tierName = (tier: number | undefined, lang: Lang): string | null => (tier === undefined ? null : lang === 'zh' ? tiers[tier]!.nameZh : tiers[tier]!.name);

export const lostColumns: Column[] = [
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'lost_on', label: 'Lost on', labelZh: '流失日期', type: 'date' },
  { key: 'last_order', label: 'Last order', labelZh: '最后下单', type: 'date' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Lifetime revenue', labelZh: '累计销售额', type: 'money' },
  { key: 'profit', label: 'Lifetime profit', labelZh: '累计利润', type: 'money' },
  { key: 'tier_before', label: 'Tier before', labelZh: '流失前层级', type: 'text' },
  { key: 'last_contact_at', label: 'Last contact', labelZh: '最近联系', type: 'datetime' },
  { key: 'last_contact', label: 'Last contact summary', labelZh: '最近联系内容', type: 'text' },
];

/** 流失客户管理: who was lost in the period and what they were worth, most profitable first: the win-back list. */
export function lostReport(lost: CustomerStanding[], values: CustomerValue[], tierBefore: Map<number, number>, tierDate: string, context: ReportContext): Report {
  const standing = new Map(lost.map((customer) => [customer.customerId, customer]));
  const rows = values
    .map((value) => lostRow(value, standing.get(value.customer_id)!, tierBefore, context.lang))
    .sort((a, b) => b.profit - a.profit || a.customer_id.localeCompare(b.customer_id));
  const totals = {
    orders: rows.reduce((sum, row) => sum + row.orders, 0),
    revenue: rows.reduce((sum, row) => sum + row.revenue, 0),
    profit: rows.reduce((sum, row) => sum + row.profit, 0),
  };
  return lostListing({ rows }, totals, tierDate, context);
}

/**
 * lostReport with its rows made as they are written (Report.stream), most profitable first: LOST holds the lost
 * customers' standings (at POSITIONS) and their profit, the rest of a row (name, owner, figures, last contact) is read
 * a batch of rows at a time by VALUESOF; TOTALS are the figures summed over them all.
 */
export function lostStreamReport(
  lost: { positions: readonly number[]; standingAt: (position: number) => CustomerStanding; profitAt: (position: number) => number },
  valuesOf: (customerIds: number[]) => Promise<CustomerValue[]>,
  tierBefore: Map<number, number>,
  totals: { orders: number; revenue: number; profit: number },
  tierDate: string,
  context: ReportContext,
): Report {
  const stream = rankedStream({
    key: Float64Array.from(lost.positions, lost.profitAt),
    ids: Float64Array.from(lost.positions, (position) => lost.standingAt(position).customerId),
    lookup: async (ids) => new Map((await valuesOf(ids)).map((value) => [value.customer_id, value])),
    externalId: (value) => value.external_id,
    row: (entry, value) => lostRow(value!, lost.standingAt(lost.positions[entry]!), tierBefore, context.lang),
  });
  return lostListing({ rows: [], stream }, totals, tierDate, context);
}

const lostRow = (value: CustomerValue, standing: CustomerStanding, tierBefore: Map<number, number>, lang: Lang) => ({
  customer_id: value.external_id, name: value.name, owner: value.owner, lost_on: standing.lostOn,
  last_order: standing.lastOrder, orders: value.orders, revenue: value.revenue_cents, profit: value.profit_cents,
  tier_before: tierName(tierBefore.get(value.customer_id), lang), last_contact_at: value.last_contact_at, last_contact: value.last_contact,
});

function lostListing(listed: Pick<Report, 'rows' | 'stream'>, totals: { orders: number; revenue: number; profit: number }, tierDate: string, context: ReportContext): Report {
  return {
    name: 'lost',
    title: `Customers lost, ${periodText(context)}: the win-back list`,
    titleZh: `流失客户（挽回名单），${periodText(context)}`,
    asOf: context.asOf,
    columns: lostColumns,
    ...listed,
    totals: { name: say(context.lang, 'Total', '合计'), ...totals },
    notes: [
      say(context.lang, 'lost on = last order + 365 days, or + 4× their average gap between purchases when that is longer', '流失日期 = 最后下单 + 365 天，若平均购买间隔的 4 倍更长则按后者'),
      say(context.lang, `tier before: the value pyramid of all orders up to ${tierDate}`, `流失前层级：截至 ${tierDate} 全部订单的价值金字塔`),
    ],
  };
}

export const satisfactionColumns: Column[] = [
  { key: 'group_by', label: 'By', labelZh: '维度', type: 'text', labels: groupByLabels },
  { key: 'group', label: 'Group', labelZh: '分组', type: 'text' },
  { key: 'surveys', label: 'Surveys', labelZh: '问卷数', type: 'integer' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'average_c', label: 'Average C', labelZh: '平均满意指数', type: 'number' },
  { key: 'satisfied_percent', label: 'Satisfied (C > 1)', labelZh: '满意', type: 'percent' },
  { key: 'acceptable_percent', label: 'Acceptable (C = 1)', labelZh: '基本满意', type: 'percent' },
  { key: 'dissatisfied_percent', label: 'Dissatisfied (C < 1)', labelZh: '不满意', type: 'percent' },
];

const loyaltyColumns: Column[] = [
  { key: 'form', label: 'Loyalty', labelZh: '忠诚类型', type: 'text' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'share_percent', label: 'Share', labelZh: '占比', type: 'percent' },
  { key: 'average_c', label: 'Average C', labelZh: '平均满意指数', type: 'number' },
];

function satisfactionRow(groupBy: string, group: string, tally: SatisfactionGroup): Row {
  return {
    group_by: groupBy, group, surveys: tally.surveys, customers: tally.customers, average_c: tally.averageC,
    satisfied_percent: tally.percent?.satisfied ?? null, acceptable_percent: tally.percent?.acceptable ?? null, dissatisfied_percent: tally.percent?.dissatisfied ?? null,
  };
}

/** The surveys of crm report satisfaction tallied: all together, by owner, by pyramid tier (null: no orders in the period). */
export interface SatisfactionGroups {
  all: SatisfactionGroup | null;
  owners: [string, SatisfactionGroup][];
  tiers: [number | null, SatisfactionGroup][];
}

/** Tallies SURVEYS (batches, in survey order) into the report's groups; TIEROF has the tier of each surveyed customer. */
export async function tallySatisfaction(surveys: AsyncIterable<readonly SurveyRow[]>, tierOf: ReadonlyMap<number, number>): Promise<SatisfactionGroups> {
  const all = new SatisfactionTally<'all'>();
  const owners = new SatisfactionTally<string>();
  const byTier = new SatisfactionTally<number | null>();
  for await (const batch of surveys) {
    for (const survey of batch) {
      all.add('all', survey.customer_id, survey);
      owners.add(survey.owner, survey.customer_id, survey);
      byTier.add(tierOf.get(survey.customer_id) ?? null, survey.customer_id, survey);
    }
  }
  return { all: all.summary()[0]?.[1] ?? null, owners: owners.summary(), tiers: byTier.summary() };
}

/** 客户满意: C = perceived / expected per survey in the period, all together, by owner and by pyramid tier; loyalty forms below. */
export function satisfactionReport(groups: SatisfactionGroups, loyalty: LoyaltySummary[], context: ReportContext): Report {
  const noOrders = say(context.lang, '(no orders in the period)', '（本期无订单）');
  // Tiers in pyramid order, then the surveys of customers without orders in the period.
  const tierRank = (tier: number | null): number => (tier === null ? tiers.length : tier);
  const rows: Row[] = groups.all
    ? [
        satisfactionRow('all', say(context.lang, 'All surveys', '全部问卷'), groups.all),
        ...[...groups.owners].sort(([a], [b]) => a.localeCompare(b)).map(([owner, tally]) => satisfactionRow('owner', owner, tally)),
        ...[...groups.tiers].sort(([a], [b]) => tierRank(a) - tierRank(b)).map(([tier, tally]) => satisfactionRow('tier', tierName(tier ?? undefined, context.lang) ?? noOrders, tally)),
      ]
    : [];
  const known = loyalty.some((form) => form.form.key !== 'unknown' && form.customers > 0);
  return {
    name: 'satisfaction',
    title: `Satisfaction, ${periodText(context)}`,
    titleZh: `客户满意度，${periodText(context)}`,
    asOf: context.asOf,
    columns: satisfactionColumns,
    rows,
    notes: rows.length ? [say(context.lang, 'C = perceived / expected per survey: above 1 satisfied, 1 acceptable, below 1 dissatisfied; tier: the value pyramid of the period', 'C = 感知 / 期望：大于 1 满意，等于 1 基本满意，小于 1 不满意；层级按本期价值金字塔')] : [],
    sections: [
      {
        name: 'loyalty',
        title: say(context.lang, `Loyalty as of ${context.asOf}: willing (latest C ≥ 1) × buying again (last 90 days)`, `客户忠诚（截至 ${context.asOf}）：意愿（最近 C ≥ 1）× 行为（近 90 天复购）`),
        columns: loyaltyColumns,
        rows: known
          ? loyalty.map((form) => ({ form: context.lang === 'zh' ? form.form.nameZh : form.form.name, customers: form.customers, share_percent: form.share, average_c: form.averageSatisfaction }))
          : [],
      },
    ],
  };
}
