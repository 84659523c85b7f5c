// crm import contacts: which customer each contact is, and what it changes (README "crm import contacts"). Plain data
// in, plain data out: the contacts of one file, and the customers holding any of their e-mails or phones.
//
// The rules:
// - A contact is matched by e-mail (normalised: trimmed, lower case) or phone (digits only, without +86/0086 and
//   an extension), against customers of every kind (leads included). No match: a new customer (or lead).
// - When several customers hold its e-mails or phones, the one a crm export names in the card's UID wins, else the
//   one holding most of them (e-mails before phones on a tie); still a tie is a problem: the customers are probably
//   one person (crm customer duplicates, crm customer merge).
// - A match fills the customer's empty fields; --overwrite replaces fields that differ. An e-mail or phone the
//   customer already holds among the contact's counts as the same. An e-mail or phone another of the candidates holds
//   is not copied (it would make the two customers ambiguous for the next import).
// - Two contacts of one file matching the same customer, or a new contact sharing an e-mail or phone with another
//   contact of the file, are problems: the file is refused (all-or-nothing; nothing silently merged).
// - A contact with neither e-mail nor phone has nothing to be matched by: it is skipped (importing it again would make
//   a second customer), and so is an empty card.
import { crmIdOfUid, type Contact } from '../import/contacts.js';
import { normaliseEmail, normalisePhone } from './duplicates.js';
import type { CustomerRecord } from '../db/customers.js';

export const contactFields = ['name', 'company', 'email', 'phone', 'city', 'region', 'notes'] as const;
export type ContactField = (typeof contactFields)[number];

/** What matching reads of a stored customer: the contact fields, the ids and the kind (db/customers.ts CustomerRecord). */
export type StoredCustomer = Pick<CustomerRecord, 'id' | 'external_id' | 'kind' | ContactField>;

export interface FieldChange {
  field: ContactField;
  old: string | null;
  new: string;
}

export type ContactOutcome =
  | { outcome: 'new'; contact: Contact; values: Record<ContactField, string | null> }
  | { outcome: 'merged'; contact: Contact; customer: StoredCustomer; changes: FieldChange[]; kept: string[] }
  | { outcome: 'unchanged'; contact: Contact; customer: StoredCustomer; kept: string[] }
  | { outcome: 'skipped'; contact: Contact; reason: string };

export interface ContactPlan {
  outcomes: ContactOutcome[];
  /** Why the file cannot be imported as it is, each naming its cards or lines. */
  problems: string[];
}

/** The contact's value for a field: the preferred e-mail and phone, the rest as read. */
function contactValue(contact: Contact, field: ContactField): string | null {
  if (field === 'email') return contact.emails[0] ?? null;
  if (field === 'phone') return contact.phones[0] ?? null;
  return contact[field]?.trim() || null;
}

const label = (contact: Contact): string => (contact.name ? `${contact.where} (${contact.name})` : contact.where);
const describe = (customer: StoredCustomer): string => `${customer.external_id} (${customer.name})`;

interface Candidate {
  customer: StoredCustomer;
  emails: number;
  phones: number;
}

