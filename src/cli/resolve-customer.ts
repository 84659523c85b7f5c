// Turns what the user typed (external id, internal id, e-mail, phone, part of a name) into one customer.
import type { CustomerRecord } from '../db/customers.js';
import { customerByAlias, findCustomerCandidates } from '../db/customers.js';
import type { Sql } from '../db/engine/sql.js';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

export function describeCandidate(customer: CustomerRecord): string {
  const extra = [customer.company, customer.city, customer.email, customer.phone].filter(Boolean).join(', ');
  return `${customer.external_id}  ${customer.name}${extra ? `  (${extra})` : ''}`;
}

/** One customer, or: none → exit 2; several → a pick on a terminal, else exit 2 with the candidates on stderr. */
const MAX_CANDIDATES = 20;

export async function resolveCustomer(context: Pick<CliContext, 'interactive' | 'io' | 'info'>, sql: Sql, reference: string): Promise<CustomerRecord> {
  if (reference.trim() === '') throw new UsageError('the customer reference is empty (give an id, e-mail, phone or part of the name)');
  const found = await findCustomerCandidates(sql, reference.trim(), MAX_CANDIDATES + 1);
  if (found.length === 1) {
    const customer = found[0]!;
    // A merged id names the customer it was merged into: say so, the user typed the old one.
    if (customer.external_id !== reference.trim() && (await customerByAlias(sql, reference.trim()))?.id === customer.id) {
      context.info(`note: ${reference.trim()} was merged into ${customer.external_id}`);
    }
    return customer;
  }
  // An external id is what people and other systems use: it wins over an internal id with the same digits.
  const byExternalId = found.filter((candidate) => candidate.external_id === reference.trim());
  if (byExternalId.length === 1) return byExternalId[0]!;
  if (found.length === 0) throw new UsageError(`no customer matches "${reference}" (try \`crm customer search ${JSON.stringify(reference)}\`)`);
  const candidates = found.slice(0, MAX_CANDIDATES);
  const howMany = found.length > MAX_CANDIDATES ? `more than ${MAX_CANDIDATES}` : String(found.length);
  if (context.interactive) {
    const { askChoice } = await import('../ui/prompts.js');
    const id = await askChoice(
      context.io,
      `"${reference}" matches ${howMany} customers; which one?`,
      candidates.map((candidate) => ({ name: describeCandidate(candidate), value: String(candidate.id) })),
    );
    return candidates.find((candidate) => String(candidate.id) === id)!;
  }
  throw new UsageError(
    `"${reference}" matches ${howMany} customers; name one by its id${found.length > MAX_CANDIDATES ? ` (the first ${MAX_CANDIDATES} are listed)` : ''}`,
    candidates.map(describeCandidate),
  );
}

/** A contact who must be a partner (--referred-by): any other kind is a usage error. */
export async function resolvePartner(context: Pick<CliContext, 'interactive' | 'io' | 'info'>, sql: Sql, reference: string, flag: string): Promise<CustomerRecord> {
  const found = await resolveCustomer(context, sql, reference);
  if (found.kind !== 'partner') {
    throw new UsageError(`${flag} ${reference}: ${found.external_id} ${found.name} is a ${found.kind}, not a partner (make it one with crm customer edit ${found.external_id} --kind partner)`);
  }
  return found;
}
