// The dashboard tests' database: the samples through the real importer (spawned binary), and optionally a customer with a hostile name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { samples, spawnCrm, type RunResult } from './cli.js';

/** The analysis date of the dashboard tests and the README screenshot: just after the samples' last order (2026-10-29). */
export const dashboardAsOf = '2026-10-31';

/** 200 characters without a space, and an owner as long: a table must wrap or cut them, not grow past the page. */
export const longName = `Z${'W'.repeat(198)}Z`;
export const longOwner = 'O'.repeat(200);

/** A name that would run script and fetch an image if it reached the page unescaped; quotes and & as well. */
export const hostileName = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">Tom "Tea" & Co's`;

export interface SampleDatabase {
  dir: string;
  db: string;
  crm(argv: string[]): RunResult;
  /** Adds C9999 with the hostile name and one large order (so it tops the profit list and the pyramid), and C9998 with longName second. */
  addHostileCustomer(): void;
  remove(): void;
}

const csvField = (text: string): string => `"${text.replace(/"/g, '""')}"`;

export function sampleDatabase(options: { empty?: boolean } = {}): SampleDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-dashboard-'));
  const db = path.join(dir, 'crm.db');
  const crm = (argv: string[]) => spawnCrm(['--db', db, ...argv], { cwd: dir });
  const must = (argv: string[]) => {
    const result = crm(argv);
    if (result.code !== 0) throw new Error(`crm ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
  };
  must(['init']);
  if (!options.empty) for (const kind of ['customers', 'orders', 'interactions', 'payments', 'surveys']) must(['import', kind, path.join(samples, `${kind}.csv`)]);
  return {
    dir,
    db,
    crm,
    addHostileCustomer() {
      const customers = path.join(dir, 'hostile-customers.csv');
      const orders = path.join(dir, 'hostile-orders.csv');
      fs.writeFileSync(customers, `customer_id,name,company,owner\nC9999,${csvField(hostileName)},${csvField('A & B <b>bold</b>')},${csvField('"owner" <i>')}\nC9998,${longName},Long Ltd,${longOwner}\n`);
      fs.writeFileSync(orders, `order_id,customer_id,order_date,product,quantity,amount,cost,status\nO99999,C9999,2026-10-20,${csvField('<b>Big</b> order')},1,500000.00,1000.00,paid\nO99998,C9998,2026-10-21,Long order,1,400000.00,1000.00,paid\n`);
      must(['import', 'customers', customers]);
      must(['import', 'orders', orders]);
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
