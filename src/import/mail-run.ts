// crm import mail: an mbox file or a folder of .eml files onto the customers' files as e-mail interactions, in one
// transaction (all or nothing), recorded in the run log so that crm import undo takes it back.
//
// The rules (README "crm import mail"):
// - A message is filed on every customer whose e-mail is in its From, To or Cc (without case): in when the customer
//   is in From (they wrote to the shop), out when in To or Cc. One message naming two customers is filed on each.
// - Its key is "mail:<customer id>:<Message-ID>" (or a hash of From, To, Cc, Date and Subject when it has none), so a
//   message already filed on that customer (an earlier run, or a copy earlier in the same mailbox, or on a customer
//   merged into it since) adds nothing.
// - Date: the Date header, else the newest Received header's date, else the mbox From_ line's time (read as UTC).
// - Summary: the subject (without one, the first line of the text); the attachments' names go into outcome
//   ("attachments: a.pdf, b.jpg"); bodies are not kept.
// - A message that names no customer is unmatched: its addresses are listed (top N), except the shop's own: those
//   named with --me, and those the matched messages show on the shop's side (the To of a message a customer sent, the
//   From of one sent to a customer). --create-leads makes a lead of each listed address and files the messages there.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Sql } from '../db/engine/sql.js';
import { ImportSession } from '../db/import-writer.js';
import { previousRunOfContent } from '../db/import-store.js';
import {
  addMailInteraction, addMailLead, CustomersByEmail, mailFiled, mailInteractionKey, type MailCustomer,
} from '../db/mail-store.js';
import { mailSourceKind, parseMail, rawMails, type MailAddress, type MailMessage } from './mail.js';

export interface MailImportOptions {
  file: string;
  dryRun?: boolean;
  createLeads?: boolean;
  /** The shop's own addresses (--me): never listed as unmatched, never made leads. */
  me?: string[];
  /** How many unmatched addresses the summary lists. */
  top?: number;
  /** Owner of the leads --create-leads makes (db/team.ts ownerOfNewCustomers). */
  leadOwner?: string | null;
  now?: () => Date;
  /** Bytes of an mbox read so far, and its size (a progress bar). */
  onProgress?: (read: number, total: number) => void;
}

export interface UnmatchedAddress {
  address: string;
  name: string;
  messages: number;
}

export interface MailSummary {
  file: string;
  source: 'mbox' | 'folder' | 'eml';
  runId: number | null;
  dryRun: boolean;
  messages: number;
  /** Messages that named at least one customer. */
  matched: number;
  /** E-mail interactions this run filed (on customers, and on leads it made). */
  interactionsNew: number;
  /** Filings already there (imported before, or the same message again in this mailbox). */
  interactionsExisting: number;
  unmatched: number;
  /** How many different addresses the unmatched messages hold (without the shop's own). */
  unmatchedAddressCount: number;
  /** The most frequent of them, most messages first. */
  unmatchedAddresses: UnmatchedAddress[];
  leadsCreated: number;
  /** Filings whose outcome names attachments. */
  withAttachments: number;
  withoutMessageId: number;
  /** Messages dated from Received or the mbox From_ line, for want of a Date header. */
  datedWithoutDateHeader: number;
  /** The shop's own addresses as found (--me and the matched messages' shop side). */
  shopAddresses: string[];
  sameContentAsRun: number | null;
  elapsedMs: number;
}

/** An unmatched message kept for --create-leads (only what filing it needs). */
interface Pending {
  message: MailMessage;
  addresses: string[];
}

/** Messages whose addresses are looked up together. */
const MESSAGES_PER_LOOKUP = 200;

const attachmentsNote = (names: readonly string[]): string | null => (names.length === 0 ? null : `attachments: ${names.join(', ')}`);

/** A lead's name from a message: the display name, else the part of the address before "@". */
function leadName(address: UnmatchedAddress): string {
  return address.name !== '' ? address.name : address.address.slice(0, address.address.indexOf('@'));
}

