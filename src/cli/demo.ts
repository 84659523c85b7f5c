// The demo: a fresh database from samples/, imported and summarised, to show a new user what crm does.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDemoDatabase, markDemoDatabase, openDatabase } from '../db/open.js';
import { UsageError } from '../errors.js';
import { importFile } from '../import/run.js';
import { SqliteSql } from '../db/engine/sqlite.js';
import { listCustomers } from '../db/customers.js';
import { overview } from '../db/overview.js';
import { customerListReport } from '../report/customers.js';
import { overviewReport } from '../report/overview.js';
import { summariseSegments } from '../analysis/segments.js';
import { buildPyramid, defaultCuts } from '../analysis/pyramid.js';
import { pyramidTiers, tierCoverage } from '../db/pyramid.js';
import { segmentSummaryReport } from '../report/rfm.js';
import { pyramidReport } from '../report/pyramid.js';
import type { CliContext } from './context.js';

export const samplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples');

/**
 * The campaign in the samples: `crm campaign create autumn-letter --tier lead --as-of 2026-08-01 --holdout 20% --seed 2026`
 * (scripts/make-samples.mjs computes the same groups). samples/campaign-contacts.csv holds the contacts made for it.
 */
export const sampleCampaign = { name: 'autumn-letter', tier: 'lead', asOf: '2026-08-01', holdout: 20, seed: 2026, windowDays: 60 } as const;

/** The sample member programme (README "Members and points"): levels by growth, 1 point per yuan from 2025, bonus for 金卡 and 钻石. */
export const sampleMembers = { levels: '普通=0 银卡=2000 金卡=5000 钻石=10000', rulesFrom: '2025-01-01', bonus: ['金卡=1.2 钻石=1.5'] } as const;

