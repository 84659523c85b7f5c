// Campaigns with a control group (issue 11): create, show, list, log --campaign, report with uplift, CI and
// verdict; forget, merge and rm keep the groups honest; export carries the campaign; the demo's campaign worked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dailyDbAt, type DailyDb } from '../helpers/daily.js';
import { engines, type Engine } from '../helpers/engines.js';
import { spawnCrm, tempDir } from '../helpers/cli.js';

const json = (stdout: string) => JSON.parse(stdout);

type CampaignDb = DailyDb & { treated: string[]; control: string[] };

/**
 * 40 customers X01…X40, each with one order on 2026-05-01; campaign "spring" on all of them as of 2026-06-01, made
 * with crm import and crm campaign create on ENGINE. PREPARE adds to it.
 */
async function campaignDb(engine: Engine = 'sqlite', prepare?: (t: CampaignDb) => Promise<void>): Promise<CampaignDb> {
  const t = await dailyDbAt([], engine);
  const ids = Array.from({ length: 40 }, (_, index) => `X${String(index + 1).padStart(2, '0')}`);
  fs.writeFileSync(path.join(t.dir, 'c.csv'), `customer_id,name,owner\n${ids.map((id) => `${id},Person ${id},王伟`).join('\n')}\n`);
  fs.writeFileSync(path.join(t.dir, 'o.csv'), `order_id,customer_id,order_date,amount\n${ids.map((id) => `A${id},${id},2026-05-01,50.00`).join('\n')}\n`);
  for (const kind of ['customers', 'orders']) expect((await t.crm(['import', kind, path.join(t.dir, `${kind.slice(0, 1)}.csv`)])).code).toBe(0);
  const created = await t.crm(['campaign', 'create', 'spring', '--as-of', '2026-06-01', '--holdout', '25%', '--seed', '1']);
  expect(created.code, created.stderr).toBe(0);
  const members = json((await t.crm(['campaign', 'show', 'spring', '--format', 'json'])).stdout) as { customer_id: string; group: string }[];
  const groups = { treated: members.filter((m) => m.group === 'treated').map((m) => m.customer_id), control: members.filter((m) => m.group === 'control').map((m) => m.customer_id) };
  await prepare?.({ ...t, ...groups });
  return { ...t, ...groups };
}

