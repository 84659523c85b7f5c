// The sqlite3 tool's side of the benchmark: the same imports and the equivalent analysis SQL.
const quote = (file) => `'${file.replace(/'/g, "''")}'`;
const pragmas = 'PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA foreign_keys=ON;\n';
// crm counts sales only: refunded and cancelled orders are left out (src/analysis/balance.ts), so the baseline does too.
const sales = "(status IS NULL OR lower(trim(status)) NOT IN ('refunded', 'refund', 'cancelled', 'canceled', 'void', 'returned', '退款', '已退款', '取消', '已取消', '退货'))";

export const baselineSql = {
  // issue 20's import baseline: the sqlite3 tool's .import of the same rows into a typed table with a text primary key
  // (a new file, the same pragmas; .import runs in one transaction). The cheapest way for sqlite3 to put the rows in a
  // table keyed by their id: no foreign key, no secondary index, no conversion.
  importCustomersPlain: (file) => `${pragmas}CREATE TABLE customers_plain (customer_id TEXT PRIMARY KEY, name TEXT NOT NULL, company TEXT, email TEXT, phone TEXT, city TEXT, channel TEXT, owner TEXT, created_at TEXT);
.mode csv
.import --skip 1 ${quote(file)} customers_plain
`,
  importOrdersPlain: (file) => `${pragmas}CREATE TABLE orders_plain (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, order_date TEXT NOT NULL, product TEXT, quantity INTEGER, amount REAL NOT NULL, cost REAL, status TEXT);
.mode csv
.import --skip 1 ${quote(file)} orders_plain
`,
  // Same schema (created by crm init), same pragmas, one transaction, amounts converted to cents.
  importCustomers: (file) => `${pragmas}BEGIN;
CREATE TEMP TABLE staging (customer_id TEXT, name TEXT, company TEXT, email TEXT, phone TEXT, city TEXT, channel TEXT, owner TEXT, created_at TEXT);
.mode csv
.import --skip 1 ${quote(file)} staging
INSERT INTO customers (external_id, name, company, email, phone, city, channel, owner, status, created_at, updated_at)
  SELECT customer_id, name, nullif(company, ''), nullif(email, ''), nullif(phone, ''), city, channel, owner, 'active', created_at || 'T00:00:00Z', '2026-11-30T00:00:00Z' FROM staging WHERE true
  ON CONFLICT (external_id) DO NOTHING;
COMMIT;
`,
  importOrders: (file) => `${pragmas}BEGIN;
CREATE TEMP TABLE staging (order_id TEXT, customer_id TEXT, order_date TEXT, product TEXT, quantity REAL, amount TEXT, cost TEXT, status TEXT);
.mode csv
.import --skip 1 ${quote(file)} staging
INSERT INTO orders (external_id, customer_id, order_date, product, quantity, amount_cents, cost_cents, status, created_at, updated_at)
  SELECT s.order_id, c.id, s.order_date, s.product, s.quantity, CAST(round(s.amount * 100) AS INTEGER), CAST(round(s.cost * 100) AS INTEGER), s.status, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z'
  FROM staging s JOIN customers c ON c.external_id = s.customer_id WHERE true
  ON CONFLICT (external_id) DO NOTHING;
COMMIT;
`,
  // RFM: per customer measures and three quintile scores, written out per customer.
  rfm: (asOf, out) => `.mode csv
.output ${quote(out)}
WITH m AS (
  SELECT customer_id, CAST(julianday('${asOf}') - julianday(max(order_date)) AS INTEGER) AS recency, count(*) AS frequency, sum(amount_cents) AS monetary
  FROM orders WHERE +order_date <= '${asOf}' AND ${sales} GROUP BY customer_id)
SELECT c.external_id, c.name, recency, frequency, monetary / 100.0,
  ntile(5) OVER (ORDER BY recency DESC) AS r, ntile(5) OVER (ORDER BY frequency) AS f, ntile(5) OVER (ORDER BY monetary) AS m
FROM m JOIN customers c ON c.id = m.customer_id;
`,
  // Segments: the same scores, counted per score combination.
  segment: (asOf, out) => `.mode csv
.output ${quote(out)}
WITH m AS (
  SELECT customer_id, CAST(julianday('${asOf}') - julianday(max(order_date)) AS INTEGER) AS recency, count(*) AS frequency, sum(amount_cents) AS monetary
  FROM orders WHERE +order_date <= '${asOf}' AND ${sales} GROUP BY customer_id),
s AS (SELECT *, ntile(5) OVER (ORDER BY recency DESC) AS r, ntile(5) OVER (ORDER BY frequency) AS f, ntile(5) OVER (ORDER BY monetary) AS m FROM m)
SELECT r, f, m, count(*), sum(frequency), sum(monetary), avg(recency) FROM s GROUP BY r, f, m;
`,
  // Pyramid: profit per customer, ranked, cut at 1/5/20 %, summed per tier.
  pyramid: (asOf, out) => `.mode csv
.output ${quote(out)}
WITH p AS (
  SELECT customer_id, count(*) AS orders, sum(amount_cents) AS revenue, sum(amount_cents - coalesce(cost_cents, 0)) AS profit
  FROM orders WHERE +order_date <= '${asOf}' AND ${sales} GROUP BY customer_id),
r AS (SELECT *, rank() OVER (ORDER BY profit DESC) AS position, count(*) OVER () AS total FROM p)
SELECT CASE WHEN position <= ceil(total * 0.01) THEN 1 WHEN position <= ceil(total * 0.05) THEN 2 WHEN position <= ceil(total * 0.20) THEN 3 ELSE 4 END AS tier,
  count(*), sum(revenue), sum(profit), avg(profit), sum(profit < 0)
FROM r GROUP BY tier;
`,
  // Summary: customers active, revenue and profit this period and the previous one, money owed.
  summary: (asOf, out) => `.mode csv
.output ${quote(out)}
SELECT
  (SELECT count(DISTINCT customer_id) FROM orders WHERE +order_date > date('${asOf}', '-365 days') AND +order_date <= '${asOf}' AND ${sales}),
  (SELECT sum(amount_cents) FROM orders WHERE +order_date > date('${asOf}', '-30 days') AND +order_date <= '${asOf}' AND ${sales}),
  (SELECT sum(amount_cents) FROM orders WHERE +order_date > date('${asOf}', '-60 days') AND +order_date <= date('${asOf}', '-30 days') AND ${sales}),
  (SELECT sum(amount_cents) - coalesce((SELECT sum(amount_cents) FROM payments), 0) FROM orders WHERE ${sales}),
  (SELECT count(*) FROM (SELECT customer_id, min(order_date) AS first FROM orders GROUP BY customer_id) WHERE first > date('${asOf}', '-30 days'));
`,
};
