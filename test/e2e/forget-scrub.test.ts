// crm customer forget reaches every copy: payment methods and their import history, and the bytes of the file
// (free pages, write-ahead log) even when another process was reading; if it cannot finish, it says so (exit 1).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, tempDir } from '../helpers/cli.js';
import { withDb } from '../helpers/db.js';
import { businessDataOf, connect, newDatabase, postgresAvailable, query, scalar } from '../helpers/engines.js';
import { forgetCustomer } from '../../src/db/forget.js';

const secrets = ['petra.privat@example.com', 'Petra Privat', '1234567', 'daughter is ill', 'ask for Petra', 'IBAN DE89 3704 PETRA', 'card of P. Privat'];

async function setup() {
  const dir = tempDir();
  const db = path.join(dir, 'crm.db');
  const crm = (argv: string[]) => runCrm(['--db', db, ...argv]);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  write('c.csv', 'customer_id,name,email,phone,city,notes\nP1,Petra Privat,petra.privat@example.com,+49 30 1234567,Berlin,likes quiet calls\nP2,Other Person,other@example.com,,Rome,\n');
  write('o.csv', 'order_id,customer_id,order_date,amount\nX1,P1,2026-10-01,120.00\nX2,P2,2026-11-02,10\n');
  write('i.csv', 'customer_id,kind,occurred_at,summary,outcome\nP1,call,2026-10-02,Petra said her daughter is ill,call back\n');
  write('p1.csv', 'payment_id,customer_id,paid_on,amount,method\nY1,P1,2026-10-05,120.00,IBAN DE89 3704 PETRA\nY2,P2,2026-11-03,10,cash\n');
  // A second import changes the method: the first one stays in the import history (for undo).
  write('p2.csv', 'payment_id,customer_id,paid_on,amount,method\nY1,P1,2026-10-05,120.00,card of P. Privat\n');
  expect((await crm(['init'])).code).toBe(0);
  for (const [kind, file] of [['customers', 'c.csv'], ['orders', 'o.csv'], ['interactions', 'i.csv'], ['payments', 'p1.csv'], ['payments', 'p2.csv']] as const) {
    const imported = await crm(['import', kind, path.join(dir, file)]);
    expect(imported.code, imported.stderr).toBe(0);
  }
  expect((await crm(['log', 'P1', '--kind', 'call', '--summary', 'ask for Petra at the front desk'])).code).toBe(0);
  return { dir, db, crm };
}

/** The secrets still present anywhere in the database file or its write-ahead log. */
function leftInFile(db: string): string[] {
  const bytes = Buffer.concat(['', '-wal'].filter((suffix) => fs.existsSync(`${db}${suffix}`)).map((suffix) => fs.readFileSync(`${db}${suffix}`)));
  return secrets.filter((secret) => bytes.includes(Buffer.from(secret)));
}

