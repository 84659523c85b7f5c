// Merging two customers: the plan (fill empty fields, keep the earlier "since") and the transaction that loses nothing.
import { describe, expect, it } from 'vitest';
import { mergePlan } from '../../src/analysis/merge-plan.js';
import { addCustomer, customerByExternalId, type CustomerRecord } from '../../src/db/customers.js';
import { historyCounts } from '../../src/db/customer-file.js';
import { addInteraction } from '../../src/db/interactions.js';
import { mergeCustomers } from '../../src/db/merge.js';
import { openComplaint } from '../../src/db/complaints.js';
import { addPayment, addSurvey } from '../../src/db/payments.js';
import { engines } from '../helpers/engines.js';
import { newStore } from '../helpers/store.js';

const record = (fields: Partial<CustomerRecord>): CustomerRecord => ({
  id: 1, external_id: 'C1', name: 'x', company: null, email: null, phone: null, city: null, region: null, channel: null, owner: null,
  tags: null, notes: null, status: 'active', kind: 'customer', converted_at: null, dropped_at: null, drop_reason: null, referred_by: null,
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', created_by: null, updated_by: null, ...fields,
});

describe('mergePlan', () => {
  it.each([
    ['fills only empty fields', { email: 'keep@x.cn', city: '' }, { email: 'other@x.cn', city: '上海', phone: '13800138000' }, { city: '上海', phone: '13800138000' }, null],
    ['nothing to fill', { email: 'a@x.cn' }, { email: null }, {}, null],
    ['keeps the earlier since', {}, { created_at: '2025-03-01T00:00:00Z' }, {}, '2025-03-01T00:00:00Z'],
    ['never takes the name or status', { name: 'A', status: 'active' }, { name: 'B', status: 'lost' }, {}, null],
  ])('%s', (_name, keep, other, fill, createdAt) => {
    expect(mergePlan(record({ id: 1, ...keep }), record({ id: 2, ...other }))).toEqual({ fill, createdAt });
  });
});