describe('crm campaign create, show, list', () => {
  it('takes the matching customers and holds back round(n × share) of them, reproducibly from the seed', async () => {
    const t = await campaignDb();
    // 25 % of 40 = 10 held back.
    expect(t.treated).toHaveLength(30);
    expect(t.control).toHaveLength(10);
    expect([...t.treated, ...t.control].sort()).toHaveLength(40);
    // Same seed and customers: the same groups in another database.
    const again = await dailyDbAt([]);
    for (const kind of ['customers', 'orders']) await again.crm(['import', kind, path.join(t.dir, `${kind.slice(0, 1)}.csv`)]);
    const created = json((await again.crm(['campaign', 'create', 'spring', '--as-of', '2026-06-01', '--holdout', '25%', '--seed', '1', '--format', 'json'])).stdout);
    expect(created).toEqual({ campaign: 'spring', started_on: '2026-06-01', criteria: 'all customers', customers: 40, treated: 30, control: 10, holdout_percent: 25, seed: 1, window_days: 60, ends_on: '2026-07-31' });
    const control = json((await again.crm(['campaign', 'show', 'spring', '--group', 'control', '--format', 'json'])).stdout).map((m: { customer_id: string }) => m.customer_id);
    expect(control).toEqual(t.control);
    const list = json((await t.crm(['campaign', 'list', '--format', 'json'])).stdout);
    expect(list.rows).toEqual([
      { campaign: 'spring', started_on: '2026-06-01', ends_on: '2026-07-31', state: 'finished', criteria: 'all customers', treated: 30, control: 10, holdout_percent: 25, seed: 1, contacts: 0 },
    ]);
  });

  it.each([
    [['create', 'spring'], 'crm: a campaign "spring" already exists (see crm campaign show "spring")'],
    [['create', 'x', '--segment', 'Sleepers'], "crm: --segment \"Sleepers\": no such segment (known: Champions (冠军客户), Potential Loyalist (潜在忠诚客户), Loyal Customers (忠诚客户), Promising (有潜力客户), New Customers (新客户), Can't Lose Them (不能失去的客户), At Risk (有流失风险客户), Need Attention (需要关注客户), About To Sleep (即将沉睡客户), Lost (已流失客户), Others (其他))"],
    [['create', 'x', '--tier', 'diamond'], 'crm: --tier "diamond": no such tier (known: platinum (铂金客户), gold (黄金客户), iron (钢铁客户), lead (重铅客户))'],
    [['create', 'x', '--holdout', '0%'], 'crm: --holdout: "0%" is not a share between 0 and 100 % (e.g. 20%)'],
    [['create', 'x', '--window', 'soon'], 'crm: --window: "soon" is not a number of days from 1 to 3650 (e.g. 60d or 8w)'],
    [['create', 'x', '--seed', '-3'], 'crm: --seed: "-3" is not a whole number from 0 to 999999999999999'],
    [['create', 'x', '--as-of', '2026-04-01'], 'crm: no customers match all customers as of 2026-04-01: nothing to create'],
    [['create', 'x', '--holdout', '1%'], 'crm: --holdout 1% of 40 customers leaves no control group: choose more customers or another share'],
    [['show', 'nope'], 'crm: no campaign "nope" (see crm campaign list)'],
    [['report', 'spring', '--as-of', '2026-05-01'], 'crm: --as-of 2026-05-01 is before the campaign started (2026-06-01)'],
  ])('%j: exit 2, one line, nothing stored', async (argv, message) => {
    const t = await campaignDb();
    const result = await t.crm(['campaign', ...argv]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
    expect(t.one('SELECT count(*) FROM campaigns')).toBe(1);
  });
});

describe.each(engines)('crm customer show on %s', (engine) => {
  it('names the campaigns a customer is in, and says not to contact a control customer while the window is open', async () => {
    // A second campaign as of 2026-11-01 (60 days: open until 2026-12-31; today is 2026-11-23).
    const t = await campaignDb(engine, async (file) => {
      expect((await file.crm(['campaign', 'create', 'winter', '--as-of', '2026-11-01', '--holdout', '50%', '--seed', '3'])).code).toBe(0);
    });
    const control = json((await t.crm(['campaign', 'show', 'winter', '--group', 'control', '--format', 'json'])).stdout)[0].customer_id;
    const spring = t.control.includes(control) ? 'control' : 'treated';
    const file = json((await t.crm(['customer', 'show', control, '--format', 'json'])).stdout);
    expect(file.campaigns).toBe(`winter (control until 2026-12-31: do not contact); spring (${spring})`);
  });
});

describe.each(engines)('crm log --campaign on %s', (engine) => {
  it('links the contact; warns (and still logs) for a control customer or one outside the campaign', async () => {
    const t = await campaignDb(engine);
    const treated = await t.crm(['log', t.treated[0]!, '-k', 'call', '-s', 'spring offer', '--campaign', 'spring', '--at', '2026-06-05']);
    expect(treated).toEqual({ code: 0, stdout: `logged call #1 with Person ${t.treated[0]} (${t.treated[0]})\n`, stderr: '' });
    const control = await t.crm(['log', t.control[0]!, '-k', 'call', '-s', 'oops', '--campaign', 'spring', '--at', '2026-06-05']);
    expect(control.code).toBe(0);
    expect(control.stderr).toBe(`warning: Person ${t.control[0]} (${t.control[0]}) is in the control group of campaign "spring": contacting them spoils the comparison (logged anyway)\n`);
    expect(await t.value('SELECT count(*) FROM interactions WHERE campaign_id IS NOT NULL')).toBe(2);
    const unknown = await t.crm(['log', t.treated[0]!, '-k', 'call', '-s', 'x', '--campaign', 'autumn']);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'crm: --campaign: no campaign "autumn" (see crm campaign list)\n' });
    const show = json((await t.crm(['campaign', 'show', 'spring', '--format', 'json'])).stdout);
    expect(show.find((m: { customer_id: string }) => m.customer_id === t.control[0]).contacts).toBe(1);
    // The report says the comparison is weaker, and that the treated group was hardly contacted (1 of 30: 3 %).
    const notes = json((await t.crm(['campaign', 'report', 'spring', '--as-of', '2026-11-23', '--format', 'json'])).stdout).notes;
    expect(notes).toContain('only 3 % of the treated customers were contacted for this campaign (crm log … --campaign spring): the uplift measures the campaign as it was carried out');
    expect(notes).toContain('1 control customer was contacted for this campaign: the comparison is weaker');
  });
});

