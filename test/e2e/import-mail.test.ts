// crm import mail (issue 21, Mail) on both engines: samples/mail.mbox and samples/mail/ onto the sample customers,
// idempotent re-import, dry run, unmatched addresses, --create-leads, the timeline, export → import of the direction,
// undo, forget, bad input (exit 3, nothing written), and a salesperson on a team database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrm, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, postgresAvailable, query, scalar, tableCounts } from '../helpers/engines.js';
import { addMember, teamDatabase, type TeamDb } from '../helpers/team.js';

const mbox = path.join(samples, 'mail.mbox');
const folder = path.join(samples, 'mail');

interface Filed {
  external_id: string;
  customer: string;
  occurred_at: string;
  summary: string;
  outcome: string | null;
  direction: string;
}

const filed = (db: string): Promise<Filed[]> =>
  query<Filed>(db, `SELECT i.external_id, c.external_id AS customer, i.occurred_at, i.summary, i.outcome, i.direction
                    FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE i.direction IS NOT NULL ORDER BY i.external_id`);

/** What samples/mail.mbox files on samples/customers.csv, worked out by hand from scripts/make-mail-samples.mjs. */
const expectedFromMbox: Filed[] = [
  // 1 (and its copy, 6): 高建国 wrote in; 09:14:27 +08:00.
  { external_id: 'mail:C0001:20261102091427.gao1@example.cn', customer: 'C0001', occurred_at: '2026-11-02T01:14:27Z', summary: 'Order for November', outcome: null, direction: 'in' },
  // 2: one message to 赵磊 (To) and 李秀英 (Cc): a filing on each, out.
  { external_id: 'mail:C0003:catalogue-2026-11@chaye.example.cn', customer: 'C0003', occurred_at: '2026-11-03T06:02:00Z', summary: '秋季新品目录', outcome: null, direction: 'out' },
  { external_id: 'mail:C0004:catalogue-2026-11@chaye.example.cn', customer: 'C0004', occurred_at: '2026-11-03T06:02:00Z', summary: '秋季新品目录', outcome: null, direction: 'out' },
  // 3: GB2312 subject, MA7@EXAMPLE.CN matches ma7@example.cn.
  { external_id: 'mail:C0007:GB-4711@mail.example.cn', customer: 'C0007', occurred_at: '2026-11-04T00:29:51Z', summary: '报价单确认', outcome: null, direction: 'in' },
  // 4: two attachments, named.
  { external_id: 'mail:C0008:quote-wu8-1105@chaye.example.cn', customer: 'C0008', occurred_at: '2026-11-05T02:00:00Z', summary: 'Quotation and price list', outcome: 'attachments: 报价单.pdf, price-list-2026.xlsx', direction: 'out' },
  // 7: no Message-ID (a hash key), no Date: the From_ line's "Sat Nov  7 03:20:00 2026" as UTC.
  { external_id: expect.stringMatching(/^mail:C0010:sha256:[0-9a-f]{32}$/) as unknown as string, customer: 'C0010', occurred_at: '2026-11-07T03:20:00Z', summary: '回复：样品', outcome: null, direction: 'in' },
];

