// A CRM with a row in every table (customers of each kind, orders with and without lines, contacts, a campaign,
// complaints, payments, surveys, import runs and their undo records, a merge alias, a snapshot, audit rows, cadence rules), as a
// SQLite file made with crm's own commands, and the same data on PostgreSQL through crm db copy.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCrm, tempDir } from './cli.js';
import { newDatabase, type Engine } from './engines.js';

export async function crmOk(db: string, argv: string[], options: { cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  const result = await runCrm(['--db', db, ...argv], options);
  expect(result.code, `crm ${argv.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
}

/** The sample CRM as a SQLite file in a new temp folder. */
export async function sampleFile(dir = tempDir()): Promise<string> {
  const db = path.join(dir, 'source.db');
  // crm demo: the samples imported (five runs), a campaign with its groups and contacts.
  expect((await runCrm(['demo', '--db-file', db])).code).toBe(0);
  const lines = path.join(dir, 'lines.csv');
  fs.writeFileSync(lines, 'order_id,customer_id,order_date,product,quantity,unit_price\nL1,C0001,2026-11-01,Tea,2,3.50\nL1,C0001,2026-11-01,Cup,1,5.00\nL2,C0002,2026-11-02,Pot,1,19.99\n');
  await crmOk(db, ['import', 'orders', lines]);
  await crmOk(db, ['complaint', 'open', 'C0003', '--summary', 'tea arrived damp', '--severity', 'high']);
  await crmOk(db, ['log', 'C0004', '--kind', 'call', '--summary', 'asked for prices', '--follow-up', '+3d']);
  await crmOk(db, ['customer', 'edit', 'C0005', '--city', 'Hangzhou']);
  await crmOk(db, ['customer', 'merge', 'C0006', 'C0007', '--yes']);
  await crmOk(db, ['snapshot', 'save', '--as-of', '2026-10-31']);
  await crmOk(db, ['cadence', 'set', '--tier', 'gold', '--every', '30d']);
  await crmOk(db, ['cadence', 'set', '--customer', 'C0008', '--every', '2w']);
  // A team's members, as a file taken home from a server (crm backup, db copy) has them: crm team itself needs a server.
  const file = new Database(db);
  try {
    file.prepare("INSERT INTO team_members (login, name, role, created_at, created_by) VALUES ('former_seller', '前销售', 'sales', '2026-11-01T09:00:00Z', 'crm_owner')").run();
  } finally {
    file.close();
  }
  return db;
}

/** The sample CRM on ENGINE: the SQLite file itself, or a new PostgreSQL database filled from it by crm db copy. */
export async function sampleOn(engine: Engine, dir = tempDir()): Promise<string> {
  const file = await sampleFile(dir);
  if (engine === 'sqlite') return file;
  const url = await newDatabase('postgres');
  await crmOk(file, ['db', 'copy', '--to', url]);
  return url;
}
