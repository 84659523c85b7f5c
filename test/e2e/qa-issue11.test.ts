// QA of issue 11 (leads, partners, campaigns) against hostile use: conversion dates in the future, a partner's kind changed
// under its referrals, merges across kinds, the lead listing, holdout fractions, canonical criteria, and the verdict
// when nobody has bought yet.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dailyDbAt } from '../helpers/daily.js';
import { leadsDb } from '../helpers/leads.js';

const json = (stdout: string) => JSON.parse(stdout);

describe('leads: convert and drop dates', () => {
  it('refuses a conversion or drop dated after today', async () => {
    // The test clock says 2026-11-23.
    const t = await leadsDb();
    const convert = await t.crm(['lead', 'convert', 'L004', '--date', '2099-01-01']);
    expect(convert).toEqual({ code: 2, stdout: '', stderr: 'crm: --date 2099-01-01: is after today (2026-11-23)\n' });
    const drop = await t.crm(['lead', 'drop', 'L004', '--reason', 'no budget', '--date', '2026-11-24']);
    expect(drop).toEqual({ code: 2, stdout: '', stderr: 'crm: --date 2026-11-24: is after today (2026-11-23)\n' });
    expect(t.one("SELECT kind || ' ' || coalesce(converted_at, '-') || ' ' || coalesce(dropped_at, '-') FROM customers WHERE external_id = 'L004'")).toBe('lead - -');
    expect((await t.crm(['lead', 'convert', 'L004', '--date', '2026-11-23'])).code).toBe(0);
  });
});

describe('partners: referrals stay with a partner', () => {
  it('customer edit will not make a partner with referrals something else', async () => {
    // P001 referred L003 and C001.
    const t = await leadsDb();
    const result = await t.crm(['customer', 'edit', 'P001', '--kind', 'customer']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'crm: --kind customer: P001 茶友会 is the partner who referred 2 customers; a referrer must stay a partner\n' });
    expect(t.one("SELECT kind FROM customers WHERE external_id = 'P001'")).toBe('partner');
  });

  it('crm import customers will not make a partner with referrals something else either (an empty kind is customer)', async () => {
    const t = await leadsDb();
    fs.writeFileSync(path.join(t.dir, 'p.csv'), 'customer_id,name,kind\nP001,茶友会,customer\n');
    const result = await t.crm(['import', 'customers', path.join(t.dir, 'p.csv')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('p.csv:2: kind "customer": P001 is the partner who referred 2 customers; a referrer must stay a partner');
    fs.writeFileSync(path.join(t.dir, 'q.csv'), 'customer_id,name,kind\nP001,茶友会,\n');
    expect((await t.crm(['import', 'customers', path.join(t.dir, 'q.csv')])).code).toBe(3);
    // A file without a kind column leaves the kind alone.
    fs.writeFileSync(path.join(t.dir, 'r.csv'), 'customer_id,name\nP001,茶友会 (tea club)\n');
    expect((await t.crm(['import', 'customers', path.join(t.dir, 'r.csv')])).code).toBe(0);
    expect(t.one("SELECT kind || ' ' || name FROM customers WHERE external_id = 'P001'")).toBe('partner 茶友会 (tea club)');
  });

  it('customer edit --referred-by sets, checks and clears the referrer; --source is the channel', async () => {
    const t = await leadsDb();
    expect((await t.crm(['customer', 'edit', 'L002', '--referred-by', 'P001', '--source', 'referral'])).stdout).toBe('updated L002 钱多: channel, referred_by\n');
    expect(t.one("SELECT c.channel || ' ' || p.external_id FROM customers c JOIN customers p ON p.id = c.referred_by WHERE c.external_id = 'L002'")).toBe('referral P001');
    expect((await t.crm(['customer', 'edit', 'L002', '--referred-by', 'C001'])).stderr).toBe(
      'crm: --referred-by C001: C001 吴用 is a customer, not a partner (make it one with crm customer edit C001 --kind partner)\n',
    );
    expect((await t.crm(['customer', 'edit', 'P001', '--referred-by', 'P001'])).stderr).toBe('crm: --referred-by P001: a contact cannot refer itself\n');
    expect((await t.crm(['customer', 'edit', 'L002', '--referred-by', ''])).stdout).toBe('updated L002 钱多: referred_by\n');
    expect(t.one("SELECT referred_by FROM customers WHERE external_id = 'L002'")).toBeNull();
    const partners = json((await t.crm(['report', 'partners', '--format', 'json'])).stdout);
    expect(partners.rows[0].customers_referred).toBe(2);
  });

  it('customer merge refuses to join a partner and a customer (referrals and orders would change sides)', async () => {
    const t = await leadsDb();
    const result = await t.crm(['customer', 'merge', 'C001', 'P001', '--yes']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'crm: P001 茶友会 is a partner and C001 吴用 is a customer: merge only contacts of one kind (change one with crm customer edit … --kind)\n' });
    expect(t.one('SELECT count(*) FROM customers')).toBe(6);
  });
});