describe.each(engines)('crm campaign report on %s', (engine) => {
  it('compares buying share and revenue per customer with 95 % intervals, p-values and a verdict', async () => {
    const t = await campaignDb(engine, async (file) => {
      const orders = [
        ...file.treated.slice(0, 18).map((id) => `B${id},${id},2026-06-15,100.00`), // 18 of 30 treated bought in the window
        `L${file.treated[18]},${file.treated[18]},2026-08-15,100.00`, // after the 60-day window (ends 2026-07-31): not counted
        ...file.control.slice(0, 2).map((id) => `B${id},${id},2026-06-20,100.00`), // 2 of 10 control bought
        `S${file.control[2]},${file.control[2]},2026-06-01,100.00`, // on the start day itself: not after the start, not counted
      ];
      fs.writeFileSync(path.join(file.dir, 'later.csv'), `order_id,customer_id,order_date,amount\n${orders.join('\n')}\n`);
      expect((await file.crm(['import', 'orders', path.join(file.dir, 'later.csv')])).code).toBe(0);
    });
    for (const id of t.treated.slice(0, 24)) await t.crm(['log', id, '-k', 'call', '-s', 'spring offer', '--campaign', 'spring', '--at', '2026-06-03']);

    const report = json(spawnCrm(['--db', t.db, 'campaign', 'report', 'spring', '--format', 'json']).stdout);
    const [treated, control] = report.rows;
    expect(treated).toMatchObject({ customers: 30, contacted_percent: 80, bought_percent: 60, revenue: 1800, revenue_per_customer: 60 });
    expect(control).toMatchObject({ customers: 10, contacted_percent: 0, bought_percent: 20, revenue: 200, revenue_per_customer: 20 });
    const [bought, revenue] = report.sections.uplift.rows;
    // Buying share, by hand: 0.6 − 0.2 = 0.4; se = √(0.6·0.4/30 + 0.2·0.8/10) = √0.024 = 0.154919; ± 1.959964 × se = ± 0.303636.
    // Pooled 20/40 = 0.5: se0 = √(0.25·(1/30 + 1/10)) = 0.182574; z = 2.19089; p = 2·(1 − Φ(2.19089)) = 0.02846.
    expect(bought.measure).toBe('bought (percentage points)');
    expect(bought.uplift).toBeCloseTo(40, 4);
    expect(bought.ci_low).toBeCloseTo(9.6364, 3);
    expect(bought.ci_high).toBeCloseTo(70.3636, 3);
    expect(bought.p_value).toBeCloseTo(0.02846, 4);
    // Revenue per customer (currency units): treated 18 × 100 and 12 × 0: mean 60, variance 72000/29 = 2482.76;
    // control 2 × 100, 8 × 0: mean 20, variance 16000/9 = 1777.78. se = √(2482.76/30 + 1777.78/10) = √260.54 = 16.141;
    // Welch df = 260.54² / ((82.759²)/29 + (177.78²)/9) = 18.11; t(0.975, 18.11) ≈ 2.100 → 40 ± 33.90.
    expect(revenue).toMatchObject({ measure: 'revenue per customer', uplift: 40, test: "Welch's t-interval" });
    expect(revenue.ci_low).toBeCloseTo(6.1, 0);
    expect(revenue.ci_high).toBeCloseTo(73.9, 0);
    expect(report.sections.verdict.rows).toEqual([{ verdict: 'worked' }]);
    expect(report.notes[0]).toBe('It worked: 60 % of the 30 treated customers bought within 60 days, against 20 % of the 10 held back, +40.0 points (95 % CI +9.6 points to +70.4 points, p = 0.028). The difference is too large to be chance: keep doing it.');

    const zh = json((await t.crm(['campaign', 'report', 'spring', '--lang', 'zh', '--format', 'json'])).stdout);
    expect(zh.notes[0]).toBe('有效：接触组 30 位客户中 60 % 在 60 天内下单，对照组 10 位中 20 %，提升 +40.0 个百分点（95% 置信区间 +9.6 个百分点 至 +70.4 个百分点，p = 0.028）。差异大到不可能是偶然：继续这样做。');
    const table = (await t.crm(['campaign', 'report', 'spring'])).stdout;
    expect(table).toContain('Uplift (treated − control) with its 95 % confidence interval');
    expect(table).toContain('It worked');
    // As of 2026-06-10 the window is still open and nobody had bought yet: too small to tell, and it says it is running.
    const early = json((await t.crm(['campaign', 'report', 'spring', '--as-of', '2026-06-10', '--format', 'json'])).stdout);
    expect(early.notes[0]).toMatch(/^So far \(the window is not over\): Too small to tell: 0 % of the 30 treated/);
    expect(early.notes).toContain('still running: the 60-day window ends on 2026-07-31; the figures may change');
    // --window 90d counts the order of 2026-08-15 too: 19 of 30.
    const longer = json((await t.crm(['campaign', 'report', 'spring', '--window', '90d', '--format', 'json'])).stdout);
    expect(longer.rows[0].bought_percent).toBeCloseTo((100 * 19) / 30, 3); // JSON keeps 4 decimals
  });
});

