// crm import complaints (what crm export writes, English or Chinese headers) and the completion of follow-ups on
// imported interactions: validated with file:line: field errors, all-or-nothing, upserted by id, undoable, forgettable.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations.js';
import { runCrm, samples, tempDir } from '../helpers/cli.js';
import { sampleDb, withDb } from '../helpers/db.js';
import { engines, newDatabase, query, scalar, type Engine } from '../helpers/engines.js';

async function crm(db: string, argv: string[]) {
  const result = await runCrm(['--db', db, ...argv]);
  if (result.code !== 0) throw new Error(`crm ${argv.join(' ')}: ${result.stderr}`);
  return result;
}

/** A database on ENGINE with the sample customers, and a folder for files. */
async function sampleStore(engine: Engine): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = await newDatabase(engine);
  await crm(db, ['init']);
  await crm(db, ['import', 'customers', path.join(samples, 'customers.csv')]);
  return { dir, db };
}

const count = async (db: string, table: string) => scalar<number>(db, `SELECT count(*) FROM ${table}`);

const complaintRows = (db: string) =>
  query(
    db,
    `SELECT k.external_id, c.external_id AS customer, k.opened_at, k.severity, k.summary, k.status, k.resolved_at, k.resolution, k.owner
     FROM complaints k JOIN customers c ON c.id = k.customer_id ORDER BY k.id`,
  );

