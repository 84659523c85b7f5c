// crm customer show (the customer file), edit, rm, duplicates and merge on the sample data.
import { describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { dailyDb } from '../helpers/daily.js';

describe.each(engines)('crm customer show on %s', (engine) => {
  it('shows the whole file as one JSON object: money, satisfaction, complaints, follow-ups, timeline newest first', async () => {
    const t = await dailyDb(['customers', 'orders', 'payments'], engine);
    await t.crm(['survey', 'C0001', '--expected', '8', '--perceived', '6', '--date', '2026-10-01']);
    await t.crm(['survey', 'C0001', '--expected', '8', '--perceived', '9', '--date', '2026-11-01']);
    await t.crm(['complaint', 'open', 'C0001', '-s', 'tea arrived damp', '--severity', 'high', '--at', '2026-11-21 09:00']);
    await t.crm(['log', 'C0001', '-k', 'call', '-s', 'sorry call', '--at', '2026-11-22 10:00', '--follow-up', '2026-11-22']);
    await t.crm(['pay', 'C0001', '100', '--date', '2026-11-22']);
    const billed = await t.value("SELECT sum(amount_cents) FROM orders WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C0001') AND status <> 'refunded'");
    const paid = await t.value("SELECT sum(amount_cents) FROM payments WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C0001')");
    const value = await t.value("SELECT sum(amount_cents - coalesce(cost_cents, 0)) FROM orders WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C0001') AND status <> 'refunded'");
    const result = await t.crm(['customer', 'show', 'C0001', '--format', 'json']);
    expect(result.code).toBe(0);
    const file = JSON.parse(result.stdout);
    expect(file).toMatchObject({
      customer_id: 'C0001', name: '高建国', orders: 13, billed: billed / 100, paid: paid / 100, balance: (billed - paid) / 100,
      value_so_far: value / 100, satisfaction: 1.125, satisfaction_level: 'satisfied', satisfaction_average: 0.9375, surveys: 2,
      interactions: 2, complaints_open: 1, follow_ups_due: 1,
    });
    expect(file.balance).toBe(-100);
    expect(file.complaints).toEqual([{ id: 1, opened_at: '2026-11-21T09:00:00Z', severity: 'high', summary: 'tea arrived damp', age_days: 2 }]);
    expect(file.follow_ups).toEqual([{ id: 2, due: '2026-11-22', state: 'overdue', days_overdue: 1, owner: '张强', reason: 'sorry call' }]);
    expect(file.timeline).toHaveLength(10);
    expect(file.timeline.slice(0, 3).map((entry: { type: string; detail: string }) => `${entry.type}: ${entry.detail}`)).toEqual([
      'call: sorry call (follow-up 2026-11-22)',
      'payment: ',
      'complaint: complaint #1 (high): tea arrived damp',
    ]);
    const ats = file.timeline.map((entry: { at: string }) => entry.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const all = JSON.parse((await t.crm(['customer', 'show', 'C0001', '--all', '-f', 'json'])).stdout);
    expect(all.timeline).toHaveLength(await t.value("SELECT (SELECT count(*) FROM orders WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C0001')) + (SELECT count(*) FROM payments WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C0001')) + (SELECT count(*) FROM interactions WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C0001'))"));
  });

  it('prints the card, then complaints, follow-ups and the timeline as tables', async () => {
    const t = await dailyDb(['customers', 'orders'], engine);
    const table = (await t.crm(['customer', 'show', 'C0001'])).stdout;
    expect(table).toMatch(/^高建国 \(C0001\)\n/);
    expect(table).toMatch(/│ Balance \(owed; negative = paid ahead\) │ 7,854\.20 +│/);
    expect(table).toContain('Open complaints (0)');
    expect(table).toContain('Timeline: latest 10 of 13 (--all for everything)');
    expect((await t.crm(['customer', 'show', 'C0001', '--format', 'md'])).stdout).toContain('## Timeline: latest 10 of 13');
  });
});

describe.each(engines)('crm customer edit on %s', (engine) => {
  it('changes fields, clears one with an empty value, checks e-mail and phone like the import', async () => {
    const t = await dailyDb(['customers'], engine);
    expect((await t.crm(['customer', 'edit', 'C0001', '--phone', '139 0013 9000', '--city', '深圳', '--company', ''])).stdout).toBe('updated C0001 高建国: company, phone, city\n');
    expect(await t.rows("SELECT company, phone, city FROM customers WHERE external_id = 'C0001'")).toEqual([{ company: null, phone: '139 0013 9000', city: '深圳' }]);
    expect(await t.value("SELECT action FROM audit_log")).toBe('edit');
    expect((await t.crm(['customer', 'edit', 'C0001', '--city', '深圳'])).stdout).toBe('nothing changed for C0001 高建国\n');
  });

  it.each([
    [['--email', 'not-an-email'], 'crm: --email "not-an-email": not a valid e-mail address'],
    [['--name', ' '], 'crm: --name: cannot be empty'],
    [[], 'crm: nothing to change: give one or more of --name, --company, --email, --phone, --city, --region, --channel, --owner, --tags, --notes, --status, --kind, --source, --referred-by'],
  ])('%j: exit 2, nothing changed', async (argv, message) => {
    const t = await dailyDb(['customers'], engine);
    const before = await t.value("SELECT updated_at FROM customers WHERE external_id = 'C0001'");
    expect(await t.crm(['customer', 'edit', 'C0001', ...argv])).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
    expect(await t.value("SELECT updated_at FROM customers WHERE external_id = 'C0001'")).toBe(before);
  });
});

describe.each(engines)('crm customer rm on %s', (engine) => {
  it('needs --yes in a script, then removes the customer with all their history', async () => {
    const t = await dailyDb(['customers', 'orders', 'payments'], engine);
    await t.crm(['log', 'C0001', '-k', 'call', '-s', 'hello']);
    await t.crm(['complaint', 'open', 'C0001', '-s', 'late']);
    const before = (await t.tables());
    const refused = await t.crm(['customer', 'rm', 'C0001']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('crm: crm customer rm would remove C0001 高建国 with 13 orders, 2 interactions, 15 payments, 0 surveys, 1 complaint; add --yes to confirm (nothing was removed)\n');
    expect((await t.tables())).toEqual(before);
    const removed = await t.crm(['customer', 'rm', 'C0001', '--yes']);
    expect(removed).toEqual({ code: 0, stdout: 'removed C0001 高建国 with 13 orders, 2 interactions, 15 payments, 0 surveys, 1 complaint\n', stderr: '' });
    expect((await t.tables())).toEqual({ customers: before.customers - 1, orders: before.orders - 13, interactions: before.interactions - 2, complaints: before.complaints - 1, payments: before.payments - 15, surveys: 0 });
  });
});

describe.each(engines)('crm customer duplicates and merge on %s', (engine) => {
  it('lists probable duplicates in the samples, one row per group', async () => {
    const t = await dailyDb(['customers'], engine);
    const groups = JSON.parse((await t.crm(['customer', 'duplicates', '--format', 'json'])).stdout);
    expect(groups).toHaveLength(9);
    expect(groups[0]).toEqual({ group: 1, customers: 2, keep: 'C0017', others: 'C0187', names: 'Oliver Smith', cities: '深圳; 上海', reasons: 'same e-mail' });
    expect(groups).toContainEqual({ group: 9, customers: 2, keep: 'C0198', others: 'C0199', names: '吴涛', cities: '苏州', reasons: 'similar name, same city' });
    const table = (await t.crm(['customer', 'duplicates'])).stdout;
    expect(table.split('\n')[0]).toBe('Probable duplicates (9 groups, 18 customers)');
    expect(table).toContain('then for each other: crm customer merge KEEP OTHER');
  });

  it('merge needs --yes in a script, then moves everything to KEEP without losing a row', async () => {
    const t = await dailyDb(['customers', 'orders', 'interactions', 'payments', 'surveys'], engine);
    const history = async (externalId: string) =>
      Object.values((await t.rows(`SELECT (SELECT count(*) FROM orders WHERE customer_id = c.id) AS orders, (SELECT count(*) FROM interactions WHERE customer_id = c.id) AS interactions,
        (SELECT count(*) FROM payments WHERE customer_id = c.id) AS payments, (SELECT count(*) FROM surveys WHERE customer_id = c.id) AS surveys FROM customers c WHERE external_id = ?`, externalId))[0]!);
    const keep = await history('C0198');
    const other = await history('C0199');
    const before = (await t.tables());
    const refused = await t.crm(['customer', 'merge', 'C0198', 'C0199']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes to confirm (nothing was changed)');
    expect((await t.tables())).toEqual(before);
    const merged = await t.crm(['customer', 'merge', 'C0198', 'C0199', '--yes']);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(/^merged C0199 into C0198: moved /);
    expect((await t.tables())).toEqual({ ...before, customers: before.customers - 1 });
    expect(await history('C0198')).toEqual(keep.map((count, index) => (count as number) + (other[index] as number)));
    expect((await t.crm(['customer', 'merge', 'C0198', 'C0198', '--yes'])).stderr).toBe('crm: KEEP and OTHER are the same customer (C0198); nothing to merge\n');
  });
});
