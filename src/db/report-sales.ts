// The SQL of the sales reports (products, profit, cohorts, monthly revenue): billed orders aggregated inside the
// database, on either engine (one set of statements; ARCHITECTURE.md#storage).
import { notBilledStatuses } from '../analysis/balance.js';
import { Float64Column } from '../util/column.js';
import type { Dialect } from './engine/dialect.js';
import type { Sql } from './engine/sql.js';

/** The orders a report reads: order_date in [since, asOf] (since null: from the beginning). */
export interface OrderWindow {
  since: string | null;
  asOf: string;
  /** Count partners' orders as a customer's (`--include-partners`); by default the customer analyses leave them out. */
  includePartners?: boolean;
}

/**
 * Refunded and cancelled orders were never owed (analysis/balance.ts): they count in no report.
 * The same list, compared the way isBilled() compares (trimmed, lower case), written into the statement as string
 * literals (constants of the program, never user input) so both engines read it the same way (SQLite's json_each
 * has no PostgreSQL spelling).
 */
export const billed = `(status IS NULL OR lower(trim(status)) NOT IN (${notBilledStatuses.map((status) => `'${status.replace(/'/g, "''")}'`).join(', ')}))`;

/** How many rows of a group meet CONDITION (a count both engines write the same way: no sum over a boolean). */
export const countWhere = (condition: string): string => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/**
 * Partners (customers.kind = 'partner') buy from the shop too, but they are not customers: every analysis of
 * customers (RFM, segments, pyramid, lifecycle, loyalty, CLV, the per-customer reports) leaves their orders out
 * unless @includePartners is 1. The subquery is run once per statement; it names the partial index's condition
 * (kind <> 'customer') so it reads only leads and partners.
 */
export const notPartnerOrder = `(@includePartners = 1 OR customer_id NOT IN (SELECT id FROM customers WHERE kind <> 'customer' AND kind = 'partner'))`;

/**
 * A purchase: an order of zero or more. An order below zero is a return (a credit note): it reduces the customer's
 * revenue and profit, so every sum includes it, but it is no purchase: counts of orders, first and last order dates,
 * purchase days and months count purchases only (docs/rules.md#which-orders-count). The amount is in the covering
 * index, so the condition costs no table read.
 */
export const purchase = 'amount_cents >= 0';

/** A customer's sales: billed, and not a partner's (unless @includePartners). */
export const customerSales = `${billed} AND ${notPartnerOrder}`;

/**
 * Which contacts an analysis as of @asOf counts: customers (a converted lead from its conversion day on), and
 * partners under --include-partners; never leads.
 */
export const analysedContact = (alias: string): string =>
  `((${alias}.kind = 'customer' AND (${alias}.converted_at IS NULL OR ${alias}.converted_at <= @asOf)) OR (@includePartners = 1 AND ${alias}.kind = 'partner'))`;

export const windowParams = (window: OrderWindow) => ({
  since: window.since ?? '0000-00-00',
  asOf: window.asOf,
  includePartners: window.includePartners ? 1 : 0,
});

/**
 * The date condition. Over the whole history the unary + keeps SQLite off the orders_date index: reading
 * nearly every order through it, then the table for status and product, is far slower than one scan of the
 * table (measured: 22 s against 2.5 s on 5M orders).
 * A bounded period uses the index. Both texts are constants: nothing from the user goes into the SQL.
 */
export const inWindow = (dialect: Dialect, window: OrderWindow): string =>
  window.since === null ? inWindowCovered(dialect) : 'order_date <= @asOf AND order_date >= @since';

/**
 * The date condition for queries that read only order_date, amount, cost and status: all of them are in the
 * covering index orders(customer_id, order_date, amount_cents, cost_cents, status) (migration 7), and one scan
 * of it beats the date index plus a table row per order even for a single month of a large history
 * (500k orders: 12 months 0.11 s against 0.30 s, one month 0.03 s either way).
 */
const inWindowCovered = (dialect: Dialect): string => `${dialect.noIndex('order_date')} <= @asOf AND ${dialect.noIndex('order_date')} >= @since`;

export interface OrderCoverage {
  orders: number;
  orders_without_cost: number;
  not_billed: number;
}

/**
 * Orders in the window: how many are billed, how many of those lack a cost, how many were refunded or cancelled.
 * `customersOnly`: only the orders a customer analysis reads (partners' left out unless window.includePartners).
 */
