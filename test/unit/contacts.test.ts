// crm import contacts: the vCard and contacts-CSV readers, the matching rules and the export writers, each awkward
// corner by hand (README "crm import contacts"; src/import/vcard.ts, contact-csv.ts, analysis/contact-match.ts).
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { planContacts, type StoredCustomer } from '../../src/analysis/contact-match.js';
import { parseContactCsv } from '../../src/import/contact-csv.js';
import { checkContacts, readContactFile, type Contact, type RawContact } from '../../src/import/contacts.js';
import { tempDir } from '../helpers/cli.js';
import { decodeQuotedPrintable, parseVcards, unfold } from '../../src/import/vcard.js';
import { contactsFile, foldLine, googleRow } from '../../src/export/contacts.js';
import type { ContactExportRow } from '../../src/db/contacts.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
/** Bytes as written: strings are UTF-8, Buffers go in as they are (GBK bytes, QUOTED-PRINTABLE text). */
const bytes = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
const qp = (text: string, charset = 'utf8'): string => [...iconv.encode(text, charset)].map((byte) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

describe('vCard reading', () => {
  it('reads 2.1 QUOTED-PRINTABLE with CHARSET=UTF-8, a soft line break inside a character, and bare 2.1 types', () => {
    const note = qp('老客户，喜欢乌龙茶');
    // The soft break ("=" at the end) falls between the bytes of one character.
    const [first, second] = [note.slice(0, 20), note.slice(20)];
    const cards = parseVcards(crlf([
      'BEGIN:VCARD', 'VERSION:2.1', `N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:${qp('李')};${qp('芳')};;;`,
      `NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:${first}=`, second,
      'TEL;CELL;PREF:+86 133 3634 2408', 'TEL;HOME:0571-1234 5678', 'TEL;FAX:0571-1234 9999', 'EMAIL;INTERNET:lifang@example.cn', 'END:VCARD',
    ]));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({
      where: 'card 1 (line 1)', name: '李芳', notes: '老客户，喜欢乌龙茶', phones: ['+86 133 3634 2408', '0571-1234 5678'], emails: ['lifang@example.cn'],
    });
  });

  it('decodes CHARSET=GB2312 and GBK, QUOTED-PRINTABLE or raw bytes, and GBK bytes without a CHARSET', () => {
    const cards = parseVcards(bytes(
      'BEGIN:VCARD\r\nVERSION:2.1\r\n', `FN;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:${qp('欧阳明', 'gb2312')}\r\n`, 'EMAIL:a@example.cn\r\nEND:VCARD\r\n',
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=GBK:', iconv.encode('王伟', 'gbk'), '\r\nEMAIL:b@example.cn\r\nEND:VCARD\r\n',
      'BEGIN:VCARD\r\nVERSION:2.1\r\nFN:', iconv.encode('张三丰', 'gbk'), '\r\nORG:', iconv.encode('杭州茶庄', 'gbk'), '\r\nEMAIL:c@example.cn\r\nEND:VCARD\r\n',
    ));
    expect(cards.map((card) => card.name)).toEqual(['欧阳明', '王伟', '张三丰']);
    expect(cards[2]!.company).toBe('杭州茶庄');
  });

  it('unfolds lines (RFC 6350: one space or tab removed), also inside a UTF-8 character, with LF or CRLF', () => {
    const org = Buffer.from('ORG:深圳海川茶叶贸易有限公司', 'utf8');
    // Folded after 8 bytes: inside the second character (each is three bytes).
    const card = bytes('BEGIN:VCARD\nVERSION:3.0\nFN:赵磊\n', org.subarray(0, 8), '\n ', org.subarray(8), '\nNOTE:line one\n\tand two\nEMAIL:z@example.cn\nEND:VCARD\n');
    const [contact] = parseVcards(card);
    expect(contact!.company).toBe('深圳海川茶叶贸易有限公司');
    expect(contact!.notes).toBe('line oneand two');
    expect(unfold('A:1\r\n  b\r\nC:2').map((line) => [line.text, line.line])).toEqual([['A:1 b', 1], ['C:2', 3]]);
  });

  it('reads several cards of every version, several e-mails and phones with the preferred first, escapes, tel: URIs and ADR', () => {
    const cards = parseVcards(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), crlf([
      'BEGIN:VCARD', 'VERSION:4.0', 'FN:徐超', 'EMAIL:second@example.cn', 'EMAIL;PREF=1:first@example.cn', 'TEL;VALUE=uri;TYPE=cell:tel:+86-132-1683-7492',
      'ADR;TYPE=work:;;人民路 100 号;上海;上海;200001;中国', 'NOTE:a\\, b\\; c\\nd', 'END:VCARD',
      'begin:vcard', 'version:3.0', 'item1.EMAIL;type=INTERNET;type=pref:p@example.com', 'item2.EMAIL:q@example.com', 'N:Smith;Oliver;;Dr.;', 'ORG:Leaf\\, Cup;Sales', 'end:vcard',
    ])]));
    expect(cards[0]).toMatchObject({ name: '徐超', emails: ['first@example.cn', 'second@example.cn'], phones: ['+86-132-1683-7492'], city: '上海', region: '上海', notes: 'a, b; c\nd' });
    expect(cards[1]).toMatchObject({ where: 'card 2 (line 10)', name: 'Dr. Oliver Smith', emails: ['p@example.com', 'q@example.com'], company: 'Leaf, Cup' });
  });

  it('builds a Chinese name from N family name first without a space', () => {
    const [card] = parseVcards(crlf(['BEGIN:VCARD', 'VERSION:3.0', 'N:欧阳;明;;;', 'TEL:13900000000', 'END:VCARD']));
    expect(card!.name).toBe('欧阳明');
  });

  it('skips a 2.1 BASE64 photo written as unindented lines up to an empty line', () => {
    const [card] = parseVcards(crlf(['BEGIN:VCARD', 'VERSION:2.1', 'FN:Ann', 'PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ', 'SkZJRgABAQ', '', 'EMAIL:ann@example.com', 'END:VCARD']));
    expect(card).toMatchObject({ name: 'Ann', emails: ['ann@example.com'] });
  });

  it('decodes QUOTED-PRINTABLE: =XX, a lone "=" kept, a trailing soft break dropped', () => {
    expect(decodeQuotedPrintable('a=3Db=ZZ=').toString('latin1')).toBe('a=b=ZZ');
  });

  it.each([
    [['BEGIN:VCARD', 'VERSION:3.0', 'FN:A'], /^card 1 \(line 1\): no END:VCARD before the end of the file$/],
    [['FN:A'], /^line 1: FN outside a card/],
    [['BEGIN:VCARD', 'VERSION:3.0', 'FN:A', 'BEGIN:VCARD'], /^card 1 \(line 1\): no END:VCARD before the next BEGIN:VCARD on line 4$/],
    [['BEGIN:VCARD', 'VERSION:3.0', 'just text', 'END:VCARD'], /^line 3: not a vCard line/],
    [['BEGIN:VCARD', 'VERSION:5.0', 'FN:A', 'END:VCARD'], /^card 1 \(line 1\): VERSION 5.0 is not one crm reads/],
    [['BEGIN:VCARD', 'VERSION:2.1', 'FN;CHARSET=KLINGON:A', 'END:VCARD'], /^card 1 \(line 3\): FN CHARSET=KLINGON is not a character set/],
  ])('names the line and card of a bad file: %j', (lines, message) => {
    expect(() => parseVcards(crlf(lines))).toThrow(message);
  });
});

