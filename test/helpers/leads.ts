// A small hand-made database with a partner, leads and customers (Chinese headers for kind and source), for the lead,
// partner and campaign tests. Every figure the tests expect is worked out from these rows in the test's comments.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { dailyDbAt, type DailyDb } from './daily.js';
import type { Engine } from './engines.js';

export const leadCustomersCsv = [
  '客户编号,客户名称,类型,来源,负责人,建档日期,推荐人',
  'P001,茶友会,合作伙伴,,王伟,2026-01-05,',
  'L001,赵敏,线索,fair,李娜,2026-03-01,',
  'L002,钱多,lead,fair,李娜,2026-03-10,',
  'L003,孙立,lead,web,王伟,2026-04-01,P001',
  'L004,周到,lead,web,王伟,2026-04-15,',
  'C001,吴用,customer,referral,王伟,2026-02-01,P001',
].join('\n') + '\n';

export const leadOrdersCsv = [
  'order_id,customer_id,order_date,amount,cost,status',
  'O1,L001,2026-03-21,100.00,60.00,paid', // L001 converts on 2026-03-21: 20 days after 03-01
  'O2,L001,2026-05-01,50.00,30.00,paid',
  'O3,L003,2026-04-11,200.00,100.00,paid', // L003 converts on 2026-04-11: 10 days after 04-01
  'O4,C001,2026-02-10,300.00,100.00,paid',
  'O5,P001,2026-03-01,1000.00,500.00,paid', // the partner's own order: no customer analysis counts it by default
  'O6,L002,2026-04-01,80.00,,cancelled', // a cancelled order is no sale: L002 stays a lead
].join('\n') + '\n';

/** The database above on ENGINE: customers and orders imported (the orders convert L001 and L003). */
export async function leadsDb(engine: Engine = 'sqlite'): Promise<DailyDb & { files: { customers: string; orders: string } }> {
  const t = await dailyDbAt([], engine);
  const customers = path.join(t.dir, 'contacts.csv');
  const orders = path.join(t.dir, 'orders.csv');
  fs.writeFileSync(customers, leadCustomersCsv);
  fs.writeFileSync(orders, leadOrdersCsv);
  for (const [kind, file] of [['customers', customers], ['orders', orders]]) {
    const result = await t.crm(['import', kind!, file!]);
    expect(result.code, result.stderr).toBe(0);
  }
  return { ...t, files: { customers, orders } };
}
