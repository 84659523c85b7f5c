// Reading mail for crm import mail: where the messages come from (an mbox file, a folder of .eml files, or one .eml
// file) and what crm takes from each (addresses, date, subject, attachment names, a key). MIME, encoded words
// (=?UTF-8?B?…?=, =?GB2312?B?…?=) and body charsets (GBK, …) are postal-mime's; the mbox framing is import/mbox.ts.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { DataRejectedError, UsageError } from '../errors.js';
import { fileErrorReason } from '../files/file-errors.js';
import { FIRST_YEAR, LAST_YEAR } from '../util/dates.js';
import { looksLikeMbox, splitMbox } from './mbox.js';

/** One message as read from the source, before parsing. */
export interface RawMail {
  /** Where it is, for messages: "message 3 (line 120)" in an mbox, the file name in a folder. */
  where: string;
  raw: Buffer;
  /** The mbox From_ line after "From " (sender and delivery time), null for .eml files. */
  envelope: string | null;
}

export interface MailAddress {
  /** Lower case (customers' e-mails are matched without case). */
  address: string;
  /** The display name as decoded ("张三"), or "". */
  name: string;
}

/** What crm takes from one message. */
export interface MailMessage {
  where: string;
  /** The Message-ID without its angle brackets, or "sha256:…" of the From, To, Cc, Date and Subject headers. */
  key: string;
  hasMessageId: boolean;
  /** UTC instant, to the second (as interactions.occurred_at). */
  occurredAt: string;
  /** Where the date came from: the Date header, else the newest Received header, else the mbox From_ line. */
  dateFrom: 'date' | 'received' | 'envelope';
  /** The Subject; without one, the first line of the text body (at most 80 characters); '' when neither has text. */
  subject: string;
  from: MailAddress[];
  /** To and Cc together (a customer there was written to). */
  recipients: MailAddress[];
  /** To alone (the shop, when a customer wrote: mail-run.ts learns the shop's addresses from it). */
  to: MailAddress[];
  /** File names of the attachments (inline images the HTML shows are not attachments). */
  attachments: string[];
}

export type MailSourceKind = 'mbox' | 'folder' | 'eml';

/** The source PATH names: an mbox file, a folder of .eml files, or one .eml file; anything else is refused (exit 3). */
export async function mailSourceKind(file: string): Promise<MailSourceKind> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    throw new UsageError(`${file}: cannot read it: ${fileErrorReason(error)}`);
  }
  if (stat.isDirectory()) {
    const names = await emlFiles(file);
    if (names.length === 0) throw new DataRejectedError(`${file}: a folder without .eml files: crm import mail reads an mbox file or a folder of .eml files; nothing was written`);
    return 'folder';
  }
  if (!stat.isFile()) throw new DataRejectedError(`${file}: not a file or folder; nothing was written`);
  const head = await readHead(file);
  if (looksLikeMbox(head)) return 'mbox';
  if (/\.eml$/i.test(file)) return 'eml';
  throw new DataRejectedError(
    `${file}: neither an mbox file (its first line does not start with "From ") nor a folder of .eml files; nothing was written`,
  );
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(5);
    const { bytesRead } = await handle.read(buffer, 0, 5, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw new UsageError(`${file}: cannot read it: ${fileErrorReason(error)}`);
  } finally {
    await handle.close();
  }
}

/** The .eml files of a folder, in name order (byte order: the same on every machine). */
async function emlFiles(folder: string): Promise<string[]> {
  const entries = await fs.promises.readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.eml$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

/**
 * The messages of the source, one at a time, with a hash of everything read (the run log's content hash: the same
 * mailbox imported twice is named as such). `hash.digest()` is valid once the iteration ended.
 */
export async function* rawMails(
  file: string, kind: MailSourceKind, hash: ReturnType<typeof createHash>, onBytes?: (read: number, total: number) => void,
): AsyncGenerator<RawMail> {
  if (kind === 'mbox') {
    const total = (await fs.promises.stat(file)).size;
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    let read = 0;
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hash.update(chunk);
        read += chunk.length;
        onBytes?.(read, total);
        yield chunk;
      }
    }
    for await (const message of splitMbox(hashed())) {
      yield { where: `message ${message.number} (line ${message.line})`, raw: message.raw, envelope: message.envelope };
    }
    return;
  }
  const names = kind === 'folder' ? await emlFiles(file) : [path.basename(file)];
  const folder = kind === 'folder' ? file : path.dirname(file);
  for (const name of names) {
    const raw = await fs.promises.readFile(path.join(folder, name));
    hash.update(`${name}\n${raw.length}\n`);
    hash.update(raw);
    yield { where: kind === 'folder' ? name : 'message 1', raw, envelope: null };
  }
}

/**
 * A header some Chinese mail programs write as raw GBK bytes instead of an encoded word: postal-mime reads bytes
 * that are not UTF-8 one character each (Latin-1). Such text (parseMail calls this only for a header whose raw bytes
 * are 8-bit in a header section that is not UTF-8) is read again in the charset the message declares, or GB18030
 * (GBK's superset) when it declares none, ASCII or UTF-8; a message declaring a Latin charset, or text that does not
 * read cleanly in GB18030 (a Latin-1 "Café"), stays as it was.
 */
export function eightBitHeader(text: string, declared: string | null): string {
  if (!/[\u0080-\u00ff]/.test(text) || /[^\u0000-\u00ff]/.test(text)) return text;
  // A message that says it is Latin is read as postal-mime read it (closely enough: Latin-1).
  if (declared !== null && /^(iso-?8859-\d+|latin-?\d|windows-125\d)$/i.test(declared)) return text;
  const bytes = Buffer.from(text, 'latin1');
  const charset = declared !== null && iconv.encodingExists(declared) && !/^(us-ascii|ascii|utf-?8)$/i.test(declared) ? declared : 'gb18030';
  const decoded = iconv.decode(bytes, charset);
  return decoded.includes('\ufffd') ? text : decoded;
}

