// vCard files (.vcf, versions 2.1, 3.0 and 4.0; RFC 2426, RFC 6350 and the 2.1 specification) read into raw contacts:
// many cards in one file, folded lines, QUOTED-PRINTABLE values with their soft line breaks, CHARSET parameters
// (GB2312, GBK, UTF-8, … through iconv-lite), escaped text, structured N, ADR and ORG. Hand-written because the npm
// parsers at hand keep CHARSET as a parameter and leave a 2.1 QUOTED-PRINTABLE value undecoded, and none says on
// which line a card went wrong (docs: README "crm import contacts").
//
// The file is read byte for byte (as latin1, one character per byte) so that each value is decoded with its own
// charset; a value without CHARSET is UTF-8, or GB18030 when it is not valid UTF-8 (old Chinese phones).
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import type { RawContact } from './contacts.js';

/** A vCard file that cannot be read: the message names the line (and the card) that is wrong. */
export class VcardError extends Error {}

interface LogicalLine {
  text: string;
  line: number;
}

interface Property {
  name: string;
  params: Map<string, string[]>;
  /** The value as bytes in latin1 (one character per byte), not yet decoded. */
  raw: string;
  line: number;
}

const SUPPORTED_VERSIONS = ['2.1', '3.0', '4.0'];
/** Properties whose values are binary or irrelevant to a customer: never decoded (a 2.1 PHOTO may run over many lines). */
const IGNORED = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY', 'AGENT']);

/** The index of the first C in TEXT outside double quotes, or -1. */
function indexOutsideQuotes(text: string, c: string, from = 0): number {
  let quoted = false;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') quoted = !quoted;
    else if (char === c && !quoted) return index;
  }
  return -1;
}

