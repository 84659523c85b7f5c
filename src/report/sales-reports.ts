// The sales reports as values: products, profit contribution (Pareto) and cohorts. Pure: rows in, Report out.
import type { CohortCell, CustomerProfit, OrderCoverage, ProductTotals } from '../db/report-sales.js';
import { addMonths } from './period.js';
import { barChart } from './charts.js';
import type { Column, Lang, Report, Row, RowStream } from './types.js';
import { rankedStream } from './stream.js';

export interface ReportContext {
  since: string | null;
  asOf: string;
  lang: Lang;
}

/** "1 customer", "3 customers". */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

export const say = (lang: Lang, en: string, zh: string): string => (lang === 'zh' ? zh : en);

const percentText = (value: number): string => (value > 0 && value < 1 ? '<1' : value.toFixed(0));

/** The period in a title: "2026-01-01 … 2026-11-23" or "up to 2026-11-23". */
export function periodText(context: ReportContext): string {
  if (context.since === null) return say(context.lang, `up to ${context.asOf}`, `截至 ${context.asOf}`);
  return `${context.since} … ${context.asOf}`;
}

/** Notes every sales report shares: missing costs (profit uses revenue) and orders left out as not billed. */
export function coverageNotes(coverage: OrderCoverage, lang: Lang): string[] {
  const notes: string[] = [];
  if (coverage.orders > 0 && coverage.orders_without_cost > 0) {
    const share = percentText((100 * coverage.orders_without_cost) / coverage.orders);
    notes.push(say(lang, `cost missing for ${share} % of orders: profit uses revenue`, `${share} % 的订单没有成本：利润按收入计`));
  }
  if (coverage.not_billed > 0) {
    notes.push(say(lang, `${plural(coverage.not_billed, 'refunded or cancelled order')} left out`, `已排除 ${coverage.not_billed} 笔退款或取消的订单`));
  }
  return notes;
}

const share = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

export const productColumns: Column[] = [
  { key: 'product', label: 'Product', labelZh: '产品', type: 'text' },
  { key: 'units', label: 'Units', labelZh: '数量', type: 'number' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'margin_percent', label: 'Margin', labelZh: '利润率', type: 'percent' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'repeat_customers', label: 'Repeat customers', labelZh: '复购客户', type: 'integer' },
  { key: 'revenue_share_percent', label: 'Share of revenue', labelZh: '销售额占比', type: 'percent' },
];

/** docs/rules.md#reports, product sales analysis: per product, most profitable first. */
export function productsReport(products: ProductTotals[], coverage: OrderCoverage, context: ReportContext): Report {
  const revenue = products.reduce((sum, product) => sum + product.revenue_cents, 0);
  const profit = products.reduce((sum, product) => sum + product.profit_cents, 0);
  const rows: Row[] = products.map((product) => ({
    product: product.product,
    units: product.units,
    orders: product.orders,
    revenue: product.revenue_cents,
    profit: product.profit_cents,
    margin_percent: share(product.profit_cents, product.revenue_cents),
    customers: product.customers,
    repeat_customers: product.repeat_customers,
    revenue_share_percent: share(product.revenue_cents, revenue),
  }));
  return {
    name: 'products',
    title: `Products by profit, ${periodText(context)}`,
    titleZh: `产品销售分析（按利润），${periodText(context)}`,
    asOf: context.asOf,
    columns: productColumns,
    rows,
    totals: {
      product: say(context.lang, 'Total', '合计'),
      units: products.reduce((sum, product) => sum + product.units, 0),
      orders: products.reduce((sum, product) => sum + product.orders, 0),
      revenue,
      profit,
      margin_percent: share(profit, revenue),
      revenue_share_percent: revenue > 0 ? 100 : null,
    },
    notes: coverageNotes(coverage, context.lang),
    picture: rows.length
      ? `${say(context.lang, 'Share of revenue', '销售额占比')}\n${barChart(rows.slice(0, 15).map((row) => ({ label: String(row.product), percent: row.revenue_share_percent as number | null })))}`
      : undefined,
  };
}

export const profitColumns: Column[] = [
  { key: 'rank', label: 'Rank', labelZh: '排名', type: 'integer' },
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'cumulative_profit_percent', label: 'Cumulative % of profit', labelZh: '累计利润占比', type: 'percent' },
  { key: 'cumulative_customers_percent', label: 'Cumulative % of customers', labelZh: '累计客户占比', type: 'percent' },
];

/** The Pareto head: the top `topPercent` % of customers (at least one) and their share of the total profit. */
export function paretoHead(customers: CustomerProfit[], topPercent = 20): { customers: number; profitPercent: number | null } {
  if (customers.length === 0) return { customers: 0, profitPercent: null };
  const count = Math.max(1, Math.ceil((customers.length * topPercent) / 100));
  const total = customers[0]!.total_profit_cents;
  return { customers: count, profitPercent: share(customers[count - 1]!.cumulative_profit_cents, total) };
}