describe('contacts CSV reading', () => {
  it('reads Google\'s older export (Name, … E-mail 1 - Value) with " ::: " joining several values', () => {
    const text = 'Name,Given Name,Additional Name,Family Name,Notes,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Name\n' +
      '王伟,伟,,王,,* Home,wang@example.cn ::: wei@example.com,Mobile,138 0013 8000 ::: 021-5555 8888,Work,+86 21 1234 5678,茶庄\n';
    const { format, contacts } = parseContactCsv(text, ',');
    expect(format).toBe('google');
    expect(contacts[0]).toMatchObject({
      where: 'line 2', name: '王伟', company: '茶庄', emails: ['wang@example.cn', 'wei@example.com'], phones: ['138 0013 8000', '021-5555 8888', '+86 21 1234 5678'],
    });
  });

  it('reads Google\'s current export: First/Last Name joined family name first for Chinese, a quoted note over two lines, the next line numbered right', () => {
    const text = 'First Name,Middle Name,Last Name,Notes,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - City,Address 1 - Region\r\n' +
      '晓燕,,林,"朋友介绍\r\n喜欢白茶",* Other,lin@example.cn,Mobile,13700137000,苏州,江苏\r\n' +
      'Emily,,Chen,,* Work,emily@example.com,,,,\r\n' +
      ',,,,,,,,,\r\n' +
      "'=1+1,,,'-note,,x@example.com,,,,\r\n";
    const { contacts } = parseContactCsv(text, ',');
    expect(contacts.map((contact) => [contact.where, contact.name])).toEqual([['line 2', '林晓燕'], ['line 4', 'Emily Chen'], ['line 6', '=1+1']]);
    expect(contacts[0]).toMatchObject({ notes: '朋友介绍\r\n喜欢白茶', city: '苏州', region: '江苏' });
    expect(contacts[2]!.notes).toBe('-note');
  });

  it('reads Outlook\'s export (English and Chinese headers): the mobile first, faxes left out', () => {
    const english = 'First Name,Middle Name,Last Name,E-mail Address,E-mail 2 Address,Business Phone,Business Fax,Mobile Phone,Company,Business City\n' +
      'Tom,,Baker,tom@example.com,tb@example.org,021 6666 7777,021 1234 5678,+86 138 1111 2222,Baker Imports,上海\n';
    expect(parseContactCsv(english, ',')).toMatchObject({
      format: 'outlook',
      contacts: [{ name: 'Tom Baker', emails: ['tom@example.com', 'tb@example.org'], phones: ['+86 138 1111 2222', '021 6666 7777'], company: 'Baker Imports', city: '上海' }],
    });
    const chinese = '名,姓,电子邮件地址,移动电话,公司\n建国,王,wang@example.cn,133-3286-9121,广州茶行\n';
    expect(parseContactCsv(chinese, ',').contacts[0]).toMatchObject({ name: '王建国', emails: ['wang@example.cn'], phones: ['133-3286-9121'], company: '广州茶行' });
  });

  it('refuses a CSV that is not a contacts export, and a row wider than the header, naming the line', () => {
    expect(() => parseContactCsv('customer_id,name,email\nC1,A,a@b.cn\n', ',')).toThrow(/^line 1: not a contacts file/);
    expect(() => parseContactCsv('First Name,Last Name,E-mail Address\nA,B,a@b.cn,extra\n', ',')).toThrow(/^line 2: 4 cells under a header of 3/);
  });
});