/** Plans the import of CONTACTS against CUSTOMERS (every customer holding one of their e-mails or phones). */
export function planContacts(contacts: readonly Contact[], customers: readonly StoredCustomer[], options: { overwrite: boolean }): ContactPlan {
  const byEmail = new Map<string, StoredCustomer[]>();
  const byPhone = new Map<string, StoredCustomer[]>();
  const add = (map: Map<string, StoredCustomer[]>, key: string | null, customer: StoredCustomer): void => {
    if (key === null) return;
    const list = map.get(key);
    if (list) {
      if (!list.includes(customer)) list.push(customer);
    } else map.set(key, [customer]);
  };
  for (const customer of customers) {
    add(byEmail, normaliseEmail(customer.email), customer);
    add(byPhone, normalisePhone(customer.phone), customer);
  }
  const problems: string[] = [];
  const outcomes: ContactOutcome[] = [];
  const matchedBy = new Map<number, Contact[]>();
  const keyHolders = new Map<string, Contact[]>();

  for (const contact of contacts) {
    if (contact.emailKeys.length === 0 && contact.phoneKeys.length === 0) {
      const empty = contact.name === null && contact.company === null && contact.notes === null;
      outcomes.push({ outcome: 'skipped', contact, reason: empty ? 'empty' : 'no e-mail or phone to match by' });
      continue;
    }
    for (const key of [...contact.emailKeys.map((email) => `e-mail ${email}`), ...contact.phoneKeys.map((phone) => `phone ${phone}`)]) {
      keyHolders.set(key, [...(keyHolders.get(key) ?? []), contact]);
    }
    const candidates = new Map<number, Candidate>();
    const note = (customer: StoredCustomer, kind: 'emails' | 'phones'): void => {
      const candidate = candidates.get(customer.id) ?? { customer, emails: 0, phones: 0 };
      candidate[kind] += 1;
      candidates.set(customer.id, candidate);
    };
    for (const email of contact.emailKeys) for (const customer of byEmail.get(email) ?? []) note(customer, 'emails');
    for (const phone of contact.phoneKeys) for (const customer of byPhone.get(phone) ?? []) note(customer, 'phones');
    const list = [...candidates.values()];
    if (list.length === 0) {
      const values = Object.fromEntries(contactFields.map((field) => [field, contactValue(contact, field)])) as Record<ContactField, string | null>;
      values.name ??= contact.company ?? contact.emails[0] ?? contact.phones[0]!;
      outcomes.push({ outcome: 'new', contact, values });
      continue;
    }
    const chosen = pick(list, crmIdOfUid(contact.uid));
    if (chosen === null) {
      const shown = list.map((candidate) => `${describe(candidate.customer)} by ${candidate.emails ? 'e-mail' : 'phone'}`).join(', ');
      problems.push(`${label(contact)} matches ${list.length} customers: ${shown}; merge them first (crm customer merge) or correct the contact`);
      continue;
    }
    matchedBy.set(chosen.id, [...(matchedBy.get(chosen.id) ?? []), contact]);
    outcomes.push(fill(contact, chosen, list.map((candidate) => candidate.customer).filter((customer) => customer !== chosen), options.overwrite));
  }

  for (const [, same] of matchedBy) {
    if (same.length < 2) continue;
    const customer = (outcomes.find((outcome) => outcome.contact === same[0]) as { customer: StoredCustomer }).customer;
    problems.push(`${same.map(label).join(' and ')} all match customer ${describe(customer)}: the same person twice? keep one of them in the file`);
  }
  const isNew = new Set(outcomes.filter((outcome) => outcome.outcome === 'new').map((outcome) => outcome.contact));
  for (const [key, holders] of keyHolders) {
    if (holders.length < 2 || !holders.some((holder) => isNew.has(holder))) continue;
    problems.push(`${holders.map(label).join(' and ')} have the same ${key}: the same person twice? keep one of them in the file`);
  }
  return { outcomes, problems };
}

/** The customer a contact is, among several: named by crm's UID, else the one holding most of its e-mails and phones. */
function pick(candidates: Candidate[], crmId: string | null): StoredCustomer | null {
  if (candidates.length === 1) return candidates[0]!.customer;
  const named = candidates.find((candidate) => candidate.customer.external_id === crmId);
  if (named) return named.customer;
  const score = (candidate: Candidate): number => (candidate.emails + candidate.phones) * 1000 + candidate.emails;
  const sorted = [...candidates].sort((a, b) => score(b) - score(a));
  return score(sorted[0]!) > score(sorted[1]!) ? sorted[0]!.customer : null;
}

/** What a matched contact changes in CUSTOMER: empty fields filled, differing ones replaced under --overwrite. */
function fill(contact: Contact, customer: StoredCustomer, others: StoredCustomer[], overwrite: boolean): ContactOutcome {
  const changes: FieldChange[] = [];
  const kept: string[] = [];
  for (const field of contactFields) {
    const value = contactValue(contact, field);
    if (value === null) continue;
    const old = customer[field];
    const empty = old === null || old.trim() === '';
    if (!empty) {
      if (sameValue(field, old, contact, value) || !overwrite) continue;
    }
    if (field === 'email' || field === 'phone') {
      const keyOf = field === 'email' ? normaliseEmail : normalisePhone;
      const holder = others.find((other) => keyOf(other[field]) === keyOf(value));
      if (holder) {
        kept.push(`${field} ${value} not copied: customer ${describe(holder)} has it too`);
        continue;
      }
    }
    changes.push({ field, old, new: value });
  }
  return changes.length ? { outcome: 'merged', contact, customer, changes, kept } : { outcome: 'unchanged', contact, customer, kept };
}

/** Whether a stored value is the contact's: an e-mail or phone among the contact's (normalised), other text as written. */
function sameValue(field: ContactField, old: string, contact: Contact, value: string): boolean {
  if (field === 'email') return contact.emailKeys.includes(normaliseEmail(old) ?? '');
  if (field === 'phone') return contact.phoneKeys.includes(normalisePhone(old) ?? '');
  return old.trim() === value;
}
