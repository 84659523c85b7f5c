// npm run bench -- --db postgresql://ADMIN@HOST/DB: the same data on a PostgreSQL server, crm against psql in the
// same run. ADMIN must be allowed to create databases: each measured run gets a fresh one (dropped at the end).
// Baselines: imports, psql's \copy of the same CSV into a typed table with the same primary key (the cheapest
// way to put those rows into that server); analyses, the equivalent SQL through psql.
import { spawnSync } from 'node:child_process';

const sales = "(status IS NULL OR lower(trim(status)) NOT IN ('refunded', 'refund', 'cancelled', 'canceled', 'void', 'returned', '退款', '已退款', '取消', '已取消', '退货'))";
const quote = (file) => `'${file.replace(/'/g, "''")}'`;

export function postgresBench({ adminUrl, files, crm, measure, repeat, record, runs, asOf, work, log, customerCount, orderCount }) {
  const found = spawnSync('psql', ['--version'], { encoding: 'utf8' });
  if (found.status !== 0) {
    log('psql is not available: the PostgreSQL baselines need it (Debian package postgresql-client)');
    return;
  }
  const urlFor = (name) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const psql = (url, script) => {
    const result = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: script, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr.slice(0, 500)}`);
    return result.stdout;
  };
  const made = new Set();
  const fresh = (name, template) => {
    psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE);\nCREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''};\n`);
    made.add(name);
    return urlFor(name);
  };
  const crmRun = (url, crmArgs) => measure(process.execPath, [crm, '--db', url, ...crmArgs]);
  const pidTag = process.pid;
  const names = { customers: `crm_bench_customers_${pidTag}`, big: `crm_bench_big_${pidTag}`, base: `crm_bench_baseline_${pidTag}` };

  try {
    log(`PostgreSQL import (median of ${runs}):`);
    const rows1m = (rows) => ({ text: '≤ 1.5× psql \\copy, < 200 MB', check: (figure, ratio) => (ratio === null || ratio <= 1.5) && (figure.rssMb === null || figure.rssMb < 200) });
    const crmCustomers = repeat(runs, () => {
      const url = fresh(names.customers);
      spawnSync(process.execPath, [crm, '--db', url, 'init'], { stdio: 'ignore' });
      return crmRun(url, ['import', 'customers', files.customersFile]);
    });
    const copyCustomers = repeat(runs, () => {
      const url = fresh(names.base);
      return measure('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c',
        'CREATE TABLE customers_copy (customer_id text PRIMARY KEY, name text, company text, email text, phone text, city text, channel text, owner text, created_at text)',
        '-c', `\\copy customers_copy FROM ${quote(files.customersFile)} WITH (FORMAT csv, HEADER)`]);
    });
    record(`postgres: import customers (${customerCount.toLocaleString('en-US')} rows)`, crmCustomers, copyCustomers, rows1m(customerCount));
    const crmOrders = repeat(runs, () => {
      const url = fresh(names.big, names.customers);
      return crmRun(url, ['import', 'orders', files.ordersFile]);
    });
    const copyOrders = repeat(runs, () => {
      const url = fresh(names.base);
      return measure('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c',
        'CREATE TABLE orders_copy (order_id text PRIMARY KEY, customer_id text, order_date text, product text, quantity double precision, amount numeric, cost numeric, status text)',
        '-c', `\\copy orders_copy FROM ${quote(files.ordersFile)} WITH (FORMAT csv, HEADER)`]);
    });
    record(`postgres: import orders (${orderCount.toLocaleString('en-US')} rows)`, crmOrders, copyOrders, rows1m(orderCount));
    // A second baseline, the same work as the sqlite3 one: \copy into a staging table, then INSERT … SELECT into crm's
    // own orders table (its foreign key and indexes) with the customer looked up, in one transaction. What crm adds
    // beyond this is reading and validating the file in Node.
    const intoSchema = repeat(runs, () => {
      const url = fresh(names.base, names.customers);
      return measure('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', '-'], {
        input: `CREATE TEMP TABLE staging (order_id text, customer_id text, order_date text, product text, quantity double precision, amount numeric, cost numeric, status text);
\\copy staging FROM ${quote(files.ordersFile)} WITH (FORMAT csv, HEADER)
INSERT INTO orders (external_id, customer_id, order_date, product, quantity, amount_cents, cost_cents, status, created_at, updated_at)
  SELECT s.order_id, c.id, s.order_date, s.product, s.quantity, round(s.amount * 100), round(s.cost * 100), s.status, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z'
  FROM staging s JOIN customers c ON c.external_id = s.customer_id
  ON CONFLICT (external_id) DO NOTHING;
`,
      });
    });
    record(`postgres: import orders (baseline: psql into crm's schema)`, crmOrders, intoSchema, { text: 'reported', check: () => null });

    const bigUrl = urlFor(names.big);
    psql(bigUrl, 'ANALYZE;\n');
    log('PostgreSQL analysis (median of 3):');
    const out = `${work}/out-pg.csv`;
    const asCsv = (query) => `\\copy (${query.replace(/\s+/g, ' ').trim()}) TO ${quote(out)} WITH (FORMAT csv)\n`;
    const measures = `SELECT customer_id, ('${asOf}'::date - max(order_date)::date) AS recency, count(*) AS frequency, sum(amount_cents) AS monetary
      FROM orders WHERE order_date <= '${asOf}' AND ${sales} GROUP BY customer_id`;
    const analyses = [
      ['rfm', ['rfm', '--as-of', asOf, '--format', 'csv', '--output', out], asCsv(`WITH m AS (${measures})
        SELECT c.external_id, c.name, recency, frequency, monetary / 100.0, ntile(5) OVER (ORDER BY recency DESC), ntile(5) OVER (ORDER BY frequency), ntile(5) OVER (ORDER BY monetary)
        FROM m JOIN customers c ON c.id = m.customer_id`)],
      ['segment', ['segment', '--as-of', asOf, '--format', 'csv', '--output', out], asCsv(`WITH m AS (${measures}),
        s AS (SELECT *, ntile(5) OVER (ORDER BY recency DESC) AS r, ntile(5) OVER (ORDER BY frequency) AS f, ntile(5) OVER (ORDER BY monetary) AS m FROM m)
        SELECT r, f, m, count(*), sum(frequency), sum(monetary), avg(recency) FROM s GROUP BY r, f, m`)],
      ['pyramid', ['pyramid', '--as-of', asOf, '--format', 'csv', '--output', out], asCsv(`WITH p AS (
        SELECT customer_id, count(*) AS orders, sum(amount_cents) AS revenue, sum(amount_cents - coalesce(cost_cents, 0)) AS profit
        FROM orders WHERE order_date <= '${asOf}' AND ${sales} GROUP BY customer_id),
        r AS (SELECT *, rank() OVER (ORDER BY profit DESC) AS position, count(*) OVER () AS total FROM p)
        SELECT CASE WHEN position <= ceil(total * 0.01) THEN 1 WHEN position <= ceil(total * 0.05) THEN 2 WHEN position <= ceil(total * 0.20) THEN 3 ELSE 4 END AS tier,
          count(*), sum(revenue), sum(profit), avg(profit), sum(CASE WHEN profit < 0 THEN 1 ELSE 0 END) FROM r GROUP BY 1`)],
    ];
    for (const [name, crmArgs, script] of analyses) {
      const figure = repeat(3, () => crmRun(bigUrl, crmArgs));
      const baseline = repeat(3, () => measure('psql', [bigUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: script }));
      record(`postgres: ${name}`, figure, baseline, { text: 'reported (issue 20 sets the goal)', check: () => null });
    }
    // The whole-shop commands on the server, with crm rfm on the same server (same run) as their baseline: the summary
    // within 2× of it, clv within 3×; the agenda and the dashboard by time and peak memory (issue 20: < 300 MB).
    log('PostgreSQL whole-shop commands against crm rfm there (median of 3):');
    const rfmOnServer = repeat(3, () => crmRun(bigUrl, ['rfm', '--as-of', asOf, '--format', 'csv', '--output', out]));
    const underMb = (figure) => figure.rssMb === null || figure.rssMb < 300;
    for (const [name, crmArgs, target] of [
      ['report summary', ['report', 'summary', '--as-of', asOf, '--format', 'csv', '--output', out], { text: '≤ 2× crm rfm, < 300 MB', check: (figure, ratio) => ratio !== null && ratio <= 2 && underMb(figure) }],
      ['clv', ['clv', '--as-of', asOf, '--format', 'csv', '--output', out], { text: '≤ 3× crm rfm, < 300 MB', check: (figure, ratio) => ratio !== null && ratio <= 3 && underMb(figure) }],
      ['agenda', ['agenda', '--as-of', asOf, '--format', 'csv', '--output', out], { text: '< 300 MB', check: (figure) => underMb(figure) }],
      ['dashboard', ['dashboard', '--as-of', asOf, '--output', `${work}/dashboard-pg.html`], { text: '< 300 MB', check: (figure) => underMb(figure) }],
    ]) {
      record(`postgres: ${name} (baseline: crm rfm there)`, repeat(3, () => crmRun(bigUrl, crmArgs)), rfmOnServer, target);
    }
  } finally {
    for (const name of made) {
      try {
        psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE);\n`);
      } catch {
        // reported by psql already
      }
    }
  }
}
