// The contact CSVs that Google Contacts and Outlook export, recognised by their headers, read into raw contacts.
// Google: "Name,Given Name,…,E-mail 1 - Value,Phone 1 - Value" (older) or "First Name,Middle Name,Last Name,…,
// E-mail 1 - Value,Phone 1 - Value" (current); a cell may hold several values joined by " ::: ". Outlook: "First Name,
// Middle Name,Last Name,…,E-mail Address,E-mail 2 Address,Mobile Phone,Business Phone,Company" (also its Chinese
// headers: 名, 姓, 电子邮件地址, 移动电话, …). Parsed with csv-parse; line numbers are those of each record's first line.
import { parse } from 'csv-parse/sync';
import type { RawContact } from './contacts.js';

export type ContactCsvFormat = 'google' | 'outlook';

/** A header as compared: lower case, single spaces. */
const key = (header: string): string => header.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, ' ');

const FIRST = ['first name', 'given name', '名'];
const MIDDLE = ['middle name', 'additional name', '中间名'];
const LAST = ['last name', 'family name', '姓'];
const FULL = ['name'];
const COMPANY = ['organization 1 - name', 'organization name', 'company', '公司'];
const NOTES = ['notes', '备注', '附注'];
const CITY = ['address 1 - city', 'business city', 'home city', 'other city'];
const REGION = ['address 1 - region', 'business state', 'home state', 'other state'];
const OUTLOOK_EMAILS = ['e-mail address', 'e-mail 2 address', 'e-mail 3 address', '电子邮件地址', '电子邮件 2 地址', '电子邮件 3 地址'];
/** Outlook's phone columns, the mobile first (fax columns are left out). */
const OUTLOOK_PHONES = [
  'mobile phone', 'primary phone', 'business phone', 'business phone 2', 'home phone', 'home phone 2', 'company main phone', 'other phone', 'car phone',
  '移动电话', '主要电话', '商务电话', '商务电话 2', '住宅电话', '住宅电话 2', '公司代表电话', '其他电话', '车载电话',
];
const GOOGLE_EMAIL = /^e-mail (\d+) - value$/;
const GOOGLE_PHONE = /^phone (\d+) - value$/;

/** Which export a header row is, or null. */
export function contactCsvFormat(headers: readonly string[]): ContactCsvFormat | null {
  const keys = headers.map(key);
  if (keys.some((header) => GOOGLE_EMAIL.test(header) || GOOGLE_PHONE.test(header))) return 'google';
  const hasName = keys.some((header) => FIRST.includes(header) || LAST.includes(header));
  if (hasName && keys.some((header) => OUTLOOK_EMAILS.includes(header) || OUTLOOK_PHONES.includes(header))) return 'outlook';
  return null;
}

/** The header row crm recognises, for the message about a file it does not. */
export const knownHeaders =
  'Google Contacts ("First Name,…,E-mail 1 - Value,Phone 1 - Value" or "Name,Given Name,…") or Outlook ("First Name,…,E-mail Address,…,Mobile Phone")';

export class ContactCsvError extends Error {}

/** The columns (by index) of a recognised header. */
function columnsOf(headers: readonly string[], format: ContactCsvFormat) {
  const keys = headers.map(key);
  const one = (names: readonly string[]): number => {
    for (const name of names) {
      const index = keys.indexOf(name);
      if (index !== -1) return index;
    }
    return -1;
  };
  const numbered = (pattern: RegExp): number[] =>
    keys
      .map((header, index) => ({ match: pattern.exec(header), index }))
      .filter((item) => item.match !== null)
      .sort((a, b) => Number(a.match![1]) - Number(b.match![1]))
      .map((item) => item.index);
  return {
    full: one(FULL), first: one(FIRST), middle: one(MIDDLE), last: one(LAST), company: one(COMPANY), notes: one(NOTES),
    city: one(CITY), region: one(REGION),
    emails: format === 'google' ? numbered(GOOGLE_EMAIL) : OUTLOOK_EMAILS.map((name) => keys.indexOf(name)).filter((index) => index !== -1),
    phones: format === 'google' ? numbered(GOOGLE_PHONE) : OUTLOOK_PHONES.map((name) => keys.indexOf(name)).filter((index) => index !== -1),
  };
}

const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

/** A name from its parts: family name first without spaces for Chinese (王 + 伟 → 王伟), given name first otherwise. */
function joinName(first: string, middle: string, last: string): string | null {
  if (hasHan(first + middle + last)) return `${last}${first}${middle}`.trim() || null;
  return [first, middle, last].filter(Boolean).join(' ') || null;
}

/** Reads a Google or Outlook contacts CSV (already decoded text). Throws ContactCsvError naming the line. */
export function parseContactCsv(text: string, delimiter: string): { format: ContactCsvFormat; contacts: RawContact[] } {
  // raw: each record's text, whose line breaks number the next record's first line (csv-parse's info.lines counts a
  // CRLF inside quotes twice).
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(text, {
      delimiter, relax_column_count: true, bom: true, raw: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as { record: string[]; raw: string }[];
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    throw new ContactCsvError(`line ${lines ?? 1}: ${(error as Error).message.replace(/^Invalid Record Length: /, '')}`);
  }
  const header = records[0];
  if (header === undefined) throw new ContactCsvError('line 1: the file is empty');
  const format = contactCsvFormat(header.record);
  if (format === null) throw new ContactCsvError(`line 1: not a contacts file: the header is not that of ${knownHeaders}`);
  const columns = columnsOf(header.record, format);
  const contacts: RawContact[] = [];
  const breaks = (raw: string): number => raw.match(/\r\n|\n|\r/g)?.length ?? 0;
  let line = 1 + breaks(header.raw);
  for (const { record, raw } of records.slice(1)) {
    const recordLine = line;
    line += breaks(raw);
    if (record.every((cell) => cell.trim() === '')) continue;
    if (record.length > header.record.length && record.slice(header.record.length).some((cell) => cell.trim() !== '')) {
      throw new ContactCsvError(`line ${recordLine}: ${record.length} cells under a header of ${header.record.length} (a comma inside a value without quotes?)`);
    }
    // crm export's CSV writes text a spreadsheet would run as a formula with a leading ' (export/write.ts exportCell): one comes off.
    const cell = (index: number): string => (index === -1 ? '' : (record[index] ?? '').trim().replace(/^'(?='*[=+\-@\t\r])/, ''));
    // Google joins several values of one kind in a cell with " ::: ".
    const many = (indexes: number[]): string[] => indexes.flatMap((index) => cell(index).split(/\s*:::\s*/)).filter((value) => value !== '');
    const name = cell(columns.full) || joinName(cell(columns.first), cell(columns.middle), cell(columns.last));
    contacts.push({
      where: `line ${recordLine}`, name: name || null, company: cell(columns.company) || null, emails: many(columns.emails), phones: many(columns.phones),
      city: cell(columns.city) || null, region: cell(columns.region) || null, notes: cell(columns.notes) || null, uid: null,
    });
  }
  return { format, contacts };
}