describe('crm customer forget, all the way down', () => {
  it('erases the payment method and its import history; keeps the payments and other customers\' methods', async () => {
    const { db, crm } = await setup();
    expect(leftInFile(db)).toEqual(secrets);
    const forgot = await crm(['customer', 'forget', 'P1', '--yes']);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toContain('2 interaction, 0 complaint and 1 payment texts cleared');
    withDb(db, (handle) => {
      expect(handle.prepare('SELECT p.external_id, p.method, p.amount_cents FROM payments p ORDER BY p.external_id').all()).toEqual([
        { external_id: 'Y1', method: null, amount_cents: 12000 },
        { external_id: 'Y2', method: 'cash', amount_cents: 1000 },
      ]);
      const history = handle.prepare("SELECT before FROM import_changes WHERE table_name = 'payments'").pluck().all() as string[];
      expect(history).toEqual(['{"erased_by":"crm customer forget"}']);
      const detail = JSON.parse(handle.prepare("SELECT detail FROM audit_log WHERE action = 'customer-forget'").pluck().get() as string) as Record<string, unknown>;
      expect(detail).toMatchObject({ payment_methods_cleared: 1, scrub: 'done' });
    });
    expect(leftInFile(db)).toEqual([]);
  });

  it('with another process reading: exits 1 naming the command that finishes; running it then leaves nothing behind', async () => {
    const { db, crm } = await setup();
    // A report or dashboard in another process, half-way through reading.
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM customers').get();
    let held;
    try {
      held = await crm(['customer', 'forget', 'P1', '--yes']);
    } finally {
      reader.exec('COMMIT');
      reader.close();
    }
    expect(held.code).toBe(1);
    expect(held.stdout).toContain('forgot customer P1');
    expect(held.stderr.split('\n')[0]).toBe(
      `crm: P1: old copies of the erased data stay in ${db} while another process is reading it (a report, export or dashboard?); when it has finished, run \`crm customer forget P1 --yes\` again to finish erasing`,
    );
    // The rows are already erased: nobody reading through crm sees the person.
    expect((await crm(['customer', 'search', 'Petra', '--format', 'json'])).stdout.trim()).toBe('[]');
    const finished = await crm(['customer', 'forget', 'P1', '--yes']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout).toBe('finished forgetting customer P1: no old copies of the erased data remain in the database file\n');
    expect(leftInFile(db)).toEqual([]);
    const again = await crm(['customer', 'forget', 'P1', '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already forgotten');
  });
});

describe.runIf(postgresAvailable)('crm customer forget on PostgreSQL', () => {
  /** The forget-scrub data on a server, through db copy from the SQLite file setup() makes. */
  async function onServer() {
    const { db: file, crm } = await setup();
    const url = await newDatabase('postgres');
    expect((await crm(['db', 'copy', '--to', url])).code).toBe(0);
    return { file, url };
  }

  async function forgetOn(db: string, externalId: string) {
    const sql = await connect(db);
    try {
      const id = (await sql.value<number>('SELECT id FROM customers WHERE external_id = ?', [externalId]))!;
      return await forgetCustomer(sql, id, '2026-11-23T09:00:00Z');
    } finally {
      await sql.close();
    }
  }

  it('erases the same rows as on the file, in one transaction, then vacuums the tables it touched', async () => {
    const { file, url } = await onServer();
    const onFile = await forgetOn(file, 'P1');
    const onServerResult = await forgetOn(url, 'P1');
    expect(onServerResult).toEqual(onFile);
    expect(onServerResult).toMatchObject({ scrubbed: true, finishing: false, paymentsCleared: 1 });
    expect(await businessDataOf(url)).toEqual(await businessDataOf(file));
    const everything = 'SELECT action, customer_id, detail FROM audit_log ORDER BY id';
    expect(await query(url, everything)).toEqual(await query(file, everything));
    expect(await query(url, 'SELECT table_name, row_id, before FROM import_changes ORDER BY 1, 2')).toEqual(
      await query(file, 'SELECT table_name, row_id, before FROM import_changes ORDER BY 1, 2'),
    );
    expect(JSON.parse((await scalar<string>(url, "SELECT detail FROM audit_log WHERE action = 'customer-forget'"))!)).toMatchObject({ scrub: 'done' });
  });

  it('with another session holding an older snapshot: not finished (scrub pending); forgetting again finishes', async () => {
    const { url } = await onServer();
    const reader = await connect(url);
    let held;
    try {
      await reader.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.value('SELECT count(*) FROM customers');
      held = await forgetOn(url, 'P1');
    } finally {
      await reader.exec('COMMIT');
      await reader.close();
    }
    expect(held).toMatchObject({ scrubbed: false, finishing: false });
    expect(JSON.parse((await scalar<string>(url, "SELECT detail FROM audit_log WHERE action = 'customer-forget'"))!)).toMatchObject({ scrub: 'pending' });
    const finished = await forgetOn(url, 'P1');
    expect(finished).toMatchObject({ scrubbed: true, finishing: true });
    expect(JSON.parse((await scalar<string>(url, "SELECT detail FROM audit_log WHERE action = 'customer-forget'"))!)).toMatchObject({ scrub: 'done' });
  });
});