export async function orderCoverage(sql: Sql, window: OrderWindow, customersOnly = false): Promise<OrderCoverage> {
  // Counted per status first: whether a status is billed is worked out once per status, not once per order
  // (lower(trim(status)) over 5M orders was two thirds of this statement's time).
  return (await sql.get<OrderCoverage>(
    `SELECT coalesce(sum(CASE WHEN ${billed} THEN orders ELSE 0 END), 0) AS orders,
            coalesce(sum(CASE WHEN ${billed} THEN without_cost ELSE 0 END), 0) AS orders_without_cost,
            coalesce(sum(CASE WHEN ${billed} THEN 0 ELSE orders END), 0) AS not_billed
     FROM (SELECT status, count(*) AS orders, ${countWhere('cost_cents IS NULL')} AS without_cost
           FROM orders WHERE ${inWindowCovered(sql.dialect)} AND (@customersOnly = 0 OR ${notPartnerOrder})
           GROUP BY status) AS per_status`,
    { ...windowParams(window), customersOnly: customersOnly ? 1 : 0 },
  ))!;
}

export interface ProductTotals {
  product: string;
  units: number;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
  customers: number;
  repeat_customers: number;
}

/**
 * Per product: units, revenue, profit (revenue where cost is unknown), customers and those who bought it twice or more.
 * An order with lines (a line-item file) counts each line under its product; orders counts the orders with the product.
 */
export async function productTotals(sql: Sql, window: OrderWindow): Promise<ProductTotals[]> {
  return sql.all<ProductTotals>(
      `WITH items AS (
         SELECT o.id AS order_id, o.customer_id, o.is_purchase,
                CASE WHEN l.order_id IS NULL THEN o.product ELSE l.product END AS product,
                CASE WHEN l.order_id IS NULL THEN o.quantity ELSE l.quantity END AS quantity,
                CASE WHEN l.order_id IS NULL THEN o.amount_cents ELSE l.amount_cents END AS amount_cents,
                CASE WHEN l.order_id IS NULL THEN o.cost_cents ELSE l.cost_cents END AS cost_cents
         -- order_lines has an amount too: whether the order is a purchase is decided on the order alone.
         FROM (SELECT id, customer_id, product, quantity, amount_cents, cost_cents, ${purchase} AS is_purchase
               FROM orders WHERE ${inWindow(sql.dialect, window)} AND ${billed}) o
         LEFT JOIN order_lines l ON l.order_id = o.id
       ), per_customer AS (
         SELECT coalesce(nullif(trim(product), ''), '(no product)') AS product, customer_id,
                count(DISTINCT CASE WHEN is_purchase THEN order_id END) AS orders,
                coalesce(sum(quantity), 0) AS units, sum(amount_cents) AS revenue, sum(amount_cents - coalesce(cost_cents, 0)) AS profit
         FROM items
         GROUP BY 1, customer_id
       )
       SELECT product, sum(units) AS units, sum(orders) AS orders, sum(revenue) AS revenue_cents, sum(profit) AS profit_cents,
              count(*) AS customers, ${countWhere('orders >= 2')} AS repeat_customers
       FROM per_customer GROUP BY product ORDER BY profit_cents DESC, product`,
    windowParams(window),
  );
}

export interface CustomerProfit {
  rank: number;
  external_id: string;
  name: string;
  owner: string | null;
  orders: number;
  revenue_cents: number;
  profit_cents: number;
  /** Running sums down the ranking (most profitable first) and the totals over all customers. */
  cumulative_profit_cents: number;
  total_profit_cents: number;
  customers: number;
}

/** Customers by profit, most profitable first, with running sums computed by window functions. */
export async function customerProfits(sql: Sql, window: OrderWindow): Promise<CustomerProfit[]> {
  return sql.all<CustomerProfit>(customerProfitsText(sql, window), windowParams(window));
}

/** customerProfits a batch at a time, in rank order (a million customers are never all held). */
export function customerProfitBatches(sql: Sql, window: OrderWindow): AsyncIterable<CustomerProfit[]> {
  return sql.batches<CustomerProfit>(customerProfitsText(sql, window), windowParams(window), 5_000);
}

/**
 * The purchases, revenue and profit of every customer customerProfits lists, with their ids, in no particular order and
 * without names or ranking: the whole list's facts, and its order, from one pass over the orders.
 */
export async function customerProfitColumns(sql: Sql, window: OrderWindow): Promise<{ ids: Float64Array; orders: Float64Array; revenue: Float64Array; profit: Float64Array }> {
  const ids = new Float64Column();
  const orders = new Float64Column();
  const revenue = new Float64Column();
  const profit = new Float64Column();
  const text = `${perCustomerProfit(sql, window)} SELECT c.id, p.orders, p.revenue, p.profit FROM per_customer p JOIN customers c ON c.id = p.customer_id`;
  for await (const batch of sql.rowBatches<[number, number, number, number]>(text, windowParams(window), 10_000)) {
    for (const [id, purchases, cents, profitCents] of batch) {
      ids.push(id);
      orders.push(purchases);
      revenue.push(cents);
      profit.push(profitCents);
    }
  }
  return { ids: ids.values(), orders: orders.values(), revenue: revenue.values(), profit: profit.values() };
}