describe.each(engines)('crm import complaints on %s', (engine) => {
  it('reads Chinese headers and words, then matches the same rows again by id', async () => {
    const { dir, db } = await sampleStore(engine);
    const file = path.join(dir, '投诉.csv');
    fs.writeFileSync(file, [
      '投诉编号,客户编号,投诉日期,严重程度,投诉内容,状态,解决日期,处理结果,负责人',
      'K1,C0001,2026-10-02 09:15,高,茶叶受潮,已解决,2026年10月04日,换货,王伟',
      'K2,C0002,2026/10/05,,"包装破损, 盒子压坏",未解决,,,',
      'K3,C0003,2026-10-06,low,"=1+1 text, not a formula",,,,',
    ].join('\r\n'));
    const first = JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout);
    expect(first).toMatchObject({ new: 3, changed: 0, rejected: 0, unknown_columns: [] });
    expect(await complaintRows(db)).toEqual([
      { external_id: 'K1', customer: 'C0001', opened_at: '2026-10-02T09:15:00Z', severity: 'high', summary: '茶叶受潮', status: 'resolved', resolved_at: '2026-10-04T00:00:00Z', resolution: '换货', owner: '王伟' },
      { external_id: 'K2', customer: 'C0002', opened_at: '2026-10-05T00:00:00Z', severity: 'normal', summary: '包装破损, 盒子压坏', status: 'open', resolved_at: null, resolution: null, owner: null },
      { external_id: 'K3', customer: 'C0003', opened_at: '2026-10-06T00:00:00Z', severity: 'low', summary: '=1+1 text, not a formula', status: 'open', resolved_at: null, resolution: null, owner: null },
    ]);
    // No timeline entries are made up: the contacts that opening and resolving logged are in interactions.csv.
    expect(await count(db, 'interactions')).toBe(0);
    const again = JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout);
    expect(again).toMatchObject({ new: 0, changed: 0, unchanged: 3 });
    // The open complaint resolved in a later file: the same row, changed; undo gives it back open.
    fs.writeFileSync(file, 'complaint_id,customer_id,opened_at,summary,status,resolved_at,resolution\nK2,C0002,2026-10-05,"包装破损, 盒子压坏",resolved,2026-10-09,refunded\n');
    const resolved = JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout);
    expect(resolved).toMatchObject({ new: 0, changed: 1 });
    const open = await crm(db, ['complaint', 'list', '--open', '--format', 'json']);
    expect(open.stdout).not.toContain('K2');
    await crm(db, ['import', 'undo', String(resolved.run_id), '--yes']);
    expect((await complaintRows(db))[1]).toMatchObject({ external_id: 'K2', status: 'open', resolved_at: null, resolution: null });
  });

  it('rejects bad rows naming file, line and field, and writes nothing', async () => {
    const { dir, db } = await sampleStore(engine);
    const file = path.join(dir, 'complaints.csv');
    fs.writeFileSync(file, [
      'complaint_id,customer_id,opened_at,severity,summary,status,resolved_at,resolution',
      'K1,C0001,2026-10-02,high,fine,open,,',
      'K2,C0001,2026-10-02,critical,bad severity,open,,',
      'K3,C0001,2026-10-02,low,no date,resolved,,done',
      'K4,C0001,2026-10-02,low,open but dated,open,2026-10-03,',
      'K5,NOPE,2026-10-02,low,who,open,,',
      'K6,C0001,2026-02-30,low,impossible day,open,,',
      'K7,C0001,2026-10-02,low,,open,,',
    ].join('\n'));
    const result = await runCrm(['--db', db, 'import', 'complaints', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:3: severity "critical": not one of low, normal, high`);
    expect(result.stderr).toContain(`${file}:4: resolved_at: required when the complaint is resolved`);
    expect(result.stderr).toContain(`${file}:5: resolved_at "2026-10-03": an open complaint has no resolution date`);
    expect(result.stderr).toContain(`${file}:6: customer_id "NOPE": unknown customer (import customers first)`);
    expect(result.stderr).toContain(`${file}:7: opened_at "2026-02-30": not a valid date or date-time`);
    expect(result.stderr).toContain(`${file}:8: summary: required value is empty`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await count(db, 'complaints')).toBe(0);
    fs.writeFileSync(file, 'complaint_id,customer_id,opened_at,summary\nK1,C0001,2026-10-02,a\nK1,C0001,2026-10-02,b\n');
    const twice = await runCrm(['--db', db, 'import', 'complaints', file]);
    expect(twice.code).toBe(3);
    expect(twice.stderr).toContain(`${file}:3: complaint_id "K1": appears more than once in this file`);
    expect(await count(db, 'complaints')).toBe(0);
    fs.writeFileSync(file, 'customer_id,opened_at\nC0001,2026-10-02\n');
    const missing = await runCrm(['--db', db, 'import', 'complaints', file]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('line 1: missing required column summary');
  });

  it('without a complaint id, a stable key from the content keeps a re-import (and a later resolution) idempotent', async () => {
    const { dir, db } = await sampleStore(engine);
    const file = path.join(dir, 'complaints.csv');
    const rows = 'customer_id,opened_at,summary\nC0001,2026-10-02,damp\nC0001,2026-10-02,damp\n';
    fs.writeFileSync(file, rows);
    expect(JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout)).toMatchObject({ new: 2 });
    expect(JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout)).toMatchObject({ new: 0, unchanged: 2 });
    fs.writeFileSync(file, 'customer_id,opened_at,summary,resolved_at,resolution\nC0001,2026-10-02,damp,2026-10-03,replaced\n');
    expect(JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout)).toMatchObject({ new: 0, changed: 1 });
    expect(await count(db, 'complaints')).toBe(2);
  });

  it('crm customer forget erases what an import run kept of a complaint, so undoing that run refuses', async () => {
    const { dir, db } = await sampleStore(engine);
    const file = path.join(dir, 'complaints.csv');
    fs.writeFileSync(file, 'complaint_id,customer_id,opened_at,summary\nK1,C0001,2026-10-02,private words\n');
    await crm(db, ['import', 'complaints', file]);
    fs.writeFileSync(file, 'complaint_id,customer_id,opened_at,summary\nK1,C0001,2026-10-02,other words\n');
    const changed = JSON.parse((await crm(db, ['import', 'complaints', file, '--format', 'json'])).stdout);
    expect(changed).toMatchObject({ changed: 1 });
    await crm(db, ['customer', 'forget', 'C0001', '--yes']);
    const before = (await query<{ before: string }>(db, "SELECT before FROM import_changes WHERE table_name = 'complaints'")).map((row) => row.before);
    expect(before.join()).not.toContain('private words');
    const undo = await runCrm(['--db', db, 'import', 'undo', String(changed.run_id), '--yes']);
    expect(undo.code).toBe(1);
    expect(undo.stderr).toContain('complaint K1 (forgotten since');
  });

});

// About migrating an old SQLite file: SQLite only.
describe('crm import complaints, an old file', () => {
  it('gives complaints made before schema version 11 an id on upgrade', async () => {
    const { dir } = await sampleDb();
    const db = path.join(dir, 'old.db');
    fs.closeSync(fs.openSync(db, 'wx', 0o600));
    withDb(db, (handle) => {
      for (const migration of migrations.filter((step) => step.version < 11)) handle.exec(migration.sql);
      handle.pragma('user_version = 10');
      handle.exec(`INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('K1', 'Kim', 'x', 'x');
        INSERT INTO complaints (customer_id, opened_at, summary, created_at, updated_at) VALUES (1, '2026-01-01', 'a', 'x', 'x'), (1, '2026-01-02', 'b', 'x', 'x');`);
    }, false);
    await crm(db, ['complaint', 'open', 'K1', '--summary', 'c']);
    expect(withDb(db, (handle) => handle.prepare('SELECT external_id FROM complaints ORDER BY id').pluck().all())).toEqual(['crm-1', 'crm-2', 'crm-3']);
  });
});

describe.each(engines)('crm import interactions: completed follow-ups on %s', (engine) => {
  it('reads follow_up_done_at and the note; a file without those columns does not reopen a follow-up', async () => {
    const { dir, db } = await sampleStore(engine);
    const file = path.join(dir, 'interactions.csv');
    fs.writeFileSync(file, 'interaction_id,customer_id,kind,occurred_at,follow_up_at\nI1,C0001,call,2026-11-01 10:00,2026-11-05\nI2,C0002,call,2026-11-01,2026-11-06\n');
    await crm(db, ['import', 'interactions', file]);
    /** Follow-ups still open, as crm followups lists them. */
    const openFollowUps = async () => JSON.parse((await crm(db, ['followups', '--format', 'json'])).stdout) as { id: number }[];
    const openCount = async (): Promise<number> => (await openFollowUps()).length;
    const open = await openFollowUps();
    expect(open).toHaveLength(2);
    await crm(db, ['followups', 'done', String(open[0]!.id), '--note', 'called back']);
    expect(await scalar(db, "SELECT follow_up_note FROM interactions WHERE external_id = 'I1'")).toBe('called back');
    // The older file again: no completion columns, so the completion stays.
    expect(JSON.parse((await crm(db, ['import', 'interactions', file, '--format', 'json'])).stdout)).toMatchObject({ new: 0, changed: 0 });
    expect(await openCount()).toBe(1);
    // A file that says I2 was done (Chinese headers) closes it.
    fs.writeFileSync(file, '记录编号,客户编号,类型,日期,跟进日期,跟进完成时间,跟进备注\nI2,C0002,电话,2026-11-01,2026-11-06,2026-11-07 08:30,寄了样品\n');
    expect(JSON.parse((await crm(db, ['import', 'interactions', file, '--format', 'json'])).stdout)).toMatchObject({ changed: 1, unknown_columns: [] });
    expect(await openCount()).toBe(0);
    const [done] = await query(db, "SELECT follow_up_done_at, follow_up_note FROM interactions WHERE external_id = 'I2'");
    expect(done).toEqual({ follow_up_done_at: '2026-11-07T08:30:00Z', follow_up_note: '寄了样品' });
    fs.writeFileSync(file, 'customer_id,kind,occurred_at,follow_up_done_at\nC0001,call,2026-11-01,2026-11-02\n');
    const bad = await runCrm(['--db', db, 'import', 'interactions', file]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`${file}:2: follow_up_done_at "2026-11-02": a follow-up done date needs follow_up_at`);
  });
});
