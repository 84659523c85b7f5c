// crm customer forget: pick the customer, confirm, erase, report.
import type { CliContext } from './context.js';

export async function forgetCustomerCommand(context: CliContext, reference: string, flags: { yes?: boolean }): Promise<void> {
  const { forgetCustomer } = await import('../db/forget.js');
  const { resolveCustomer } = await import('./resolve-customer.js');
  const { confirmOrRequireYes } = await import('./confirm.js');
  const { UsageError } = await import('../errors.js');
  const sql = await context.openStore();
  const { requireRole } = await import('../db/team.js');
  await requireRole(sql, 'manager', 'forget a customer');
  const customer = await resolveCustomer(context, sql, reference);
  const typed = reference.trim();
  const exact = typed === customer.external_id || typed === String(customer.id) || typed.toLowerCase() === customer.email?.toLowerCase();
  // A script must name the person exactly: part of a name is not enough for an erasure.
  if (!exact && !context.interactive) throw new UsageError(`"${reference}" is part of a name; name the customer to forget by id or e-mail (${customer.external_id})`);
  await confirmOrRequireYes(
    context,
    flags.yes,
    `Erase the personal data of ${customer.external_id} ${customer.name}? Orders stay, anonymously. This cannot be undone`,
  );
  const result = await forgetCustomer(sql, customer.id, context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (!result.finishing) {
    context.say(
      `forgot customer ${result.externalId}: name, company, e-mail, phone, notes and drop reason erased; ${result.interactionsCleared} interaction, ${result.complaintsCleared} complaint and ${result.paymentsCleared} payment texts cleared; ${result.ordersKept} orders kept anonymously\n`,
    );
  }
  if (!result.scrubbed) {
    // The rows are erased, but the file still holds old copies: not done, so not exit 0.
    const { CrmError } = await import('../errors.js');
    throw new CrmError(
      `${result.externalId}: old copies of the erased data stay in ${sql.label} while another process is reading it (a report, export or dashboard?); when it has finished, run \`crm customer forget ${result.externalId} --yes\` again to finish erasing`,
    );
  }
  if (result.finishing) context.say(`finished forgetting customer ${result.externalId}: no old copies of the erased data remain in the database${sql.engine === 'sqlite' ? ' file' : ''}\n`);
  context.info('backups made before now still hold the old data; they expire with crm backup --keep');
}
