// Lifecycle, loyalty and relationship-advice reports.
import type { CustomerStage, StageSummary } from '../analysis/lifecycle.js';
import type { LoyaltyForm, LoyaltySummary } from '../analysis/loyalty.js';
import { loyaltyForms } from '../analysis/loyalty.js';
import { stages } from '../analysis/lifecycle.js';
import { levelNames, relationshipNames, type TierAdvice } from '../analysis/advise.js';
import type { LoyaltyFacts } from '../db/relationship.js';
import { tierLabel } from './pyramid.js';
import type { Lang, Report, Row } from './types.js';
import type { CustomerLabel } from '../db/analysis.js';
import { rankedStream } from './stream.js';
import { addDays } from '../util/dates.js';
import { Float64Column } from '../util/column.js';

const named = (item: { name: string; nameZh: string }, lang: Lang): string => (lang === 'zh' ? item.nameZh : item.name);
const total = (lang: Lang): string => (lang === 'zh' ? '合计' : 'Total');

export function lifecycleSummaryReport(summary: StageSummary[], options: { asOf: string; lang: Lang }): Report {
  const customers = summary.reduce((sum, row) => sum + row.customers, 0);
  return {
    name: 'lifecycle',
    title: `Relationship lifecycle as of ${options.asOf} (${customers} customers)`,
    titleZh: `客户关系生命周期（截至 ${options.asOf}，${customers} 位客户）`,
    asOf: options.asOf,
    columns: [
      { key: 'stage', label: 'Stage', labelZh: '阶段', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'share', label: 'Share', labelZh: '占比', type: 'percent' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'average_recency_days', label: 'Avg recency (days)', labelZh: '平均最近购买（天）', type: 'number' },
    ],
    rows: customers === 0 ? [] : summary.map((row) => ({
      stage: named(row.stage, options.lang), customers: row.customers, share: row.share, revenue: row.revenueCents, average_recency_days: row.averageRecencyDays,
    })),
    totals: { stage: total(options.lang), customers, share: customers ? 100 : 0, revenue: summary.reduce((sum, row) => sum + row.revenueCents, 0), average_recency_days: null },
  };
}

/**
 * The customers of a lifecycle listing, a typed array of numbers each (a million customers are some 70 MB here, outside
 * the JavaScript heap, not a million objects); names and external ids are looked up as the rows are written.
 */
export class LifecycleListing {
  private readonly columns = {
    ids: new Float64Column(), revenue: new Float64Column(), stage: new Float64Column(), recency: new Float64Column(), tenure: new Float64Column(),
    orders: new Float64Column(), gap: new Float64Column(), recent: new Float64Column(), prior: new Float64Column(),
  };
  private views: { [name in keyof LifecycleListing['columns']]: Float64Array } | null = null;

  add(customer: CustomerStage): void {
    const columns = this.columns;
    columns.ids.push(customer.history.id);
    columns.revenue.push(customer.history.revenue_cents);
    columns.stage.push(stages.findIndex((stage) => stage.key === customer.stage));
    columns.recency.push(customer.facts.recencyDays);
    columns.tenure.push(customer.facts.tenureDays);
    columns.orders.push(customer.history.orders);
    // NaN: no gap (one purchase day).
    columns.gap.push(customer.averageGapDays ?? Number.NaN);
    columns.recent.push(customer.history.recent_cents);
    columns.prior.push(customer.history.prior_cents);
  }

  get size(): number {
    return this.columns.ids.length;
  }

  /** The columns as they stand (every customer added). */
  values(): { [name in keyof LifecycleListing['columns']]: Float64Array } {
    const columns = this.columns;
    this.views ??= {
      ids: columns.ids.values(), revenue: columns.revenue.values(), stage: columns.stage.values(), recency: columns.recency.values(), tenure: columns.tenure.values(),
      orders: columns.orders.values(), gap: columns.gap.values(), recent: columns.recent.values(), prior: columns.prior.values(),
    };
    return this.views;
  }

  /** Entry AT as a row of the listing (its last order is recency days before ASOF, as the recency was counted). */
  row(at: number, label: CustomerLabel | undefined, asOf: string, lang: Lang): Row {
    const columns = this.values();
    const gap = columns.gap[at]!;
    return {
      customer_id: label?.externalId ?? null,
      name: label?.name ?? null,
      stage: named(stages[columns.stage[at]!]!, lang),
      recency_days: columns.recency[at]!,
      tenure_days: columns.tenure[at]!,
      orders: columns.orders[at]!,
      average_gap_days: Number.isNaN(gap) ? null : gap,
      revenue: columns.revenue[at]!,
      recent_revenue: columns.recent[at]!,
      prior_revenue: columns.prior[at]!,
      last_order: addDays(asOf, -columns.recency[at]!),
    };
  }
}

