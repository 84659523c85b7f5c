// crm import contacts and crm export contacts end to end, on both engines: the sample phone books against
// samples/customers.csv, re-import, dry run, --overwrite, --kind lead, duplicates and bad files refused whole,
// import log and undo, export → import as a no-op, and a salesperson on PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, postgresAvailable, query, tableCounts, type Engine } from '../helpers/engines.js';
import { addMember, teamDatabase } from '../helpers/team.js';

const vcf = path.join(samples, 'contacts.vcf');
const google = path.join(samples, 'contacts-google.csv');
const outlook = path.join(samples, 'contacts-outlook.csv');

interface Row {
  external_id: string;
  name: string;
  company: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  region: string | null;
  notes: string | null;
  kind: string;
  owner: string | null;
  updated_at: string;
}

async function setup(engine: Engine) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const crm = (argv: string[]) => runCrm(['--db', db, ...argv]);
  expect((await crm(['init'])).code).toBe(0);
  const imported = await crm(['import', 'customers', path.join(samples, 'customers.csv')]);
  expect(imported.code, imported.stderr).toBe(0);
  const customers = () => query<Row>(db, 'SELECT external_id, name, company, email, phone, city, region, notes, kind, owner, updated_at FROM customers ORDER BY external_id');
  const customer = async (id: string) => (await customers()).find((row) => row.external_id === id);
  const file = (name: string, text: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  return { dir, db, crm, customers, customer, file };
}