/** What the profit report says about the whole list (its title, notes, totals and picture), whichever rows it lists. */
export interface ProfitFacts {
  customers: number;
  totalProfitCents: number;
  orders: number;
  revenueCents: number;
  /** Customers with a loss. */
  losing: number;
  /** rank → cumulative profit, at the ranks the Pareto head and the decile bars read. */
  cumulativeAt: Map<number, number>;
}

const decilePercents = [10, 20, 30, 50, 80, 100];
/** The rank that closes the top PERCENT % of COUNT customers (at least the first). */
const rankAt = (count: number, percent: number): number => Math.max(1, Math.ceil((count * percent) / 100));

/**
 * The facts of a list read a row at a time: the rows up to rank KEEP are returned, the rest only counted, so a million
 * customers are never all held (the dashboard's top 20).
 */
export async function profitFacts(batches: AsyncIterable<CustomerProfit[]> | CustomerProfit[][], keep = Number.POSITIVE_INFINITY): Promise<{ first: CustomerProfit[]; facts: ProfitFacts }> {
  const first: CustomerProfit[] = [];
  const facts: ProfitFacts = { customers: 0, totalProfitCents: 0, orders: 0, revenueCents: 0, losing: 0, cumulativeAt: new Map() };
  let wanted: Set<number> | null = null;
  for await (const batch of batches) {
    for (const customer of batch) {
      if (wanted === null) {
        facts.customers = customer.customers;
        facts.totalProfitCents = customer.total_profit_cents;
        wanted = new Set([paretoTop, ...decilePercents].map((percent) => rankAt(customer.customers, percent)));
      }
      if (first.length < keep) first.push(customer);
      facts.orders += customer.orders;
      facts.revenueCents += customer.revenue_cents;
      if (customer.profit_cents < 0) facts.losing += 1;
      if (wanted.has(customer.rank)) facts.cumulativeAt.set(customer.rank, customer.cumulative_profit_cents);
    }
  }
  return { first, facts };
}

const paretoTop = 20;

/**
 * The facts profitFacts reads from the ranking, from every customer's purchases, revenue and profit in any order
 * (the cumulative profit at a rank is the sum of that many largest profits, whichever of equal ones comes first).
 */
export function profitFactsOf(columns: { orders: ArrayLike<number>; revenue: ArrayLike<number>; profit: Float64Array }): ProfitFacts {
  const count = columns.profit.length;
  const facts: ProfitFacts = { customers: count, totalProfitCents: 0, orders: 0, revenueCents: 0, losing: 0, cumulativeAt: new Map() };
  for (let at = 0; at < count; at++) {
    facts.totalProfitCents += columns.profit[at]!;
    facts.orders += columns.orders[at]!;
    facts.revenueCents += columns.revenue[at]!;
    if (columns.profit[at]! < 0) facts.losing += 1;
  }
  if (count === 0) return facts;
  const wanted = new Set([paretoTop, ...decilePercents].map((percent) => rankAt(count, percent)));
  const descending = columns.profit.slice().sort().reverse();
  let cumulative = 0;
  for (let rank = 1; rank <= count; rank++) {
    cumulative += descending[rank - 1]!;
    if (wanted.has(rank)) facts.cumulativeAt.set(rank, cumulative);
  }
  return facts;
}

/** One customer of the ranking as a row of the profit report (TOTAL: the whole list's profit). */
const profitRow = (customer: CustomerProfit, total: number): Row => ({
  rank: customer.rank,
  customer_id: customer.external_id,
  name: customer.name,
  owner: customer.owner,
  orders: customer.orders,
  revenue: customer.revenue_cents,
  profit: customer.profit_cents,
  cumulative_profit_percent: share(customer.cumulative_profit_cents, total),
  cumulative_customers_percent: (100 * customer.rank) / customer.customers,
});

/**
 * docs/rules.md#reports, profit contribution analysis: customers by profit with cumulative shares (Pareto).
 * The profit report listing CUSTOMERS (all of them, or the first of the ranking; or the whole ranking read a batch at a
 * time as it is written, never all held) with FACTS about the whole list.
 */
