// crm customer edit and crm customer rm: change or remove one customer (rm asks on a terminal, needs --yes in scripts).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { editableFields, type CustomerChanges, type EditableField } from '../../db/customer-changes.js';
import type { CustomerRecord } from '../../db/customers.js';
import type { HistoryCounts } from '../../db/customer-file.js';
import type { CliContext } from '../context.js';
import { registerCustomerMerge } from './customer-merge.js';

type EditFlags = Partial<Record<EditableField, string>> & { source?: string; referredBy?: string };

/** "12 orders, 3 interactions, …" for confirmations and reports. */
export function describeHistory(counts: HistoryCounts): string {
  const parts = (Object.entries(counts) as [string, number][]).map(([table, count]) => `${count} ${count === 1 ? table.replace(/s$/, '') : table}`);
  return parts.join(', ');
}

/** Checks and normalises one new value: trimmed, empty clears (except the name), e-mail and phone as the import checks them. */
async function checkedValue(field: EditableField, raw: string): Promise<string | null> {
  const value = raw.trim();
  if (value === '') {
    if (field === 'name' || field === 'status' || field === 'kind') throw new UsageError(`--${field}: cannot be empty`);
    return null;
  }
  if (field === 'kind') {
    const { contactKindOf } = await import('../../import/validate.js');
    const kind = contactKindOf(value);
    if (!kind) throw new UsageError(`--kind "${value}": not one of customer, lead, partner`);
    return kind;
  }
  if (field === 'email' || field === 'phone') {
    const { checkContactValue } = await import('../customer-values.js');
    return checkContactValue(field, value);
  }
  return value;
}

/** The edit prompt: pick a field, type its new value, repeat; "save" ends it. */
async function promptChanges(context: CliContext, customer: CustomerRecord): Promise<CustomerChanges> {
  const { askChoice, askText } = await import('../../ui/prompts.js');
  const changes: CustomerChanges = {};
  for (;;) {
    const current = (field: EditableField) => (field in changes ? changes[field] : customer[field]) ?? '';
    const choice = await askChoice<EditableField | 'save' | 'cancel'>(context.io, `Edit ${customer.name} (${customer.external_id}): which field?`, [
      ...editableFields.map((field) => ({ name: `${field.padEnd(8)} ${current(field)}${field in changes ? '   (changed)' : ''}`, value: field })),
      { name: 'save and finish', value: 'save' },
      { name: 'cancel (change nothing)', value: 'cancel' },
    ]);
    if (choice === 'save') return changes;
    if (choice === 'cancel') return {};
    const answer = await askText(context.io, `${choice} (Enter keeps it, "-" clears it)`, { default: current(choice) || undefined });
    try {
      changes[choice] = await checkedValue(choice, answer.trim() === '-' ? '' : answer);
    } catch (error) {
      context.info(`  ${(error as Error).message}`);
    }
  }
}