function mailboxes(list: Address | Address[] | undefined, fix: (text: string) => string): MailAddress[] {
  const out: MailAddress[] = [];
  const add = (name: string, address: string | undefined): void => {
    const clean = (address ?? '').trim().toLowerCase();
    if (clean !== '' && clean.includes('@')) out.push({ address: clean, name: fix(name.trim()) });
  };
  for (const item of list === undefined ? [] : Array.isArray(list) ? list : [list]) {
    if (item.group) for (const member of item.group) add(member.name, member.address);
    else add(item.name, item.address);
  }
  return out;
}

/** An instant as interactions store it: UTC, to the second. */
function instant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A date in RFC 5322 form ("Tue, 3 Nov 2026 10:00:00 +0800"), or null; also null outside the years crm accepts. */
function parseMailDate(text: string | undefined): number | null {
  if (text === undefined) return null;
  const cleaned = text.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return null;
  const ms = Date.parse(cleaned);
  if (!Number.isFinite(ms)) return null;
  const year = new Date(ms).getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR ? ms : null;
}

/** The mbox From_ line's time ("sender@x Tue Nov  3 10:00:00 2026"): asctime, read as UTC (it carries no zone). */
function envelopeDate(envelope: string | null): number | null {
  if (envelope === null) return null;
  const match = /([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s+(\d{4})/.exec(envelope);
  if (!match) return null;
  return parseMailDate(`${match[2]} ${match[1]} ${match[4]} ${match[3]} +0000`);
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The first line of a body with text on it, at most 80 characters (a summary for a message without a subject). */
function firstLine(text: string): string {
  const line = text.split(/\r?\n/).map(oneLine).find((item) => item !== '') ?? '';
  const chars = [...line];
  return chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : line;
}

/** The bytes before the first empty line (the message's headers). */
function headerSection(raw: Buffer): Buffer {
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\n\r\n');
  const ends = [lf, crlf].filter((at) => at !== -1);
  return ends.length === 0 ? raw : raw.subarray(0, Math.min(...ends));
}

const header = (email: Email, key: string): string | undefined => email.headers.find((item) => item.key === key)?.value;

/** Why a message cannot be read, as "FILE: WHERE: WHY; nothing was written" (exit 3). */
export function badMessage(file: string, where: string, why: string): DataRejectedError {
  return new DataRejectedError(`${file}: ${where}: ${why}; nothing was written`);
}

/**
 * Parses one message. Refused (exit 3, naming the file and the message): what postal-mime cannot parse, a message
 * without headers (garbled, or not mail) or without From, and one without any date (no Date header that reads, no
 * Received header with a date, no mbox From_ line date).
 */
export async function parseMail(file: string, mail: RawMail): Promise<MailMessage> {
  let email: Email;
  try {
    email = await PostalMime.parse(mail.raw, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    throw badMessage(file, mail.where, `cannot be read as mail (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (email.headers.length === 0) throw badMessage(file, mail.where, 'has no mail headers (garbled, or not an e-mail)');
  if (header(email, 'from') === undefined) throw badMessage(file, mail.where, 'has no From header');
  let dateFrom: MailMessage['dateFrom'] = 'date';
  let ms = parseMailDate(header(email, 'date'));
  if (ms === null) {
    dateFrom = 'received';
    // The newest Received header is the first; its date follows the last ";".
    const received = email.headers.find((item) => item.key === 'received' && item.value.includes(';'));
    ms = parseMailDate(received?.value.slice(received.value.lastIndexOf(';') + 1));
  }
  if (ms === null) {
    dateFrom = 'envelope';
    ms = envelopeDate(mail.envelope);
  }
  if (ms === null) throw badMessage(file, mail.where, 'has no date (no Date header that reads as a date, no Received header with one, no mbox "From " line time)');
  // Raw 8-bit headers that are not UTF-8 (GBK from some mail programs): read again by eightBitHeader, in the charset
  // the message's own Content-Type names (a multipart message names none at the top).
  const declared = /charset\s*=\s*"?([^";\s]+)/i.exec(header(email, 'content-type') ?? '')?.[1] ?? null;
  const eightBit = !isUtf8(headerSection(mail.raw));
  const fixer = (key: string) => (text: string): string =>
    eightBit && /[\u0080-\u00ff]/.test(header(email, key) ?? '') ? eightBitHeader(text, declared) : text;
  const messageId = (email.messageId ?? '').trim().replace(/^<|>$/g, '').trim();
  const key = messageId !== ''
    ? messageId
    : `sha256:${createHash('sha256').update(['from', 'to', 'cc', 'date', 'subject'].map((name) => header(email, name) ?? '').join('\n')).digest('hex').slice(0, 32)}`;
  const attachments = email.attachments
    .filter((attachment) => !attachment.related && (attachment.disposition === 'attachment' || attachment.filename))
    .map((attachment) => attachment.filename ?? `(unnamed ${attachment.mimeType})`);
  return {
    where: mail.where,
    key,
    hasMessageId: messageId !== '',
    occurredAt: instant(ms),
    dateFrom,
    subject: fixer('subject')(oneLine(email.subject ?? '')) || firstLine(email.text ?? ''),
    from: mailboxes(email.from, fixer('from')),
    recipients: [...mailboxes(email.to, fixer('to')), ...mailboxes(email.cc, fixer('cc'))],
    to: mailboxes(email.to, fixer('to')),
    attachments,
  };
}
