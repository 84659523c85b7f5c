// crm cadence set|list|rm, crm followups --due and the agenda's contact_due items, on both engines, with a salesperson
// on a team database. The clock is 2026-11-23 09:00 UTC (runCrm) unless a test sets another.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, postgresAvailable, query, type Engine } from '../helpers/engines.js';
import { addMember, teamDatabase } from '../helpers/team.js';
import { dailyDbAt } from '../helpers/daily.js';

// K1 buys most (platinum of 2 buyers), K2 is the other buyer (lead tier), K3 has bought nothing yet.
const customersCsv = `customer_id,name,owner,phone,created_at
K1,Alpha,王伟,13800000001,2026-01-05
K2,Beta,李娜,,2026-06-01
K3,Gamma,王伟,,2026-10-24
`;
const ordersCsv = `order_id,customer_id,order_date,product,amount,cost,status
O1,K1,2026-02-01,Tea,900.00,300.00,paid
O2,K1,2026-09-01,Tea,900.00,300.00,paid
O3,K2,2026-03-10,Tea,50.00,30.00,paid
`;

interface DueRow {
  customer_id: string;
  last_contact_at: string | null;
  days_since: number;
  rule: string;
  every: string;
  due_on: string;
  days_overdue: number;
}

/** A database with the three customers and their orders, made by crm init and crm import; `crm` runs against it. */
async function shop(engine: Engine) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const crm = (argv: string[], options: Parameters<typeof runCrm>[1] = {}) => runCrm(['--db', db, ...argv], options);
  fs.writeFileSync(path.join(dir, 'customers.csv'), customersCsv);
  fs.writeFileSync(path.join(dir, 'orders.csv'), ordersCsv);
  expect((await crm(['init'])).code).toBe(0);
  for (const kind of ['customers', 'orders']) {
    const result = await crm(['import', kind, path.join(dir, `${kind}.csv`)]);
    expect(result.code, result.stderr).toBe(0);
  }
  return { db, crm };
}

/** The shop's three rules: platinum every 2 weeks, the lead tier every 3 months, K3 every 30 days; K1 called on 11-01. */
async function withRules(engine: Engine) {
  const t = await shop(engine);
  for (const argv of [['--tier', 'platinum', '--every', '2w'], ['--tier', '重铅客户', '--every', '3m'], ['--customer', 'K3', '--every', '30d']]) {
    const result = await t.crm(['cadence', 'set', ...argv]);
    expect(result.code, result.stderr).toBe(0);
  }
  expect((await t.crm(['log', 'K1', '--kind', 'call', '--summary', 'autumn tea', '--at', '2026-11-01 10:00'])).code).toBe(0);
  return t;
}

async function dueOf(crm: (argv: string[], options?: Parameters<typeof runCrm>[1]) => ReturnType<typeof runCrm>, extra: string[] = [], options: Parameters<typeof runCrm>[1] = {}): Promise<DueRow[]> {
  const result = await crm(['followups', '--due', '--format', 'json', ...extra], options);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as DueRow[];
}