describe.each(engines)('mergeCustomers on %s', (engine) => {
  it('moves every order, interaction, payment, survey and complaint; counts before and after match', async () => {
    const db = await newStore(engine);
    const now = '2026-11-23T09:00:00Z';
    const keep = await addCustomer(db, { external_id: 'K', name: '李芳', city: '上海' }, now);
    const other = await addCustomer(db, { external_id: 'O', name: '李芳', email: 'li@x.cn', phone: '13800138000' }, now);
    const bystander = await addCustomer(db, { external_id: 'B', name: 'someone else' }, now);
    for (const [externalId, customerId] of [['o1', keep.id], ['o2', other.id], ['o3', other.id], ['o4', bystander.id]] as const) {
      await db.run("INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at) VALUES (?, ?, '2026-01-01', ?, ?, ?)", [externalId, customerId, 1000, now, now]);
    }
    for (const customerId of [keep.id, other.id, other.id, bystander.id]) await addInteraction(db, { customer_id: customerId, kind: 'call', occurred_at: now, summary: 'hi' }, now);
    await addPayment(db, { customer_id: other.id, order_id: null, paid_on: '2026-01-02', amount_cents: 500, method: null }, now);
    await addSurvey(db, { customer_id: other.id, surveyed_on: '2026-01-02', expected: 8, perceived: 9, would_recommend: 9 }, now);
    await openComplaint(db, { customer_id: other.id, opened_at: now, severity: 'high', summary: 'late', owner: null }, now);
    const tables = ['orders', 'interactions', 'payments', 'surveys', 'complaints'];
    const totals = async () => {
      const counts: Record<string, number | undefined> = {};
      for (const table of tables) counts[table] = await db.value<number>(`SELECT count(*) FROM ${table}`);
      return counts;
    };
    const before = await totals();
    const keepBefore = await historyCounts(db, keep.id);
    const otherBefore = await historyCounts(db, other.id);
    const bystanderBefore = await historyCounts(db, bystander.id);

    const result = await mergeCustomers(db, keep, other, now);

    expect(await totals()).toEqual(before);
    expect(result.moved).toEqual(otherBefore);
    expect(await historyCounts(db, keep.id)).toEqual({
      orders: keepBefore.orders + otherBefore.orders, interactions: keepBefore.interactions + otherBefore.interactions,
      payments: keepBefore.payments + otherBefore.payments, surveys: keepBefore.surveys + otherBefore.surveys,
      complaints: keepBefore.complaints + otherBefore.complaints,
    });
    expect(await historyCounts(db, bystander.id)).toEqual(bystanderBefore);
    expect(await customerByExternalId(db, 'O')).toBeUndefined();
    expect(await customerByExternalId(db, 'K')).toMatchObject({ city: '上海', email: 'li@x.cn', phone: '13800138000' });
    expect(result.filled).toEqual(['email', 'phone']);
    const audit = JSON.parse((await db.value<string>("SELECT detail FROM audit_log WHERE action = 'merge'"))!);
    expect(audit.merged).toMatchObject({ external_id: 'O', email: 'li@x.cn' });
  });

  it('rolls back everything when the merge fails halfway', async () => {
    const db = await newStore(engine);
    const now = '2026-11-23T09:00:00Z';
    const keep = await addCustomer(db, { external_id: 'K', name: 'A' }, now);
    const other = await addCustomer(db, { external_id: 'O', name: 'A', email: 'a@x.cn' }, now);
    await addInteraction(db, { customer_id: other.id, kind: 'call', occurred_at: now, summary: 'hi' }, now);
    // OTHER as it was read before someone else changed its id: the alias insert still works, but deleting by id
    // then a check of a table made to fail proves the transaction: a failing statement undoes the moves before it.
    await expect(mergeCustomers(db, keep, { ...other, external_id: null as unknown as string }, now)).rejects.toThrow();
    expect(await historyCounts(db, other.id)).toMatchObject({ interactions: 1 });
    expect(await customerByExternalId(db, 'O')).toBeDefined();
    expect(await db.value<number>('SELECT count(*) FROM audit_log')).toBe(0);
  });
});

describe.each(engines)('merged ids stay aliases (issue 17) on %s', (engine) => {
  it('the merged id names the kept customer; a later merge of the kept one carries its aliases along; removing it removes them', async () => {
    const { customerByAlias, externalIdTaken, findCustomerCandidates } = await import('../../src/db/customers.js');
    const db = await newStore(engine);
    const now = '2026-11-23T09:00:00Z';
    const c23 = await addCustomer(db, { external_id: 'C0023', name: '王芳' }, now);
    const c80 = await addCustomer(db, { external_id: 'C0080', name: '王芳' }, now);
    const c99 = await addCustomer(db, { external_id: 'C0099', name: '王芳 (new shop)' }, now);
    await mergeCustomers(db, c23, c80, now);
    expect((await customerByAlias(db, 'C0080'))?.external_id).toBe('C0023');
    expect(await customerByAlias(db, 'C0023')).toBeUndefined();
    expect((await findCustomerCandidates(db, 'C0080')).map((customer) => customer.external_id)).toEqual(['C0023']);
    expect(await externalIdTaken(db, 'C0080')).toBe(true);
    // C0023 itself merged into C0099: both old ids now name C0099.
    await mergeCustomers(db, c99, (await customerByExternalId(db, 'C0023'))!, now);
    expect(await db.all('SELECT external_id, customer_id FROM customer_aliases ORDER BY external_id')).toEqual([
      { external_id: 'C0023', customer_id: c99.id },
      { external_id: 'C0080', customer_id: c99.id },
    ]);
    await db.run('DELETE FROM customers WHERE id = ?', [c99.id]);
    expect(await db.value('SELECT count(*) FROM customer_aliases')).toBe(0);
  });
});
