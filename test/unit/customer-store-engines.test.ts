// The customer store's statements with dates, sums and shop days (lead facts, partner facts, campaign outcomes, the
// timeline) give the same rows on SQLite and PostgreSQL, in UTC and in a shop east of UTC.
import { describe, expect, it } from 'vitest';
import { createCampaign, memberOutcomes, campaignByName } from '../../src/db/campaigns.js';
import { addCustomer, customerByExternalId, listCustomers, searchCustomers } from '../../src/db/customers.js';
import { customerTimeline, formatG } from '../../src/db/customer-file.js';
import { setStoreZone } from '../../src/db/day-bounds.js';
import type { Engine, Sql } from '../../src/db/engine/sql.js';
import { addInteraction } from '../../src/db/interactions.js';
import { leadFacts, partnerFacts } from '../../src/db/leads.js';
import { engines, postgresAvailable, testActor } from '../helpers/engines.js';
import { newStore } from '../helpers/store.js';

async function filled(engine: Engine, zone: string): Promise<Sql> {
  const sql = await newStore(engine);
  await setStoreZone(sql, zone);
  const add = (external_id: string, name: string, extra: Record<string, unknown>, at: string) => addCustomer(sql, { external_id, name, ...extra }, at);
  const partner = await add('P1', 'Partner', { kind: 'partner', owner: 'Wang' }, '2026-01-01T00:00:00Z');
  await add('L1', 'Lead one', { kind: 'lead', channel: 'Fair', owner: 'Li' }, '2026-02-28T17:00:00Z'); // 1 March in Shanghai
  await add('L2', 'Lead two', { kind: 'lead', channel: 'web' }, '2026-03-10T00:00:00Z');
  await add('C1', 'Customer', { referred_by: partner.id, tags: 'vip,tea' }, '2026-01-05T00:00:00Z');
  await add('C2', 'customer two', { referred_by: partner.id }, '2026-01-06T00:00:00Z');
  const order = (id: string, customer: string, day: string, cents: number, cost: number | null, status: string | null) =>
    sql.run(
      // Written as crm writes rows, with who wrote them (a server would give the login by default, a file nothing).
      `INSERT INTO orders (external_id, customer_id, order_date, amount_cents, cost_cents, status, quantity, product, created_at, updated_at, created_by, updated_by)
       VALUES (?, (SELECT id FROM customers WHERE external_id = ?), ?, ?, ?, ?, 1.25, 'Tea', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?, ?)`,
      [id, customer, day, cents, cost, status, sql.actor, sql.actor],
    );
  await order('O1', 'L1', '2026-03-21', 10_000, 6_000, 'paid');
  await order('O2', 'C1', '2026-03-05', 30_000, 10_000, 'Paid');
  await order('O3', 'C1', '2026-03-06', -2_000, null, null);
  await order('O4', 'C2', '2026-04-01', 5_000, 1_000, 'REFUNDED ');
  await order('O5', 'L2', '2026-04-02', 7_000, null, '已取消');
  await sql.run("UPDATE customers SET kind = 'customer', converted_at = '2026-03-21' WHERE external_id = 'L1'");
  await addInteraction(sql, { customer_id: partner.id, kind: 'meeting', occurred_at: '2026-03-31T20:00:00Z', summary: 'review' }, '2026-04-01T00:00:00Z');
  const c1 = (await customerByExternalId(sql, 'C1'))!;
  const c2 = (await customerByExternalId(sql, 'C2'))!;
  await createCampaign(sql, { name: 'spring', startedOn: '2026-03-01', segment: null, tier: null, stage: null, holdoutPercent: 50, seed: 1, windowDays: 60, treated: [c1.id], control: [c2.id] }, '2026-03-01T00:00:00Z');
  const spring = (await campaignByName(sql, 'spring'))!;
  await addInteraction(sql, { customer_id: c1.id, kind: 'call', occurred_at: '2026-02-28T17:30:00Z', summary: 'offer', campaign_id: spring.id }, '2026-03-01T00:00:00Z');
  return sql;
}

async function facts(sql: Sql) {
  const window = { since: '2026-03-01', asOf: '2026-03-31' };
  const c1 = (await customerByExternalId(sql, 'C1'))!;
  return {
    leads: await leadFacts(sql, window),
    partners: await partnerFacts(sql, window),
    outcomes: await memberOutcomes(sql, (await campaignByName(sql, 'spring'))!, '2026-04-30'),
    timeline: await customerTimeline(sql, c1.id, null),
    byName: await listCustomers(sql, { sort: 'name' }),
    tagged: await listCustomers(sql, { tag: 'tea', source: undefined }),
    fair: await listCustomers(sql, { source: ' FAIR' }),
    search: await searchCustomers(sql, 'CUSTOMER', 10),
  };
}

describe.skipIf(!postgresAvailable)('customer store statements on both engines', () => {
  it.each(['UTC', 'Asia/Shanghai'])('give the same rows in %s', async (zone) => {
    expect(engines).toContain('postgres');
    const onFile = await facts(await filled('sqlite', zone));
    const onServer = await facts(await filled('postgres', zone));
    expect(JSON.stringify(onServer)).toBe(JSON.stringify(onFile));
    // And the rows are the ones the rules give (docs/rules.md): L1 was recorded on 1 March in Shanghai (28 February in
    // UTC, outside the window); L2's only order was cancelled, so it counts from the day it was recorded.
    expect(onFile.leads.map((lead) => [lead.source, lead.lead_on, lead.converted_at, lead.revenue_cents])).toEqual([
      ...(zone === 'UTC' ? [] : [['Fair', '2026-03-01', '2026-03-21', 10_000]]),
      ['web', '2026-03-10', null, 0],
    ]);
    expect(onFile.partners).toMatchObject([{ external_id: 'P1', customers_referred: 2, buying_customers: 1, orders: 1, revenue_cents: 28_000, interactions: zone === 'UTC' ? 1 : 0 }]);
    expect(onFile.outcomes).toEqual([
      { arm: 'treated', contacted: zone === 'UTC' ? 0 : 1, orders: 1, revenue_cents: 28_000 },
      { arm: 'control', contacted: 0, orders: 0, revenue_cents: 0 },
    ]);
    expect(onFile.timeline.map((entry) => entry.detail)).toEqual(['Tea × 1.25', 'Tea × 1.25 [Paid]', 'offer']);
    // Each entry says who wrote it: the one name the tests write under on both engines.
    expect(onServer.timeline.map((entry) => entry.by)).toEqual([testActor, testActor, testActor]);
    expect(onFile.byName.map((row) => row.external_id)).toEqual(['C1', 'C2', 'L1', 'L2', 'P1']);
    expect(onFile.tagged.map((row) => row.external_id)).toEqual(['C1']);
    expect(onFile.fair.map((row) => row.external_id)).toEqual(['L1']);
    expect(onFile.search.map((row) => row.external_id)).toEqual(['C1', 'C2']);
  });
});

describe('formatG: quantities as printf %g wrote them', () => {
  it.each([
    [2, '2'], [1.5, '1.5'], [0.333333333, '0.333333'], [1234567, '1.23457e+06'], [123456, '123456'], [0.0001, '0.0001'], [0.00001234, '1.234e-05'], [-2.5, '-2.5'], [0, '0'],
  ])('%d → %s', (value, text) => {
    expect(formatG(value)).toBe(text);
  });
});