describe.each(engines)('crm cadence on %s', (engine) => {
  it('sets, replaces, lists and removes rules; who set them is recorded', async () => {
    const t = await shop(engine);
    expect((await t.crm(['cadence', 'set', '--tier', 'gold', '--every', '30d'])).stdout).toBe('cadence #1: tier gold every 30d\n');
    expect((await t.crm(['cadence', 'set', '--segment', 'at risk', '--every', '3w'])).stdout).toBe('cadence #2: segment At Risk every 3w\n');
    expect((await t.crm(['cadence', 'set', '--tier', 'Gold', '--every', '1m'])).stdout).toBe('cadence #1: tier gold every 1m (was every 30d)\n');
    expect((await t.crm(['cadence', 'set', '--customer', 'K3', '--every', '2w'])).stdout).toBe('cadence #3: customer K3 (Gamma) every 2w\n');
    const listed = await t.crm(['cadence', 'list', '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = (JSON.parse(listed.stdout) as { rows: Record<string, unknown>[] }).rows;
    expect(rows.map(({ id, selector, name, customer_name, every }) => ({ id, selector, name, customer_name, every }))).toEqual([
      { id: 2, selector: 'segment', name: 'At Risk', customer_name: null, every: '3w' },
      { id: 1, selector: 'tier', name: 'gold', customer_name: null, every: '1m' },
      { id: 3, selector: 'customer', name: 'K3', customer_name: 'Gamma', every: '2w' },
    ]);
    expect(await query(t.db, 'SELECT count(*) AS n FROM cadence_rules WHERE created_by IS NULL OR updated_by IS NULL')).toEqual([{ n: 0 }]);
    expect((await t.crm(['cadence', 'list', '--format', 'csv'])).stdout.split(/\r?\n/)[0]).toBe('id,selector,name,customer_name,every,updated_at,updated_by');
    expect((await t.crm(['cadence', 'rm', '--tier', 'gold'])).stdout).toBe('removed cadence #1: tier gold every 1m\n');
    expect((await t.crm(['cadence', 'rm', '3'])).stdout).toBe('removed cadence #3: customer K3 every 2w\n');
    expect(await query(t.db, 'SELECT id FROM cadence_rules')).toEqual([{ id: 2 }]);
  });

  it.each([
    [['set', '--tier', 'golden', '--every', '30d'], 'crm: --tier "golden": no such tier (known: platinum (铂金客户), gold (黄金客户), iron (钢铁客户), lead (重铅客户))'],
    [['set', '--stage', 'sleepy', '--every', '30d'], 'crm: --stage "sleepy": no such stage (known: exploration (考察期), formation (形成期), stability (稳定期), decline (衰退期), lost (流失))'],
    [['set', '--tier', 'gold', '--every', '0d'], 'crm: --every: "0d" is not a number of days, weeks or months such as 30d, 2w or 3m (at most 3650 days or 120 months)'],
    [['set', '--tier', 'gold', '--every', '121m'], 'crm: --every: "121m" is not a number of days, weeks or months such as 30d, 2w or 3m (at most 3650 days or 120 months)'],
    [['set', '--tier', 'gold', '--stage', 'lost', '--every', '1m'], 'crm: --tier and --stage cannot be used together: one of --segment NAME, --tier NAME, --stage NAME or --customer ID'],
    [['set', '--every', '1m'], 'crm: say who the rule is for: one of --segment NAME, --tier NAME, --stage NAME or --customer ID'],
    [['set', '--customer', 'K9', '--every', '1m'], 'crm: no customer matches "K9" (try `crm customer search "K9"`)'],
    [['rm', '7'], 'crm: no cadence rule #7 (see crm cadence list)'],
    [['rm', '--tier', 'iron'], 'crm: no cadence rule for tier iron (see crm cadence list)'],
  ])('%j is one line, exit 2, nothing stored', async (argv, message) => {
    const t = await shop(engine);
    const result = await t.crm(['cadence', ...argv]);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: `${message}\n` });
    expect(await query(t.db, 'SELECT count(*) AS n FROM cadence_rules')).toEqual([{ n: 0 }]);
  });

  it('an unknown segment lists the segments', async () => {
    const t = await shop(engine);
    const result = await t.crm(['cadence', 'set', '--segment', 'VIP', '--every', '1m']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^crm: --segment "VIP": no such segment \(known: Champions \(.+\), .*, Others \(其他\)\)\n$/);
  });

  it('followups --due: most overdue first, days since the last contact, the rule that applies; never contacted counts from becoming a customer', async () => {
    const t = await withRules(engine);
    expect(await dueOf(t.crm)).toEqual([
      // Never contacted; first order 2026-03-10 (before it was entered, 06-01): + 3 months = 06-10, 166 days ago.
      expect.objectContaining({ customer_id: 'K2', last_contact_at: null, days_since: 258, rule: 'tier lead', every: '3m', due_on: '2026-06-10', days_overdue: 166 }),
      // Called 11-01: + 2 weeks = 11-15.
      expect.objectContaining({ customer_id: 'K1', last_contact_at: '2026-11-01T10:00:00Z', days_since: 22, rule: 'tier platinum', every: '2w', due_on: '2026-11-15', days_overdue: 8 }),
      // Entered 10-24, no order, never contacted: + 30 days is today, due on the day itself.
      expect.objectContaining({ customer_id: 'K3', last_contact_at: null, days_since: 30, rule: 'customer K3', every: '30d', due_on: '2026-11-23', days_overdue: 0 }),
    ]);
    // The day before, K3 is not due yet.
    expect((await dueOf(t.crm, [], { now: new Date('2026-11-22T09:00:00Z') })).map((row) => row.customer_id)).toEqual(['K2', 'K1']);
    expect((await dueOf(t.crm, ['--owner', '王伟'])).map((row) => row.customer_id)).toEqual(['K1', 'K3']);
    const table = await t.crm(['followups', '--due']);
    expect(table.stdout).toContain('Customers due for a contact on 2026-11-23 (3)');
    expect(table.stdout).toContain('no last contact: never contacted, counted from the day they became a customer');
  });

  it('logging any contact resets it', async () => {
    const t = await withRules(engine);
    expect((await t.crm(['log', 'K3', '--kind', 'message', '--summary', 'hello'])).code).toBe(0);
    expect((await t.crm(['log', 'K2', '--kind', 'note', '--summary', 'asked around', '--at', '2026-09-01 12:00'])).code).toBe(0);
    // K2's note of 09-01 + 3 months = 12-01: not due; K3 contacted today.
    expect((await dueOf(t.crm)).map((row) => row.customer_id)).toEqual(['K1']);
    // An order is not a contact.
    expect((await t.crm(['log', 'K1', '--kind', 'visit', '--summary', 'tasting'])).code).toBe(0);
    expect(await dueOf(t.crm)).toEqual([]);
  });

  it('the day of a contact is the shop\'s (--tz): 20:00 UTC on 10-24 is the 25th in Shanghai', async () => {
    const t = await shop(engine);
    expect((await t.crm(['cadence', 'set', '--customer', 'K1', '--every', '30d'])).code).toBe(0);
    expect((await t.crm(['log', 'K1', '--kind', 'call', '--summary', 'late call', '--at', '2026-10-24T20:00:00Z'])).code).toBe(0);
    expect((await dueOf(t.crm, ['--tz', 'UTC']))[0]).toMatchObject({ customer_id: 'K1', due_on: '2026-11-23', days_overdue: 0 });
    expect(await dueOf(t.crm, ['--tz', 'Asia/Shanghai'])).toEqual([]);
    // At 17:00 UTC on the 23rd it is already the 24th in Shanghai: due there too.
    expect((await dueOf(t.crm, ['--tz', 'Asia/Shanghai'], { now: new Date('2026-11-23T17:00:00Z') }))[0]).toMatchObject({ due_on: '2026-11-24', days_overdue: 0, days_since: 30 });
  });

  it('crm agenda lists them (contact_due) in its table and JSON, and --check counts them', async () => {
    const t = await withRules(engine);
    const result = await t.crm(['agenda', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const agenda = JSON.parse(result.stdout) as { rows: Record<string, unknown>[] };
    expect(agenda.rows.filter((row) => row.kind === 'contact_due')).toEqual([
      expect.objectContaining({ customer_id: 'K2', why: 'never contacted in 258 days as a customer (tier lead, every 3m; due 2026-06-10, 166 days late)' }),
      expect.objectContaining({ customer_id: 'K1', why: 'no contact for 22 days (tier platinum, every 2w; due 2026-11-15, 8 days late)', what_to_do: 'get in touch (13800000001), then: crm log K1 --kind call --summary "…"' }),
      expect.objectContaining({ customer_id: 'K3', why: 'never contacted in 30 days as a customer (customer K3, every 30d; due 2026-11-23)' }),
    ]);
    const table = await t.crm(['agenda']);
    expect(table.stdout).toContain('due for a contact');
    // Without rules, nothing is due and the agenda has nothing else here: exit 0 with --check.
    for (const id of ['1', '2', '3']) expect((await t.crm(['cadence', 'rm', id])).code).toBe(0);
    expect((await t.crm(['agenda', '--check', '--format', 'json'])).code).toBe(0);
  });

  it('customer forget drops the customer\'s own cadence; a forgotten customer is never due', async () => {
    const t = await withRules(engine);
    expect((await t.crm(['customer', 'forget', 'K3', '--yes'])).code).toBe(0);
    expect(await query(t.db, "SELECT selector FROM cadence_rules WHERE selector = 'customer'")).toEqual([]);
    expect((await dueOf(t.crm)).map((row) => row.customer_id)).toEqual(['K2', 'K1']);
  });
});

describe.each(engines)('crm cadence on the sample shop (%s): the same segments, tiers and stages as crm segment, pyramid and lifecycle', (engine) => {
  it('each due customer follows the most frequent rule of the kinds they are in', async () => {
    const t = await dailyDbAt(['customers', 'orders'], engine);
    // Half a year after the samples: everyone's last contact (or first order) is more than 3 weeks back.
    const later = { now: new Date('2027-06-01T09:00:00Z') };
    for (const argv of [['--segment', 'At Risk', '--every', '1w'], ['--tier', 'gold', '--every', '2w'], ['--stage', 'lost', '--every', '3w']]) {
      expect((await t.crm(['cadence', 'set', ...argv])).code).toBe(0);
    }
    const ids = async (argv: string[]): Promise<Set<string>> => {
      const result = await t.crm([...argv, '--format', 'json'], later);
      expect(result.code, result.stderr).toBe(0);
      return new Set((JSON.parse(result.stdout) as { rows: { customer_id: string }[] }).rows.map((row) => row.customer_id));
    };
    const atRisk = await ids(['segment', '--customers', '--segment', 'At Risk']);
    const gold = await ids(['pyramid', '--customers', '--tier', 'gold']);
    const lost = await ids(['lifecycle', '--stage', 'lost']);
    expect(atRisk.size).toBeGreaterThan(0);
    expect(gold.size).toBeGreaterThan(0);
    expect(lost.size).toBeGreaterThan(0);
    const due = await dueOf(t.crm, [], later);
    const byRule = (rule: string) => new Set(due.filter((row) => row.rule === rule).map((row) => row.customer_id));
    expect(byRule('segment At Risk')).toEqual(atRisk);
    expect(byRule('tier gold')).toEqual(new Set([...gold].filter((id) => !atRisk.has(id))));
    expect(byRule('stage lost')).toEqual(new Set([...lost].filter((id) => !atRisk.has(id) && !gold.has(id))));
    expect(due).toHaveLength(new Set([...atRisk, ...gold, ...lost]).size);
  });
});

describe.each(engines)('crm cadence and customer merge on %s', (engine) => {
  it('the merged record\'s own cadence passes to the kept one, unless it has its own', async () => {
    const t = await withRules(engine);
    expect((await t.crm(['customer', 'merge', 'K1', 'K3', '--yes'])).code).toBe(0);
    expect(await query(t.db, "SELECT c.external_id, r.every_count, r.every_unit FROM cadence_rules r JOIN customers c ON c.id = r.customer_id")).toEqual([{ external_id: 'K1', every_count: 30, every_unit: 'd' }]);
    // K1 is platinum (2w) and has K3's 30 days now: the 2 weeks still apply (most frequent).
    expect((await dueOf(t.crm)).map((row) => [row.customer_id, row.rule])).toEqual([['K2', 'tier lead'], ['K1', 'tier platinum']]);
    expect((await t.crm(['cadence', 'set', '--customer', 'K2', '--every', '1w'])).code).toBe(0);
    expect((await t.crm(['customer', 'merge', 'K1', 'K2', '--yes'])).code).toBe(0);
    expect(await query(t.db, 'SELECT every_count, every_unit FROM cadence_rules WHERE customer_id IS NOT NULL')).toEqual([{ every_count: 30, every_unit: 'd' }]);
  });
});

describe.skipIf(!postgresAvailable)('crm cadence: the same output on both engines', () => {
  it('followups --due and agenda print byte for byte the same', async () => {
    const sqlite = await withRules('sqlite');
    const postgres = await withRules('postgres');
    for (const argv of [['followups', '--due', '--format', 'json'], ['followups', '--due'], ['agenda', '--format', 'json'], ['cadence', 'list', '--format', 'csv']]) {
      const [a, b] = [await sqlite.crm(argv), await postgres.crm(argv)];
      expect(a.code).toBe(0);
      expect(b.stdout, argv.join(' ')).toBe(a.stdout);
    }
  });
});

describe.skipIf(!postgresAvailable)('crm cadence with a team', () => {
  it('a salesperson sees their own due customers and the shop-wide rules, and may not set rules; a manager may', async () => {
    const team = await teamDatabase();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'customers.csv'), customersCsv);
    fs.writeFileSync(path.join(dir, 'orders.csv'), ordersCsv);
    expect((await team.crm('owner', ['init'])).code).toBe(0);
    for (const kind of ['customers', 'orders']) expect((await team.crm('owner', ['import', kind, path.join(dir, `${kind}.csv`)])).code).toBe(0);
    expect((await addMember(team, 'wang', '王伟', 'sales')).code).toBe(0);
    expect((await addMember(team, 'li', '李娜', 'manager')).code).toBe(0);
    for (const argv of [['--tier', 'platinum', '--every', '2w'], ['--tier', 'lead', '--every', '3m'], ['--customer', 'K2', '--every', '1m']]) {
      expect((await team.crm('owner', ['cadence', 'set', ...argv])).code).toBe(0);
    }
    const wang = (argv: string[], options?: Parameters<typeof runCrm>[1]) => team.crm('wang', argv, options);
    expect((await dueOf(wang)).map((row) => row.customer_id)).toEqual(['K1']);
    const rules = JSON.parse((await wang(['cadence', 'list', '--format', 'json'])).stdout) as { rows: { name: string }[] };
    // K2's own rule is 李娜's customer's: not his to see.
    expect(rules.rows.map((row) => row.name)).toEqual(['platinum', 'lead']);
    const refused = await wang(['cadence', 'set', '--tier', 'gold', '--every', '1w']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`crm: ${team.login('wang')} (sales) may not set a cadence: that needs a manager or the owner; nothing was changed\n`);
    // Past crm, the server refuses too.
    await expect(team.sql('wang', "INSERT INTO cadence_rules (selector, name, every_count, every_unit, created_at, updated_at) VALUES ('tier', 'gold', 1, 'w', 'x', 'x')")).rejects.toThrow(/row-level security/);
    expect((await team.crm('li', ['cadence', 'set', '--tier', 'gold', '--every', '1w'])).code).toBe(0);
    expect(await team.sql('owner', "SELECT created_by FROM cadence_rules WHERE name = 'gold'")).toEqual([{ created_by: team.login('li') }]);
  }, 60_000);
});