describe('crm customer list --kind lead', () => {
  it('shows each lead with its source, the day recorded and whether it was dropped', async () => {
    const t = await leadsDb();
    expect((await t.crm(['lead', 'drop', 'L002', '--reason', 'price', '--date', '2026-05-02'])).code).toBe(0);
    const rows = json((await t.crm(['customer', 'list', '--kind', 'lead', '--format', 'json'])).stdout);
    expect(rows.map((row: Record<string, unknown>) => [row.customer_id, row.source, row.owner, row.recorded_on, row.state, row.drop_reason])).toEqual([
      ['L004', 'web', '王伟', '2026-04-15', 'open', null],
      ['L002', 'fair', '李娜', '2026-03-10', 'dropped 2026-05-02', 'price'],
    ]);
    const zh = await t.crm(['customer', 'list', '--kind', 'lead', '--lang', 'zh']);
    expect(zh.stdout).toContain('销售线索（2）');
    expect(zh.stdout).toContain('线索在第一笔订单时自动转为客户');
    // --source matches whatever the case, and shows the source column.
    const fair = json((await t.crm(['customer', 'list', '--source', 'FAIR', '--format', 'json'])).stdout);
    expect(fair.map((row: Record<string, unknown>) => `${row.customer_id}:${row.source}`).sort()).toEqual(['L001:fair', 'L002:fair']);
  });
});

/** 40 customers with one order each on 2026-05-01; nobody orders after. */
async function fortyCustomers() {
  const t = await dailyDbAt([]);
  const ids = Array.from({ length: 40 }, (_, index) => `X${String(index + 1).padStart(2, '0')}`);
  fs.writeFileSync(path.join(t.dir, 'c.csv'), `customer_id,name\n${ids.map((id) => `${id},P ${id}`).join('\n')}\n`);
  fs.writeFileSync(path.join(t.dir, 'o.csv'), `customer_id,order_date,amount\n${ids.map((id) => `${id},2026-05-01,50`).join('\n')}\n`);
  for (const kind of ['customers', 'orders']) expect((await t.crm(['import', kind, path.join(t.dir, `${kind.slice(0, 1)}.csv`)])).code).toBe(0);
  return t;
}

