// Merging two customers: the plan (fill empty fields, keep the earlier "since") and the transaction that loses nothing.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergePlan } from '../../src/analysis/merge-plan.js';
import { addCustomer, customerByExternalId, type CustomerRecord } from '../../src/db/customers.js';
import { historyCounts } from '../../src/db/customer-file.js';
import { addInteraction } from '../../src/db/interactions.js';
import { mergeCustomers } from '../../src/db/merge.js';
import { openComplaint } from '../../src/db/complaints.js';
import { openDatabase } from '../../src/db/open.js';
import { addPayment, addSurvey } from '../../src/db/payments.js';
import { tempDir } from '../helpers/cli.js';

const record = (fields: Partial<CustomerRecord>): CustomerRecord => ({
  id: 1, external_id: 'C1', name: 'x', company: null, email: null, phone: null, city: null, region: null, channel: null, owner: null,
  tags: null, notes: null, status: 'active', kind: 'customer', converted_at: null, dropped_at: null, drop_reason: null, referred_by: null,
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', ...fields,
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

describe('mergeCustomers', () => {
  it('moves every order, interaction, payment, survey and complaint; counts before and after match', () => {
    const db = openDatabase(path.join(tempDir(), 'crm.db'), { create: true });
    const now = '2026-11-23T09:00:00Z';
    const keep = addCustomer(db, { external_id: 'K', name: '李芳', city: '上海' }, now);
    const other = addCustomer(db, { external_id: 'O', name: '李芳', email: 'li@x.cn', phone: '13800138000' }, now);
    const bystander = addCustomer(db, { external_id: 'B', name: 'someone else' }, now);
    const order = db.prepare("INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at) VALUES (?, ?, '2026-01-01', ?, ?, ?)");
    for (const [externalId, customerId] of [['o1', keep.id], ['o2', other.id], ['o3', other.id], ['o4', bystander.id]] as const) order.run(externalId, customerId, 1000, now, now);
    for (const customerId of [keep.id, other.id, other.id, bystander.id]) addInteraction(db, { customer_id: customerId, kind: 'call', occurred_at: now, summary: 'hi' }, now);
    addPayment(db, { customer_id: other.id, order_id: null, paid_on: '2026-01-02', amount_cents: 500, method: null }, now);
    addSurvey(db, { customer_id: other.id, surveyed_on: '2026-01-02', expected: 8, perceived: 9, would_recommend: 9 }, now);
    openComplaint(db, { customer_id: other.id, opened_at: now, severity: 'high', summary: 'late', owner: null }, now);
    const total = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const tables = ['orders', 'interactions', 'payments', 'surveys', 'complaints'];
    const before = Object.fromEntries(tables.map((table) => [table, total(table)]));
    const keepBefore = historyCounts(db, keep.id);
    const otherBefore = historyCounts(db, other.id);
    const bystanderBefore = historyCounts(db, bystander.id);

    const result = mergeCustomers(db, keep, other, now);

    expect(Object.fromEntries(tables.map((table) => [table, total(table)]))).toEqual(before);
    expect(result.moved).toEqual(otherBefore);
    expect(historyCounts(db, keep.id)).toEqual({
      orders: keepBefore.orders + otherBefore.orders, interactions: keepBefore.interactions + otherBefore.interactions,
      payments: keepBefore.payments + otherBefore.payments, surveys: keepBefore.surveys + otherBefore.surveys,
      complaints: keepBefore.complaints + otherBefore.complaints,
    });
    expect(historyCounts(db, bystander.id)).toEqual(bystanderBefore);
    expect(customerByExternalId(db, 'O')).toBeUndefined();
    expect(customerByExternalId(db, 'K')).toMatchObject({ city: '上海', email: 'li@x.cn', phone: '13800138000' });
    expect(result.filled).toEqual(['email', 'phone']);
    const audit = JSON.parse(db.prepare("SELECT detail FROM audit_log WHERE action = 'merge'").pluck().get() as string);
    expect(audit.merged).toMatchObject({ external_id: 'O', email: 'li@x.cn' });
    db.close();
  });
});

describe('merged ids stay aliases (issue 17)', () => {
  it('the merged id names the kept customer; a later merge of the kept one carries its aliases along; removing it removes them', async () => {
    const { customerByAlias, externalIdTaken, findCustomerCandidates } = await import('../../src/db/customers.js');
    const db = openDatabase(path.join(tempDir(), 'crm.db'), { create: true });
    const now = '2026-11-23T09:00:00Z';
    const c23 = addCustomer(db, { external_id: 'C0023', name: '王芳' }, now);
    const c80 = addCustomer(db, { external_id: 'C0080', name: '王芳' }, now);
    const c99 = addCustomer(db, { external_id: 'C0099', name: '王芳 (new shop)' }, now);
    mergeCustomers(db, c23, c80, now);
    expect(customerByAlias(db, 'C0080')?.external_id).toBe('C0023');
    expect(customerByAlias(db, 'C0023')).toBeUndefined();
    expect(findCustomerCandidates(db, 'C0080').map((customer) => customer.external_id)).toEqual(['C0023']);
    expect(externalIdTaken(db, 'C0080')).toBe(true);
    // C0023 itself merged into C0099: both old ids now name C0099.
    mergeCustomers(db, c99, customerByExternalId(db, 'C0023')!, now);
    expect(db.prepare('SELECT external_id, customer_id FROM customer_aliases ORDER BY external_id').all()).toEqual([
      { external_id: 'C0023', customer_id: c99.id },
      { external_id: 'C0080', customer_id: c99.id },
    ]);
    db.prepare('DELETE FROM customers WHERE id = ?').run(c99.id);
    expect(db.prepare('SELECT count(*) FROM customer_aliases').pluck().get()).toBe(0);
    db.close();
  });
});
