// crm import mail's reading: the mbox framing (import/mbox.ts) and what is taken from a message (import/mail.ts).
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DataRejectedError } from '../../src/errors.js';
import { looksLikeMbox, splitMbox, type MboxMessage } from '../../src/import/mbox.js';
import { eightBitHeader, mailSourceKind, parseMail, type MailMessage } from '../../src/import/mail.js';
import { samples, tempDir } from '../helpers/cli.js';

async function split(text: string | Buffer, chunk = 7): Promise<MboxMessage[]> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  // Small chunks: a line, a From_ line and a multi-byte character are split across reads.
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += chunk) chunks.push(bytes.subarray(start, start + chunk));
  const out: MboxMessage[] = [];
  for await (const message of splitMbox((async function* () { yield* chunks; })())) out.push(message);
  return out;
}

const parse = (raw: string | Buffer, envelope: string | null = null): Promise<MailMessage> =>
  parseMail('in.mbox', { where: 'message 1 (line 1)', raw: typeof raw === 'string' ? Buffer.from(raw) : raw, envelope });

const b64 = (text: string, charset: string) => `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;

describe('splitting an mbox', () => {
  it('starts a message at each From_ line after an empty line, and drops that empty line', async () => {
    const messages = await split('From a@x Mon Nov  2 09:15:00 2026\nSubject: one\n\nbody 1\n\nFrom b@x Tue Nov  3 10:00:00 2026\nSubject: two\n\nbody 2\n');
    expect(messages.map((m) => [m.number, m.line, m.envelope])).toEqual([[1, 1, 'a@x Mon Nov  2 09:15:00 2026'], [2, 6, 'b@x Tue Nov  3 10:00:00 2026']]);
    expect(messages[0]!.raw.toString()).toBe('Subject: one\n\nbody 1\n');
    // The last message's closing empty line is the mbox's too; with none, nothing is lost.
    expect(messages[1]!.raw.toString()).toBe('Subject: two\n\nbody 2\n');
  });

  it('reads one ">" off ">From " and ">>From " lines (mboxrd and mboxo), and leaves other ">" lines alone', async () => {
    const [message] = await split('From a@x Mon Nov  2 09:15:00 2026\nSubject: q\n\n>From the warehouse\n>>From a quote\n> From not quoted\n>Fromage\nFrom inside a paragraph\n');
    expect(message!.raw.toString()).toBe('Subject: q\n\nFrom the warehouse\n>From a quote\n> From not quoted\n>Fromage\nFrom inside a paragraph\n');
  });

  it('does not split at a "From " line that has no empty line before it, keeps CRLF and empty lines inside a message', async () => {
    const messages = await split('From a@x Mon Nov  2 09:15:00 2026\r\nSubject: q\r\n\r\nline\r\n\r\n\r\nend\r\nFrom b@x\r\n');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.raw.toString()).toBe('Subject: q\r\n\r\nline\r\n\r\n\r\nend\r\nFrom b@x\r\n');
  });

  it('starts a message at a full postmark (sender and date) even with no empty line before it, as some programs write them', async () => {
    const messages = await split('From a@x Mon Nov  2 09:15:00 2026\nSubject: one\n\nbody 1\nFrom b@x Tue Nov  3 10:00:00 +0000 2026\nSubject: two\n\nHello\nFrom the desk of Bob\nFrom - Wed Nov  4 11:00 2026\r\nSubject: three\n\nx\n');
    expect(messages.map((m) => [m.number, m.line, m.envelope])).toEqual([
      [1, 1, 'a@x Mon Nov  2 09:15:00 2026'], [2, 5, 'b@x Tue Nov  3 10:00:00 +0000 2026'], [3, 10, '- Wed Nov  4 11:00 2026'],
    ]);
    expect(messages.map((m) => m.raw.toString())).toEqual(['Subject: one\n\nbody 1\n', 'Subject: two\n\nHello\nFrom the desk of Bob\n', 'Subject: three\n\nx\n']);
  });

  it('keeps the bytes of a GBK body as they are (decoding is the parser\'s)', async () => {
    const body = iconv.encode('报价单已收到\n', 'gbk');
    const [message] = await split(Buffer.concat([Buffer.from('From a@x Mon Nov  2 09:15:00 2026\nSubject: q\n\n'), body]), 3);
    expect(message!.raw.subarray(-body.length).equals(body)).toBe(true);
  });

  it('knows an mbox by its first line; an empty file is an empty mbox', async () => {
    expect(looksLikeMbox(Buffer.from('From '))).toBe(true);
    expect(looksLikeMbox(Buffer.from(''))).toBe(true);
    expect(looksLikeMbox(Buffer.from('From:'))).toBe(false);
    expect(await split('')).toEqual([]);
  });
});

describe('reading a message', () => {
  it('decodes =?UTF-8?B?…?= and =?GB2312?B?…?= subjects and names, lower-cases addresses, Cc counts as a recipient', async () => {
    const message = await parse(
      `From: ${b64('马志强', 'GB2312')} <MA7@EXAMPLE.CN>\nTo: shop@x.cn\nCc: ${b64('李秀英', 'UTF-8')} <Li4@Example.cn>\nSubject: ${b64('报价单确认', 'GB2312')}\n` +
        'Date: Wed, 4 Nov 2026 08:29:51 +0800\nMessage-ID: <GB-4711@mail.example.cn>\n\nhi\n',
    );
    expect(message.subject).toBe('报价单确认');
    expect(message.from).toEqual([{ address: 'ma7@example.cn', name: '马志强' }]);
    expect(message.recipients).toEqual([{ address: 'shop@x.cn', name: '' }, { address: 'li4@example.cn', name: '李秀英' }]);
    // 08:29:51 at +08:00 is 00:29:51 UTC; the key is the Message-ID without its brackets.
    expect(message).toMatchObject({ occurredAt: '2026-11-04T00:29:51Z', dateFrom: 'date', key: 'GB-4711@mail.example.cn', hasMessageId: true });
  });

  it('reads raw GBK bytes in headers (no encoded word) in the declared charset, or GB18030; UTF-8 and Latin text stay', async () => {
    const gbk = (text: string) => iconv.encode(text, 'gbk');
    const raw = (charset: string | null) => Buffer.concat([
      Buffer.from('From: '), gbk('张三'), Buffer.from(' <z@x.cn>\nSubject: '), gbk('报价单确认'),
      Buffer.from(`\nDate: Wed, 4 Nov 2026 08:29:51 +0800${charset === null ? '' : `\nContent-Type: text/plain; charset=${charset}`}\n\nhi\n`),
    ]);
    for (const charset of ['gb2312', null, 'us-ascii']) {
      const message = await parse(raw(charset));
      expect([message.subject, message.from[0]!.name], String(charset)).toEqual(['报价单确认', '张三']);
    }
    // A message that says it is Latin-1 keeps postal-mime's reading; an encoded-word "Crème brûlée" is never re-read.
    expect((await parse(Buffer.concat([Buffer.from('From: a@x.cn\nSubject: Caf'), Buffer.from([0xe9]), Buffer.from('\nContent-Type: text/plain; charset=iso-8859-1\nDate: Wed, 4 Nov 2026 08:29:51 +0800\n\nx\n')]))).subject).toBe('Café');
    expect((await parse(`From: a@x.cn\nSubject: ${b64('Crème brûlée', 'UTF-8')}\nDate: Wed, 4 Nov 2026 08:29:51 +0800\n\nx\n`)).subject).toBe('Crème brûlée');
    expect(eightBitHeader('Caf\u00e9', null)).toBe('Caf\u00e9');
  });

  it('reads a GBK body: without a subject its first line is the summary', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@x.cn\nDate: Wed, 4 Nov 2026 08:29:51 +0800\nContent-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: 8bit\n\n'),
      iconv.encode('\n报价单已收到，价格没有问题。\n请安排发货。\n', 'gbk'),
    ]);
    expect((await parse(raw)).subject).toBe('报价单已收到，价格没有问题。');
  });

  it('notes attachment names (an encoded one too), not inline parts without a name', async () => {
    const message = await parse([
      'From: shop@x.cn', 'To: wu8@example.cn', 'Subject: quote', 'Date: Thu, 5 Nov 2026 10:00:00 +0800', 'Message-ID: <q@x>',
      'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'see attached', '--b',
      `Content-Type: application/pdf; name="${b64('报价单.pdf', 'UTF-8')}"`, `Content-Disposition: attachment; filename="${b64('报价单.pdf', 'UTF-8')}"`,
      'Content-Transfer-Encoding: base64', '', Buffer.from('%PDF').toString('base64'), '--b',
      'Content-Type: text/csv', 'Content-Disposition: attachment; filename="prices.csv"', '', 'a,b', '--b--', '',
    ].join('\r\n'));
    expect(message.attachments).toEqual(['报价单.pdf', 'prices.csv']);
    expect(message.subject).toBe('quote');
  });

  it('keys a message without Message-ID by a hash of From, To, Cc, Date and Subject: the same headers, the same key', async () => {
    const text = 'From: a@x.cn\nTo: b@x.cn\nSubject: s\nDate: Wed, 4 Nov 2026 08:29:51 +0800\n\nbody one\n';
    const first = await parse(text);
    expect(first.hasMessageId).toBe(false);
    expect(first.key).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect((await parse(text.replace('body one', 'another body'))).key).toBe(first.key);
    expect((await parse(text.replace('Subject: s', 'Subject: t'))).key).not.toBe(first.key);
  });

  it('dates a message without Date by its newest Received header, else by the mbox From_ line (as UTC)', async () => {
    const received = await parse('Received: from a by b; Tue, 3 Nov 2026 23:10:00 +0100\nReceived: from c by a; Tue, 3 Nov 2026 23:09:00 +0100\nFrom: a@x.cn\nSubject: s\n\nx\n');
    expect(received).toMatchObject({ occurredAt: '2026-11-03T22:10:00Z', dateFrom: 'received' });
    const envelope = await parse('From: a@x.cn\nSubject: s\nDate: someday\n\nx\n', 'a@x.cn Sat Nov  7 03:20:00 2026');
    expect(envelope).toMatchObject({ occurredAt: '2026-11-07T03:20:00Z', dateFrom: 'envelope' });
    // A Date outside the years crm accepts (1900–2200: a broken clock) is no date either.
    const broken = await parse('From: a@x.cn\nSubject: s\nDate: Thu, 1 Jan 1870 00:00:00 +0000\n\nx\n', 'a@x.cn Sat Nov  7 03:20:00 2026');
    expect(broken).toMatchObject({ occurredAt: '2026-11-07T03:20:00Z', dateFrom: 'envelope' });
  });

  it('refuses, naming the file and message, a garbled message, one without From, and one without any date', async () => {
    const refusal = async (raw: string, envelope: string | null = null) => {
      const error = await parse(raw, envelope).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataRejectedError);
      return (error as Error).message;
    };
    expect(await refusal('\u0000\u0001\u00ff garbage\n')).toBe('in.mbox: message 1 (line 1): has no mail headers (garbled, or not an e-mail); nothing was written');
    expect(await refusal('To: a@x.cn\nDate: Wed, 4 Nov 2026 08:29:51 +0800\n\nx\n')).toContain('message 1 (line 1): has no From header');
    expect(await refusal('From: a@x.cn\nSubject: s\n\nx\n', 'a@x.cn')).toContain('has no date');
  });
});

describe('what PATH is', () => {
  it('an mbox, a folder of .eml files or one .eml file; anything else is refused (exit 3)', async () => {
    const dir = tempDir();
    expect(await mailSourceKind(path.join(samples, 'mail.mbox'))).toBe('mbox');
    expect(await mailSourceKind(path.join(samples, 'mail'))).toBe('folder');
    expect(await mailSourceKind(path.join(samples, 'mail', '2026-11-08-yang.eml'))).toBe('eml');
    const error = await mailSourceKind(path.join(samples, 'customers.csv')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataRejectedError);
    expect((error as DataRejectedError).exitCode).toBe(3);
    fs.mkdirSync(path.join(dir, 'empty'));
    await expect(mailSourceKind(path.join(dir, 'empty'))).rejects.toThrow('a folder without .eml files');
  });
});
