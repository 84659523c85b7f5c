// crm export contacts: customers as vCard 4.0 (RFC 6350) or as Google Contacts' CSV, for a phone or a mail program.
// Both read back with crm import contacts as the same customers, unchanged (each card carries UID
// urn:crm:customer:ID, which picks the customer when two hold the same e-mail).
import type { ContactExportRow } from '../db/contacts.js';
import { exportCell } from './write.js';

export type ContactExportFormat = 'vcf' | 'csv';

/** RFC 6350 3.4: backslash, comma, semicolon and line breaks escaped in a text value. */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\n|\r/g, '\\n');
}

/** A content line folded at 75 octets (RFC 6350 3.2), never inside a UTF-8 character; CRLF after each piece. */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // The first line holds 75 octets; a continuation starts with a space, so it holds 74 more.
    if (octets + size > (pieces.length === 0 ? 75 : 74)) {
      pieces.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join('\r\n ') + '\r\n';
}

const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

/** [family, given] for N and for Google's Last/First Name: a Latin name split at its last space; a Chinese one whole, as family name. */
export function nameParts(name: string): [string, string] {
  const trimmed = name.trim();
  if (hasHan(trimmed)) return [trimmed, ''];
  const space = trimmed.lastIndexOf(' ');
  return space === -1 ? [trimmed, ''] : [trimmed.slice(space + 1), trimmed.slice(0, space)];
}

export function vcard(row: ContactExportRow): string {
  const [family, given] = nameParts(row.name);
  const lines = ['BEGIN:VCARD', 'VERSION:4.0', `FN:${escapeText(row.name)}`, `N:${escapeText(family)};${escapeText(given)};;;`];
  if (row.company) lines.push(`ORG:${escapeText(row.company)}`);
  if (row.email) lines.push(`EMAIL;TYPE=work:${escapeText(row.email)}`);
  if (row.phone) lines.push(`TEL;TYPE=voice:${escapeText(row.phone)}`);
  if (row.city || row.region) lines.push(`ADR;TYPE=work:;;;${escapeText(row.city ?? '')};${escapeText(row.region ?? '')};;`);
  if (row.notes) lines.push(`NOTE:${escapeText(row.notes)}`);
  lines.push(`UID:urn:crm:customer:${escapeText(row.external_id)}`, 'END:VCARD');
  return lines.map(foldLine).join('');
}

/** Google Contacts' CSV header (the current export's columns crm fills). */
export const googleHeader = [
  'First Name', 'Middle Name', 'Last Name', 'Organization Name', 'Notes', 'E-mail 1 - Label', 'E-mail 1 - Value',
  'Phone 1 - Label', 'Phone 1 - Value', 'Address 1 - Label', 'Address 1 - City', 'Address 1 - Region',
];

export function googleRow(row: ContactExportRow): string {
  // crm import contacts joins a Chinese name family name first, a Latin one given name first: the same name again.
  const [family, given] = nameParts(row.name);
  const [first, last] = hasHan(row.name) ? [row.name.trim(), ''] : given === '' ? [family, ''] : [given, family];
  const cells = [
    first, '', last, row.company, row.notes, row.email ? 'Work' : null, row.email, row.phone ? 'Mobile' : null, row.phone,
    row.city || row.region ? 'Work' : null, row.city, row.region,
  ];
  return cells.map((cell) => exportCell(cell, false)).join(',') + '\r\n';
}

/** What the file starts with: nothing for vCard; CSV starts with a byte order mark (Excel shows Chinese names). */
export function contactsHead(format: ContactExportFormat): string {
  return format === 'vcf' ? '' : `\uFEFF${googleHeader.join(',')}\r\n`;
}

/** The text of ROWS in the file (CRLF line ends in both formats). */
export function contactsText(rows: readonly ContactExportRow[], format: ContactExportFormat): string {
  return rows.map(format === 'vcf' ? vcard : googleRow).join('');
}

/** The whole file. */
export function contactsFile(rows: readonly ContactExportRow[], format: ContactExportFormat): string {
  return contactsHead(format) + contactsText(rows, format);
}