/**
 * A call list: customers of a stage (or all), most valuable (revenue) first. The rows are made as they are written
 * (Report.stream): only their order is held, and LABELSOF looks up the names of a batch of rows at a time.
 */
export function lifecycleCustomersReport(
  customers: LifecycleListing,
  labelsOf: (customerIds: number[]) => Promise<Map<number, CustomerLabel>>,
  options: { asOf: string; lang: Lang; stageName?: string },
): Report {
  const which = options.stageName ?? (options.lang === 'zh' ? '全部阶段' : 'All stages');
  return {
    name: 'lifecycle-customers',
    title: `${which}: customers by value as of ${options.asOf} (${customers.size})`,
    titleZh: `${which}：按价值排列的客户（截至 ${options.asOf}，${customers.size} 位）`,
    asOf: options.asOf,
    columns: [
      { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
      { key: 'stage', label: 'Stage', labelZh: '阶段', type: 'text' },
      { key: 'recency_days', label: 'Recency (days)', labelZh: '最近购买（天）', type: 'integer' },
      { key: 'tenure_days', label: 'Tenure (days)', labelZh: '关系时长（天）', type: 'integer' },
      { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
      { key: 'average_gap_days', label: 'Avg gap (days)', labelZh: '平均购买间隔（天）', type: 'number' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'recent_revenue', label: 'Last 90 days', labelZh: '近90天', type: 'money' },
      { key: 'prior_revenue', label: '90 days before', labelZh: '前90天', type: 'money' },
      { key: 'last_order', label: 'Last order', labelZh: '最近下单', type: 'date' },
    ],
    rows: [],
    stream: rankedStream({
      key: customers.values().revenue,
      ids: customers.values().ids,
      lookup: labelsOf,
      externalId: (label) => label.externalId,
      row: (at, label) => customers.row(at, label, options.asOf, options.lang),
    }),
  };
}

export function loyaltySummaryReport(summary: LoyaltySummary[], options: { asOf: string; lang: Lang; windowDays: number; willingAt: number }): Report {
  const customers = summary.reduce((sum, row) => sum + row.customers, 0);
  return {
    name: 'loyalty',
    title: `Loyalty as of ${options.asOf} (${customers} customers)`,
    titleZh: `客户忠诚（截至 ${options.asOf}，${customers} 位客户）`,
    asOf: options.asOf,
    columns: [
      { key: 'form', label: 'Loyalty', labelZh: '忠诚类型', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'share', label: 'Share', labelZh: '占比', type: 'percent' },
      { key: 'average_satisfaction', label: 'Avg satisfaction C', labelZh: '平均满意度 C', type: 'number' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
    ],
    rows: customers === 0 ? [] : summary.map((row) => ({
      form: named(row.form, options.lang), customers: row.customers, share: row.share, average_satisfaction: row.averageSatisfaction, revenue: row.revenueCents,
    })),
    totals: { form: total(options.lang), customers, share: customers ? 100 : 0, average_satisfaction: null, revenue: summary.reduce((sum, row) => sum + row.revenueCents, 0) },
    notes: options.lang === 'zh'
      ? [
          `有意愿：最近一次调查的满意度 C = 感知 / 期望 ≥ ${options.willingAt}；再购买：最近 ${options.windowDays} 天内有订单且至少两笔订单`,
          '没有调查的客户记为"未知"，不做推测',
        ]
      : [
          `willing: latest survey C = perceived / expected ≥ ${options.willingAt}; buys again: an order in the last ${options.windowDays} days and at least two orders`,
          'customers without a survey are counted as unknown, not guessed',
        ],
  };
}

/** The customers of a loyalty listing, a typed array of numbers each (outside the JavaScript heap); names and external ids are looked up as the rows are written. */
export class LoyaltyListing {
  private readonly columns = {
    ids: new Float64Column(), revenue: new Float64Column(), form: new Float64Column(), satisfaction: new Float64Column(), orders: new Float64Column(), recentOrders: new Float64Column(),
  };
  private views: { [name in keyof LoyaltyListing['columns']]: Float64Array } | null = null;

  add(facts: LoyaltyFacts, form: LoyaltyForm): void {
    const columns = this.columns;
    columns.ids.push(facts.id);
    columns.revenue.push(facts.revenue_cents);
    columns.form.push(loyaltyForms.findIndex((item) => item.key === form));
    // NaN: no survey.
    columns.satisfaction.push(facts.satisfaction ?? Number.NaN);
    columns.orders.push(facts.orders);
    columns.recentOrders.push(facts.recent_orders);
  }

  get size(): number {
    return this.columns.ids.length;
  }

  /** The columns as they stand (every customer added). */
  values(): { [name in keyof LoyaltyListing['columns']]: Float64Array } {
    const columns = this.columns;
    this.views ??= {
      ids: columns.ids.values(), revenue: columns.revenue.values(), form: columns.form.values(), satisfaction: columns.satisfaction.values(),
      orders: columns.orders.values(), recentOrders: columns.recentOrders.values(),
    };
    return this.views;
  }

  row(at: number, label: CustomerLabel | undefined, lang: Lang): Row {
    const columns = this.values();
    const satisfaction = columns.satisfaction[at]!;
    return {
      customer_id: label?.externalId ?? null, name: label?.name ?? null, form: named(loyaltyForms[columns.form[at]!]!, lang),
      satisfaction: Number.isNaN(satisfaction) ? null : satisfaction, orders: columns.orders[at]!, recent_orders: columns.recentOrders[at]!, revenue: columns.revenue[at]!,
    };
  }
}

/** Customers with their loyalty form, most valuable (revenue) first, made as they are written (Report.stream; LABELSOF names a batch). */
export function loyaltyCustomersReport(customers: LoyaltyListing, labelsOf: (customerIds: number[]) => Promise<Map<number, CustomerLabel>>, options: { asOf: string; lang: Lang }): Report {
  return {
    name: 'loyalty-customers',
    title: `Customers by loyalty as of ${options.asOf} (${customers.size})`,
    titleZh: `客户忠诚明细（截至 ${options.asOf}，${customers.size} 位）`,
    asOf: options.asOf,
    columns: [
      { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
      { key: 'form', label: 'Loyalty', labelZh: '忠诚类型', type: 'text' },
      { key: 'satisfaction', label: 'Satisfaction C', labelZh: '满意度 C', type: 'number' },
      { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
      { key: 'recent_orders', label: 'Recent orders', labelZh: '近期订单', type: 'integer' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
    ],
    rows: [],
    stream: rankedStream({
      key: customers.values().revenue,
      ids: customers.values().ids,
      lookup: labelsOf,
      externalId: (label) => label.externalId,
      row: (at, label) => customers.row(at, label, options.lang),
    }),
  };
}

const percent = (value: number | null): string => (value === null ? '–' : `${value.toFixed(1)} %`);

function reason(advice: TierAdvice, lang: Lang): string {
  const share = advice.level.customerShare.toFixed(1);
  const ratio = advice.marginRatio === null ? '–' : advice.marginRatio.toFixed(2);
  const margin = percent(advice.level.marginPercent);
  const average = percent(advice.averageMarginPercent);
  const relationship = named(relationshipNames[advice.relationship], lang);
  const level = named(levelNames[advice.marketingLevel], lang);
  if (lang === 'zh') {
    const count = { many: '多', medium: '中等', few: '少' }[advice.count];
    const grade = { high: '高', medium: '中', low: '低' }[advice.margin];
    return `客户${count}（${share} %），利润率${grade}（${margin}，为平均 ${average} 的 ${ratio} 倍）→ ${relationship}：${level}`;
  }
  return `${advice.count} customers (${share} %) with ${advice.margin} margin (${margin}, ${ratio}× the average ${average}) → ${relationship}: ${level}`;
}

export function adviceReport(advice: TierAdvice[], options: { asOf: string; lang: Lang }): Report {
  return {
    name: 'advise',
    title: `Relationship advice per pyramid tier as of ${options.asOf}`,
    titleZh: `各层级客户的关系类型与营销层次（截至 ${options.asOf}）`,
    asOf: options.asOf,
    columns: [
      { key: 'tier', label: 'Tier', labelZh: '层级', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'customer_share', label: 'Share', labelZh: '客户占比', type: 'percent' },
      { key: 'margin_percent', label: 'Margin', labelZh: '利润率', type: 'percent' },
      { key: 'average_profit', label: 'Avg profit', labelZh: '人均利润', type: 'money' },
      { key: 'relationship', label: 'Relationship', labelZh: '关系类型', type: 'text' },
      { key: 'marketing_level', label: 'Marketing level', labelZh: '关系营销层次', type: 'text' },
      { key: 'reason', label: 'Why', labelZh: '理由', type: 'text' },
    ],
    rows: advice.map((item) => ({
      tier: tierLabel(item.level.tier, options.lang),
      customers: item.level.customers,
      customer_share: item.level.customerShare,
      margin_percent: item.level.marginPercent,
      average_profit: item.level.averageProfitCents,
      relationship: named(relationshipNames[item.relationship], options.lang),
      marketing_level: named(levelNames[item.marketingLevel], options.lang),
      reason: reason(item, options.lang),
    })),
    notes: [
      options.lang === 'zh'
        ? '客户数：少 ≤ 5 % < 中 ≤ 25 % < 多；利润率（利润 ÷ 销售额）：≥ 全体客户利润率的 1.05 倍为高，< 0.95 倍为低'
        : 'count: few ≤ 5 % of customers < medium ≤ 25 % < many; margin (profit ÷ revenue): ≥ 1.05× the margin of all customers is high, < 0.95× low',
    ],
  };
}