const contact = (raw: Partial<RawContact> & { where: string }): Contact =>
  checkContacts([{ name: null, company: null, emails: [], phones: [], city: null, region: null, notes: null, uid: null, ...raw }]).contacts[0]!;
const customer = (id: number, fields: Partial<StoredCustomer>): StoredCustomer => ({
  id, external_id: `C${id}`, name: `客户${id}`, company: null, email: null, phone: null, city: null, region: null, notes: null, kind: 'customer', ...fields,
});

describe('matching contacts to customers', () => {
  it('matches by e-mail without case and by phone digits without +86/0086, spaces, dashes or brackets', () => {
    const stored = [customer(1, { email: 'Wang@Example.CN' }), customer(2, { phone: '13800138000' }), customer(3, { phone: '+86 139-0013-9000' })];
    const plan = planContacts([
      contact({ where: 'card 1', emails: ['wang@example.cn'] }),
      contact({ where: 'card 2', phones: ['+86 (138) 0013-8000'] }),
      contact({ where: 'card 3', phones: ['0086 139 0013 9000'] }),
    ], stored, { overwrite: false });
    expect(plan.problems).toEqual([]);
    expect(plan.outcomes.map((outcome) => [outcome.outcome, 'customer' in outcome ? outcome.customer.id : null])).toEqual([['unchanged', 1], ['unchanged', 2], ['unchanged', 3]]);
  });

  it('fills empty fields only; --overwrite replaces differing ones; an e-mail or phone among the contact\'s is the same', () => {
    const stored = [customer(1, { name: '王伟', email: 'wang@example.cn', phone: '138 0013 8000', company: '旧公司', city: '' })];
    const card = contact({ where: 'card 1', name: '王 伟', emails: ['other@example.cn', 'WANG@example.cn'], phones: ['+8613800138000'], company: '新公司', city: '杭州' });
    const plain = planContacts([card], stored, { overwrite: false });
    expect(plain.outcomes[0]).toMatchObject({ outcome: 'merged', changes: [{ field: 'city', old: '', new: '杭州' }] });
    const overwrite = planContacts([card], stored, { overwrite: true });
    expect(overwrite.outcomes[0]).toMatchObject({
      outcome: 'merged',
      changes: [{ field: 'name', old: '王伟', new: '王 伟' }, { field: 'company', old: '旧公司', new: '新公司' }, { field: 'city', old: '', new: '杭州' }],
    });
  });

  it('creates a customer for a contact that matches nobody, named by its company, e-mail or phone when it has no name', () => {
    const plan = planContacts([contact({ where: 'line 2', emails: ['x@example.cn'] })], [], { overwrite: false });
    expect(plan.outcomes[0]).toMatchObject({ outcome: 'new', values: { name: 'x@example.cn', email: 'x@example.cn', phone: null } });
  });

  it('skips a contact with neither e-mail nor phone, and an empty card', () => {
    const plan = planContacts([contact({ where: 'card 1', name: '王老师' }), contact({ where: 'card 2' })], [], { overwrite: false });
    expect(plan.outcomes.map((outcome) => outcome.outcome === 'skipped' && outcome.reason)).toEqual(['no e-mail or phone to match by', 'empty']);
  });

  it('reports two contacts of the file that match the same customer, and new contacts sharing a phone, by their places', () => {
    const stored = [customer(1, { name: '王伟', email: 'wang@example.cn', phone: '13800138000' })];
    const plan = planContacts([
      contact({ where: 'card 1 (line 1)', name: '王伟', emails: ['wang@example.cn'] }),
      contact({ where: 'card 4 (line 30)', name: '老王', phones: ['138-0013-8000'] }),
      contact({ where: 'line 7', name: '甲', phones: ['13900000000'] }),
      contact({ where: 'line 9', name: '乙', phones: ['+86 139 0000 0000'] }),
    ], stored, { overwrite: false });
    expect(plan.problems).toEqual([
      'card 1 (line 1) (王伟) and card 4 (line 30) (老王) all match customer C1 (王伟): the same person twice? keep one of them in the file',
      'line 7 (甲) and line 9 (乙) have the same phone 13900000000: the same person twice? keep one of them in the file',
    ]);
  });

  it('picks among customers sharing an e-mail by crm\'s UID, else by most keys held; a tie is a problem', () => {
    const stored = [customer(17, { email: 'o@example.com', phone: '13974920817' }), customer(187, { email: 'o@example.com', phone: '13200273125' })];
    const byPhone = planContacts([contact({ where: 'card 1', emails: ['o@example.com'], phones: ['13974920817'] })], stored, { overwrite: false });
    expect(byPhone.outcomes[0]).toMatchObject({ outcome: 'unchanged', customer: { id: 17 } });
    const byUid = planContacts([contact({ where: 'card 1', emails: ['o@example.com'], uid: 'urn:crm:customer:C187' })], stored, { overwrite: false });
    expect(byUid.outcomes[0]).toMatchObject({ outcome: 'unchanged', customer: { id: 187 } });
    const tie = planContacts([contact({ where: 'card 1', name: 'Oliver', emails: ['o@example.com'] })], stored, { overwrite: false });
    expect(tie.problems).toEqual(['card 1 (Oliver) matches 2 customers: C17 (客户17) by e-mail, C187 (客户187) by e-mail; merge them first (crm customer merge) or correct the contact']);
    // Two cards of crm's own export naming the two customers who share the e-mail: no problem.
    const both = planContacts([
      contact({ where: 'card 1', emails: ['o@example.com'], phones: ['13974920817'] }), contact({ where: 'card 2', emails: ['o@example.com'], phones: ['13200273125'] }),
    ], stored, { overwrite: false });
    expect(both.problems).toEqual([]);
  });

  it('does not copy an e-mail or phone another candidate customer holds', () => {
    const stored = [customer(1, { email: 'a@example.cn' }), customer(2, { email: 'b@example.cn', phone: '13800138000' })];
    const plan = planContacts([contact({ where: 'card 1', emails: ['a@example.cn'], phones: ['13800138000'] })], stored, { overwrite: false });
    // Customer 1 holds the e-mail, customer 2 the phone: one key each, e-mail wins; the phone stays with customer 2.
    expect(plan.outcomes[0]).toMatchObject({ outcome: 'unchanged', customer: { id: 1 }, kept: ['phone 13800138000 not copied: customer C2 (客户2) has it too'] });
  });

  it('checks e-mails and phones as crm import customers does, naming the card', () => {
    const { problems } = checkContacts([{ where: 'card 2 (line 9)', name: 'A', company: null, emails: ['not-an-email'], phones: ['12'], city: null, region: null, notes: null, uid: null }]);
    expect(problems).toEqual(['card 2 (line 9): e-mail "not-an-email": not a valid e-mail address', 'card 2 (line 9): phone "12": not a valid phone number']);
  });
});

