// Turns what the user typed (external id, internal id, e-mail, phone, part of a name) into one customer.
import type { CustomerRecord } from '../db/customers.js';
import { findCustomerCandidates } from '../db/customers.js';
import type { Db } from '../db/open.js';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

export function describeCandidate(customer: CustomerRecord): string {
  const extra = [customer.company, customer.city, customer.email, customer.phone].filter(Boolean).join(', ');
  return `${customer.external_id}  ${customer.name}${extra ? `  (${extra})` : ''}`;
}

/** One customer, or: none → exit 2; several → a pick on a terminal, else exit 2 with the candidates on stderr. */
export async function resolveCustomer(context: CliContext, db: Db, reference: string): Promise<CustomerRecord> {
  const candidates = findCustomerCandidates(db, reference.trim());
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new UsageError(`no customer matches "${reference}" (try \`crm customer search ${JSON.stringify(reference)}\`)`);
  if (context.interactive) {
    const { askChoice } = await import('../ui/prompts.js');
    const id = await askChoice(
      context.io,
      `"${reference}" matches ${candidates.length} customers; which one?`,
      candidates.map((candidate) => ({ name: describeCandidate(candidate), value: String(candidate.id) })),
    );
    return candidates.find((candidate) => String(candidate.id) === id)!;
  }
  throw new UsageError(
    `"${reference}" matches ${candidates.length} customers; name one by its id`,
    candidates.map(describeCandidate),
  );
}
