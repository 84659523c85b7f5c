// The value pyramid as a report: one row per tier, a text picture for the terminal, and tier listings.
import type { PyramidLevel, Tier } from '../analysis/pyramid.js';
import type { TierCustomer } from '../db/pyramid.js';
import { tiers } from '../analysis/pyramid.js';
import type { Column, Lang, Report, Row } from './types.js';
import { streamOf } from './stream.js';

/** The first columns of a tier's customer listing (crm pyramid --customers, by profit or by CLV). */
export const tierListingColumns: Column[] = [
  { key: 'rank', label: 'Rank', labelZh: '排名', type: 'integer' },
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'tier', label: 'Tier', labelZh: '层级', type: 'text' },
];

export const tierLabel = (tier: Tier, lang: Lang): string => (lang === 'zh' ? tier.nameZh : tier.name);

const percent = (value: number | null): string => (value === null ? '–' : `${value.toFixed(1)} %`);

/**
 * A centred pyramid, one layer per tier from the top; each layer is as wide as the share of customers
 * down to it (cumulative), so the narrow top shows how few customers the platinum tier holds, and the
 * shares of customers and of profit are written beside it.
 */
export function pyramidPicture(levels: PyramidLevel[], lang: Lang): string {
  const width = 48;
  let cumulative = 0;
  let previous = 0;
  const lines = levels.map((level) => {
    cumulative += level.customerShare;
    const layer = Math.max(previous + 2, 2 * Math.round((width * cumulative) / 200));
    previous = Math.min(layer, width);
    const pad = ' '.repeat(Math.max(0, (width - previous) / 2));
    const bar = `${pad}${'█'.repeat(previous)}${pad}`;
    const name = tierLabel(level.tier, lang).padEnd(lang === 'zh' ? 5 : 9);
    const text = lang === 'zh'
      ? `${name} 客户 ${percent(level.customerShare).padStart(7)}  利润 ${percent(level.profitShare).padStart(7)}`
      : `${name} ${percent(level.customerShare).padStart(7)} of customers  ${percent(level.profitShare).padStart(7)} of profit`;
    return `${bar}  ${text}`;
  });
  return lines.join('\n');
}

export interface PyramidReportOptions {
  asOf: string;
  lang: Lang;
  cuts: readonly number[];
  ordersWithoutCost: number;
  orders: number;
}

export function pyramidReport(levels: PyramidLevel[], options: PyramidReportOptions): Report {
  const customers = levels.reduce((sum, level) => sum + level.customers, 0);
  const revenue = levels.reduce((sum, level) => sum + level.revenueCents, 0);
  const profit = levels.reduce((sum, level) => sum + level.profitCents, 0);
  const loss = levels.reduce((sum, level) => sum + level.lossMaking, 0);
  const zh = options.lang === 'zh';
  const [top, big, medium] = options.cuts;
  const notes = [
    zh
      ? `分层：按利润排名前 ${top} %、前 ${big} %、前 ${medium} % 的客户；分界处并列的客户归入较高层级`
      : `tiers: top ${top} %, to ${big} %, to ${medium} % of customers by profit; ties at a cut go to the higher tier`,
  ];
  if (options.ordersWithoutCost > 0) {
    notes.push(
      zh
        ? `${options.orders} 笔订单中有 ${options.ordersWithoutCost} 笔没有成本：其利润按销售额计`
        : `cost unknown for ${options.ordersWithoutCost} of ${options.orders} orders: their profit counts as their revenue`,
    );
  }
  if (loss > 0) notes.push(zh ? `${loss} 位客户亏损（利润为负）：见"亏损客户"一列` : `${loss} customer(s) lose money (profit below zero): see the loss-making column`);
  return {
    name: 'pyramid',
    title: `Customer value pyramid as of ${options.asOf} (${customers} customers)`,
    titleZh: `客户金字塔（截至 ${options.asOf}，${customers} 位客户）`,
    asOf: options.asOf,
    columns: [
      { key: 'tier', label: 'Tier', labelZh: '层级', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'customer_share', label: 'Share of customers', labelZh: '客户占比', type: 'percent' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
      { key: 'profit_share', label: 'Share of profit', labelZh: '利润占比', type: 'percent' },
      { key: 'average_profit', label: 'Avg profit', labelZh: '人均利润', type: 'money' },
      { key: 'interactions', label: 'Interactions', labelZh: '互动次数', type: 'integer' },
      { key: 'loss_making', label: 'Loss-making', labelZh: '亏损客户', type: 'integer' },
    ],
    rows: customers === 0 ? [] : levels.map((level) => ({
      tier: tierLabel(level.tier, options.lang),
      customers: level.customers,
      customer_share: level.customerShare,
      revenue: level.revenueCents,
      profit: level.profitCents,
      profit_share: level.profitShare,
      average_profit: level.averageProfitCents,
      interactions: level.interactions,
      loss_making: level.lossMaking,
    })),
    totals: {
      tier: options.lang === 'zh' ? '合计' : 'Total',
      customers,
      customer_share: customers ? 100 : 0,
      revenue,
      profit,
      profit_share: profit > 0 ? 100 : null,
      average_profit: customers ? Math.round(profit / customers) : null,
      interactions: levels.reduce((sum, level) => sum + level.interactions, 0),
      loss_making: loss,
    },
    notes,
    picture: customers === 0 ? undefined : pyramidPicture(levels, options.lang),
  };
}

/** The customers of a tier (crm pyramid --customers): ROWS, or a stream of them written as they are read (never all held). */
export function tierCustomersReport(
  rows: TierCustomer[] | { count: number; batches: () => AsyncIterable<readonly TierCustomer[]> },
  options: { asOf: string; lang: Lang; tier: Tier | null },
): Report {
  const which = options.tier ? tierLabel(options.tier, options.lang) : options.lang === 'zh' ? '全部层级' : 'All tiers';
  const count = Array.isArray(rows) ? rows.length : rows.count;
  const toRow = (row: TierCustomer): Row => ({
    rank: row.position,
    customer_id: row.external_id,
    name: row.name,
    tier: tierLabel(tiers[row.tier]!, options.lang),
    orders: row.orders,
    revenue: row.revenue_cents,
    profit: row.profit_cents,
    interactions: row.interactions,
    loss_making: row.profit_cents < 0 ? (options.lang === 'zh' ? '是' : 'yes') : null,
  });
  return {
    name: 'pyramid-customers',
    title: `${which}: customers by profit as of ${options.asOf} (${count})`,
    titleZh: `${which}：按利润排列的客户（截至 ${options.asOf}，${count} 位）`,
    asOf: options.asOf,
    columns: [
      ...tierListingColumns,
      { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
      { key: 'interactions', label: 'Interactions', labelZh: '互动次数', type: 'integer' },
      { key: 'loss_making', label: 'Loss-making', labelZh: '亏损', type: 'text' },
    ],
    ...(Array.isArray(rows) ? { rows: rows.map(toRow) } : { rows: [], stream: streamOf(rows.count, rows.batches, (batch) => batch.map(toRow)) }),
  };
}
