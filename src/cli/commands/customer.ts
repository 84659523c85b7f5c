// crm customer list|show|add|search|forget (edit, rm, duplicates, merge in customer-maintenance.ts): the customer file.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { customerSorts, type CustomerSort, type NewCustomer } from '../../db/customers.js';
import { flagLimits, parsePositiveInteger, withOutputOptions, type CliContext, type OutputOptions } from '../context.js';
import type { CustomerListOptions } from '../../report/customers.js';
import { registerCustomerMaintenance } from './customer-maintenance.js';

interface ListFlags extends OutputOptions {
  kind?: string;
  source?: string;
  owner?: string;
  city?: string;
  tag?: string;
  level?: string;
  sort: CustomerSort;
  limit?: string;
}

interface AddFlags {
  id?: string;
  name?: string;
  company?: string;
  email?: string;
  phone?: string;
  city?: string;
  region?: string;
  channel?: string;
  source?: string;
  kind: string;
  referredBy?: string;
  owner?: string;
  tags?: string;
  notes?: string;
  format: 'table' | 'json';
}

async function addCustomerCommand(context: CliContext, flags: AddFlags): Promise<void> {
  const { addCustomer, externalIdTaken } = await import('../../db/customers.js');
  const { ownerOfNewCustomers } = await import('../../db/team.js');
  const db = await context.openStore();
  let name = flags.name?.trim();
  let email = flags.email?.trim();
  let phone = flags.phone?.trim();
  if (!name && context.interactive) {
    const { askText } = await import('../../ui/prompts.js');
    name = (await askText(context.io, 'Name', { required: true })).trim();
    if (!email) email = (await askText(context.io, 'E-mail (optional)')).trim() || undefined;
    if (!phone) phone = (await askText(context.io, 'Phone (optional)')).trim() || undefined;
  }
  if (!name) throw new UsageError('--name is required (or run on a terminal to be asked)');
  // The import's rules, so a typed customer is held to the same standard as an imported one.
  const { checkContactValue } = await import('../customer-values.js');
  const externalId = flags.id?.trim() || null;
  if (externalId && await externalIdTaken(db, externalId)) throw new UsageError(`--id ${externalId}: a customer with this id already exists (or was merged into one)`);
  if (flags.source !== undefined && flags.channel !== undefined && flags.source !== flags.channel) {
    throw new UsageError('--source and --channel name the same field (how the contact was met): give one');
  }
  const { contactKindOf } = await import('../../import/validate.js');
  const kind = contactKindOf(flags.kind);
  if (!kind) throw new UsageError(`--kind "${flags.kind}": not one of customer, lead, partner`);
  let referredBy: number | null = null;
  if (flags.referredBy !== undefined) {
    const { resolvePartner } = await import('../resolve-customer.js');
    referredBy = (await resolvePartner(context, db, flags.referredBy, '--referred-by')).id;
  }
  const customer: NewCustomer = {
    external_id: externalId, name, email: await checkContactValue('email', email), phone: await checkContactValue('phone', phone),
    company: flags.company ?? null, city: flags.city ?? null, region: flags.region ?? null, channel: flags.source ?? flags.channel ?? null,
    owner: flags.owner ?? (await ownerOfNewCustomers(db)), tags: flags.tags ?? null, notes: flags.notes ?? null, kind, referred_by: referredBy,
  };
  const created = await addCustomer(db, customer, context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (flags.format === 'json') context.io.stdout.write(JSON.stringify({ id: created.id, customer_id: created.external_id, name: created.name, kind: created.kind }) + '\n');
  else context.say(`added ${created.kind} ${created.external_id}: ${created.name}\n`);
}

/** The first LIMIT of ROWS (read with one more than LIMIT), and the limit when there were more. */
function limited<T>(rows: T[], limit: number | undefined): { rows: T[]; stoppedAt?: number } {
  return limit !== undefined && rows.length > limit ? { rows: rows.slice(0, limit), stoppedAt: limit } : { rows };
}

/** A table or Markdown says it under the rows; CSV and JSON have no place for it, so stderr says it. */
async function sayLimit(context: CliContext, flags: OutputOptions, options: CustomerListOptions): Promise<void> {
  if (flags.format !== 'csv' && flags.format !== 'json') return;
  const { limitNote } = await import('../../report/customers.js');
  const note = limitNote(options);
  if (note !== null) context.info(note);
}

export function registerCustomer(program: Command, context: CliContext): void {
  const customer = program
    .command('customer')
    .description('the customer file: list, show, add, search, edit, rm, duplicates, merge, forget')
    .addHelpText('after', '\nExamples:\n  $ crm customer list --owner 王伟 --sort revenue --limit 10\n  $ crm customer show C0001\n  $ crm customer search 科技');

  withOutputOptions(
    customer
      .command('list')
      .description('list customers, filtered and sorted')
      .addOption(new Option('--kind <kind>', 'only contacts of this kind').choices(['customer', 'lead', 'partner']))
      .option('--source <source>', 'only contacts met this way (the channel column: fair, web, referral, …)')
      .option('--owner <name>', 'only customers of this salesperson')
      .option('--city <city>', 'only customers in this city')
      .option('--tag <tag>', 'only customers with this tag')
      .option('--level <name>', 'only members of this level (crm member levels), as of today')
      .addOption(new Option('--sort <key>', 'sort order').choices([...customerSorts]).default('name'))
      .option('--limit <n>', 'at most N customers')
      .addHelpText('after', '\nExamples:\n  $ crm customer list --city 上海 --sort revenue --limit 20\n  $ crm customer list --kind lead --source fair\n  $ crm customer list --level 金卡\n  $ crm customer list --format csv --output customers.csv'),
  ).action(async (flags: ListFlags) => {
    const { countCustomers, customerListBatches } = await import('../../db/customers.js');
    const { customerListReport } = await import('../../report/customers.js');
    const limit = flags.limit === undefined ? undefined : parsePositiveInteger(flags.limit, '--limit', flagLimits.rows);
    const db = await context.openStore();
    const { readLevels, levelParams } = await import('../../db/members.js');
    const ladder = await readLevels(db);
    if (flags.level !== undefined && !ladder.levels.some((level) => level.name === flags.level)) {
      throw new UsageError(ladder.levels.length === 0
        ? `--level ${flags.level}: the shop has no member levels yet (crm member levels set "普通=0 银卡=2000 金卡=5000")`
        : `--level ${flags.level}: not a member level (levels: ${ladder.levels.map((level) => level.name).join(', ')})`);
    }
    const members = ladder.levels.length > 0 ? levelParams(ladder, context.today()) : undefined;
    // Counted first (the title says how many), then read as the rows are written: a million are never all held.
    const all = await countCustomers(db, { ...flags, members, limit: undefined });
    const stoppedAt = limit !== undefined && all > limit ? limit : undefined;
    const count = stoppedAt ?? all;
    const options = { levels: members !== undefined, leads: flags.kind === 'lead', source: flags.source !== undefined, lang: context.lang(flags), zone: context.zone(), stoppedAt, noun: 'customers' as const };
    await context.emit(customerListReport({ count, batches: () => customerListBatches(db, { ...flags, members, limit: count }) }, 'Customers', options), flags);
    await sayLimit(context, flags, options);
  });

  withOutputOptions(
    customer
      .command('show <customer>')
      .description('the customer file: profile, balance, satisfaction, value, open complaints, follow-ups, timeline')
      .option('--all', 'the whole timeline (default: the latest 10 entries)')
      .addHelpText('after', '\nA customer is named by id, e-mail, phone or a unique part of the name.\nExamples:\n  $ crm customer show C0001\n  $ crm customer show 高建国 --all\n  $ crm customer show zhang.wei@example.com --format json'),
  ).action(async (reference: string, flags: OutputOptions & { all?: boolean }) => {
    const { buildCustomerFile } = await import('../../analysis/customer-file.js');
    const { customerFileReport } = await import('../../report/customer-file.js');
    const { resolveCustomer } = await import('../resolve-customer.js');
    const { nowIso } = await import('../daily-values.js');
    const db = await context.openStore();
    const found = await resolveCustomer(context, db, reference);
    const { customerFileFacts } = await import('../../db/customer-file.js');
    const file = buildCustomerFile(await customerFileFacts(db, found, flags.all ? null : 10), { today: context.today() });
    const { readLevels, customerLevel } = await import('../../db/members.js');
    const ladder = await readLevels(db);
    if (ladder.levels.length > 0) file.member = { ...(await customerLevel(db, ladder, found.id, context.today(), found.kind === 'lead')), basis: ladder.basis };
    const points = await import('../../db/points.js');
    if (await points.runsPoints(db)) {
      const { syncLedger } = await import('./points.js');
      await syncLedger(context, db, found.id);
      const { expiringBefore } = await import('../../analysis/points.js');
      const { addDays } = await import('../../util/dates.js');
      const standing = await points.customerStanding(db, found.id, context.today());
      const by = addDays(context.today(), 30);
      file.points = { balance: standing.balance, expiringSoon: expiringBefore(standing, by), expiringBy: by };
    }
    await context.emit(customerFileReport(file, nowIso(context), context.lang(flags)), flags);
  });

  customer
    .command('add')
    .description('add a customer, lead or partner (prompts for missing fields on a terminal)')
    .option('--id <id>', 'external id (default: made up, C000123)')
    .option('--name <name>', 'name (required)')
    .option('--company <company>', 'company')
    .option('--email <email>', 'e-mail')
    .option('--phone <phone>', 'phone')
    .option('--city <city>', 'city')
    .option('--region <region>', 'region or province')
    .option('--channel <channel>', 'how the customer was met')
    .option('--source <source>', 'the same as --channel: for a lead, where it came from (fair, web, referral, cold call, …)')
    .option('--kind <kind>', 'customer, lead or partner', 'customer')
    .option('--referred-by <partner>', 'the partner who referred this customer (id, e-mail or name)')
    .option('--owner <name>', 'salesperson in charge')
    .option('--tags <tags>', 'comma-separated tags')
    .option('--notes <text>', 'notes')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm customer add --name "李娜" --phone 13800138000 --city 杭州 --owner 王伟\n  $ crm customer add --name "赵敏" --kind lead --source fair --owner 李娜\n  $ crm customer add --name "周杰" --referred-by P0001\n  $ crm customer add            (asks on a terminal)')
    .action(async (flags: AddFlags) => addCustomerCommand(context, flags));

  customer
    .command('forget <customer>')
    .description('erase a person\'s personal data on request; orders stay as anonymous totals')
    .option('-y, --yes', 'do not ask (needed when not on a terminal)')
    .addHelpText('after', '\nExamples:\n  $ crm customer forget C0042\n  $ crm customer forget anna@example.com --yes')
    .action(async (reference: string, flags: { yes?: boolean }) => {
      const { forgetCustomerCommand } = await import('../forget.js');
      await forgetCustomerCommand(context, reference, flags);
    });

  withOutputOptions(
    customer
      .command('search <text>')
      .description('find customers by part of name, company, e-mail or phone')
      .option('--limit <n>', 'at most N results', '50')
      .addHelpText('after', '\nExamples:\n  $ crm customer search 张\n  $ crm customer search @example.com'),
  ).action(async (text: string, flags: OutputOptions & { limit: string }) => {
    if (text.trim() === '') throw new UsageError('crm customer search: give some text to look for (part of a name, company, e-mail or phone)');
    const { searchCustomers } = await import('../../db/customers.js');
    const { customerListReport } = await import('../../report/customers.js');
    const db = await context.openStore();
    const limit = parsePositiveInteger(flags.limit, '--limit', flagLimits.rows);
    const { rows, stoppedAt } = limited(await searchCustomers(db, text, limit + 1), limit);
    const options = { lang: context.lang(flags), stoppedAt, noun: 'matches' as const };
    await context.emit(customerListReport(rows, `Customers matching "${text}"`, options), flags);
    await sayLimit(context, flags, options);
  });

  registerCustomerMaintenance(customer, context);
}
