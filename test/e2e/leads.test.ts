// Leads and partners (issue 11): kinds on import and by hand, conversion by the first order, convert/drop,
// the funnel and partners reports, partners kept out of the customer analyses, export → import, undo.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dailyDbAt } from '../helpers/daily.js';
import { leadsDb } from '../helpers/leads.js';
import { spawnCrm } from '../helpers/cli.js';
import { engines } from '../helpers/engines.js';

const json = (stdout: string) => JSON.parse(stdout);

describe('contact kinds and leads', () => {

  it('says how many leads an import converted, and a re-import of the lead file does not undo the sale', async () => {
    const t = await dailyDbAt([]);
    fs.writeFileSync(path.join(t.dir, 'c.csv'), 'customer_id,name,kind,source\nL9,Ann,lead,web\n');
    fs.writeFileSync(path.join(t.dir, 'o.csv'), 'customer_id,order_date,amount\nL9,2026-06-01,10\n');
    expect((await t.crm(['import', 'customers', path.join(t.dir, 'c.csv')])).code).toBe(0);
    const orders = await t.crm(['import', 'orders', path.join(t.dir, 'o.csv')]);
    expect(orders.stdout).toContain('1 lead converted to customers by their first order');
    const again = json((await t.crm(['import', 'customers', path.join(t.dir, 'c.csv'), '--format', 'json'])).stdout);
    expect(again).toMatchObject({ new: 0, changed: 0, unchanged: 1, leads_converted: 0 });
    expect(t.one("SELECT kind || ' ' || converted_at FROM customers")).toBe('customer 2026-06-01');
  });

  it('import undo of the orders run turns the converted customers back into leads', async () => {
    const t = await leadsDb();
    const runs = json((await t.crm(['import', 'log', '--format', 'json'])).stdout);
    const ordersRun = runs.find((run: { kind: string }) => run.kind === 'orders');
    const undo = await t.crm(['import', 'undo', String(ordersRun.run_id), '--yes']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(t.one("SELECT group_concat(kind, ' ') FROM (SELECT kind FROM customers WHERE external_id IN ('L001', 'L003') ORDER BY external_id)")).toBe('lead lead');
    expect(t.one("SELECT count(*) FROM customers WHERE converted_at IS NOT NULL")).toBe(0);
  });

  it('rejects an unknown kind and a referrer that is not a partner, naming line and field', async () => {
    const t = await leadsDb();
    fs.writeFileSync(path.join(t.dir, 'bad.csv'), 'customer_id,name,kind,referred_by\nX1,Bo,vip,\nX2,Cy,customer,C001\nX3,Di,customer,NOPE\n');
    const result = await t.crm(['import', 'customers', path.join(t.dir, 'bad.csv')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('bad.csv:2: kind "vip": not one of customer, lead, partner');
    expect(result.stderr).toContain('bad.csv:3: referred_by "C001": is a customer, not a partner (kind partner)');
    expect(result.stderr).toContain('bad.csv:4: referred_by "NOPE": unknown partner');
    expect(t.one("SELECT count(*) FROM customers WHERE external_id LIKE 'X%'")).toBe(0);
  });

});


describe('crm report funnel', () => {
  it('counts leads, conversions, median days, revenue and drop reasons per source and per owner', async () => {
    const t = await leadsDb();
    await t.crm(['lead', 'drop', 'L002', '--reason', 'no budget', '--date', '2026-05-01']);
    await t.crm(['lead', 'drop', 'L004', '--reason', 'no budget', '--date', '2026-05-02']);
    const report = json((await t.crm(['report', 'funnel', '--as-of', '2026-11-23', '--format', 'json'])).stdout);
    // Leads L001…L004 (P001 and C001 were never leads). Converted: L001 (20 days), L003 (10 days): 50 %, median 15.
    // Revenue of converted leads: L001 100 + 50, L003 200 = 350. Dropped: L002 and L004, both "no budget".
    // fair = 李娜's = L001, L002; web = 王伟's = L003, L004.
    const row = (groupBy: string, group: string, leads: number, converted: number, median: number, revenue: number, dropped: number, reasons: string) => ({
      group_by: groupBy, group, leads, converted, conversion_percent: (100 * converted) / leads, median_days_to_convert: median, revenue, dropped,
      open: leads - converted - dropped, drop_reasons: reasons,
    });
    expect(report.rows).toEqual([
      row('all', 'All leads', 4, 2, 15, 350, 2, 'no budget ×2'),
      row('source', 'fair', 2, 1, 20, 150, 1, 'no budget ×1'),
      row('source', 'web', 2, 1, 10, 200, 1, 'no budget ×1'),
      row('owner', '李娜', 2, 1, 20, 150, 1, 'no budget ×1'),
      row('owner', '王伟', 2, 1, 10, 200, 1, 'no budget ×1'),
    ]);
    // As of 2026-04-05 only L001 had converted, nobody was dropped yet, and L004 was not recorded yet.
    const early = json((await t.crm(['report', 'funnel', '--as-of', '2026-04-05', '--format', 'json'])).stdout);
    expect(early.rows[0]).toMatchObject({ leads: 3, converted: 1, median_days_to_convert: 20, revenue: 100, dropped: 0, open: 2 });
    const table = (await t.crm(['report', 'funnel', '--as-of', '2026-11-23'])).stdout;
    expect(table).toContain('Lead funnel, leads recorded up to 2026-11-23');
  });
});

describe('partners', () => {
  it('are left out of RFM, pyramid and the profit report unless --include-partners', async () => {
    const t = await leadsDb();
    const ids = (argv: string[]) => json(spawnCrm(['--db', t.db, ...argv, '--as-of', '2026-11-23', '--format', 'json']).stdout);
    const rfm = ids(['rfm']);
    expect(rfm.rows.map((row: { customer_id: string }) => row.customer_id).sort()).toEqual(['C001', 'L001', 'L003']);
    expect(ids(['rfm', '--include-partners']).rows).toHaveLength(4);
    const pyramid = ids(['pyramid', '--customers']);
    expect(pyramid.rows.map((row: { customer_id: string }) => row.customer_id)).toEqual(['C001', 'L003', 'L001']);
    const profit = ids(['report', 'profit']);
    expect(profit.rows.map((row: { customer_id: string }) => row.customer_id)).toEqual(['C001', 'L003', 'L001']);
    expect(ids(['report', 'profit', '--include-partners']).rows[0].customer_id).toBe('P001');
    // Leads and partners are not customers in the loyalty count: C001, L001, L003 (no surveys: unknown).
    const loyalty = ids(['loyalty']);
    expect(loyalty.rows.reduce((sum: number, row: { customers: number }) => sum + row.customers, 0)).toBe(3);
  });

  it('crm report partners: customers referred, their revenue and profit, contacts with the partner', async () => {
    const t = await leadsDb();
    await t.crm(['log', 'P001', '--kind', 'meeting', '--summary', 'quarterly review', '--at', '2026-06-01 10:00']);
    const report = json((await t.crm(['report', 'partners', '--as-of', '2026-11-23', '--format', 'json'])).stdout);
    // P001 referred L003 (order O3: 200, cost 100) and C001 (O4: 300, cost 100): revenue 500, profit 100 + 200 = 300.
    expect(report.rows).toEqual([
      { partner_id: 'P001', name: '茶友会', owner: '王伟', customers_referred: 2, buying_customers: 2, orders: 2, revenue: 500, profit: 300, interactions: 1, last_contact_at: '2026-06-01T10:00:00Z' },
    ]);
    // In 2026-Q2 only O3 (2026-04-11) falls in the period.
    const q2 = json((await t.crm(['report', 'partners', '--period', '2026-Q2', '--format', 'json'])).stdout);
    expect(q2.rows[0]).toMatchObject({ customers_referred: 2, buying_customers: 1, revenue: 200, profit: 100, interactions: 1 });
  });

  it('export → import into an empty database keeps kind, source, owner, referred_by and the conversion', async () => {
    const t = await leadsDb();
    await t.crm(['lead', 'drop', 'L002', '--reason', 'no budget', '--date', '2026-05-01']);
    const out = path.join(t.dir, 'export');
    expect((await t.crm(['export', 'all', '--output', out])).code).toBe(0);
    const copy = await dailyDbAt([]);
    for (const kind of ['customers', 'orders']) {
      const result = await copy.crm(['import', kind, path.join(out, `${kind}.csv`)]);
      expect(result.code, result.stderr).toBe(0);
    }
    const facts = "SELECT group_concat(c.external_id || ':' || c.kind || ':' || coalesce(c.channel, '') || ':' || coalesce(c.owner, '') || ':' || coalesce(p.external_id, '') || ':' || coalesce(c.converted_at, '') || ':' || coalesce(c.dropped_at, '') || ':' || coalesce(c.drop_reason, ''), ' ') FROM (SELECT * FROM customers ORDER BY external_id) c LEFT JOIN customers p ON p.id = c.referred_by";
    expect(copy.one<string>(facts)).toBe(t.one<string>(facts));
    expect(copy.one<string>(facts)).toContain('L002:lead:fair:李娜:::2026-05-01:no budget');
  });
});

describe.each(engines)('leads by hand on %s', (engine) => {
  it('imports kind (类型) and source (来源); the first billed order converts a lead on its day', async () => {
    const t = await leadsDb(engine);
    const kinds = (await t.rows<{ fact: string }>("SELECT external_id || ':' || kind || ':' || coalesce(converted_at, '-') AS fact FROM customers ORDER BY external_id")).map((row) => row.fact).join(' ');
    // L002's only order was cancelled: no sale, still a lead.
    expect(kinds).toBe('C001:customer:- L001:customer:2026-03-21 L002:lead:- L003:customer:2026-04-11 L004:lead:- P001:partner:-');
    expect(await t.value("SELECT count(*) FROM customers WHERE referred_by = (SELECT id FROM customers WHERE external_id = 'P001')")).toBe(2);
    const leads = json((await t.crm(['customer', 'list', '--kind', 'lead', '--format', 'json'])).stdout);
    expect(leads.map((row: { customer_id: string }) => row.customer_id)).toEqual(['L004', 'L002']); // sorted by name: 周到, 钱多 (code points)
    const fair = json((await t.crm(['customer', 'list', '--source', 'fair', '--format', 'json'])).stdout);
    expect(fair.map((row: { customer_id: string; kind: string }) => `${row.customer_id}:${row.kind}`).sort()).toEqual(['L001:customer', 'L002:lead']);
  });

  it('adds a lead and a referred customer by hand; convert and drop check the kind', async () => {
    const t = await leadsDb(engine);
    expect((await t.crm(['customer', 'add', '--name', '李雷', '--kind', 'lead', '--source', 'fair', '--owner', '李娜', '--id', 'L010'])).stdout).toBe('added lead L010: 李雷\n');
    expect((await t.crm(['customer', 'add', '--name', '韩梅', '--referred-by', 'P001', '--id', 'C010'])).stdout).toBe('added customer C010: 韩梅\n');
    expect(await t.value("SELECT kind || ' ' || channel || ' ' || owner FROM customers WHERE external_id = 'L010'")).toBe('lead fair 李娜');
    const notPartner = await t.crm(['customer', 'add', '--name', 'X', '--referred-by', 'C001']);
    expect(notPartner.code).toBe(2);
    expect(notPartner.stderr).toBe('crm: --referred-by C001: C001 吴用 is a customer, not a partner (make it one with crm customer edit C001 --kind partner)\n');
    expect((await t.crm(['customer', 'add', '--name', 'X', '--kind', 'vip'])).stderr).toBe('crm: --kind "vip": not one of customer, lead, partner\n');

    expect((await t.crm(['lead', 'convert', 'L010', '--date', '2026-11-20'])).stdout).toBe('converted lead L010 李雷 to a customer on 2026-11-20\n');
    expect(await t.value("SELECT kind || ' ' || converted_at FROM customers WHERE external_id = 'L010'")).toBe('customer 2026-11-20');
    const again = await t.crm(['lead', 'convert', 'L010']);
    expect(again).toEqual({ code: 2, stdout: '', stderr: 'crm: L010 李雷 is a customer (converted on 2026-11-20), not a lead\n' });

    expect((await t.crm(['lead', 'drop', 'L004', '--reason', 'no budget', '--date', '2026-05-01'])).stdout).toBe('dropped lead L004 周到 on 2026-05-01: no budget\n');
    expect((await t.crm(['lead', 'drop', 'L004', '--reason', 'again'])).stderr).toBe('crm: lead L004 was already dropped on 2026-05-01 (no budget)\n');
    expect((await t.crm(['lead', 'drop', 'L002', '--reason', '  '])).stderr).toBe('crm: --reason: say why the lead is dropped (e.g. "no budget")\n');
    expect((await t.crm(['lead', 'drop', 'L002'])).code).toBe(2);
    expect(await t.value("SELECT count(*) FROM audit_log WHERE action IN ('lead-convert', 'lead-drop')")).toBe(2);
    // A contact with sales cannot be made a lead again; a partner can be made one by edit.
    expect((await t.crm(['customer', 'edit', 'C001', '--kind', 'lead'])).stderr).toBe('crm: --kind lead: C001 吴用 has orders; a lead is someone who has not bought yet\n');
    expect((await t.crm(['customer', 'edit', 'L002', '--kind', '合作伙伴'])).stdout).toBe('updated L002 钱多: kind\n');
  });

  it('a lead that takes over a customer\'s orders becomes a customer; referrals follow the kept record', async () => {
    const t = await leadsDb(engine);
    const merged = await t.crm(['customer', 'merge', 'L004', 'C001', '--yes']);
    expect(merged.code, merged.stderr).toBe(0);
    // C001's order O4 (2026-02-10) moves to L004: L004 converts on that day and takes C001's referrer P001.
    expect(await t.value("SELECT kind || ' ' || converted_at || ' ' || (SELECT external_id FROM customers p WHERE p.id = c.referred_by) FROM customers c WHERE external_id = 'L004'")).toBe('customer 2026-02-10 P001');
  });
});