describe('crm campaign create: holdout and criteria', () => {
  it('reads a bare fraction below 1 as a share (0.2 = 20 %) and .25 as 25 %', async () => {
    const t = await fortyCustomers();
    // 20 % of 40 = 8; 25 % of 40 = 10.
    const a = json((await t.crm(['campaign', 'create', 'a', '--holdout', '0.2', '--seed', '1', '--as-of', '2026-06-01', '--format', 'json'])).stdout);
    expect([a.holdout_percent, a.control]).toEqual([20, 8]);
    const b = json((await t.crm(['campaign', 'create', 'b', '--holdout', '.25', '--seed', '1', '--as-of', '2026-06-01', '--format', 'json'])).stdout);
    expect([b.holdout_percent, b.control]).toEqual([25, 10]);
  });

  it('stores the segment by its English name whether given in Chinese or any case', async () => {
    const t = await fortyCustomers();
    // All 40 bought once, on the same day, the same amount: every one has the same R, F and M scores, so they share one segment.
    const segment = json((await t.crm(['segment', '--as-of', '2026-06-01', '--format', 'json', '--lang', 'en'])).stdout);
    const rows = (list: { rows?: unknown[] } | unknown[]) => (Array.isArray(list) ? list : list.rows!) as { segment: string; customers: number }[];
    const name = rows(segment).find((row) => row.customers > 0)!.segment;
    const zh = json((await t.crm(['segment', '--as-of', '2026-06-01', '--format', 'json', '--lang', 'zh'])).stdout);
    const nameZh = rows(zh).find((row) => row.customers > 0)!.segment;
    const created = await t.crm(['campaign', 'create', 'zh', '--segment', nameZh, '--seed', '1', '--as-of', '2026-06-01']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`40 customers (segment ${name}, as of 2026-06-01)`);
    expect((await t.crm(['campaign', 'create', 'lower', '--segment', name.toLowerCase(), '--seed', '1', '--as-of', '2026-06-01'])).code).toBe(0);
    expect(t.one("SELECT group_concat(segment, '|') FROM (SELECT segment FROM campaigns ORDER BY id)")).toBe(`${name}|${name}`);
  });
});

describe('crm campaign report when nobody has bought', () => {
  it('says nobody bought yet instead of an interval from +0.0 to +0.0', async () => {
    const t = await fortyCustomers();
    expect((await t.crm(['campaign', 'create', 'quiet', '--seed', '3', '--as-of', '2026-06-01'])).code).toBe(0);
    const report = json((await t.crm(['campaign', 'report', 'quiet', '--format', 'json'])).stdout);
    expect(report.sections.verdict.rows[0].verdict).toBe('too_small');
    expect(report.notes[0]).toBe(
      'Too small to tell: 0 % of the 32 treated customers bought within 60 days, against 0 % of the 8 held back; nobody in either group has bought yet, so the groups cannot be told apart. Run it on more customers or a longer window before deciding.',
    );
    const zh = json((await t.crm(['campaign', 'report', 'quiet', '--format', 'json', '--lang', 'zh'])).stdout);
    expect(zh.notes[0]).toContain('两组都还没有人下单');
  });
});

