// crm campaign create|show|list|report: a campaign with a control group, and the check of whether it worked.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { CampaignRecord } from '../../db/campaigns.js';
import type { Sql } from '../../db/engine/sql.js';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface CreateFlags {
  segment?: string;
  tier?: string;
  stage?: string;
  holdout: string;
  seed?: string;
  window: string;
  asOf?: string;
  format: 'table' | 'json';
}

async function campaignNamed(db: Sql, name: string): Promise<CampaignRecord> {
  const { campaignByName } = await import('../../db/campaigns.js');
  const found = await campaignByName(db, name.trim());
  if (!found) throw new UsageError(`no campaign "${name}" (see crm campaign list)`);
  return found;
}

async function windowDaysOf(raw: string, flag: string): Promise<number> {
  const { parseWindowDays } = await import('../../analysis/campaign-split.js');
  const days = parseWindowDays(raw);
  if (days === null) throw new UsageError(`${flag}: "${raw}" is not a number of days from 1 to 3650 (e.g. 60d or 8w)`);
  return days;
}

async function createCommand(context: CliContext, name: string, flags: CreateFlags): Promise<void> {
  const { parseHoldout } = await import('../../analysis/campaign-split.js');
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError('the campaign name is empty');
  const holdout = parseHoldout(flags.holdout);
  if (holdout === null) throw new UsageError(`--holdout: "${flags.holdout}" is not a share between 0 and 100 % (e.g. 20%)`);
  let seed: number;
  if (flags.seed === undefined) {
    const { randomInt } = await import('node:crypto');
    seed = randomInt(1, 2 ** 31);
  } else {
    const { parseWholeNumber } = await import('../context.js');
    seed = parseWholeNumber(flags.seed, '--seed', 0, 999_999_999_999_999);
  }
  const windowDays = await windowDaysOf(flags.window, '--window');
  const startedOn = context.asOf(flags.asOf);
  // The groups are drawn from what is known on the first day: a day still to come would draw them from today's data
  // and be judged on purchases that have not happened.
  if (startedOn > context.today()) throw new UsageError(`--as-of ${startedOn} is after today (${context.today()}): a campaign starts today or on a day already past`);
  const db = await context.openStore();
  const { campaignByName, createCampaign } = await import('../../db/campaigns.js');
  if (await campaignByName(db, trimmed)) throw new UsageError(`a campaign "${trimmed}" already exists (see crm campaign show ${JSON.stringify(trimmed)})`);
  const { UnknownCriterion } = await import('../../analysis/campaign-audience.js');
  const { planCampaignOn } = await import('../../report/analysis-inputs.js');
  let plan;
  try {
    plan = await planCampaignOn(db, startedOn, { segment: flags.segment, tier: flags.tier, stage: flags.stage }, holdout, seed);
  } catch (error) {
    if (error instanceof UnknownCriterion) throw new UsageError(error.message);
    throw error;
  }
  const { criteriaText } = await import('../../report/campaign-reports.js');
  const criteria = criteriaText(plan.stored);
  if (plan.customers === 0) throw new UsageError(`no customers match ${criteria} as of ${startedOn}: nothing to create`);
  if (plan.control.length === 0 || plan.treated.length === 0) {
    throw new UsageError(`--holdout ${holdout}% of ${plan.customers} customer${plan.customers === 1 ? '' : 's'} leaves ${plan.control.length === 0 ? 'no control group' : 'nobody to contact'}: choose more customers or another share`);
  }
  await createCampaign(db, { name: trimmed, startedOn, ...plan.stored, holdoutPercent: holdout, seed, windowDays, treated: plan.treated, control: plan.control }, context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const split = plan;
  const { addDays } = await import('../../util/dates.js');
  const ends = addDays(startedOn, windowDays);
  if (flags.format === 'json') {
    context.io.stdout.write(JSON.stringify({ campaign: trimmed, started_on: startedOn, criteria, customers: plan.customers, treated: split.treated.length, control: split.control.length, holdout_percent: holdout, seed, window_days: windowDays, ends_on: ends }) + '\n');
    return;
  }
  context.say(
    `created campaign ${trimmed}: ${plan.customers} customers (${criteria}, as of ${startedOn}): ${split.treated.length} to contact, ${split.control.length} held back as the control group (${holdout} %, seed ${seed})\n` +
      `contact the treated ones with: crm log CUSTOMER … --campaign ${JSON.stringify(trimmed)}; see both lists with crm campaign show ${JSON.stringify(trimmed)}; check on ${addDays(ends, 1)} with crm campaign report ${JSON.stringify(trimmed)}\n`,
  );
}

export function registerCampaign(program: Command, context: CliContext): void {
  const campaign = program
    .command('campaign')
    .description('campaigns with a control group: plan who to contact, hold some back, check whether it worked (PDCA)')
    .addHelpText('after', '\nExamples:\n  $ crm campaign create win-back --segment "At Risk" --holdout 20% --seed 7\n  $ crm campaign show win-back --group treated\n  $ crm campaign report win-back\n  $ crm campaign list');

  campaign
    .command('create <name>')
    .description('take the matching customers as of today (or --as-of) and hold a random share back as the control group')
    .option('--segment <name>', 'customers in this RFM segment (e.g. "At Risk", "Can\'t Lose Them")')
    .option('--tier <tier>', 'customers in this pyramid tier: platinum, gold, iron, lead')
    .option('--stage <stage>', 'customers in this lifecycle stage: exploration, formation, stability, decline, lost')
    .option('--holdout <share>', 'share held back as the control group, not to be contacted: 20%, 20 or 0.2', '20%')
    .option('--seed <n>', 'seed of the random split: the same seed and customers give the same groups (default: a random one, printed)')
    .option('--window <days>', 'how long after the start purchases count: 60d, 8w', '60d')
    .option('--as-of <date>', 'choose the customers as of DATE (default today); the campaign starts then')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm campaign create win-back --segment "At Risk" --holdout 20%\n  $ crm campaign create gold-decline --tier gold --stage decline --holdout 30% --seed 42 --as-of 2026-08-01')
    .action(async (name: string, flags: CreateFlags) => createCommand(context, name, flags));

  withOutputOptions(
    campaign
      .command('show <name>')
      .description('both groups, one row per customer: customer_id, name, group (treated or control), contacts logged')
      .addOption(new Option('--group <group>', 'only one group').choices(['treated', 'control']))
      .addHelpText('after', '\nExamples:\n  $ crm campaign show win-back\n  $ crm campaign show win-back --group treated --format csv --output call-list.csv'),
  ).action(async (name: string, flags: OutputOptions & { group?: 'treated' | 'control' }) => {
    const db = await context.openStore();
    const found = await campaignNamed(db, name);
    const { campaignMembers } = await import('../../db/campaigns.js');
    const { campaignMembersReport } = await import('../../report/campaign-reports.js');
    const members = (await campaignMembers(db, found.id)).filter((member) => !flags.group || member.group === flags.group);
    await context.emit(campaignMembersReport(found, members), flags);
  });

  withOutputOptions(
    campaign.command('list').description('every campaign with its groups and state (running or finished)').addHelpText('after', '\nExample:\n  $ crm campaign list'),
  ).action(async (flags: OutputOptions) => {
    const db = await context.openStore();
    const { listCampaigns } = await import('../../db/campaigns.js');
    const { campaignListReport } = await import('../../report/campaign-reports.js');
    const { addDays } = await import('../../util/dates.js');
    const today = context.today();
    const rows = (await listCampaigns(db)).map((row) => {
      const ends = addDays(row.started_on, row.window_days);
      // The window includes its last day: a purchase (or a spoiling contact) on it still counts.
      return { ...row, ends_on: ends, state: today <= ends ? 'running' : 'finished' };
    });
    await context.emit(campaignListReport(rows), flags);
  });

  withOutputOptions(
    campaign
      .command('report <name>')
      .description('did it work? treated against control: share who bought, revenue per customer, uplift with 95 % CI and p-value, a verdict in words')
      .option('--window <days>', 'count purchases this long after the start (default: the campaign\'s, 60d)')
      .option('--as-of <date>', 'count up to DATE (default today; a running campaign is judged so far)')
      .addHelpText('after', '\nExamples:\n  $ crm campaign report win-back\n  $ crm campaign report win-back --window 90d --format json'),
  ).action(async (name: string, flags: OutputOptions & { window?: string; asOf?: string }) => {
    const db = await context.openStore();
    const found = await campaignNamed(db, name);
    const windowDays = flags.window === undefined ? found.window_days : await windowDaysOf(flags.window, '--window');
    const asOf = context.asOf(flags.asOf);
    if (asOf < found.started_on) throw new UsageError(`--as-of ${asOf} is before the campaign started (${found.started_on})`);
    const { addDays } = await import('../../util/dates.js');
    const ends = addDays(found.started_on, windowDays);
    const until = asOf < ends ? asOf : ends;
    const { memberOutcomes } = await import('../../db/campaigns.js');
    const { checkCampaign } = await import('../../analysis/campaign-stats.js');
    const { campaignCheckReport } = await import('../../report/campaign-reports.js');
    const check = checkCampaign(
      (await memberOutcomes(db, found, until)).map((member) => ({ group: member.arm, contacted: member.contacted === 1, orders: member.orders, revenueCents: member.revenue_cents })),
    );
    // Still running before its last day, and on the last day itself while that day is today (its sales are not all in).
    const running = asOf < ends || (asOf === ends && asOf === context.today());
    await context.emit(campaignCheckReport({ campaign: found, check, window: { until, ends, running }, windowDays, asOf, lang: context.lang(flags) }), flags);
  });
}