export async function runDemo(context: CliContext, dbFile: string): Promise<void> {
  const file = path.resolve(context.io.cwd, dbFile);
  if (fs.existsSync(file) && !isDemoDatabase(file, samplesDir)) {
    throw new UsageError(
      `crm demo: ${file} exists and is not a database crm demo made; the demo starts from an empty file, so it would be deleted. Nothing was changed: give another --db-file, or remove the file yourself`,
    );
  }
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  const db = openDatabase(file, { create: true });
  markDemoDatabase(db);
  // The store functions take the connection type; the demo's file is always SQLite.
  const store = new SqliteSql(db, file, context.io.user?.());
  try {
    context.info(`crm demo: a fresh database at ${file}, filled from ${samplesDir}`);
    for (const kind of ['customers', 'orders', 'interactions', 'payments', 'surveys'] as const) {
      const summary = await importFile(store, { kind, file: path.join(samplesDir, `${kind}.csv`), now: context.io.now });
      const converted = summary.leadsConverted ? `; ${summary.leadsConverted} leads converted by their first order` : '';
      context.info(`  imported ${summary.rowsRead} ${kind}: ${summary.rowsNew} new${converted} (${summary.elapsedMs} ms)`);
    }
    // The finished sample campaign and the contacts made for it (scripts/make-samples.mjs gave the letter its effect).
    const { planCampaignOn, segmentedCustomers } = await import('../report/analysis-inputs.js');
    const { createCampaign } = await import('../db/campaigns.js');
    const plan = await planCampaignOn(store, sampleCampaign.asOf, { tier: sampleCampaign.tier }, sampleCampaign.holdout, sampleCampaign.seed);
    await createCampaign(store, { name: sampleCampaign.name, startedOn: sampleCampaign.asOf, ...plan.stored, holdoutPercent: sampleCampaign.holdout, seed: sampleCampaign.seed, windowDays: sampleCampaign.windowDays, treated: plan.treated, control: plan.control }, context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const contacts = await importFile(store, { kind: 'interactions', file: path.join(samplesDir, 'campaign-contacts.csv'), now: context.io.now });
    context.info(`  campaign ${sampleCampaign.name}: ${plan.treated.length} customers to contact, ${plan.control.length} held back; imported ${contacts.rowsNew} more contacts (campaign-contacts.csv)`);
    // The member programme: `crm member levels set …`, `crm points rules set …`, `crm import points samples/points.csv`.
    const { parseLevels } = await import('../analysis/members.js');
    const { parseLevelBonus } = await import('../analysis/points.js');
    const { setLevels } = await import('../db/members.js');
    const { addRule, importLedger, syncPoints } = await import('../db/points.js');
    const { readPointsFile } = await import('../import/points-file.js');
    const nowText = context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const levels = parseLevels(sampleMembers.levels) as Exclude<ReturnType<typeof parseLevels>, string>;
    await setLevels(store, { basis: 'growth', levels }, nowText);
    const bonus = parseLevelBonus(sampleMembers.bonus, levels.map((level) => level.name)) as Record<string, number>;
    await addRule(store, { effectiveFrom: sampleMembers.rulesFrom, earn: 1, perCents: 100, expire: 'end-of-next-year', bonusPermille: bonus }, nowText);
    const ledger = await importLedger(store, readPointsFile(path.join(samplesDir, 'points.csv'), 'points.csv'), nowText);
    const earned = await syncPoints(store, context.today(), nowText);
    context.info(`  members: levels ${sampleMembers.levels}; 1 point per yuan from ${sampleMembers.rulesFrom} (${sampleMembers.bonus.join(' ')}); ${ledger.added} rows of the old points ledger (points.csv); ${earned.earned} orders earned points`);
    context.info('');
    const format = { format: 'table' as const };
    await context.emit(overviewReport(await overview(store)), format);
    context.io.stdout.write('\n');
    await context.emit(customerListReport(await listCustomers(store, { sort: 'revenue', limit: 10 }), 'Top 10 customers by revenue'), format);
    // The analysis as of the last order in the samples, so the demo shows the same picture any day it runs.
    const asOf = (await overview(store)).last_order ?? context.today();
    const period = { asOf, since: null };
    const lang = context.defaultLang();
    const tierTotals = await pyramidTiers(store, period, defaultCuts);
    const coverage = tierCoverage(tierTotals);
    context.io.stdout.write('\n');
    await context.emit(
      pyramidReport(buildPyramid(tierTotals), { asOf, lang, cuts: defaultCuts, ordersWithoutCost: coverage.ordersWithoutCost, orders: coverage.orders }),
      format,
    );
    const { scores, segmentation } = await segmentedCustomers(store, { period, bins: 5 });
    context.io.stdout.write('\n');
    await context.emit(segmentSummaryReport(summariseSegments(scores, segmentation), segmentation, { asOf, lang }), format);
    // The owner's one screen last (issue 6): the 30 days up to the last order against the 30 before.
    const { buildReport } = await import('../report/build.js');
    const { resolvePeriod } = await import('../report/period.js');
    const summaryPeriod = resolvePeriod({ period: '30d', asOf, today: context.today() });
    if (typeof summaryPeriod !== 'string') {
      context.io.stdout.write('\n');
      await context.emit(await buildReport(store, 'summary', { period: summaryPeriod, lang, today: context.today() }), format);
    }
    context.info(`\nTry: crm --db ${path.relative(context.io.cwd, file) || file} customer list --sort revenue --limit 20`);
    context.info(`     crm --db ${path.relative(context.io.cwd, file) || file} segment --customers --segment "At Risk" --as-of ${asOf}`);
    context.info(`     crm --db ${path.relative(context.io.cwd, file) || file} report list      (and crm agenda for today's to-do)`);
    context.info(`     crm --db ${path.relative(context.io.cwd, file) || file} dashboard --as-of ${asOf} --output report.html      (open it in a browser)`);
    context.info(`     crm --db ${path.relative(context.io.cwd, file) || file} campaign report ${sampleCampaign.name}      (did the autumn letter work?)`);
    context.info(`     crm --db ${path.relative(context.io.cwd, file) || file} report points --worth 0.01      (the member programme: points by level, what expires soon)`);
    context.info(`     crm --db ${path.relative(context.io.cwd, file) || file} clv --as-of ${asOf} --limit 20      (who is still with us, and what each is worth)`);
  } finally {
    db.close();
  }
}