describe.each(engines)('crm import contacts on %s', (engine) => {
  it('matches the sample vCard file to customers: fills empty fields, creates the new, skips what has nothing to match by', async () => {
    const { crm, customer, customers } = await setup(engine);
    const before = await customers();
    const result = await crm(['import', 'contacts', vcf]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('8 contacts read: 2 new, 4 merged, 1 unchanged, 1 skipped');
    // Card 1, vCard 2.1 QUOTED-PRINTABLE UTF-8 with a soft line break; found by its phone written +86 133 3634 2408.
    expect(await customer('C0002')).toMatchObject({ name: '李芳', email: 'lifang@example.cn', notes: '老客户，喜欢乌龙茶，每月初订货', company: '宁波鼎盛餐饮管理有限公司' });
    // Card 3, a folded ORG; found by its e-mail in capitals.
    expect(await customer('C0003')).toMatchObject({ company: '深圳海川茶叶贸易有限公司（南山店）', email: 'zhao3@example.cn', phone: '13843819436' });
    expect(await customer('C0005')).toMatchObject({ email: 'xuchao@example.cn', city: '上海' });
    // A lead found by phone gets its company and stays a lead.
    expect(await customer('L0001')).toMatchObject({ company: '广州秀英茶行', kind: 'lead' });
    // Card 2 (CHARSET=GB2312) and card 5 are new customers.
    const added = (await customers()).filter((row) => !before.some((old) => old.external_id === row.external_id));
    expect(added.map((row) => [row.name, row.company, row.email, row.phone, row.kind])).toEqual([
      ['欧阳明', '杭州明前茶庄', 'ouyang.ming@example.cn', '0086 139 0571 2233', 'customer'],
      ['陈思远', '南京思远茶艺馆', 'chen.siyuan@example.cn', '(139) 1234-5678', 'customer'],
    ]);
    expect(added.map((row) => row.external_id)).toEqual(added.map((row) => expect.stringMatching(/^C\d{6}$/) as unknown as string));
    // Oliver Smith shares his e-mail with C0187: his phone picks C0017, which is left alone, as is C0187.
    expect(await customer('C0187')).toEqual(before.find((row) => row.external_id === 'C0187'));
    expect(result.stdout).toContain('skipped card 7 (line 57) 王老师: no e-mail or phone to match by');

    // Again: nothing changes, and it says so.
    const after = await customers();
    const again = await crm(['import', 'contacts', vcf]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 new, 0 merged, 7 unchanged, 1 skipped');
    expect(again.stdout).toMatch(/nothing changed: every contact is already there \(the same file was imported in run 2\)/);
    expect(await customers()).toEqual(after);
  });

  it('--dry-run lists new, merged field by field, and unchanged, and writes nothing', async () => {
    const { db, crm } = await setup(engine);
    const counts = await tableCounts(db);
    const result = await crm(['import', 'contacts', vcf, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`contacts from ${vcf} (vcard): dry run (nothing written)`);
    expect(lines).toContain('  merged into C0002 李芳  [card 1 (line 1)]');
    expect(lines).toContain('    email: (empty) → "lifang@example.cn"');
    expect(lines).toContain('    notes: (empty) → "老客户，喜欢乌龙茶，每月初订货"');
    expect(lines).toContain('  new customer: 欧阳明 (ouyang.ming@example.cn, 0086 139 0571 2233)  [card 2 (line 11)]');
    expect(lines).toContain('  unchanged C0017 Oliver Smith  [card 6 (line 50)]');
    expect(await tableCounts(db)).toEqual(counts);
  });

  it('--overwrite replaces fields that differ; without it only empty fields are filled', async () => {
    const { crm, customer, file } = await setup(engine);
    const card = file('gao.vcf', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:高建国\r\nORG:高记茶行\r\nEMAIL:GAO1@example.cn\r\nTEL:+86 136 1642 0445\r\nNOTE:VIP\r\nEND:VCARD\r\n');
    const plain = await crm(['import', 'contacts', card, '--dry-run']);
    expect(plain.stdout).toContain('    notes: (empty) → "VIP"');
    expect(plain.stdout).not.toContain('company:');
    const overwrite = await crm(['import', 'contacts', card, '--overwrite']);
    expect(overwrite.code, overwrite.stderr).toBe(0);
    expect(overwrite.stdout).toContain('    company: "广州金桥餐饮管理有限公司" → "高记茶行"');
    // The e-mail and phone are the customer's own, written differently: not changes.
    expect(overwrite.stdout).not.toMatch(/email:|phone:/);
    expect(await customer('C0001')).toMatchObject({ company: '高记茶行', notes: 'VIP', email: 'gao1@example.cn', phone: '13616420445' });
  });

  it('reads the Google and Outlook samples; --kind lead makes leads of the new', async () => {
    const { crm, customer, customers } = await setup(engine);
    const fromGoogle = await crm(['import', 'contacts', google]);
    expect(fromGoogle.code, fromGoogle.stderr).toBe(0);
    expect(fromGoogle.stdout).toContain(`contacts from ${google} (google): run 2`);
    expect(fromGoogle.stdout).toContain('4 contacts read: 2 new, 2 merged, 0 unchanged, 0 skipped');
    expect(await customer('C0010')).toMatchObject({ company: '上海孙记茶行' });
    expect((await customers()).find((row) => row.name === '林晓燕')).toMatchObject({ email: 'lin.xiaoyan@example.cn', phone: '13700137000', city: '苏州', notes: '朋友介绍\n喜欢白茶' });
    const fromOutlook = await crm(['import', 'contacts', outlook, '--kind', 'lead']);
    expect(fromOutlook.code, fromOutlook.stderr).toBe(0);
    expect(fromOutlook.stdout).toContain('3 contacts read: 1 new, 1 merged, 1 unchanged, 0 skipped');
    expect(await customer('C0011')).toMatchObject({ email: 'wang.jianguo@example.cn', kind: 'customer' });
    expect((await customers()).find((row) => row.name === 'Tom Baker')).toMatchObject({ kind: 'lead', external_id: expect.stringMatching(/^L\d{6}$/) as unknown as string });
  });

  it('refuses a file with two contacts of one customer, naming both, and writes nothing (exit 3)', async () => {
    const { db, crm, file } = await setup(engine);
    const twice = file('twice.vcf', [
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:李芳', 'TEL:13336342408', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:新朋友', 'EMAIL:new@example.cn', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:芳芳', 'TEL:+86 133-3634-2408', 'EMAIL:fang@example.cn', 'END:VCARD', '',
    ].join('\r\n'));
    const counts = await tableCounts(db);
    const result = await crm(['import', 'contacts', twice]);
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')[0]).toBe(
      `crm: ${twice}: card 1 (line 1) (李芳) and card 3 (line 11) (芳芳) all match customer C0002 (李芳): the same person twice? keep one of them in the file; nothing was written`,
    );
    expect(await tableCounts(db)).toEqual(counts);
  });

  it.each([
    ['broken.vcf', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEMAIL:a@example.cn\r\n', /: card 1 \(line 1\): no END:VCARD before the end of the file; nothing was written$/],
    ['bad-email.vcf', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nEMAIL:b@\r\nEND:VCARD\r\n', /: card 2 \(line 5\): e-mail "b@": not a valid e-mail address; nothing was written$/],
    ['orders.csv', 'customer_id,order_date,amount\nC0001,2026-01-01,10\n', /: line 1: not a contacts file/],
    ['bad-phone.csv', 'First Name,Last Name,Mobile Phone\n王,伟,13800138000\n李,娜,call me\n', /: line 3: phone "call me": not a valid phone number; nothing was written$/],
  ])('refuses a bad file in one line naming the file and the card or line (%s), exit 3', async (name, text, message) => {
    const { db, crm, file } = await setup(engine);
    const counts = await tableCounts(db);
    const result = await crm(['import', 'contacts', file(name, text)]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr).toContain(name);
    expect(await tableCounts(db)).toEqual(counts);
  });

  it('is recorded as an import run: crm import log lists it and crm import undo takes it back', async () => {
    const { crm, customers } = await setup(engine);
    const before = await customers();
    expect((await crm(['import', 'contacts', vcf])).code).toBe(0);
    const log = await crm(['import', 'log', '--format', 'json']);
    expect(JSON.parse(log.stdout)[0]).toMatchObject({ kind: 'contacts', rows_read: 8, new: 2, changed: 4, unchanged: 1, customers_created: 2 });
    const undo = await crm(['import', 'undo', '2', '--yes']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('removed 2 customers; restored 4 customers');
    expect(await customers()).toEqual(before);
  });

  it('export contacts → import contacts changes nothing (vCard and Google CSV), and a filter selects as crm customer list does', async () => {
    const { crm, customers, dir } = await setup(engine);
    expect((await crm(['import', 'contacts', vcf])).code).toBe(0);
    const before = await customers();
    for (const format of ['vcf', 'csv']) {
      const out = path.join(dir, `all.${format}`);
      const exported = await crm(['export', 'contacts', '--format', format, '--output', out]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toContain(`wrote ${before.length} contacts to ${out}`);
      const again = await crm(['import', 'contacts', out]);
      expect(again.code, again.stderr).toBe(0);
      // The four customers without e-mail and phone have nothing to be matched by.
      expect(again.stdout).toContain(`${before.length} contacts read: 0 new, 0 merged, ${before.length - 4} unchanged, 4 skipped`);
      expect(await customers()).toEqual(before);
    }
    const shanghai = await crm(['export', 'contacts', '--city', '上海', '--kind', 'customer']);
    const list = await crm(['customer', 'list', '--city', '上海', '--kind', 'customer', '--format', 'json']);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((row) => row.name);
    expect([...shanghai.stdout.matchAll(/^FN:(.*)\r$/gm)].map((match) => match[1])).toEqual(names);
  });
});

describe('crm import contacts and export contacts give the same output on both engines', () => {
  it.skipIf(engines.length < 2)('the same JSON summary and the same vCard file', async () => {
    const outputs: string[][] = [];
    for (const engine of engines) {
      const { crm } = await setup(engine);
      const dry = await crm(['import', 'contacts', vcf, '--dry-run', '--format', 'json']);
      const run = await crm(['import', 'contacts', google, '--format', 'json']);
      const exported = await crm(['export', 'contacts']);
      const csv = await crm(['export', 'contacts', '--format', 'csv', '--tag', 'vip']);
      outputs.push([dry.stdout, run.stdout, exported.stdout, csv.stdout]);
    }
    expect(outputs[0]![0]).toContain('"merged": 4');
    expect(outputs[1]).toEqual(outputs[0]);
  });
});

describe.skipIf(!postgresAvailable)('a salesperson imports contacts on PostgreSQL', () => {
  it('matches their own customers only; the customers they create are theirs; undo is theirs too', async () => {
    const team = await teamDatabase();
    expect((await team.crm('owner', ['init'])).code).toBe(0);
    expect((await team.crm('owner', ['import', 'customers', path.join(samples, 'customers.csv')])).code).toBe(0);
    expect((await addMember(team, 'wang', '王伟', 'sales')).code).toBe(0);
    const result = await team.crm('wang', ['import', 'contacts', vcf, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { contacts: { where: string; outcome: string; customer_id?: string }[] };
    // C0002 李芳 is 王伟's: merged. C0003 赵磊 is 张强's: 王伟 cannot see him, so the card is a new customer of 王伟's.
    expect(summary.contacts.find((row) => row.where === 'card 1 (line 1)')).toMatchObject({ outcome: 'merged', customer_id: 'C0002' });
    expect(summary.contacts.find((row) => row.where === 'card 3 (line 20)')).toMatchObject({ outcome: 'new' });
    const created = await team.sql<{ owner: string | null }>('owner', 'SELECT owner FROM customers WHERE created_by = $1 ORDER BY id', [team.login('wang')]);
    expect(created.map((row) => row.owner)).toEqual(summary.contacts.filter((row) => row.outcome === 'new').map(() => '王伟'));
    expect(created.length).toBeGreaterThan(2);
    const undo = await team.crm('wang', ['import', 'undo', '2', '--yes']);
    expect(undo.code, undo.stderr).toBe(0);
  }, 60_000);
});