export function profitListing(
  customers: CustomerProfit[] | RowStream,
  facts: ProfitFacts,
  coverage: OrderCoverage,
  context: ReportContext,
): Report {
  const total = facts.totalProfitCents;
  const toRow = (customer: CustomerProfit): Row => profitRow(customer, total);
  const listed: Pick<Report, 'rows' | 'stream'> = Array.isArray(customers)
    ? { rows: customers.map(toRow) }
    : { rows: [], stream: customers };
  const cumulativeShare = (percent: number) => share(facts.cumulativeAt.get(rankAt(facts.customers, percent)) ?? 0, total);
  const headPercent = facts.customers === 0 ? null : cumulativeShare(paretoTop);
  const headline =
    headPercent === null
      ? ''
      : say(context.lang, `: the top 20 % of customers bring ${headPercent.toFixed(1)} % of profit`, `：前 20 % 的客户带来 ${headPercent.toFixed(1)} % 的利润`);
  const notes = coverageNotes(coverage, context.lang);
  const losing = facts.losing;
  if (losing) notes.push(say(context.lang, `${plural(losing, 'customer')} losing money: they pull the cumulative share down at the bottom`, `${losing} 位客户亏损：排在末尾，使累计占比回落`));
  if (facts.customers && total <= 0) notes.push(say(context.lang, 'total profit is not positive: no shares of it are shown', '总利润不为正：不显示利润占比'));
  const deciles = decilePercents.map((percent) => ({ label: say(context.lang, `top ${percent} %`, `前 ${percent} %`), percent: cumulativeShare(percent) }));
  return {
    name: 'profit',
    title: `Profit contribution, ${periodText(context)}${headline}`,
    titleZh: `利润贡献分析，${periodText(context)}${headline}`,
    asOf: context.asOf,
    columns: profitColumns,
    ...listed,
    totals: {
      name: say(context.lang, 'Total', '合计'),
      orders: facts.orders,
      revenue: facts.revenueCents,
      profit: total,
    },
    notes,
    picture: facts.customers && total > 0 ? `${say(context.lang, 'Share of profit from the top customers', '头部客户的利润占比')}\n${barChart(deciles)}` : undefined,
  };
}

/**
 * The whole ranking of crm report profit (customerProfits' rows, most profitable first, ties in external id order) made
 * as it is written, from every customer's figures in COLUMNS: only the order is held, and NAMESOF reads the names of a
 * batch of rows (in external id order, as the database sorts them) when the batch is made.
 */
export function profitStream(
  columns: { ids: Float64Array; orders: ArrayLike<number>; revenue: ArrayLike<number>; profit: Float64Array },
  facts: ProfitFacts,
  namesOf: (ids: number[]) => Promise<{ id: number; external_id: string; name: string; owner: string | null }[]>,
): RowStream {
  let rank = 0;
  let cumulative = 0;
  const stream = rankedStream({
    key: columns.profit,
    ids: columns.ids,
    lookup: async (ids) => new Map((await namesOf(ids)).map((customer) => [customer.id, customer])),
    externalId: (customer) => customer.external_id,
    ties: 'lookup',
    row: (at, customer) => {
      rank += 1;
      cumulative += columns.profit[at]!;
      return profitRow({
        rank, external_id: customer?.external_id ?? '', name: customer?.name ?? '', owner: customer?.owner ?? null, orders: columns.orders[at]!,
        revenue_cents: columns.revenue[at]!, profit_cents: columns.profit[at]!, cumulative_profit_cents: cumulative,
        total_profit_cents: facts.totalProfitCents, customers: facts.customers,
      }, facts.totalProfitCents);
    },
  });
  return {
    count: stream.count,
    // Each reading starts the ranks and running sums again (a table for a file reads the rows twice).
    batches: () => {
      rank = 0;
      cumulative = 0;
      return stream.batches();
    },
  };
}

export const cohortMonths = 12;

export const cohortColumns: Column[] = [
  { key: 'cohort', label: 'First order month', labelZh: '首单月份', type: 'text' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  ...Array.from({ length: cohortMonths }, (_, index): Column => ({ key: `month_${index + 1}`, label: `+${index + 1}`, labelZh: `+${index + 1}月`, type: 'percent' })),
];

/**
 * The retention triangle: per month of first order, the share of its customers who bought again 1, 2, …
 * 12 months later. A month after the as-of month is not known yet: null (blank), not 0.
 */
export function cohortsReport(cells: CohortCell[], context: ReportContext): Report {
  const asOfMonth = context.asOf.slice(0, 7);
  const rows: Row[] = [];
  for (const cell of cells) {
    let row = rows[rows.length - 1];
    if (!row || row.cohort !== cell.cohort) {
      row = { cohort: cell.cohort, customers: 0 };
      for (let month = 1; month <= cohortMonths; month++) {
        row[`month_${month}`] = addMonths(`${cell.cohort}-01`, month).slice(0, 7) <= asOfMonth ? 0 : null;
      }
      rows.push(row);
    }
    if (cell.offset === 0) row.customers = cell.customers;
    else if (cell.offset <= cohortMonths) row[`month_${cell.offset}`] = cell.customers;
  }
  for (const row of rows) {
    for (let month = 1; month <= cohortMonths; month++) {
      const key = `month_${month}`;
      if (row[key] !== null) row[key] = share(row[key] as number, row.customers as number) ?? 0;
    }
  }
  return {
    name: 'cohorts',
    title: `Cohorts: customers still buying months after their first order, ${periodText(context)}`,
    titleZh: `客户留存（按首单月份），${periodText(context)}`,
    asOf: context.asOf,
    columns: cohortColumns,
    rows,
    notes: rows.length
      ? [say(context.lang, `+N: share of the cohort that bought in the N-th month after its first; blank: not reached by ${context.asOf}`, `+N：首单后第 N 个月仍购买的客户占比；空白：截至 ${context.asOf} 尚未到达`)]
      : [],
  };
}