describe('export → import with a campaign', () => {
  it('export all prints the campaign create command that gives the same groups, so interactions.csv imports', async () => {
    const t = await fortyCustomers();
    const created = await t.crm(['campaign', 'create', "win back's", '--holdout', '25%', '--seed', '9', '--as-of', '2026-06-01', '--window', '8w']);
    expect(created.code, created.stderr).toBe(0);
    const control = json((await t.crm(['campaign', 'show', "win back's", '--group', 'control', '--format', 'json'])).stdout);
    expect(control).toHaveLength(10); // 25 % of 40
    expect((await t.crm(['log', control[0].customer_id, '--kind', 'call', '--summary', 'oops', '--campaign', "win back's", '--at', '2026-06-02'])).code).toBe(0);
    const out = path.join(t.dir, 'export');
    const exported = await t.crm(['export', 'all', '--output', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const command = "crm campaign create 'win back'\\''s' --as-of 2026-06-01 --holdout 25% --seed 9 --window 56d";
    expect(exported.stderr).toContain(`1 campaign not exported (interactions.csv names it): in the new database, after customers and orders and before interactions, run\n  ${command}\n`);

    const fresh = await dailyDbAt([]);
    for (const kind of ['customers', 'orders']) expect((await fresh.crm(['import', kind, path.join(out, `${kind}.csv`)])).code).toBe(0);
    // Without the campaign the contacts are refused, and the reason says where the command is.
    const refused = await fresh.crm(['import', 'interactions', path.join(out, 'interactions.csv')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('unknown campaign (create it first with crm campaign create; crm export all prints the command for each campaign)');
    // The printed command, as a shell would pass it.
    expect((await fresh.crm(['campaign', 'create', "win back's", '--as-of', '2026-06-01', '--holdout', '25%', '--seed', '9', '--window', '56d'])).code).toBe(0);
    expect((await fresh.crm(['import', 'interactions', path.join(out, 'interactions.csv')])).code).toBe(0);
    const again = json((await fresh.crm(['campaign', 'show', "win back's", '--group', 'control', '--format', 'json'])).stdout);
    expect(again.map((row: { customer_id: string }) => row.customer_id)).toEqual(control.map((row: { customer_id: string }) => row.customer_id));
    expect(again[0].contacts).toBe(1); // the contact logged with a control customer came along
  });
});

describe('crm agenda --include-partners', () => {
  it('counts a partner in decline as a valuable customer only with the flag', async () => {
    // 20 customers with one order of 10 on 2026-07-01 (exploration as of 2026-08-01); partner P1 bought 1,000 every
    // 10 days from 2026-01-01 to 2026-06-30 (19 purchases, gap 10 days): as of 2026-08-01 its recency is 32 days,
    // over 2 × 10, so it is in decline, and with the partners counted its profit puts it alone in the top tier
    // (⌈1 % × 21⌉ = 1 platinum customer). Without the flag it is in no analysis.
    const t = await dailyDbAt([]);
    const ids = Array.from({ length: 20 }, (_, index) => `C${index + 1}`);
    fs.writeFileSync(path.join(t.dir, 'c.csv'), `customer_id,name,kind\nP1,Partner,partner\n${ids.map((id) => `${id},N ${id},customer`).join('\n')}\n`);
    const partnerDays = Array.from({ length: 19 }, (_, index) => new Date(Date.UTC(2026, 0, 1 + 10 * index)).toISOString().slice(0, 10));
    expect(partnerDays.at(-1)).toBe('2026-06-30');
    fs.writeFileSync(
      path.join(t.dir, 'o.csv'),
      `customer_id,order_date,amount\n${[...ids.map((id) => `${id},2026-07-01,10`), ...partnerDays.map((day) => `P1,${day},1000`)].join('\n')}\n`,
    );
    for (const kind of ['customers', 'orders']) expect((await t.crm(['import', kind, path.join(t.dir, `${kind.slice(0, 1)}.csv`)])).code).toBe(0);
    // The shop records payments (issue 17: without any, no debts are listed at all).
    expect((await t.crm(['pay', 'C1', '10', '--date', '2026-07-02'])).code).toBe(0);
    const without = json((await t.crm(['agenda', '--as-of', '2026-08-01', '--format', 'json'])).stdout);
    // Its unpaid orders are listed either way (money owed is the shop's, whoever owes it).
    expect(without.rows.filter((row: { customer_id: string }) => row.customer_id === 'P1').map((row: { kind: string }) => row.kind)).toEqual(['receivable_over_60_days']);
    const withPartners = await t.crm(['agenda', '--as-of', '2026-08-01', '--include-partners', '--format', 'json']);
    expect(withPartners.code, withPartners.stderr).toBe(0);
    expect(json(withPartners.stdout).rows.map((row: { customer_id: string; kind: string }) => `${row.customer_id}:${row.kind}`)).toContain('P1:valuable_in_decline');
  });
});

describe('crm customer forget of a dropped lead', () => {
  it('erases the drop reason (free text about the person) and its copy in the audit log; the drop itself stays', async () => {
    const t = await leadsDb();
    expect((await t.crm(['lead', 'drop', 'L002', '--reason', '钱多 moved to 13800138000', '--date', '2026-05-02'])).code).toBe(0);
    const forgot = await t.crm(['customer', 'forget', 'L002', '--yes']);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(t.one("SELECT dropped_at || ' ' || drop_reason FROM customers WHERE external_id = 'L002'")).toBe('2026-05-02 [erased]');
    expect(t.one("SELECT count(*) FROM audit_log WHERE detail LIKE '%13800138000%'")).toBe(0);
    const funnel = json((await t.crm(['report', 'funnel', '--format', 'json'])).stdout);
    expect(funnel.rows[0]).toMatchObject({ group_by: 'all', dropped: 1, drop_reasons: '[erased] ×1' });
  });
});

describe('crm campaign report while the window is open', () => {
  it('says it is still running, in English and in Chinese (every note, not only the verdict)', async () => {
    const t = await fortyCustomers();
    // Started 2026-11-01 with a 60-day window: it ends on 2026-12-31; the test clock says 2026-11-23.
    expect((await t.crm(['campaign', 'create', 'now', '--seed', '3', '--as-of', '2026-11-01'])).code).toBe(0);
    const en = json((await t.crm(['campaign', 'report', 'now', '--format', 'json'])).stdout);
    expect(en.notes[0]).toMatch(/^So far \(the window is not over\): /);
    expect(en.notes).toContain('still running: the 60-day window ends on 2026-12-31; the figures may change');
    expect(json((await t.crm(['campaign', 'list', '--format', 'json'])).stdout).rows[0].state).toBe('running');
    const zh = json((await t.crm(['campaign', 'report', 'now', '--format', 'json', '--lang', 'zh'])).stdout);
    expect(zh.notes[0]).toMatch(/^目前（观察期未结束）：/);
    expect(zh.notes).toContain('仍在进行：60 天的观察期到 2026-12-31 结束，数字还会变化');
    expect(zh.notes.filter((note: string) => /^[a-z]/.test(note))).toEqual([]);
  });
});

describe('crm report funnel with a very long drop reason', () => {
  it('shows the first 40 characters of a reason, newlines folded, so the table stays readable', async () => {
    const t = await leadsDb();
    const reason = `${'太贵了'.repeat(1000)}\nsecond line`;
    expect((await t.crm(['lead', 'drop', 'L002', '--reason', reason, '--date', '2026-05-02'])).code).toBe(0);
    const funnel = json((await t.crm(['report', 'funnel', '--format', 'json'])).stdout);
    // 39 characters of the reason (太贵了 × 13) and "…".
    expect(funnel.rows[0].drop_reasons).toBe(`${'太贵了'.repeat(13)}… ×1`);
    expect(t.one("SELECT length(drop_reason) FROM customers WHERE external_id = 'L002'")).toBe(3012); // stored whole
  });
});

describe('crm report partners with partners referring partners', () => {
  it('counts the customers and leads a partner sent, not another partner (a cycle P1 ↔ P2 adds nothing)', async () => {
    const t = await dailyDbAt([]);
    fs.writeFileSync(path.join(t.dir, 'c.csv'), 'customer_id,name,kind,referred_by\nP1,A,partner,\nP2,B,partner,P1\nL1,L,lead,P1\nC1,C,customer,P2\n');
    fs.writeFileSync(path.join(t.dir, 'c2.csv'), 'customer_id,name,kind,referred_by\nP1,A,partner,P2\n');
    fs.writeFileSync(path.join(t.dir, 'o.csv'), 'customer_id,order_date,amount\nP1,2026-01-01,100\nP2,2026-01-01,50\nC1,2026-01-02,30\n');
    for (const [kind, file] of [['customers', 'c.csv'], ['customers', 'c2.csv'], ['orders', 'o.csv']]) {
      const result = await t.crm(['import', kind!, path.join(t.dir, file!)]);
      expect(result.code, result.stderr).toBe(0);
    }
    // P1 sent L1 (a lead: no sales) and P2 (a partner: not counted); P2 sent C1 (30) and P1 (not counted).
    const rows = json((await t.crm(['report', 'partners', '--format', 'json'])).stdout).rows;
    expect(rows.map((row: Record<string, unknown>) => [row.partner_id, row.customers_referred, row.buying_customers, row.revenue])).toEqual([
      ['P2', 1, 1, 30],
      ['P1', 1, 0, 0],
    ]);
  });
});

describe('crm campaign create --as-of a day to come', () => {
  it('is refused: the groups are drawn from what is known on the first day', async () => {
    const t = await fortyCustomers();
    const result = await t.crm(['campaign', 'create', 'later', '--as-of', '2026-12-01']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'crm: --as-of 2026-12-01 is after today (2026-11-23): a campaign starts today or on a day already past\n' });
    expect(t.one('SELECT count(*) FROM campaigns')).toBe(0);
  });
});

describe('crm import interactions with contacts for a campaign', () => {
  it('warns for contacts with control-group customers, as crm log --campaign does, once (not again on re-import)', async () => {
    const t = await fortyCustomers();
    expect((await t.crm(['campaign', 'create', 'c', '--holdout', '25%', '--seed', '1', '--as-of', '2026-06-01'])).code).toBe(0);
    const members = json((await t.crm(['campaign', 'show', 'c', '--format', 'json'])).stdout) as { customer_id: string; group: string }[];
    const control = members.filter((m) => m.group === 'control').map((m) => m.customer_id);
    const treated = members.find((m) => m.group === 'treated')!.customer_id;
    const file = path.join(t.dir, 'i.csv');
    fs.writeFileSync(file, `customer_id,kind,occurred_at,summary,campaign\n${control[0]},call,2026-06-02,x,c\n${control[1]},call,2026-06-02,x,c\n${treated},call,2026-06-02,x,c\n`);
    const first = await t.crm(['import', 'interactions', file, '--format', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toMatchObject({ new: 3, control_group_contacts: 2 });
    expect(first.stderr).toBe(`warning: 2 contacts are with control-group customers of their campaign (${control[0]} (c), ${control[1]} (c)): contacting them spoils the comparison (imported anyway)\n`);
    const again = await t.crm(['import', 'interactions', file, '--format', 'json']);
    expect(json(again.stdout)).toMatchObject({ unchanged: 3, control_group_contacts: 0 });
    expect(again.stderr).toBe('');
  });
});

describe('contacts logged for a campaign before it started', () => {
  it('warn, and do not count as contacted in the report', async () => {
    const t = await fortyCustomers();
    expect((await t.crm(['campaign', 'create', 'c', '--holdout', '25%', '--seed', '1', '--as-of', '2026-06-01'])).code).toBe(0);
    const treated = json((await t.crm(['campaign', 'show', 'c', '--group', 'treated', '--format', 'json'])).stdout) as { customer_id: string }[];
    const early = await t.crm(['log', treated[0]!.customer_id, '--kind', 'call', '--summary', 'x', '--campaign', 'c', '--at', '2026-05-20']);
    expect(early.code).toBe(0);
    expect(early.stderr).toBe('warning: the contact (2026-05-20) is before campaign "c" started (2026-06-01): it is logged but does not count as contacted for it\n');
    // On the start day it counts: 1 of the 30 treated customers contacted = 3.33 %.
    expect((await t.crm(['log', treated[1]!.customer_id, '--kind', 'call', '--summary', 'x', '--campaign', 'c', '--at', '2026-06-01 10:00'])).stderr).toBe('');
    const report = json((await t.crm(['campaign', 'report', 'c', '--format', 'json'])).stdout);
    expect(report.rows[0].contacted_percent).toBeCloseTo(100 / 30, 3);
  });
});

describe('crm customer rm of a partner', () => {
  it('says how many customers lose their referrer', async () => {
    // P001 referred L003 and C001 (helpers/leads.ts); its own order O5.
    const t = await leadsDb();
    const removed = await t.crm(['customer', 'rm', 'P001', '--yes']);
    expect(removed.stdout).toBe('removed P001 茶友会 with 1 order, 0 interactions, 0 payments, 0 surveys, 0 complaints (2 customers it referred lose their referrer)\n');
    expect(t.one('SELECT count(*) FROM customers WHERE referred_by IS NOT NULL')).toBe(0);
  });
});

describe('crm customer rm of a campaign member', () => {
  it('says the place in the campaign goes too', async () => {
    const t = await fortyCustomers();
    expect((await t.crm(['campaign', 'create', 'c', '--holdout', '25%', '--seed', '1', '--as-of', '2026-06-01'])).code).toBe(0);
    const control = json((await t.crm(['campaign', 'show', 'c', '--group', 'control', '--format', 'json'])).stdout) as { customer_id: string; name: string }[];
    const { customer_id: id, name } = control[0]!;
    const asked = await t.crm(['customer', 'rm', id]);
    expect(asked.stderr).toBe(`crm: crm customer rm would remove ${id} ${name} with 1 order, 0 interactions, 0 payments, 0 surveys, 0 complaints and their place in campaign c (control); add --yes to confirm (nothing was removed)\n`);
    expect((await t.crm(['customer', 'rm', id, '--yes'])).stdout).toBe(`removed ${id} ${name} with 1 order, 0 interactions, 0 payments, 0 surveys, 0 complaints and their place in campaign c (control)\n`);
    expect(t.one("SELECT count(*) FROM campaign_members WHERE arm = 'control'")).toBe(9);
  });
});

describe('crm import undo of the run that created a partner', () => {
  it('refuses while customers added since name the partner as their referrer (they would lose it silently)', async () => {
    const t = await dailyDbAt([]);
    fs.writeFileSync(path.join(t.dir, 'p.csv'), 'customer_id,name,kind\nP1,Club,partner\n');
    fs.writeFileSync(path.join(t.dir, 'c.csv'), 'customer_id,name,referred_by\nC1,Ann,P1\n');
    for (const file of ['p.csv', 'c.csv']) expect((await t.crm(['import', 'customers', path.join(t.dir, file)])).code).toBe(0);
    const refused = await t.crm(['import', 'undo', '1', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot undo import run 1: rows added since depend on rows it created: referral C1 of customer P1 (added since); nothing was changed');
    expect(t.one("SELECT p.external_id FROM customers c JOIN customers p ON p.id = c.referred_by WHERE c.external_id = 'C1'")).toBe('P1');
    // Newest first works.
    expect((await t.crm(['import', 'undo', '2', '--yes'])).code).toBe(0);
    expect((await t.crm(['import', 'undo', '1', '--yes'])).code).toBe(0);
    expect(t.one('SELECT count(*) FROM customers')).toBe(0);
  });
});

describe('a campaign on the last day of its window', () => {
  it('is still running that day: purchases and contacts on it still count; check it the day after', async () => {
    const t = await fortyCustomers();
    // Started 2026-09-24 with 60 days: the window ends on 2026-11-23, the test clock's today.
    const created = await t.crm(['campaign', 'create', 'last', '--seed', '1', '--as-of', '2026-09-24']);
    expect(created.stdout).toContain('check on 2026-11-24 with crm campaign report "last"');
    expect(json((await t.crm(['campaign', 'list', '--format', 'json'])).stdout).rows[0]).toMatchObject({ ends_on: '2026-11-23', state: 'running' });
    const report = json((await t.crm(['campaign', 'report', 'last', '--format', 'json'])).stdout);
    expect(report.notes).toContain('still running: the 60-day window ends on 2026-11-23; the figures may change');
    const control = json((await t.crm(['campaign', 'show', 'last', '--group', 'control', '--format', 'json'])).stdout)[0].customer_id;
    expect(json((await t.crm(['customer', 'show', control, '--format', 'json'])).stdout).campaigns).toBe('last (control until 2026-11-23: do not contact)');
  });
});
