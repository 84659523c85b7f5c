// crm import contacts: a vCard file or a Google / Outlook contacts CSV → checked contacts, each with the keys it is
// matched by (analysis/contact-match.ts). Reading only: no database here.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import iconv from 'iconv-lite';
import { DataRejectedError, UsageError } from '../errors.js';
import { normaliseEmail, normalisePhone } from '../analysis/duplicates.js';
import { contactCsvFormat, ContactCsvError, knownHeaders, parseContactCsv } from './contact-csv.js';
import { detectDelimiter, detectEncoding } from './decode.js';
import { RecordReader, RowRejected } from './record-reader.js';
import { parseVcards, VcardError } from './vcard.js';

/** One contact as the file gives it. */
export interface RawContact {
  /** Where it is, for messages: "card 3 (line 17)" in a vCard file, "line 5" in a CSV. */
  where: string;
  name: string | null;
  company: string | null;
  /** Preferred first. */
  emails: string[];
  phones: string[];
  city: string | null;
  region: string | null;
  notes: string | null;
  /** vCard UID (crm's own export writes urn:crm:customer:ID). */
  uid: string | null;
}

/** A checked contact: its e-mails and phones valid, and the keys it is matched by. */
export interface Contact extends RawContact {
  /** normaliseEmail of each e-mail, in order, without repeats. */
  emailKeys: string[];
  /** normalisePhone of each phone (digits only, no +86/0086), in order, without repeats. */
  phoneKeys: string[];
}

export type ContactFormat = 'vcard' | 'google' | 'outlook';

export interface ContactFile {
  format: ContactFormat;
  /** Every card or row, in file order (empty cards included: they have neither name, e-mail nor phone). */
  contacts: Contact[];
  contentHash: string;
  encoding: string;
}

/** The customer id a card exported by crm names (UID:urn:crm:customer:C0001), or null. */
export function crmIdOfUid(uid: string | null): string | null {
  const match = /^urn:crm:customer:(.+)$/.exec(uid ?? '');
  return match ? match[1]! : null;
}

const checker = (field: 'email' | 'phone', value: string): string | null => {
  const reader = new RecordReader([value], { columns: [field], unknown: [], fieldIndex: new Map([[field, 0]]) }, {});
  try {
    reader[field](field, value);
    return null;
  } catch (error) {
    if (error instanceof RowRejected) return error.rejection.reason;
    throw error;
  }
};

/** The checks crm import customers makes of an e-mail and a phone: the first problems of the file, each naming its place. */
export function checkContacts(raw: readonly RawContact[]): { contacts: Contact[]; problems: string[] } {
  const problems: string[] = [];
  const contacts = raw.map((contact): Contact => {
    for (const email of contact.emails) {
      const reason = checker('email', email);
      if (reason) problems.push(`${contact.where}: e-mail "${email}": ${reason}`);
    }
    for (const phone of contact.phones) {
      const reason = checker('phone', phone);
      if (reason) problems.push(`${contact.where}: phone "${phone}": ${reason}`);
    }
    const unique = (values: (string | null)[]): string[] => [...new Set(values.filter((value): value is string => value !== null))];
    return { ...contact, emailKeys: unique(contact.emails.map(normaliseEmail)), phoneKeys: unique(contact.phones.map(normalisePhone)) };
  });
  return { contacts, problems };
}

/** How many problems a refused file lists. */
const SHOWN_PROBLEMS = 10;

/** Refuses LABEL with its problems: the first as the one line, the next few under it (exit 3, nothing written). */
export function refuseFile(label: string, problems: readonly string[]): never {
  const more = problems.length > SHOWN_PROBLEMS ? [`… and ${problems.length - SHOWN_PROBLEMS} more`] : [];
  throw new DataRejectedError(`${label}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problems; nothing was written)` : '; nothing was written'}`, [
    ...problems.slice(1, SHOWN_PROBLEMS).map((problem) => `${label}: ${problem}`),
    ...more,
  ]);
}

/** Whether the bytes are a vCard file: BEGIN:VCARD before anything but blank lines (and a byte order mark). */
function looksLikeVcard(bytes: Buffer): boolean {
  const start = bytes.subarray(0, 512).toString('latin1').replace(/^(\xEF\xBB\xBF|\xFF\xFE)/, '');
  const text = start.startsWith('B\u0000') ? bytes.subarray(2, 514).toString('utf16le') : start;
  return /^\s*BEGIN\s*:\s*VCARD/i.test(text);
}

/** Reads FILE (LABEL in messages): a vCard file, or a Google or Outlook CSV. Bad files: DataRejectedError (exit 3). */
export function readContactFile(file: string, label: string): ContactFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${label}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : `cannot be read (${code ?? String(error)})`}`);
  }
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length === 0) throw new DataRejectedError(`${label}: line 1: the file is empty`);
  let format: ContactFormat;
  let raw: RawContact[];
  let encoding = 'utf8';
  try {
    if (looksLikeVcard(bytes)) {
      format = 'vcard';
      raw = parseVcards(bytes);
      encoding = 'per card (CHARSET, else UTF-8 or GBK)';
    } else {
      const detected = detectEncoding(bytes);
      encoding = detected.encoding === 'gb18030' ? 'gbk' : detected.encoding;
      const text = iconv.decode(bytes.subarray(detected.bomLength), detected.encoding);
      if (detected.encoding === 'utf8' && text.includes('\uFFFD')) {
        const line = text.slice(0, text.indexOf('\uFFFD')).split(/\r\n|\n|\r/).length;
        throw new ContactCsvError(`line ${line}: not UTF-8 (nor GBK): save the file as UTF-8`);
      }
      const firstLine = text.split(/\r\n|\n|\r/, 1)[0]!;
      if (contactCsvFormat(firstLine.split(detectDelimiter(firstLine))) === null && !/[,;\t]/.test(firstLine)) {
        throw new ContactCsvError(`line 1: neither a vCard file (BEGIN:VCARD) nor a contacts CSV of ${knownHeaders}`);
      }
      const parsed = parseContactCsv(text, detectDelimiter(firstLine));
      format = parsed.format;
      raw = parsed.contacts;
    }
  } catch (error) {
    if (error instanceof VcardError || error instanceof ContactCsvError) throw new DataRejectedError(`${label}: ${error.message}; nothing was written`);
    throw error;
  }
  const { contacts, problems } = checkContacts(raw);
  if (problems.length) refuseFile(label, problems);
  return { format, contacts, contentHash, encoding };
}
