// crm customer forget: personal data erased (even from the file's free pages), anonymous order totals kept, audited.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, tempDir } from '../helpers/cli.js';
import { withDb } from '../helpers/db.js';

async function setup() {
  const dir = tempDir();
  const db = path.join(dir, 'crm.db');
  const crm = (argv: string[]) => runCrm(['--db', db, ...argv]);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  write('c.csv', 'customer_id,name,company,email,phone,city,notes,tags\nP1,Petra Privat,Privat GmbH,petra.privat@example.com,+49 30 1234567,Berlin,likes quiet calls,vip\nP2,Other Person,,other@example.com,,Rome,,\n');
  write('c2.csv', 'customer_id,name,email\nP1,Petra Privat-Neu,petra.neu@example.com\n');
  write('o.csv', 'order_id,customer_id,order_date,amount\nX1,P1,2026-10-01,120.00\nX2,P1,2026-11-01,80.50\nX3,P2,2026-11-02,10\n');
  write('i.csv', 'customer_id,kind,occurred_at,summary,outcome\nP1,call,2026-10-02,Petra said her daughter is ill,call back\n');
  await crm(['init']);
  for (const [kind, file] of [['customers', 'c.csv'], ['customers', 'c2.csv'], ['orders', 'o.csv'], ['interactions', 'i.csv']]) {
    expect((await crm(['import', kind!, path.join(dir, file!)])).code).toBe(0);
  }
  withDb(db, (handle) => handle.prepare("INSERT INTO complaints (customer_id, opened_at, summary, resolution, created_at, updated_at) SELECT id, '2026-10-03', 'Petra complained about the delivery', 'refunded Petra', 'x', 'x' FROM customers WHERE external_id = 'P1'").run(), false);
  return { dir, db, crm };
}

describe('crm customer forget', () => {
  it('erases name, company, e-mail, phone, notes and free text; keeps orders; audits without the values', async () => {
    const { db, crm } = await setup();
    const forgot = await crm(['customer', 'forget', 'P1', '--yes']);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toContain('forgot customer P1');
    expect(forgot.stdout).toContain('2 orders kept anonymously');
    const row = withDb(db, (handle) => handle.prepare("SELECT * FROM customers WHERE external_id = 'P1'").get()) as Record<string, unknown>;
    expect(row).toMatchObject({ name: `Forgotten customer #${row.id}`, company: null, email: null, phone: null, notes: null, status: 'forgotten', city: 'Berlin', tags: 'vip' });
    const shown = JSON.parse((await crm(['customer', 'show', 'P1', '--format', 'json'])).stdout);
    expect(shown).toMatchObject({ orders: 2, revenue: 200.5 });
    withDb(db, (handle) => {
      expect(handle.prepare('SELECT summary, outcome FROM interactions').all()).toEqual([{ summary: '', outcome: null }]);
      expect(handle.prepare('SELECT summary, resolution FROM complaints').all()).toEqual([{ summary: '', resolution: null }]);
      const audit = handle.prepare("SELECT action, customer_id, detail FROM audit_log WHERE action = 'customer-forget'").get() as { detail: string; customer_id: number };
      expect(audit.customer_id).toBe(row.id);
      expect(audit.detail).toContain('"customer_id":"P1"');
      expect(audit.detail).not.toMatch(/Petra|petra|1234567|Privat/);
      expect(handle.prepare("SELECT count(*) FROM customers WHERE external_id = 'P2' AND email = 'other@example.com'").pluck().get()).toBe(1);
    });
    expect((await crm(['customer', 'search', 'Petra', '--format', 'json'])).stdout.trim()).toBe('[]');
    // Not in the file at all: not in a row, not in the import history, not in free pages or the log.
    const bytes = Buffer.concat(['', '-wal'].filter((suffix) => fs.existsSync(`${db}${suffix}`)).map((suffix) => fs.readFileSync(`${db}${suffix}`)));
    for (const secret of ['petra.privat@example.com', 'petra.neu@example.com', 'Petra Privat', '1234567', 'daughter is ill', 'refunded Petra']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
    // Run 2 changed P1; its earlier values are gone, so undoing it must refuse and say why, not restore less.
    const undo = await crm(['import', 'undo', '2', '--yes']);
    expect(undo.code).toBe(1);
    expect(undo.stderr).toContain('customer P1 (forgotten since: its earlier values were erased)');
    expect(undo.stderr).toContain('nothing was changed');
    const again = await crm(['customer', 'forget', 'P1', '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already forgotten');
  });

  it('needs --yes in a script, and an exact id or e-mail rather than part of a name', async () => {
    const { db, crm } = await setup();
    const noYes = await crm(['customer', 'forget', 'P1']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('refusing without --yes');
    const partial = await crm(['customer', 'forget', 'Petra', '--yes']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('name the customer to forget by id or e-mail (P1)');
    expect((await crm(['customer', 'forget', 'petra.neu@example.com', '--yes'])).code).toBe(0);
    expect(withDb(db, (handle) => handle.prepare("SELECT status FROM customers WHERE external_id = 'P1'").pluck().get())).toBe('forgotten');
  });

  it('scrubs the values from earlier audit rows about the person (edits, merges, edits of the merged record), keeping that they happened', async () => {
    const { db, crm } = await setup();
    const steps = [
      ['customer', 'add', '--id', 'K1', '--name', 'Kim Keepsake'],
      ['customer', 'add', '--id', 'K2', '--name', 'Kim Secondrecord', '--email', 'kim.second@example.com', '--phone', '+86 139 0000 1111', '--company', 'Kimtrade Ltd'],
      ['customer', 'edit', 'K2', '--notes', 'met Kim at the trade fair'],
      ['customer', 'merge', 'K1', 'K2', '--yes'],
      ['customer', 'edit', 'K1', '--email', 'secret.old@example.com', '--phone', '13912345678'],
      ['customer', 'edit', 'K1', '--email', 'secret.new@example.com', '--city', 'Hangzhou'],
    ];
    for (const argv of steps) expect((await crm(argv)).code, argv.join(' ')).toBe(0);
    expect((await crm(['customer', 'forget', 'K1', '--yes'])).code).toBe(0);
    const bytes = Buffer.concat(['', '-wal'].filter((suffix) => fs.existsSync(`${db}${suffix}`)).map((suffix) => fs.readFileSync(`${db}${suffix}`)));
    for (const secret of ['Kim Secondrecord', 'kim.second@example.com', '0000 1111', 'Kimtrade', 'trade fair', 'secret.old@example.com', '13912345678', 'secret.new@example.com']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
    // The actions are still on record, with which fields changed; fields that are not personal keep their values.
    const rows = withDb(db, (handle) => handle.prepare('SELECT action, detail FROM audit_log ORDER BY id').all()) as { action: string; detail: string }[];
    expect(rows.map((row) => row.action)).toEqual(['edit', 'merge', 'edit', 'edit', 'customer-forget']);
    const [, merge, firstEdit, secondEdit] = rows.map((row) => JSON.parse(row.detail));
    expect(merge.merged).toMatchObject({ external_id: 'K2', name: '[erased]', email: '[erased]', phone: '[erased]', company: '[erased]' });
    expect(merge.filled).toMatchObject({ email: '[erased]', phone: '[erased]', company: '[erased]', notes: '[erased]' });
    expect(firstEdit).toEqual({ before: { email: '[erased]', phone: '[erased]' }, after: { email: '[erased]', phone: '[erased]' } });
    expect(secondEdit).toEqual({ before: { email: '[erased]', city: null }, after: { email: '[erased]', city: 'Hangzhou' } });
  });
});