describe('contacts export', () => {
  const rows: ContactExportRow[] = [
    { external_id: 'C0001', name: '高建国', company: '广州金桥餐饮管理有限公司（天河分店，第二营业部）', email: 'gao1@example.cn', phone: '13616420445', city: '广州', region: '广东', notes: 'a, b; c\\d\nline 2' },
    { external_id: 'C0017', name: 'Oliver Smith', company: null, email: 'oliver.smith@example.com', phone: '+86 139 7492 0817', city: null, region: null, notes: '-dash first' },
  ];

  it('folds vCard lines at 75 octets without splitting a UTF-8 character', () => {
    const line = `NOTE:${'茶'.repeat(40)}`;
    const folded = foldLine(line);
    const pieces = folded.split('\r\n').slice(0, -1);
    expect(pieces.every((piece) => Buffer.byteLength(piece) <= 75)).toBe(true);
    expect(pieces.map((piece, index) => (index === 0 ? piece : piece.slice(1))).join('')).toBe(line);
  });

  it('reads its own vCard 4.0 back as the same values (escapes, folding, the UID)', () => {
    const text = contactsFile(rows, 'vcf');
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\nFN:高建国\r\n/);
    const cards = parseVcards(Buffer.from(text, 'utf8'));
    expect(cards.map((card) => [card.name, card.company, card.emails, card.phones, card.city, card.region, card.notes, card.uid])).toEqual(
      rows.map((row) => [row.name, row.company, [row.email], [row.phone], row.city, row.region, row.notes, `urn:crm:customer:${row.external_id}`]),
    );
  });

  it('reads its own Google CSV back as the same values', () => {
    expect(googleRow(rows[1]!)).toBe("Oliver,,Smith,,'-dash first,Work,oliver.smith@example.com,Mobile,'+86 139 7492 0817,,,\r\n");
    const { format, contacts } = parseContactCsv(contactsFile(rows, 'csv').replace(/^\uFEFF/, ''), ',');
    expect(format).toBe('google');
    expect(contacts.map((card) => [card.name, card.company, card.emails, card.phones, card.city, card.region, card.notes])).toEqual(
      rows.map((row) => [row.name, row.company, [row.email], [row.phone], row.city, row.region, row.notes]),
    );
  });
});