function splitOutsideQuotes(text: string, c: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let at = indexOutsideQuotes(text, c); at !== -1; at = indexOutsideQuotes(text, c, start)) {
    parts.push(text.slice(start, at));
    start = at + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether a content line (its name and parameters) says its value is QUOTED-PRINTABLE. */
function isQuotedPrintable(text: string): boolean {
  const colon = indexOutsideQuotes(text, ':');
  const head = colon === -1 ? text : text.slice(0, colon);
  return /;\s*(ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*(;|$)/i.test(head);
}

/**
 * Physical lines → logical lines: a line starting with a space or tab continues the one before (that one whitespace
 * character removed, RFC 6350 3.2); a QUOTED-PRINTABLE value ending in "=" continues on the next line (a soft line
 * break: the "=" removed). Empty lines are dropped. Each logical line keeps the number of its first physical line.
 */
export function unfold(text: string): LogicalLine[] {
  const physical = text.split(/\r\n|\n|\r/);
  const lines: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  let softBreak = false;
  for (let index = 0; index < physical.length; index += 1) {
    const line = physical[index]!;
    if (current !== null && softBreak) {
      // The soft break's continuation may itself be indented by a writer that also folds: one space is folding.
      current.text = current.text.slice(0, -1) + line.replace(/^[ \t]/, '');
      softBreak = current.text.endsWith('=') && isQuotedPrintable(current.text);
      continue;
    }
    if (current !== null && (line.startsWith(' ') || line.startsWith('\t'))) {
      current.text += line.slice(1);
      softBreak = current.text.endsWith('=') && isQuotedPrintable(current.text);
      continue;
    }
    if (line.trim() === '') {
      current = null;
      softBreak = false;
      continue;
    }
    current = { text: line, line: index + 1 };
    lines.push(current);
    softBreak = current.text.endsWith('=') && isQuotedPrintable(current.text);
  }
  return lines;
}

/** Parses one logical line: [group.]NAME[;PARAM[=VALUE]]*:VALUE. Bare 2.1 parameters (TEL;CELL;PREF) are types. */
function parseLine(logical: LogicalLine): Property | null {
  const colon = indexOutsideQuotes(logical.text, ':');
  if (colon === -1) return null;
  const [nameWithGroup, ...rawParams] = splitOutsideQuotes(logical.text.slice(0, colon), ';');
  const name = nameWithGroup!.trim().replace(/^.*\./, '').toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) throw new VcardError(`line ${logical.line}: "${shorten(nameWithGroup!)}" is not a vCard property name`);
  const params = new Map<string, string[]>();
  const add = (key: string, values: string[]): void => {
    params.set(key, [...(params.get(key) ?? []), ...values]);
  };
  for (const param of rawParams) {
    if (param.trim() === '') continue;
    const equals = param.indexOf('=');
    if (equals === -1) {
      // vCard 2.1: TEL;CELL;VOICE, EMAIL;INTERNET, N;QUOTED-PRINTABLE, FN;CHARSET… always with "=" (checked below).
      const bare = param.trim().toUpperCase();
      if (bare === 'QUOTED-PRINTABLE' || bare === 'BASE64' || bare === '8BIT' || bare === '7BIT') add('ENCODING', [bare]);
      else add('TYPE', [bare.toLowerCase()]);
      continue;
    }
    const key = param.slice(0, equals).trim().toUpperCase();
    const values = splitOutsideQuotes(param.slice(equals + 1), ',').map((value) => value.trim().replace(/^"(.*)"$/, '$1'));
    add(key, key === 'TYPE' ? values.map((value) => value.toLowerCase()) : values);
  }
  return { name, params, raw: logical.text.slice(colon + 1), line: logical.line };
}

function shorten(text: string): string {
  const visible = Buffer.from(text, 'latin1').toString('utf8');
  return visible.length > 40 ? `${visible.slice(0, 37)}...` : visible;
}

/** QUOTED-PRINTABLE (RFC 2045) to bytes; an "=" not followed by two hex digits stays as it is. */
export function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else if (char === 0x3d && index === text.length - 1) {
      // A soft line break left at the very end of the value (the line after it was empty): nothing.
    } else {
      bytes.push(char & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The text of a property's value: transfer encoding undone, then the bytes decoded with CHARSET (or UTF-8 / GB18030). */
function decodeValue(property: Property, where: string): string {
  const encoding = (property.params.get('ENCODING')?.[0] ?? '').toUpperCase();
  let bytes: Buffer;
  if (encoding === 'QUOTED-PRINTABLE') bytes = decodeQuotedPrintable(property.raw);
  else if (encoding === 'B' || encoding === 'BASE64') bytes = Buffer.from(property.raw.replace(/\s+/g, ''), 'base64');
  else bytes = Buffer.from(property.raw, 'latin1');
  const charset = property.params.get('CHARSET')?.[0];
  if (charset !== undefined) {
    if (!iconv.encodingExists(charset)) throw new VcardError(`${where}: ${property.name} CHARSET=${charset} is not a character set crm knows`);
    return iconv.decode(bytes, charset);
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const gb = iconv.decode(bytes, 'gb18030');
  if (!gb.includes('\uFFFD')) return gb;
  throw new VcardError(`${where}: ${property.name} is neither UTF-8 nor GBK (give it a CHARSET parameter, or save the file as UTF-8)`);
}

/** Splits a structured value (N, ADR, ORG) at unescaped ";" and unescapes each part. */
function components(value: string, version: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index]!;
    if (char === '\\' && index + 1 < value.length) {
      current += char + value[index + 1];
      index += 1;
    } else if (char === ';') {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => unescapeText(part, version));
}

/** RFC 6350 3.4 (and 2426 5): \n \N \, \; \\. vCard 2.1 escapes only ";". */
function unescapeText(text: string, version: string): string {
  if (version === '2.1') return text.replace(/\\;/g, ';');
  return text.replace(/\\([nN,;\\])/g, (_match, char: string) => (char === 'n' || char === 'N' ? '\n' : char));
}

const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

/** A name from N: family name first and no spaces for Chinese (王;伟 → 王伟), given name first otherwise. */
export function nameFromParts(family: string, given: string, additional = '', prefix = '', suffix = ''): string | null {
  const [f, g, a, p, s] = [family, given, additional, prefix, suffix].map((part) => part.trim());
  if (hasHan(f! + g! + a!)) return [f, g, a].join('').trim() || null;
  return [p, g, a, f, s].filter(Boolean).join(' ') || null;
}

/** Preferred first (TYPE=pref in 3.0, PREF=1 in 4.0, PREF in 2.1), then in file order. */
function byPreference(items: { value: string; pref: number }[]): string[] {
  return items
    .map((item, index) => ({ ...item, index }))
    .sort((a, b) => a.pref - b.pref || a.index - b.index)
    .map((item) => item.value);
}

function preference(property: Property): number {
  const pref = property.params.get('PREF')?.[0];
  if (pref !== undefined && /^\d+$/.test(pref)) return Number(pref);
  return property.params.get('TYPE')?.includes('pref') ? 1 : 101;
}

/** Reads every card of a vCard file. Throws VcardError naming the line (and card) of the first problem. */
export function parseVcards(bytes: Buffer): RawContact[] {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = Buffer.from(bytes.subarray(2).toString('utf16le'), 'utf8').toString('latin1');
  else text = bytes.subarray(start).toString('latin1');
  const contacts: RawContact[] = [];
  let card: { number: number; line: number; properties: Property[] } | null = null;
  let cards = 0;
  let last: Property | null = null;
  for (const logical of unfold(text)) {
    const property = parseLine(logical);
    if (property === null) {
      // vCard 2.1 writes a BASE64 photo as unindented lines up to an empty line: they belong to the photo.
      if (last !== null && IGNORED.has(last.name)) continue;
      throw new VcardError(`line ${logical.line}: not a vCard line (no ":" after the property name): ${shorten(logical.text)}`);
    }
    last = property;
    const value = property.raw.trim().toUpperCase();
    if (property.name === 'BEGIN' && value === 'VCARD') {
      if (card !== null) throw new VcardError(`card ${card.number} (line ${card.line}): no END:VCARD before the next BEGIN:VCARD on line ${logical.line}`);
      cards += 1;
      card = { number: cards, line: logical.line, properties: [] };
      continue;
    }
    if (card === null) {
      throw new VcardError(`line ${logical.line}: ${property.name} outside a card (a card starts with BEGIN:VCARD)`);
    }
    if (property.name === 'END' && value === 'VCARD') {
      contacts.push(readCard(card.number, card.line, card.properties));
      card = null;
      continue;
    }
    card.properties.push(property);
  }
  if (card !== null) throw new VcardError(`card ${card.number} (line ${card.line}): no END:VCARD before the end of the file`);
  if (cards === 0) throw new VcardError('line 1: no vCard in the file (a card starts with BEGIN:VCARD)');
  return contacts;
}

function readCard(number: number, line: number, properties: Property[]): RawContact {
  const where = `card ${number} (line ${line})`;
  const versionProperty = properties.find((property) => property.name === 'VERSION');
  const version = versionProperty ? versionProperty.raw.trim() : '3.0';
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new VcardError(`${where}: VERSION ${shorten(version)} is not one crm reads (2.1, 3.0 or 4.0)`);
  }
  const text = (property: Property): string => decodeValue(property, `card ${number} (line ${property.line})`);
  let fn: string | null = null;
  let fromN: string | null = null;
  let company: string | null = null;
  let notes: string | null = null;
  let city: string | null = null;
  let region: string | null = null;
  let uid: string | null = null;
  const emails: { value: string; pref: number }[] = [];
  const phones: { value: string; pref: number }[] = [];
  for (const property of properties) {
    if (IGNORED.has(property.name)) continue;
    switch (property.name) {
      case 'FN':
        fn ??= unescapeText(text(property), version).trim() || null;
        break;
      case 'N': {
        const [family = '', given = '', additional = '', prefix = '', suffix = ''] = components(text(property), version);
        fromN ??= nameFromParts(family, given, additional, prefix, suffix);
        break;
      }
      case 'ORG':
        company ??= components(text(property), version)[0]!.trim() || null;
        break;
      case 'NOTE':
        notes ??= unescapeText(text(property), version).trim() || null;
        break;
      case 'UID':
        uid ??= text(property).trim() || null;
        break;
      case 'ADR': {
        const parts = components(text(property), version);
        if (city === null && region === null) {
          city = parts[3]?.trim() || null;
          region = parts[4]?.trim() || null;
        }
        break;
      }
      case 'EMAIL': {
        const value = unescapeText(text(property), version).trim().replace(/^mailto:/i, '');
        if (value !== '') emails.push({ value, pref: preference(property) });
        break;
      }
      case 'TEL': {
        if (property.params.get('TYPE')?.includes('fax')) break;
        const value = unescapeText(text(property), version).trim().replace(/^tel:/i, '').replace(/;ext=(\d+)$/i, ' ext $1');
        if (value !== '') phones.push({ value, pref: preference(property) });
        break;
      }
      default:
        break;
    }
  }
  return {
    where, name: fn ?? fromN, company, emails: byPreference(emails), phones: byPreference(phones), city, region, notes, uid,
  };
}