export async function importMail(sql: Sql, options: MailImportOptions): Promise<MailSummary> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const startedMs = Date.now();
  const source = await mailSourceKind(options.file);
  const me = new Set((options.me ?? []).map((address) => address.trim().toLowerCase()).filter((address) => address !== ''));
  const summary: MailSummary = {
    file: options.file, source, runId: null, dryRun: options.dryRun ?? false, messages: 0, matched: 0, interactionsNew: 0,
    interactionsExisting: 0, unmatched: 0, unmatchedAddressCount: 0, unmatchedAddresses: [], leadsCreated: 0, withAttachments: 0,
    withoutMessageId: 0, datedWithoutDateHeader: 0, shopAddresses: [], sameContentAsRun: null, elapsedMs: 0,
  };
  const session = new ImportSession(sql, started);
  await session.begin();
  try {
    const customers = await CustomersByEmail.open(sql);
    const shopSide = new Set<string>(me);
    const unmatched = new Map<string, UnmatchedAddress>();
    const pending: Pending[] = [];
    const hash = createHash('sha256');

    const fileOn = async (message: MailMessage, customer: MailCustomer, direction: 'in' | 'out'): Promise<void> => {
      if (await mailFiled(session, customer, message.key)) {
        summary.interactionsExisting += 1;
        return;
      }
      const key = mailInteractionKey(customer.externalId, message.key);
      const outcome = attachmentsNote(message.attachments);
      await addMailInteraction(session, { key, customerId: customer.id, occurredAt: message.occurredAt, summary: message.subject, outcome, direction });
      summary.interactionsNew += 1;
      if (outcome !== null) summary.withAttachments += 1;
    };

    // Messages are taken a chunk at a time: the customers their addresses name are looked up together.
    let chunk: MailMessage[] = [];
    const fileChunk = async (): Promise<void> => {
      const messages = chunk;
      chunk = [];
      await customers.load(messages.flatMap((message) => [...message.from, ...message.recipients, ...message.to].map((item) => item.address)));
      for (const message of messages) await fileMessage(message);
    };
    const fileMessage = async (message: MailMessage): Promise<void> => {
      summary.messages += 1;
      if (!message.hasMessageId) summary.withoutMessageId += 1;
      if (message.dateFrom !== 'date') summary.datedWithoutDateHeader += 1;
      // Each customer once per message: in when they are in From, else out.
      const found = new Map<number, { customer: MailCustomer; direction: 'in' | 'out' }>();
      const note = (addresses: readonly MailAddress[], direction: 'in' | 'out'): void => {
        for (const { address } of addresses) {
          for (const customer of customers.get(address) ?? []) if (!found.has(customer.id)) found.set(customer.id, { customer, direction });
        }
      };
      note(message.from, 'in');
      note(message.recipients, 'out');
      if (found.size > 0) {
        summary.matched += 1;
        const directions = new Set([...found.values()].map((item) => item.direction));
        // The other side of a message with a customer is the shop's (whoever is no customer there): the To of a message
        // a customer wrote (not its Cc: that may be the customer's colleague), the From of one written to a customer.
        if (directions.has('in')) for (const { address } of message.to) if (!customers.has(address)) shopSide.add(address);
        if (directions.has('out')) for (const { address } of message.from) if (!customers.has(address)) shopSide.add(address);
        for (const { customer, direction } of found.values()) await fileOn(message, customer, direction);
      } else {
        summary.unmatched += 1;
        const addresses = [...new Set([...message.from, ...message.recipients].map((item) => item.address))];
        for (const item of [...message.from, ...message.recipients]) {
          const known = unmatched.get(item.address);
          if (known === undefined) unmatched.set(item.address, { address: item.address, name: item.name, messages: 0 });
          else if (known.name === '' && item.name !== '') known.name = item.name;
        }
        for (const address of addresses) unmatched.get(address)!.messages += 1;
        if (options.createLeads) pending.push({ message, addresses });
      }
    };
    for await (const raw of rawMails(options.file, source, hash, options.onProgress)) {
      chunk.push(await parseMail(options.file, raw));
      if (chunk.length >= MESSAGES_PER_LOOKUP) await fileChunk();
    }
    await fileChunk();

    // Most messages first, then the address (a stable order); the shop's own addresses are not "unmatched".
    const listed = [...unmatched.values()]
      .filter((item) => !shopSide.has(item.address))
      .sort((a, b) => b.messages - a.messages || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    summary.unmatchedAddressCount = listed.length;
    summary.unmatchedAddresses = listed.slice(0, options.top ?? 10);
    summary.shopAddresses = [...shopSide].sort();

    if (options.createLeads && listed.length > 0) {
      const leads = new Map<string, MailCustomer>();
      for (const address of listed) {
        leads.set(address.address, await addMailLead(session, { name: leadName(address), email: address.address, owner: options.leadOwner ?? null }));
        summary.leadsCreated += 1;
      }
      for (const { message, addresses } of pending) {
        const from = new Set(message.from.map((item) => item.address));
        for (const address of addresses) {
          const lead = leads.get(address);
          if (lead !== undefined) await fileOn(message, lead, from.has(address) ? 'in' : 'out');
        }
      }
    }

    const contentHash = hash.digest('hex');
    summary.sameContentAsRun = (await previousRunOfContent(sql, 'mail', contentHash)) ?? null;
    summary.elapsedMs = Date.now() - startedMs;
    if (summary.dryRun) {
      await session.rollback();
      return summary;
    }
    summary.runId = await session.commit({
      kind: 'mail', fileName: path.resolve(options.file), contentHash, startedAt: started.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      finishedAt: now().toISOString().replace(/\.\d{3}Z$/, 'Z'), rowsRead: summary.messages, rowsNew: summary.interactionsNew, rowsChanged: 0,
      rowsUnchanged: summary.interactionsExisting, rowsRejected: 0, customersCreated: summary.leadsCreated,
      options: { create_leads: options.createLeads ?? false, me: [...me].sort() },
    });
    return summary;
  } catch (error) {
    await session.rollback();
    throw error;
  }
}
