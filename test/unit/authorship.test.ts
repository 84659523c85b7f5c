// Who wrote a row, in the small: the name a SQLite connection writes under, the connection's actor on each engine,
// and what a change from the audit log says on crm customer show's timeline.
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { changeText } from '../../src/db/customer-file.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import { migrations } from '../../src/db/migrations.js';
import { operatingSystemUser } from '../../src/util/os-user.js';
import { engines, testActor } from '../helpers/engines.js';
import { newStore } from '../helpers/store.js';
import Database from 'better-sqlite3';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the operating-system user', () => {
  it('is the account crm runs as', () => {
    expect(operatingSystemUser()).toBe(os.userInfo().username);
  });

  it('falls back to USER, then USERNAME, then "unknown" when the system cannot say (a uid without a passwd entry)', () => {
    vi.spyOn(os, 'userInfo').mockImplementation(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    expect(operatingSystemUser({ USER: 'wang', USERNAME: 'li' })).toBe('wang');
    expect(operatingSystemUser({ USER: '', USERNAME: 'li' })).toBe('li');
    expect(operatingSystemUser({})).toBe('unknown');
  });

  it('is what a SQLite connection writes under unless it is told another name', () => {
    const db = new Database(':memory:');
    expect(new SqliteSql(db, ':memory:').actor).toBe(os.userInfo().username);
    expect(new SqliteSql(db, ':memory:', 'wang').actor).toBe('wang');
    db.close();
  });
});

describe.each(engines)('the connection on %s', (engine) => {
  it('knows who writes: the name it was given on a file, the login on a server', async () => {
    const sql = await newStore(engine);
    expect(sql.actor).toBe(testActor);
    if (engine === 'postgres') expect(await sql.value('SELECT CAST(current_user AS TEXT)')).toBe(sql.actor);
  });
});

describe('schema version 16', () => {
  it('adds created_by and updated_by to the records people write, created_by to the run and audit logs', () => {
    const step = migrations.find((migration) => migration.version === 16)!;
    for (const table of ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints', 'campaigns', 'snapshots']) {
      expect(step.sql).toContain(`ALTER TABLE ${table} ADD COLUMN created_by TEXT;\nALTER TABLE ${table} ADD COLUMN updated_by TEXT;`);
      expect(step.postgres).toContain(`CREATE TRIGGER ${table}_updated_by BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION crm_updated_by();`);
    }
    for (const table of ['import_runs', 'audit_log']) {
      expect(step.sql).toContain(`ALTER TABLE ${table} ADD COLUMN created_by TEXT;`);
      expect(step.sql).not.toContain(`ALTER TABLE ${table} ADD COLUMN updated_by`);
      expect(step.postgres).toContain(`ALTER TABLE ${table} ALTER COLUMN created_by SET DEFAULT CAST(current_user AS TEXT);`);
    }
    // Text on the server compares byte by byte, as every other column there.
    expect(step.postgres).not.toMatch(/TEXT(?! COLLATE "C")(?!\))/);
  });
});

describe('a change on the timeline', () => {
  it.each([
    ['edit', { before: { city: null, phone: '1' }, after: { city: '深圳', phone: '2' } }, 'changed city, phone'],
    ['edit', { before: { referred_by: null }, after: { referred_by: 7 } }, 'changed referred_by'],
    ['merge', { merged: { id: 2, external_id: 'C2', name: 'Bo' }, moved: {}, filled: { email: 'a@b.c' }, created_at: null }, 'merged C2 into this one (filled email)'],
    ['merge', { merged: { id: 2, external_id: 'C2', name: '[erased]' }, filled: {} }, 'merged C2 into this one'],
    ['lead-convert', { converted_at: '2026-05-01', was_dropped: null }, 'converted from lead on 2026-05-01'],
    ['lead-drop', { dropped_at: '2026-05-02', reason: 'no budget' }, 'lead dropped on 2026-05-02: no budget'],
    ['lead-drop', { dropped_at: '2026-05-02', reason: '[erased]' }, 'lead dropped on 2026-05-02: [erased]'],
    ['customer-forget', { customer_id: 'C1', scrub: 'done' }, 'personal data erased (crm customer forget)'],
    ['something-new', { x: 1 }, 'something-new'],
  ])('%s %j: %s', (action, detail, text) => {
    expect(changeText(action, JSON.stringify(detail))).toBe(text);
  });

  it('shows the action alone when the detail cannot be read', () => {
    expect(changeText('edit', null)).toBe('edit');
    expect(changeText('edit', '{not json')).toBe('edit');
    expect(changeText('merge', '[1, 2]')).toBe('merge');
    expect(changeText('edit', '{}')).toBe('edit');
  });
});
