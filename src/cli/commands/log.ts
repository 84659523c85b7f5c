// crm log CUSTOMER: record a call, visit, e-mail, message, meeting or note, with an optional follow-up date.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { loggableKinds, type LoggableKind } from '../../db/interactions.js';
import type { CliContext } from '../context.js';

interface LogFlags {
  kind?: string;
  summary?: string;
  outcome?: string;
  owner?: string;
  at?: string;
  followUp?: string;
  campaign?: string;
  format: 'table' | 'json';
}

function checkKind(raw: string): LoggableKind {
  const kind = raw.trim().toLowerCase();
  if ((loggableKinds as readonly string[]).includes(kind)) return kind as LoggableKind;
  const hint = kind === 'complaint' ? ' (open a complaint with `crm complaint open`)' : '';
  throw new UsageError(`--kind: "${raw}" is not one of ${loggableKinds.join(', ')}${hint}`);
}

async function logCommand(context: CliContext, reference: string | undefined, flags: LogFlags): Promise<void> {
  const { nowIso, requireDateTime, requireFollowUpDate, requireText } = await import('../daily-values.js');
  const today = context.today();
  // Every value given is checked before anything is asked or written.
  let kind = flags.kind === undefined ? undefined : checkKind(flags.kind);
  let summary = flags.summary === undefined ? undefined : requireText(flags.summary, '--summary');
  const occurredAt = flags.at === undefined ? nowIso(context) : requireDateTime(flags.at, '--at', context);
  let followUp = flags.followUp === undefined ? null : requireFollowUpDate(flags.followUp, today, '--follow-up');
  const missing = [reference === undefined ? 'CUSTOMER' : null, kind ? null : '--kind', summary ? null : '--summary'].filter(Boolean);
  if (missing.length && !context.interactive) {
    throw new UsageError(`missing ${missing.join(', ')} (give ${missing.length > 1 ? 'them' : 'it'}, or run on a terminal to be asked)`);
  }
  const db = await context.openStore();
  let campaign: { id: number; name: string; started_on: string } | null = null;
  if (flags.campaign !== undefined) {
    const { campaignByName } = await import('../../db/campaigns.js');
    const found = await campaignByName(db, flags.campaign.trim());
    if (!found) throw new UsageError(`--campaign: no campaign "${flags.campaign}" (see crm campaign list)`);
    campaign = found;
  }
  const prompts = missing.length ? await import('../../ui/prompts.js') : null;
  let customerReference = reference;
  if (customerReference === undefined && prompts) {
    customerReference = await prompts.askText(context.io, 'Customer (id, name, e-mail or phone)', { required: true });
  }
  const { resolveCustomer } = await import('../resolve-customer.js');
  const customer = await resolveCustomer(context, db, customerReference!);
  if (prompts) {
    if (!kind) kind = await prompts.askChoice(context.io, 'Kind of contact', loggableKinds.map((value) => ({ name: value, value })));
    if (!summary) summary = (await prompts.askText(context.io, 'Summary', { required: true })).trim();
    if (flags.followUp === undefined) {
      const { resolveFollowUpDate, followUpDateHint } = await import('../../util/follow-up-dates.js');
      const answer = await prompts.askText(context.io, 'Follow-up date (optional: 2026-12-01, +3d, next-monday)', {
        validate: (value) => value.trim() === '' || resolveFollowUpDate(value, today) !== null || `use ${followUpDateHint}`,
      });
      followUp = answer.trim() === '' ? null : requireFollowUpDate(answer, today, 'follow-up');
    }
  }
  const { isoWithOffset, localDayOf } = await import('../../util/zone.js');
  // The contact's day is its day on the shop's clock, as "today" and the follow-up date are.
  const contactDay = localDayOf(occurredAt, context.zone());
  if (followUp !== null && followUp < contactDay) {
    throw new UsageError(`--follow-up: ${followUp} is before the contact itself (${contactDay})`);
  }
  if (campaign) {
    // The check step compares the contacted with the held-out: contacting a control customer spoils it (the contact is still logged).
    const { campaignGroupOf } = await import('../../db/campaigns.js');
    const group = await campaignGroupOf(db, campaign.id, customer.id);
    if (group === 'control') {
      context.info(`warning: ${customer.name} (${customer.external_id}) is in the control group of campaign "${campaign.name}": contacting them spoils the comparison (logged anyway)`);
    } else if (group === null) {
      context.info(`warning: ${customer.name} (${customer.external_id}) is not in campaign "${campaign.name}": the contact is logged but counts in neither group`);
    }
    if (contactDay < campaign.started_on) {
      context.info(`warning: the contact (${contactDay}) is before campaign "${campaign.name}" started (${campaign.started_on}): it is logged but does not count as contacted for it`);
    }
  }
  const { addInteraction } = await import('../../db/interactions.js');
  const logged = await addInteraction(
    db,
    {
      customer_id: customer.id, kind: kind!, occurred_at: occurredAt, summary: summary!, outcome: flags.outcome?.trim() || null,
      owner: flags.owner?.trim() || customer.owner, follow_up_at: followUp, campaign_id: campaign?.id ?? null,
    },
    nowIso(context),
  );
  if (flags.format === 'json') {
    context.io.stdout.write(
      JSON.stringify({ id: logged.id, customer_id: customer.external_id, kind: logged.kind, occurred_at: isoWithOffset(logged.occurred_at, context.zone()), follow_up_at: logged.follow_up_at }) + '\n',
    );
  } else {
    const due = logged.follow_up_at ? `; follow-up due ${logged.follow_up_at}` : '';
    context.say(`logged ${logged.kind} #${logged.id} with ${customer.name} (${customer.external_id})${due}`);
  }
}

export function registerLog(program: Command, context: CliContext): void {
  program
    .command('log [customer]')
    .description('log a contact with a customer (call, visit, e-mail, message, meeting, note) and its follow-up')
    .option('-k, --kind <kind>', `kind of contact: ${loggableKinds.join(', ')}`)
    .option('-s, --summary <text>', 'what was said or done')
    .option('--outcome <text>', 'what came of it')
    .option('--owner <name>', "who made the contact (default: the customer's owner)")
    .option('--at <datetime>', "when it happened, on the shop's clock (--tz; default: now), e.g. 2026-11-20 or '2026-11-20 15:30'")
    .option('--follow-up <date>', 'when to contact again: 2026-12-01, tomorrow, +3d, +2w, +1m, next-monday')
    .option('--campaign <name>', 'the campaign this contact is for (warns when the customer is in its control group)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
A customer is named by id, e-mail, phone or a unique part of the name. On a terminal,
missing values are asked for; in a script they are an error (exit 2).
Examples:
  $ crm log C0001 --kind call --summary "asked for the autumn price list" --follow-up +3d
  $ crm log 高建国 --kind visit --summary "tasting at the shop" --outcome "ordered 2 gift boxes" --follow-up next-monday
  $ crm log C0042 --kind call --summary "autumn offer" --campaign win-back-autumn
  $ crm log                      (asks for customer, kind, summary and follow-up on a terminal)`,
    )
    .action(async (reference: string | undefined, flags: LogFlags) => logCommand(context, reference, flags));
}
