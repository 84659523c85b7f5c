// crm points rules|sync|add|redeem|show: the points programme (积分). The ledger is brought up to date with the orders
// before anything is shown or written (db/points.ts syncPoints), so a balance shown is always right.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { Sql } from '../../db/engine/sql.js';
import { requireDate, withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface RulesFlags extends OutputOptions {
  earn?: string;
  per?: string;
  levelBonus: string[];
  from?: string;
  expire: string;
}

interface EntryFlags {
  reason?: string;
  for?: string;
  date?: string;
  format: 'table' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
/** At most this many points in one add or redeem: a typo of a few extra zeros is refused. */
const MAX_POINTS = 100_000_000;

/** The ledger brought up to date (all customers, or one) as of today; what changed, for a line on stderr. */
export async function syncLedger(context: CliContext, sql: Sql, customerId: number | null = null): Promise<{ earned: number; adjusted: number }> {
  const { syncPoints } = await import('../../db/points.js');
  const { nowIso } = await import('../daily-values.js');
  return syncPoints(sql, context.today(), nowIso(context), customerId);
}

function requirePoints(raw: string, what: string): number {
  const text = raw.trim();
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > MAX_POINTS) throw new UsageError(`${what}: "${raw}" is not a whole number of points from 1 to ${MAX_POINTS}`);
  return Number(text);
}

async function entryCommand(context: CliContext, kind: 'add' | 'redeem', reference: string, rawPoints: string, flags: EntryFlags): Promise<void> {
  const points = requirePoints(rawPoints, 'N');
  const reason = (kind === 'add' ? flags.reason : flags.for)?.trim();
  if (!reason) throw new UsageError(kind === 'add' ? '--reason is required: why the points are given (e.g. "birthday")' : '--for is required: what the points paid for (e.g. "tea cup")');
  const today = context.today();
  const onDate = flags.date === undefined ? today : requireDate(flags.date, '--date');
  if (onDate > today) throw new UsageError(`--date ${onDate} is after today (${today})`);
  const sql = await context.openStore();
  const { resolveCustomer } = await import('../resolve-customer.js');
  const customer = await resolveCustomer(context, sql, reference);
  const { readRules, addManualEntry } = await import('../../db/points.js');
  const { expiresOn, ruleOn } = await import('../../analysis/points.js');
  const { nowIso } = await import('../daily-values.js');
  await syncLedger(context, sql, customer.id);
  const rule = ruleOn(await readRules(sql), onDate);
  const written = await addManualEntry(
    sql,
    { customerId: customer.id, onDate, points: kind === 'add' ? points : -points, kind, reason, expiresOn: kind === 'add' ? expiresOn(onDate, rule?.expire ?? 'end-of-next-year') : null, today },
    nowIso(context),
  );
  const balance = (await import('../../db/points.js')).customerStanding;
  const now = (await balance(sql, customer.id, today)).balance;
  if (flags.format === 'json') {
    context.io.stdout.write(JSON.stringify({ id: written.id, customer_id: customer.external_id, date: onDate, points: kind === 'add' ? points : -points, kind, balance: now }) + '\n');
    return;
  }
  context.say(`${kind === 'add' ? 'added' : 'redeemed'} ${points} points ${kind === 'add' ? 'for' : 'from'} ${customer.name} (${customer.external_id}) on ${onDate}: ${reason}; balance ${now}\n`);
}

export function registerPoints(program: Command, context: CliContext): void {
  const points = program
    .command('points')
    .description('the points programme (积分): rules, earning by orders, adding, redeeming, expiry')
    .addHelpText('after', '\nExamples:\n  $ crm points rules set --earn 1 --per 1 --level-bonus 金卡=1.5 --from 2025-01-01\n  $ crm points show C0001\n  $ crm points redeem C0001 500 --for "tea cup"');

  withOutputOptions(
    points
      .command('rules [set]')
      .description('show the points rules; `set` adds the rule in force from --from (default today): a manager\'s')
      .option('--earn <n>', 'points per whole --per of an order\'s amount (with set)')
      .option('--per <amount>', 'the amount that earns --earn points (with set; 1 = each whole unit of currency)')
      .option('--level-bonus <level=x>', 'multiply the points of a member level (repeatable, or "金卡=1.5 钻石=2")', collect, [])
      .option('--from <date>', 'the first day the rule applies (default today; never on or before an order already earned)')
      .option('--expire <when>', 'when points expire: end-of-next-year, or a number of months such as 24m', 'end-of-next-year')
      .addHelpText('after', '\nExamples:\n  $ crm points rules set --earn 1 --per 1\n  $ crm points rules set --earn 2 --per 10 --level-bonus "金卡=1.5 钻石=2" --from 2026-01-01 --expire 24m\n  $ crm points rules'),
  ).action(async (verb: string | undefined, flags: RulesFlags) => {
    if (verb !== undefined && verb !== 'set') throw new UsageError(`crm points rules ${verb}: did you mean \`crm points rules set --earn 1 --per 1\`?`);
    const sql = await context.openStore();
    const { readRules, addRule } = await import('../../db/points.js');
    const { rulesReport } = await import('../../report/points.js');
    if (verb === 'set') {
      const parse = await import('../../analysis/points.js');
      if (flags.earn === undefined || flags.per === undefined) throw new UsageError('crm points rules set needs --earn N and --per AMOUNT (e.g. --earn 1 --per 1); nothing was changed');
      const earn = parse.parseEarn(flags.earn);
      if (typeof earn === 'string') throw new UsageError(`--earn: ${earn}; nothing was changed`);
      const per = parse.parsePer(flags.per);
      if (typeof per === 'string') throw new UsageError(`--per: ${per}; nothing was changed`);
      const expire = parse.parseExpire(flags.expire);
      if (expire !== 'end-of-next-year' && !/^\d+m$/.test(expire)) throw new UsageError(`--expire: ${expire}; nothing was changed`);
      const { readLevels } = await import('../../db/members.js');
      const bonus = parse.parseLevelBonus(flags.levelBonus, (await readLevels(sql)).levels.map((level) => level.name));
      if (typeof bonus === 'string') throw new UsageError(`--level-bonus: ${bonus}; nothing was changed`);
      const from = flags.from === undefined ? context.today() : requireDate(flags.from, '--from');
      const { requireRole } = await import('../../db/team.js');
      await requireRole(sql, 'manager', 'set the points rules');
      // Orders before the new day earn under the rules they fell under: bring them up to date first.
      await syncLedger(context, sql);
      const { nowIso } = await import('../daily-values.js');
      await addRule(sql, { effectiveFrom: from, earn, perCents: per, expire: expire as import('../../analysis/points.js').ExpireRule, bonusPermille: bonus }, nowIso(context));
      const synced = await syncLedger(context, sql);
      if (synced.earned + synced.adjusted > 0) context.info(`points: ${synced.earned} order(s) earned under the rules`);
    }
    await context.emit(rulesReport(await readRules(sql), context.today()), flags);
  });

  points
    .command('sync')
    .description('bring the points ledger up to date with the orders (crm does it by itself before showing points; for the nightly job)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm points sync')
    .action(async (flags: { format: 'table' | 'json' }) => {
      const sql = await context.openStore();
      const synced = await syncLedger(context, sql);
      if (flags.format === 'json') context.io.stdout.write(JSON.stringify(synced) + '\n');
      else context.say(`points: ${synced.earned} order(s) earned, ${synced.adjusted} order(s) adjusted (refunds, cancellations, corrected amounts)\n`);
    });

  points
    .command('add <customer> <n>')
    .description('give a customer N points by hand (a birthday, a goodwill gesture)')
    .option('--reason <text>', 'why (required)')
    .option('--date <date>', 'the day (default today)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm points add C0001 200 --reason "birthday"')
    .action(async (reference: string, n: string, flags: EntryFlags) => entryCommand(context, 'add', reference, n, flags));

  points
    .command('redeem <customer> <n>')
    .description('redeem N points (the oldest first); more than the balance is refused, exit 1, nothing written')
    .option('--for <text>', 'what they paid for (required)')
    .option('--date <date>', 'the day (default today)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm points redeem C0001 500 --for "tea cup"')
    .action(async (reference: string, n: string, flags: EntryFlags) => entryCommand(context, 'redeem', reference, n, flags));

  withOutputOptions(
    points
      .command('show <customer>')
      .description("a customer's points: every row of the ledger, expiry, and the balance")
      .addHelpText('after', '\nExamples:\n  $ crm points show C0001\n  $ crm points show C0001 --format csv'),
  ).action(async (reference: string, flags: OutputOptions) => {
    const sql = await context.openStore();
    const { resolveCustomer } = await import('../resolve-customer.js');
    const customer = await resolveCustomer(context, sql, reference);
    await syncLedger(context, sql, customer.id);
    const { customerLedger, customerStanding } = await import('../../db/points.js');
    const { expiringBefore } = await import('../../analysis/points.js');
    const { addDays } = await import('../../util/dates.js');
    const { ledgerReport } = await import('../../report/points.js');
    const today = context.today();
    const standing = await customerStanding(sql, customer.id, today);
    const by = addDays(today, 30);
    await context.emit(ledgerReport(customer, await customerLedger(sql, customer.id), { balance: standing.balance, expiring: expiringBefore(standing, by), expiringBy: by, expired: standing.expired }, today), flags);
  });
}

/** crm import points FILE: registered on crm import (import.ts) by this module. */
export function registerPointsImport(importCommand: Command, context: CliContext): void {
  importCommand
    .command('points <file>')
    .description('import a points ledger from the old system (points_id, customer_id, date, points, kind, reason, expires_on): all or nothing, idempotent by points_id')
    .addOption(new Option('-f, --format <format>', 'summary as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExample:\n  $ crm import points samples/points.csv')
    .action(async (file: string, flags: { format: 'table' | 'json' }) => {
      const { readPointsFile, problemText } = await import('../../import/points-file.js');
      const { importLedger } = await import('../../db/points.js');
      const { DataRejectedError } = await import('../../errors.js');
      const { nowIso } = await import('../daily-values.js');
      const path = await import('node:path');
      if (file === '-') throw new UsageError('crm import points reads a file, not stdin: name the file');
      const sql = await context.openStore();
      const { requireRole } = await import('../../db/team.js');
      await requireRole(sql, 'manager', 'import points');
      const label = path.basename(file);
      const result = await importLedger(sql, readPointsFile(file, label), nowIso(context));
      const summary = { file: label, written: result.rejected === 0, rows_read: result.read, new: result.added, unchanged: result.unchanged, rejected: result.rejected, problems: result.problems.map((problem) => problemText(label, problem)) };
      if (result.rejected > 0) {
        if (flags.format === 'json') context.io.stdout.write(JSON.stringify({ ...summary, new: 0, unchanged: 0 }, null, 2) + '\n');
        const more = result.rejected - result.problems.length;
        throw new DataRejectedError(`${label}: ${result.rejected} bad row${result.rejected === 1 ? '' : 's'}; nothing was written`, [
          ...summary.problems, ...(more > 0 ? [`… and ${more} more`] : []),
        ]);
      }
      if (flags.format === 'json') context.io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else context.say(`points from ${label}: ${result.read} rows read: ${result.added} new, ${result.unchanged} unchanged (already imported), 0 rejected\n`);
    });
}

/** crm report points: registered with the other reports (report.ts), built here. */
export async function pointsReportCommand(context: CliContext, flags: import('../report-flags.js').ReportFlags & { worth: string; all?: boolean }): Promise<void> {
  const worth = /^(\d{1,6})(?:\.(\d{1,5}))?$/.exec(flags.worth.trim());
  if (!worth) throw new UsageError(`--worth "${flags.worth}": what one point is worth, an amount such as 0.01 (up to 5 decimals)`);
  const worthMillicents = Number(worth[1]) * 100_000 + Number((worth[2] ?? '').padEnd(5, '0'));
  const { reportPeriod } = await import('../report-flags.js');
  const period = reportPeriod(context, flags, 'all');
  const sql = await context.openStore();
  await syncLedger(context, sql);
  const { readLevels } = await import('../../db/members.js');
  const { eachLedger, expiringPoints } = await import('../../db/points.js');
  const { pointsFlows } = await import('../../analysis/points.js');
  const { pointsReport, expiringReport } = await import('../../report/points.js');
  const { addDays } = await import('../../util/dates.js');
  const ladder = await readLevels(sql);
  const byLevel = new Map<string | null, import('../../report/points.js').LevelFlows>();
  await eachLedger(sql, ladder, period.asOf, (level, entries) => {
    const flows = pointsFlows(entries, period.since, period.asOf);
    const total = byLevel.get(level) ?? { customers: 0, issued: 0, takenBack: 0, redeemed: 0, expired: 0, outstanding: 0 };
    if (flows.outstanding !== 0 || flows.issued + flows.takenBack + flows.redeemed + flows.expired !== 0) total.customers++;
    total.issued += flows.issued;
    total.takenBack += flows.takenBack;
    total.redeemed += flows.redeemed;
    total.expired += flows.expired;
    total.outstanding += flows.outstanding;
    byLevel.set(level, total);
  });
  const report = pointsReport(byLevel, ladder.levels.map((level) => level.name), { since: period.since, asOf: period.asOf, worthMillicents, worthText: flags.worth.trim() });
  const before = addDays(period.asOf, 30);
  report.sections = [expiringReport(await expiringPoints(sql, period.asOf, before, flags.all ? null : 20), period.asOf, before, flags.all === true)];
  await context.emit(report, flags);
}