export function registerCustomerMaintenance(customer: Command, context: CliContext): void {
  const edit = customer
    .command('edit <customer>')
    .description('change a customer\'s fields (an empty value clears one); on a terminal without flags, an edit prompt')
    .addHelpText('after', '\nExamples:\n  $ crm customer edit C0001 --phone 13900139000 --city 深圳\n  $ crm customer edit C0001 --notes ""        (clears the notes)\n  $ crm customer edit C0001                   (the edit prompt, on a terminal)');
  for (const field of editableFields) edit.option(`--${field} <value>`, `new ${field}`);
  edit.option('--source <value>', 'the same as --channel: where the contact came from (fair, web, referral, …)');
  edit.option('--referred-by <partner>', 'the partner who referred this customer (id, e-mail or name; "" clears it)');
  edit.action(async (reference: string, flags: EditFlags) => {
    const { nowIso } = await import('../daily-values.js');
    if (flags.source !== undefined) {
      if (flags.channel !== undefined && flags.channel !== flags.source) throw new UsageError('--source and --channel name the same field (how the contact was met): give one');
      flags.channel = flags.source;
    }
    const given = editableFields.filter((field) => flags[field] !== undefined);
    if (given.length === 0 && flags.referredBy === undefined && !context.interactive) {
      throw new UsageError(`nothing to change: give one or more of ${[...editableFields.map((field) => `--${field}`), '--source', '--referred-by'].join(', ')}`);
    }
    let changes: CustomerChanges = {};
    for (const field of given) changes[field] = await checkedValue(field, flags[field]!);
    const db = await context.openStore();
    const { resolveCustomer } = await import('../resolve-customer.js');
    const found = await resolveCustomer(context, db, reference);
    let referrer: number | null | undefined;
    if (flags.referredBy !== undefined) {
      if (flags.referredBy.trim() === '') referrer = null;
      else {
        const { resolvePartner } = await import('../resolve-customer.js');
        const partner = await resolvePartner(context, db, flags.referredBy.trim(), '--referred-by');
        if (partner.id === found.id) throw new UsageError(`--referred-by ${flags.referredBy}: a contact cannot refer itself`);
        referrer = partner.id;
      }
    }
    if (given.length === 0 && referrer === undefined) changes = await promptChanges(context, found);
    if (changes.kind === 'lead' && found.kind !== 'lead') {
      // A lead has not bought yet: a contact with sales would be converted back by the next import anyway.
      const { customerTotals } = await import('../../db/customers.js');
      if ((await customerTotals(db, found.id)).orders > 0) throw new UsageError(`--kind lead: ${found.external_id} ${found.name} has orders; a lead is someone who has not bought yet`);
    }
    if (changes.kind !== undefined && changes.kind !== 'partner' && found.kind === 'partner') {
      // The customers it referred would name a contact that is no partner: crm report partners would lose them.
      const { referralCount } = await import('../../db/leads.js');
      const referred = await referralCount(db, found.id);
      if (referred > 0) {
        throw new UsageError(`--kind ${changes.kind}: ${found.external_id} ${found.name} is the partner who referred ${referred} customer${referred === 1 ? '' : 's'}; a referrer must stay a partner`);
      }
    }
    if (changes.owner !== undefined && db.engine === 'postgres') {
      // On a team, a salesperson keeps their own customers; passing one on is a manager's move (the server agrees).
      const { accessOf } = await import('../../db/team.js');
      const access = await accessOf(db);
      if (access.role === 'sales' && changes.owner !== access.name) {
        throw new UsageError(`${access.login} (sales) may not give ${found.external_id} to ${changes.owner || 'no one'}: a manager or the owner reassigns customers; nothing was changed`);
      }
    }
    const { updateCustomer } = await import('../../db/customer-changes.js');
    const changed: string[] = await updateCustomer(db, found, changes, nowIso(context));
    if (referrer !== undefined) {
      const { setReferrer } = await import('../../db/customer-changes.js');
      if (await setReferrer(db, found, referrer, nowIso(context))) changed.push('referred_by');
    }
    context.say(changed.length ? `updated ${found.external_id} ${found.name}: ${changed.join(', ')}\n` : `nothing changed for ${found.external_id} ${found.name}\n`);
  });

  customer
    .command('rm <customer>')
    .description('remove a customer with their orders, interactions, payments, surveys and complaints (asks first; --yes in scripts)')
    .option('-y, --yes', 'do not ask (needed when not on a terminal)')
    .addHelpText('after', '\nExamples:\n  $ crm customer rm C0199            (asks on a terminal)\n  $ crm customer rm C0199 --yes      (in a script)')
    .action(async (reference: string, flags: { yes?: boolean }) => {
      const { nowIso } = await import('../daily-values.js');
      const { historyCounts } = await import('../../db/customer-file.js');
      const db = await context.openStore();
      const { resolveCustomer } = await import('../resolve-customer.js');
      const found = await resolveCustomer(context, db, reference);
      const { campaignsOfCustomer } = await import('../../db/campaigns.js');
      const places = await campaignsOfCustomer(db, found.id);
      // A campaign's groups are fixed when it is created: removing a member changes its comparison, so say so.
      const campaigns = places.length ? ` and their place in campaign${places.length === 1 ? '' : 's'} ${places.map((place) => `${place.name} (${place.group})`).join(', ')}` : '';
      const { referralCount } = await import('../../db/leads.js');
      const referred = found.kind === 'partner' ? await referralCount(db, found.id) : 0;
      const referrals = referred ? ` (${referred} customer${referred === 1 ? '' : 's'} it referred lose${referred === 1 ? 's' : ''} their referrer)` : '';
      const what = `${found.external_id} ${found.name} with ${describeHistory(await historyCounts(db, found.id))}${campaigns}${referrals}`;
      if (!flags.yes) {
        if (!context.interactive) throw new UsageError(`crm customer rm would remove ${what}; add --yes to confirm (nothing was removed)`);
        const { askConfirm } = await import('../../ui/prompts.js');
        if (!(await askConfirm(context.io, `Remove ${what}? This cannot be undone.`))) {
          // A declined confirmation is exit 1, as for forget, restore and undo (README "Exit codes").
          const { CrmError } = await import('../../errors.js');
          throw new CrmError('cancelled; nothing was removed');
        }
      }
      const { removeCustomer } = await import('../../db/customer-changes.js');
      const removed = await removeCustomer(db, found, nowIso(context));
      context.say(`removed ${found.external_id} ${found.name} with ${describeHistory(removed)}${campaigns}${referrals}\n`);
    });

  registerCustomerMerge(customer, context);
}
