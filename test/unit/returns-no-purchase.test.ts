// A return (an order below zero) nets revenue and profit but is no purchase (docs/rules.md#which-orders-count): the
// campaign, customer, people, partner, lead, merge and overview queries count purchases only. Each case is built by
// hand with a customer whose only order in the window is a return next to one who bought, so counting the return
// as a purchase shows up as one order (or buyer) too many, or as a first order on the return's day.
import { afterAll, describe, expect, it } from 'vitest';
import { createCampaign, memberOutcomes, campaignByName } from '../../src/db/campaigns.js';
import { customerByExternalId } from '../../src/db/customers.js';
import { leadFacts, partnerFacts } from '../../src/db/leads.js';
import { mergeCustomers } from '../../src/db/merge.js';
import type { Db } from '../../src/db/open.js';
import { overview } from '../../src/db/overview.js';
import { customerValues } from '../../src/db/report-customers.js';
import { ownerSales } from '../../src/db/report-people.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import { sameDataOn } from '../helpers/same-data.js';
import { testDb } from '../helpers/db.js';

/** The connection type over a hand-built SQLite test database. */
const sqlOf = (db: Db): SqliteSql => new SqliteSql(db, db.name);
import { connect, engines } from '../helpers/engines.js';

const id = async (db: Db, externalId: string): Promise<number> => (await customerByExternalId(sqlOf(db), externalId))!.id;

describe('a return is no purchase', () => {
  it('campaigns: a member whose only order in the window is a return did not buy, but the return nets revenue', async () => {
    // Window (2026-03-01, 2026-03-31]: RET returned 5.00 on 03-10; BUY bought 20.00 on 03-05 and returned 2.00 on 03-06.
    const db = testDb([
      { customer: 'RET', date: '2026-03-10', amount: -5 },
      { customer: 'BUY', date: '2026-03-05', amount: 20 },
      { customer: 'BUY', date: '2026-03-06', amount: -2 },
    ]);
    await createCampaign(sqlOf(db), {
      name: 'spring', startedOn: '2026-03-01', segment: null, tier: null, stage: null, holdoutPercent: 50, seed: 1, windowDays: 30,
      treated: [await id(db, 'RET'), await id(db, 'BUY')], control: [],
    }, '2026-03-01T00:00:00Z');
    const outcomes = await memberOutcomes(sqlOf(db), (await campaignByName(sqlOf(db), 'spring'))!, '2026-03-31');
    expect(outcomes.map((row) => [row.orders, row.revenue_cents]).sort()).toEqual([[0, -500], [1, 1800]]);
  });

  it('partners: a referred customer who only returned something is no buyer and has no orders', async () => {
    const db = testDb([
      { customer: 'P', date: '2026-01-01', amount: 1 },
      { customer: 'X', date: '2026-02-10', amount: -15 },
      { customer: 'Y', date: '2026-02-11', amount: 40 },
      { customer: 'Y', date: '2026-02-12', amount: -4 },
    ]);
    db.prepare("UPDATE customers SET kind = 'partner' WHERE external_id = 'P'").run();
    db.prepare("UPDATE customers SET referred_by = ? WHERE external_id IN ('X', 'Y')").run(await id(db, 'P'));
    const [partner] = await partnerFacts(sqlOf(db), { since: '2026-02-01', asOf: '2026-02-28' });
    expect(partner).toMatchObject({ external_id: 'P', customers_referred: 2, buying_customers: 1, orders: 1, revenue_cents: 2100 });
  });

  it('leads: a lead counts from its first billed purchase, not from a return or a refunded order', async () => {
    // Recorded on 03-01; a refunded order on 01-05 and a credit note on 02-01 are no purchase: a funnel from 02-15 counts it.
    const db = testDb([
      { customer: 'L', date: '2026-01-05', amount: 30 },
      { customer: 'L', date: '2026-02-01', amount: -30 },
    ]);
    db.prepare("UPDATE customers SET kind = 'lead', created_at = '2026-03-01T00:00:00Z'").run();
    db.prepare("UPDATE orders SET status = 'refunded' WHERE order_date = '2026-01-05'").run();
    expect(await leadFacts(sqlOf(db), { since: '2026-02-15', asOf: '2026-03-31' })).toMatchObject([{ lead_on: '2026-03-01', converted_at: null }]);
  });

  it('merge: a lead merged with a lead that has only a credit note stays a lead', async () => {
    const db = testDb([{ customer: 'L2', date: '2026-02-01', amount: -30 }], { customers: ['L1'] });
    db.prepare("UPDATE customers SET kind = 'lead'").run();
    await mergeCustomers(sqlOf(db), (await customerByExternalId(sqlOf(db), 'L1'))!, (await customerByExternalId(sqlOf(db), 'L2'))!, '2026-03-01T00:00:00Z');
    expect(await customerByExternalId(sqlOf(db), 'L1')).toMatchObject({ kind: 'lead', converted_at: null });
    // With a purchase as well, it becomes a customer on the purchase's day.
    const bought = testDb([{ customer: 'L2', date: '2026-02-01', amount: -30 }, { customer: 'L2', date: '2026-02-03', amount: 30 }], { customers: ['L1'] });
    bought.prepare("UPDATE customers SET kind = 'lead'").run();
    await mergeCustomers(sqlOf(bought), (await customerByExternalId(sqlOf(bought), 'L1'))!, (await customerByExternalId(sqlOf(bought), 'L2'))!, '2026-03-01T00:00:00Z');
    expect(await customerByExternalId(sqlOf(bought), 'L1')).toMatchObject({ kind: 'customer', converted_at: '2026-02-03' });
  });

});