describe('reading a contacts file', () => {
  const write = (name: string, content: Buffer | string): string => {
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('tells a vCard file from a CSV by its content, whatever its name; a GBK Outlook CSV and a UTF-8 Google CSV with BOM and CRLF', () => {
    const gbk = write('outlook.txt', iconv.encode('名,姓,电子邮件地址,移动电话\r\n伟,王,wang@example.cn,13800138000\r\n', 'gbk'));
    expect(readContactFile(gbk, 'outlook.txt')).toMatchObject({ format: 'outlook', encoding: 'gbk', contacts: [{ name: '王伟', phoneKeys: ['13800138000'] }] });
    const bom = write('google.csv', '\uFEFFFirst Name,Last Name,E-mail 1 - Value\r\nAnn,Lee,Ann.Lee@Example.com\r\n');
    expect(readContactFile(bom, 'google.csv')).toMatchObject({ format: 'google', contacts: [{ name: 'Ann Lee', emailKeys: ['ann.lee@example.com'] }] });
    const card = write('card.csv', '\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL:+86 138 0013 8000\r\nEND:VCARD\r\n');
    expect(readContactFile(card, 'card.csv')).toMatchObject({ format: 'vcard', contacts: [{ where: 'card 1 (line 2)', phoneKeys: ['13800138000'] }] });
  });

  it('refuses an empty file, a text that is neither, and a missing file (a usage error)', () => {
    expect(() => readContactFile(write('empty.vcf', ''), 'empty.vcf')).toThrow('empty.vcf: line 1: the file is empty');
    expect(() => readContactFile(write('notes.txt', 'hello\nworld\n'), 'notes.txt')).toThrow(/^notes\.txt: line 1: neither a vCard file/);
    expect(() => readContactFile(path.join(tempDir(), 'missing.vcf'), 'missing.vcf')).toThrow('missing.vcf: no such file');
  });
});
