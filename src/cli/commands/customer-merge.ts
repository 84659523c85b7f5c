// crm customer duplicates and crm customer merge KEEP OTHER: find and join records of the same customer.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

export function registerCustomerMerge(customer: Command, context: CliContext): void {
  withOutputOptions(
    customer
      .command('duplicates')
      .description('groups of customers that are probably the same: same e-mail or phone, or very similar names in one city')
      .addHelpText('after', '\nE-mails are compared in lower case, phones by their digits (without +86/0086 or an extension),\nnames ignoring case, width, spaces, punctuation and word order. One row per group of linked customers.\nExamples:\n  $ crm customer duplicates\n  $ crm customer duplicates --format csv --output duplicates.csv'),
  ).action(async (flags: OutputOptions) => {
    const { duplicateCandidateBatches, duplicateCandidateCount, duplicateMembers } = await import('../../db/merge.js');
    const { duplicatesOf, duplicatesReport } = await import('../../report/duplicates.js');
    const db = await context.openStore();
    // The customers are read a pass at a time and linked in typed arrays; the members of each batch of groups are read
    // as its rows are written: never all held.
    const found = await duplicatesOf(await duplicateCandidateCount(db), () => duplicateCandidateBatches(db));
    await context.emit(duplicatesReport({ found, membersOf: (ids) => duplicateMembers(db, ids) }, context.lang(flags)), flags);
  });

  customer
    .command('merge <keep> <other>')
    .description("move OTHER's orders, interactions, payments, surveys and complaints to KEEP, fill KEEP's empty fields, delete OTHER")
    .option('-y, --yes', 'do not ask (needed when not on a terminal)')
    .addHelpText('after', '\nAll in one transaction: either everything moves or nothing changes.\nExamples:\n  $ crm customer merge C0002 C0146            (asks on a terminal)\n  $ crm customer merge C0002 C0146 --yes      (in a script)')
    .action(async (keepReference: string, otherReference: string, flags: { yes?: boolean }) => {
      const { nowIso } = await import('../daily-values.js');
      const { historyCounts } = await import('../../db/customer-file.js');
      const { mergePlan } = await import('../../analysis/merge-plan.js');
      const { describeHistory } = await import('./customer-maintenance.js');
      const db = await context.openStore();
      const { resolveCustomer } = await import('../resolve-customer.js');
      const keep = await resolveCustomer(context, db, keepReference);
      const other = await resolveCustomer(context, db, otherReference);
      if (keep.id === other.id) throw new UsageError(`KEEP and OTHER are the same customer (${keep.external_id}); nothing to merge`);
      if ((keep.kind === 'partner') !== (other.kind === 'partner')) {
        // A partner's referrals move to KEEP, and a customer's orders would become a partner's (left out of every
        // customer analysis): the two records cannot be the same contact as they stand.
        const [partner, contact] = keep.kind === 'partner' ? [keep, other] : [other, keep];
        throw new UsageError(
          `${partner.external_id} ${partner.name} is a partner and ${contact.external_id} ${contact.name} is a ${contact.kind}: merge only contacts of one kind (change one with crm customer edit … --kind)`,
        );
      }
      const filled = Object.keys(mergePlan(keep, other).fill);
      const what = `${other.external_id} ${other.name} into ${keep.external_id} ${keep.name}: moves ${describeHistory(await historyCounts(db, other.id))}` +
        `${filled.length ? `, fills ${filled.join(', ')}` : ''}, then deletes ${other.external_id}`;
      if (!flags.yes) {
        if (!context.interactive) throw new UsageError(`crm customer merge would merge ${what}; add --yes to confirm (nothing was changed)`);
        const { askConfirm } = await import('../../ui/prompts.js');
        if (!(await askConfirm(context.io, `Merge ${what}?`))) {
          // A declined confirmation is exit 1, as for forget, restore and undo (README "Exit codes").
          const { CrmError } = await import('../../errors.js');
          throw new CrmError('cancelled; nothing was changed');
        }
      }
      const { mergeCustomers } = await import('../../db/merge.js');
      const result = await mergeCustomers(db, keep, other, nowIso(context));
      context.say(
        `merged ${other.external_id} into ${keep.external_id}: moved ${describeHistory(result.moved)}${result.filled.length ? `; filled ${result.filled.join(', ')}` : ''}; ` +
          `${keep.external_id} now has ${describeHistory(result.keepAfter)}\n`,
      );
    });
}