// The report store functions among them, on both engines (on PostgreSQL, the test file copied by crm db copy).
describe.each(engines)('a return is no purchase in the report queries on %s', (engine) => {
  const opened: Sql[] = [];
  const store = async (db: Db): Promise<Sql> => {
    const sql = engine === 'sqlite' ? new SqliteSql(db, db.name) : await connect(await sameDataOn(engine, db.name));
    if (engine === 'postgres') opened.push(sql);
    return sql;
  };
  afterAll(async () => {
    for (const sql of opened) await sql.close();
  });

  it('customer values: orders counts purchases, revenue and profit include the return', async () => {
    // Revenue 100 − 20 = 80.00; profit (100 − 60) + (−20 + 12) = 32.00; one purchase.
    const db = testDb([
      { customer: 'A', date: '2026-01-05', amount: 100, cost: 60 },
      { customer: 'A', date: '2026-01-20', amount: -20, cost: -12 },
    ]);
    expect((await customerValues(await store(db), [await id(db, 'A')], '2026-02-01'))[0]).toMatchObject({ orders: 1, revenue_cents: 8000, profit_cents: 3200 });
  });

  it("owner sales: a return before the period is no first order, and a return in it is no order", async () => {
    // Period 2026-02-01 … 2026-02-28. A returned something on 01-10 (bought elsewhere) and first bought on 02-05: a new
    // customer of Li's. B bought on 02-03 and returned on 02-04: one order.
    const db = testDb([
      { customer: 'A', date: '2026-01-10', amount: -10 },
      { customer: 'A', date: '2026-02-05', amount: 50 },
      { customer: 'B', date: '2026-01-02', amount: 30 },
      { customer: 'B', date: '2026-02-03', amount: 40 },
      { customer: 'B', date: '2026-02-04', amount: -5 },
    ]);
    db.prepare("UPDATE customers SET owner = 'Li'").run();
    expect(await ownerSales(await store(db), { since: '2026-02-01', asOf: '2026-02-28' })).toEqual([
      { owner: 'Li', customers: 2, new_customers: 1, orders: 2, revenue_cents: 8500, profit_cents: 8500 },
    ]);
  });

  it('overview: orders, first and last order and contacts who bought count purchases', async () => {
    const db = testDb([
      { customer: 'A', date: '2026-01-01', amount: -5 },
      { customer: 'B', date: '2026-01-02', amount: 20 },
      { customer: 'B', date: '2026-01-09', amount: -3 },
    ]);
    expect(await overview(await store(db))).toMatchObject({ customers_with_orders: 1, orders: 1, revenue_cents: 1200, first_order: '2026-01-02', last_order: '2026-01-02' });
  });
});