describe('campaign places on a file', () => {

  it('forget keeps a member in its group; merge moves a place to the kept record; rm takes it out', async () => {
    const t = await campaignDb();
    expect((await t.crm(['customer', 'forget', t.control[0]!, '--yes'])).code).toBe(0);
    expect(t.one('SELECT count(*) FROM campaign_members')).toBe(40);
    // Merge a control customer into a new contact that is in no campaign: the place moves, the group keeps its size.
    await t.crm(['customer', 'add', '--name', 'Person Y', '--id', 'Y01']);
    expect((await t.crm(['customer', 'merge', 'Y01', t.control[1]!, '--yes'])).code).toBe(0);
    expect(t.one("SELECT arm FROM campaign_members WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'Y01')")).toBe('control');
    expect(t.one("SELECT count(*) FROM campaign_members WHERE arm = 'control'")).toBe(10);
    expect((await t.crm(['customer', 'rm', t.treated[0]!, '--yes'])).code).toBe(0);
    expect(t.one("SELECT count(*) FROM campaign_members WHERE arm = 'treated'")).toBe(29);
  });

  it('import undo refuses to take back customers who hold a place in a campaign', async () => {
    const t = await campaignDb();
    expect((await t.crm(['import', 'undo', '2', '--yes'])).code).toBe(0); // the orders run: nothing depends on it
    const undo = await t.crm(['import', 'undo', '1', '--yes']);
    expect(undo.code).toBe(1);
    expect(undo.stderr).toContain('place in campaign spring of customer X01 (added since)');
    expect(t.one('SELECT count(*) FROM campaign_members')).toBe(40);
  });

  it('export writes the campaign of each contact; importing the export again changes nothing', async () => {
    const t = await campaignDb();
    await t.crm(['log', t.treated[0]!, '-k', 'call', '-s', 'spring offer', '--campaign', 'spring']);
    const exported = (await t.crm(['export', 'interactions'])).stdout;
    expect(exported.split('\r\n')[0]).toBe('\uFEFFinteraction_id,customer_id,kind,occurred_at,summary,outcome,owner,follow_up_at,follow_up_done_at,follow_up_note,campaign,direction');
    // A contact logged by hand has no direction (crm import mail sets it on e-mails): the last cell is empty.
    expect(exported).toContain(',spring,\r\n');
    const file = path.join(t.dir, 'i.csv');
    fs.writeFileSync(file, exported);
    expect(json((await t.crm(['import', 'interactions', file, '--format', 'json'])).stdout)).toMatchObject({ new: 0, changed: 0, unchanged: 1 });
    fs.writeFileSync(file, 'customer_id,kind,occurred_at,campaign\nX01,call,2026-06-02,winter\n');
    const bad = await t.crm(['import', 'interactions', file]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('i.csv:2: campaign "winter": unknown campaign (create it first with crm campaign create; crm export all prints the command for each campaign)');
  });
});

describe('the demo campaign', () => {
  it('crm demo creates the finished autumn-letter campaign, and its report shows a visible uplift', () => {
    const dir = tempDir();
    const demo = spawnCrm(['demo'], { cwd: dir });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toContain('6 leads converted by their first order');
    const report = json(spawnCrm(['--db', path.join(dir, 'demo.db'), 'campaign', 'report', 'autumn-letter', '--format', 'json']).stdout);
    expect(report.sections.verdict.rows).toEqual([{ verdict: 'worked' }]);
    expect(report.sections.uplift.rows[0].uplift).toBeGreaterThan(10);
    expect(report.rows.slice(0, 2).map((row: { customers: number }) => row.customers)).toEqual([128, 32]);
  });
});