const perCustomerProfit = (sql: Sql, window: OrderWindow): string =>
  `WITH per_customer AS (
     SELECT customer_id, ${countWhere(purchase)} AS orders, sum(amount_cents) AS revenue, sum(amount_cents - coalesce(cost_cents, 0)) AS profit
     FROM orders WHERE ${inWindow(sql.dialect, window)} AND ${customerSales}
     GROUP BY customer_id HAVING ${countWhere(purchase)} > 0
   )`;

const customerProfitsText = (sql: Sql, window: OrderWindow): string =>
  `${perCustomerProfit(sql, window)}
   SELECT row_number() OVER ranking AS rank, c.external_id, c.name, c.owner, p.orders, p.revenue AS revenue_cents, p.profit AS profit_cents,
          sum(p.profit) OVER (ranking ROWS UNBOUNDED PRECEDING) AS cumulative_profit_cents,
          sum(p.profit) OVER () AS total_profit_cents, count(*) OVER () AS customers
   FROM per_customer p JOIN customers c ON c.id = p.customer_id
   WINDOW ranking AS (ORDER BY p.profit DESC, c.external_id)
   ORDER BY rank`;

export interface CohortCell {
  cohort: string;
  /** Months after the cohort month (0 = the month of the first order). */
  offset: number;
  customers: number;
}

/**
 * Customers by month of first order (over their whole history up to asOf; cohorts from the month of
 * `since` on), and how many of each cohort bought in each later month.
 */
export async function cohortCells(sql: Sql, window: OrderWindow): Promise<CohortCell[]> {
  // "offset" is a keyword on PostgreSQL: the column is named in double quotes, and grouped and sorted by position.
  return sql.all<CohortCell>(
      `WITH months AS (
         SELECT DISTINCT customer_id, substr(order_date, 1, 7) AS month
         FROM orders WHERE ${sql.dialect.noIndex('order_date')} <= @asOf AND ${customerSales} AND ${purchase}
       ), cohorts AS (
         SELECT customer_id, min(month) AS cohort FROM months GROUP BY customer_id
       )
       SELECT c.cohort,
              (CAST(substr(m.month, 1, 4) AS INTEGER) * 12 + CAST(substr(m.month, 6, 2) AS INTEGER))
                - (CAST(substr(c.cohort, 1, 4) AS INTEGER) * 12 + CAST(substr(c.cohort, 6, 2) AS INTEGER)) AS "offset",
              count(*) AS customers
       FROM months m JOIN cohorts c USING (customer_id)
       WHERE c.cohort >= substr(CAST(@since AS TEXT), 1, 7)
       GROUP BY 1, 2 ORDER BY 1, 2`,
    windowParams(window),
  );
}

export interface MonthRevenue {
  month: string;
  revenue_cents: number;
  profit_cents: number;
}

/** Billed revenue and profit per calendar month in the window (months without orders are absent). */
export async function monthlyRevenue(sql: Sql, window: OrderWindow): Promise<MonthRevenue[]> {
  return sql.all<MonthRevenue>(
    `SELECT substr(order_date, 1, 7) AS month, sum(amount_cents) AS revenue_cents, sum(amount_cents - coalesce(cost_cents, 0)) AS profit_cents
     FROM orders WHERE ${inWindowCovered(sql.dialect)} AND ${billed}
     GROUP BY 1 ORDER BY 1`,
    windowParams(window),
  );
}

export interface SalesTotals {
  /** Purchases; returns (orders below zero) are counted apart, their amounts netted in revenue and profit. */
  orders: number;
  returns: number;
  returns_cents: number;
  revenue_cents: number;
  profit_cents: number;
}

export async function salesTotals(sql: Sql, window: OrderWindow): Promise<SalesTotals> {
  return (await sql.get<SalesTotals>(
    `SELECT coalesce(${countWhere(purchase)}, 0) AS orders, coalesce(sum(amount_cents), 0) AS revenue_cents,
            coalesce(sum(amount_cents - coalesce(cost_cents, 0)), 0) AS profit_cents, coalesce(${countWhere(`NOT ${purchase}`)}, 0) AS returns,
            coalesce(sum(CASE WHEN NOT ${purchase} THEN amount_cents END), 0) AS returns_cents
     FROM orders WHERE ${inWindowCovered(sql.dialect)} AND ${billed}`,
    windowParams(window),
  ))!;
}