describe.each(engines)('crm import mail on %s', (engine) => {
  let db: string;
  const crm = (argv: string[]) => runCrm(['--db', db, ...argv]);
  const json = async (argv: string[]) => {
    const result = await crm([...argv, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  // One database for the whole sequence (tempDir's folders go after each test).
  const kept = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-mail-'));
  afterAll(() => fs.rmSync(kept, { recursive: true, force: true }));

  beforeAll(async () => {
    db = engine === 'sqlite' ? path.join(kept, 'crm.db') : await newDatabase(engine);
    expect((await crm(['init'])).code).toBe(0);
    expect((await crm(['import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
  }, 60_000);

  it('a dry run counts what would be filed and writes nothing', async () => {
    const before = await tableCounts(db);
    const summary = await json(['import', 'mail', mbox, '--dry-run']);
    expect(summary).toMatchObject({
      written: false, dry_run: true, run_id: null, source: 'mbox', messages: 7, matched: 6, unmatched: 1, new: 6, unchanged: 1,
      with_attachments: 1, without_message_id: 1, dated_without_date_header: 1, leads_created: 0, unmatched_address_count: 1,
      unmatched_addresses: [{ address: 'chen.jing@example.com', name: 'Chen Jing', messages: 1 }],
      shop_addresses: ['shop@chaye.example.cn'],
    });
    expect(await tableCounts(db)).toEqual(before);
  });

  it('files each message on every customer it names, in or out, and a re-import adds nothing', async () => {
    const first = await crm(['import', 'mail', mbox]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('7 messages read: 6 with customers, 1 with nobody known');
    expect(first.stdout).toContain("6 e-mails filed on customers' timelines, 1 already there (filed by an earlier run, or a copy of a message earlier in this mail)");
    expect(first.stdout).toMatch(/\n +1 {2}chen\.jing@example\.com \(Chen Jing\)\n/);
    expect(await filed(db)).toEqual(expectedFromMbox);
    expect(await scalar<number>(db, "SELECT count(*) FROM interactions WHERE kind = 'email' AND direction IS NOT NULL")).toBe(6);

    const again = await json(['import', 'mail', mbox]);
    expect(again).toMatchObject({ new: 0, unchanged: 7, same_content_as_run: 2 });
    expect(await filed(db)).toEqual(expectedFromMbox);
    const log = JSON.parse((await crm(['import', 'log', '--format', 'json'])).stdout) as { run_id: number; kind: string; rows_read: number; new: number; unchanged: number }[];
    expect(log.slice(0, 2).map((run) => [run.run_id, run.kind, run.rows_read, run.new, run.unchanged])).toEqual([[3, 'mail', 7, 0, 7], [2, 'mail', 7, 6, 1]]);
  });

  it('shows the e-mail with its direction on the customer\'s timeline', async () => {
    const shown = await crm(['customer', 'show', 'C0007']);
    expect(shown.stdout).toMatch(/│ email in +│ #\d+ +│ 报价单确认/);
    const out = await crm(['customer', 'show', 'C0008', '--format', 'json']);
    const file = JSON.parse(out.stdout) as { timeline: { type: string; detail: string }[] };
    expect(file.timeline.find((entry) => entry.type === 'email-out')?.detail).toBe('Quotation and price list → attachments: 报价单.pdf, price-list-2026.xlsx');
  });

  it('exports the direction, and the export imports back to the same filings', async () => {
    const dir = tempDir();
    const exported = await crm(['export', 'interactions', '--output', dir]);
    expect(exported.code, exported.stderr).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'interactions.csv'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/,direction\r?$/);
    const copy = await newDatabase(engine);
    expect((await runCrm(['--db', copy, 'init'])).code).toBe(0);
    expect((await runCrm(['--db', copy, 'import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
    const back = await runCrm(['--db', copy, 'import', 'interactions', path.join(dir, 'interactions.csv')]);
    expect(back.code, back.stderr).toBe(0);
    expect(await filed(copy)).toEqual(await filed(db));
    // And the mailbox after the round trip still adds nothing (the keys came along).
    const again = JSON.parse((await runCrm(['--db', copy, 'import', 'mail', mbox, '--format', 'json'])).stdout);
    expect(again).toMatchObject({ new: 0, unchanged: 7 });
  });

  it('--create-leads makes a lead of each unknown address and files its mail there; undo takes both back', async () => {
    const summary = await json(['import', 'mail', folder, '--create-leads']);
    // 杨秀英 is lead L0001 already (matched); Lin Tao is nobody: a lead, with his message on it.
    expect(summary).toMatchObject({ source: 'folder', messages: 2, matched: 1, unmatched: 1, new: 2, leads_created: 1 });
    const lead = await query<{ external_id: string; name: string; email: string; kind: string; channel: string; owner: string | null }>(
      db, "SELECT external_id, name, email, kind, channel, owner FROM customers WHERE email = 'lin.tao@example.net'",
    );
    expect(lead).toEqual([{ external_id: expect.stringMatching(/^L\d{6}$/) as unknown as string, name: 'Lin Tao', email: 'lin.tao@example.net', kind: 'lead', channel: 'email', owner: null }]);
    const mine = (await filed(db)).filter((row) => row.customer === lead[0]!.external_id || row.customer === 'L0001');
    expect(mine.map((row) => [row.customer, row.summary, row.direction])).toEqual([
      ['L0001', '想了解批发价格', 'in'],
      [lead[0]!.external_id, 'Introduced by Mr Gao', 'in'],
    ]);
    const undo = await crm(['import', 'undo', String(summary.run_id), '--yes']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('removed 2 interactions, 1 customers');
    expect(await scalar<number>(db, "SELECT count(*) FROM customers WHERE email = 'lin.tao@example.net'")).toBe(0);
    expect(await filed(db)).toEqual(expectedFromMbox);
  });

  it('--me leaves the shop\'s address out of the unmatched list even when no message matched', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(folder, '2026-11-09-lin.eml'), path.join(dir, 'lin.eml'));
    const without = await json(['import', 'mail', path.join(dir, 'lin.eml'), '--dry-run']);
    expect(without.unmatched_addresses.map((item: { address: string }) => item.address)).toEqual(['lin.tao@example.net', 'shop@chaye.example.cn']);
    const withMe = await json(['import', 'mail', path.join(dir, 'lin.eml'), '--dry-run', '--me', 'Shop@Chaye.example.cn']);
    expect(withMe.unmatched_addresses.map((item: { address: string }) => item.address)).toEqual(['lin.tao@example.net']);
    // A customer writing to the shop shows the shop's address (To); whoever they copy in (Cc) is not the shop.
    fs.writeFileSync(path.join(dir, 'two.mbox'), [
      'From gao1@example.cn Mon Nov  9 09:00:00 2026', 'From: gao1@example.cn', 'To: office@chaye.example.cn', 'Cc: assistant@gao.example.cn',
      'Subject: order', 'Date: Mon, 9 Nov 2026 09:00:00 +0800', '', 'x', '',
      'From assistant@gao.example.cn Mon Nov  9 10:00:00 2026', 'From: assistant@gao.example.cn', 'To: office@chaye.example.cn',
      'Subject: the order', 'Date: Mon, 9 Nov 2026 10:00:00 +0800', '', 'y', '',
    ].join('\n'));
    const learned = await json(['import', 'mail', path.join(dir, 'two.mbox'), '--dry-run']);
    expect(learned).toMatchObject({ matched: 1, unmatched: 1, shop_addresses: ['office@chaye.example.cn'] });
    expect(learned.unmatched_addresses).toEqual([{ address: 'assistant@gao.example.cn', name: '', messages: 1 }]);
  });

  it('refuses a garbled message or a path that is no mailbox in one line, exit 3, nothing written', async () => {
    const dir = tempDir();
    const good = fs.readFileSync(mbox);
    fs.writeFileSync(path.join(dir, 'bad.mbox'), Buffer.concat([good, Buffer.from('From x@y Mon Nov  9 09:00:00 2026\n\u0000\u0001\u00ff garbled\n')]));
    const before = await tableCounts(db);
    const garbled = await crm(['import', 'mail', path.join(dir, 'bad.mbox')]);
    expect(garbled.code).toBe(3);
    expect(garbled.stderr.trim()).toBe(`crm: ${path.join(dir, 'bad.mbox')}: message 8 (line ${good.toString('latin1').split('\n').length}): has no mail headers (garbled, or not an e-mail); nothing was written`);
    const csv = await crm(['import', 'mail', path.join(samples, 'customers.csv')]);
    expect(csv.code).toBe(3);
    const asJson = await crm(['import', 'mail', path.join(dir, 'bad.mbox'), '--format', 'json']);
    expect(asJson.code).toBe(3);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ written: false, kind: 'mail', error: expect.stringContaining('message 8') as unknown as string });
    expect(csv.stderr.trim().split('\n')).toHaveLength(1);
    expect(csv.stderr).toContain('neither an mbox file');
    // In a folder the bad message is named by its file; the good one before it is not written either.
    fs.mkdirSync(path.join(dir, 'mail'));
    fs.copyFileSync(path.join(folder, '2026-11-08-yang.eml'), path.join(dir, 'mail', 'a.eml'));
    fs.writeFileSync(path.join(dir, 'mail', 'b.eml'), 'To: shop@chaye.example.cn\nSubject: no sender\nDate: Mon, 9 Nov 2026 15:30:00 +0800\n\nx\n');
    const eml = spawnCrm(['--db', db, 'import', 'mail', path.join(dir, 'mail')]);
    expect(eml.code).toBe(3);
    expect(eml.stderr.trim()).toBe(`crm: ${path.join(dir, 'mail')}: b.eml: has no From header; nothing was written`);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('a message filed on a customer merged into another since is not filed again', async () => {
    // C9001 takes in C0001 (and its e-mail, its own being empty): C0001's filing moves there under its old key.
    expect((await crm(['customer', 'add', '--id', 'C9001', '--name', '高建国 (new record)'])).code).toBe(0);
    const merged = await crm(['customer', 'merge', 'C9001', 'C0001', '--yes']);
    expect(merged.code, merged.stderr).toBe(0);
    const again = await json(['import', 'mail', mbox]);
    expect(again).toMatchObject({ new: 0, unchanged: 7 });
    expect((await filed(db)).filter((row) => row.customer === 'C9001').map((row) => row.external_id)).toEqual(['mail:C0001:20261102091427.gao1@example.cn']);
  });

  it('crm customer forget erases the Message-ID keys of the person\'s mail', async () => {
    const forgot = await crm(['customer', 'forget', 'C0007', '--yes']);
    expect(forgot.code, forgot.stderr).toBe(0);
    const keys = await query<{ external_id: string; summary: string }>(db, "SELECT i.external_id, i.summary FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE c.external_id = 'C0007' AND i.direction IS NOT NULL");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ external_id: expect.stringMatching(/^mail-erased:\d+$/) as unknown as string, summary: '' });
  });
});

describe.skipIf(!postgresAvailable)('crm import mail by a salesperson on a team database', () => {
  let team: TeamDb;

  beforeAll(async () => {
    team = await teamDatabase();
    expect((await team.crm('owner', ['init'])).code).toBe(0);
    expect((await team.crm('owner', ['import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
    const added = await addMember(team, 'wang', '王伟', 'sales');
    expect(added.code, added.stderr).toBe(0);
  }, 60_000);

  it('files mail only on their own customers (the others\' count as unmatched), and may not --create-leads', async () => {
    const refused = await team.crm('wang', ['import', 'mail', mbox, '--create-leads']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('may not import mail with --create-leads');
    const result = await team.crm('wang', ['import', 'mail', mbox, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    // Of the sample mailbox only 吴军 (C0008) is 王伟's: message 4. The rest name customers he cannot see.
    expect(JSON.parse(result.stdout)).toMatchObject({ messages: 7, matched: 1, new: 1, unmatched: 6 });
    const rows = await team.sql<{ customer: string; direction: string }>('owner', `SELECT c.external_id AS customer, i.direction FROM interactions i
      JOIN customers c ON c.id = i.customer_id WHERE i.direction IS NOT NULL`);
    expect(rows).toEqual([{ customer: 'C0008', direction: 'out' }]);
  });
});
