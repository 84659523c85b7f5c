// Who wrote a row (docs/storage.md#who-wrote-a-row): created_by and updated_by on every row crm adds or changes, the
// login on PostgreSQL (enforced by the server for UPDATEs), the operating-system user on SQLite; crm customer show
// names them on the timeline.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/db/migrations.js';
import { runCrm, tempDir } from '../helpers/cli.js';
import { connect, engines, newDatabase, postgresAvailable, postgresUrl, query, scalar, testActor, type Engine } from '../helpers/engines.js';

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 9));

async function setup(engine: Engine) {
  const dir = tempDir();
  const db = await newDatabase(engine);
  const file = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  /** crm as USER: on SQLite the operating-system user crm is told it runs as; a server goes by its login whatever it is told. */
  const crm = async (user: string, argv: string[], now = day(23)) => {
    const result = await runCrm(['--db', db, ...argv], { user, now });
    expect(result.code, `crm ${argv.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  /** Who a row written by USER names: USER on a file, the login on a server. */
  const as = (user: string): string => (engine === 'sqlite' ? user : testActor);
  return { dir, db, file, crm, as };
}

const customersCsv = 'customer_id,name,email\nC1,Anna,anna@example.com\nC2,Bo,\n';
const ordersCsv = 'order_id,customer_id,order_date,amount\nO1,C1,2026-10-01,120.00\nO2,C2,2026-10-02,80.00\n';
const interactionsCsv = 'interaction_id,customer_id,kind,occurred_at,summary\nI1,C1,visit,2026-10-03 10:00,first visit\n';

describe.each(engines)('who wrote a row, on %s', (engine) => {
  it('every row crm adds or changes names who did it; an identical re-import by someone else changes nothing', async () => {
    const t = await setup(engine);
    await t.crm('wang', ['init']);
    await t.crm('wang', ['import', 'customers', t.file('customers.csv', customersCsv)]);
    await t.crm('wang', ['import', 'orders', t.file('orders.csv', ordersCsv)]);
    await t.crm('wang', ['import', 'interactions', t.file('interactions.csv', interactionsCsv)]);
    await t.crm('li', ['customer', 'add', '--id', 'C3', '--name', 'Chen']);
    await t.crm('li', ['customer', 'edit', 'C1', '--city', '深圳']);
    await t.crm('li', ['log', 'C1', '-k', 'call', '-s', 'price question', '--at', '2026-11-20 10:00']);
    await t.crm('li', ['pay', 'C1', '120', '--date', '2026-11-21']);
    await t.crm('li', ['complaint', 'open', 'C2', '-s', 'late delivery', '--at', '2026-11-22 09:00']);
    await t.crm('li', ['survey', 'C2', '--expected', '8', '--perceived', '6', '--date', '2026-11-22']);
    const wang = t.as('wang');
    const li = t.as('li');
    expect(await query(t.db, 'SELECT external_id, created_by, updated_by FROM customers ORDER BY external_id')).toEqual([
      { external_id: 'C1', created_by: wang, updated_by: li },
      { external_id: 'C2', created_by: wang, updated_by: wang },
      { external_id: 'C3', created_by: li, updated_by: li },
    ]);
    expect(await query(t.db, 'SELECT external_id, created_by, updated_by FROM orders ORDER BY external_id')).toEqual([
      { external_id: 'O1', created_by: wang, updated_by: wang },
      { external_id: 'O2', created_by: wang, updated_by: wang },
    ]);
    expect(await query(t.db, 'SELECT kind, created_by, updated_by FROM interactions ORDER BY id')).toEqual([
      { kind: 'visit', created_by: wang, updated_by: wang },
      { kind: 'call', created_by: li, updated_by: li },
      { kind: 'complaint', created_by: li, updated_by: li },
    ]);
    for (const table of ['payments', 'complaints', 'surveys']) {
      expect(await query(t.db, `SELECT created_by, updated_by FROM ${table}`), table).toEqual([{ created_by: li, updated_by: li }]);
    }
    expect(await query(t.db, 'SELECT kind, created_by FROM import_runs ORDER BY id')).toEqual([
      { kind: 'customers', created_by: wang }, { kind: 'orders', created_by: wang }, { kind: 'interactions', created_by: wang },
    ]);
    expect(await query(t.db, 'SELECT action, created_by FROM audit_log ORDER BY id')).toEqual([{ action: 'edit', created_by: li }]);

    // The same files again, imported by someone else: nothing changed, so nothing says it was changed by them.
    const before = await query(t.db, 'SELECT * FROM customers ORDER BY id');
    const ordersBefore = await query(t.db, 'SELECT * FROM orders ORDER BY id');
    await t.crm('zhao', ['import', 'customers', t.file('customers.csv', customersCsv)], day(24));
    await t.crm('zhao', ['import', 'orders', t.file('orders.csv', ordersCsv)], day(24));
    expect(await query(t.db, 'SELECT kind, rows_new, rows_changed, rows_unchanged, created_by FROM import_runs WHERE id > 3 ORDER BY id')).toEqual([
      { kind: 'customers', rows_new: 0, rows_changed: 0, rows_unchanged: 2, created_by: t.as('zhao') },
      { kind: 'orders', rows_new: 0, rows_changed: 0, rows_unchanged: 2, created_by: t.as('zhao') },
    ]);
    expect(await query(t.db, 'SELECT * FROM customers ORDER BY id')).toEqual(before);
    expect(await query(t.db, 'SELECT * FROM orders ORDER BY id')).toEqual(ordersBefore);
  });

  it('a changing import names its runner, and import undo names who took it back on the rows it restores', async () => {
    const t = await setup(engine);
    await t.crm('wang', ['init']);
    await t.crm('wang', ['import', 'customers', t.file('v1.csv', customersCsv)], day(20));
    await t.crm('li', ['import', 'customers', t.file('v2.csv', 'customer_id,name,email\nC1,Anna Schmidt,anna@example.com\nC4,Dana,\n')], day(21));
    expect(await query(t.db, 'SELECT external_id, name, created_by, updated_by FROM customers ORDER BY external_id')).toEqual([
      { external_id: 'C1', name: 'Anna Schmidt', created_by: t.as('wang'), updated_by: t.as('li') },
      { external_id: 'C2', name: 'Bo', created_by: t.as('wang'), updated_by: t.as('wang') },
      { external_id: 'C4', name: 'Dana', created_by: t.as('li'), updated_by: t.as('li') },
    ]);
    await t.crm('zhao', ['import', 'undo', '2', '--yes'], day(22));
    expect(await query(t.db, 'SELECT external_id, name, created_by, updated_by FROM customers ORDER BY external_id')).toEqual([
      { external_id: 'C1', name: 'Anna', created_by: t.as('wang'), updated_by: t.as('zhao') },
      { external_id: 'C2', name: 'Bo', created_by: t.as('wang'), updated_by: t.as('wang') },
    ]);
    expect(await query(t.db, 'SELECT action, created_by FROM audit_log ORDER BY id')).toEqual([{ action: 'import-undo', created_by: t.as('zhao') }]);
  });

  it('crm customer show names who made each timeline entry and lists the changes to the record with who made them', async () => {
    const t = await setup(engine);
    await t.crm('wang', ['init']);
    await t.crm('wang', ['import', 'customers', t.file('customers.csv', customersCsv)]);
    await t.crm('wang', ['import', 'orders', t.file('orders.csv', ordersCsv)]);
    await t.crm('li', ['customer', 'edit', 'C1', '--city', '深圳', '--phone', '139 0013 9000'], day(22));
    await t.crm('li', ['log', 'C1', '-k', 'call', '-s', 'price question', '--at', '2026-11-20 10:00']);
    await t.crm('zhao', ['customer', 'merge', 'C1', 'C2', '--yes'], day(23));
    const file = JSON.parse((await t.crm('li', ['customer', 'show', 'C1', '--format', 'json'])).stdout) as { timeline: { type: string; detail: string; by: string | null }[] };
    expect(file.timeline.map((entry) => [entry.type, entry.detail, entry.by])).toEqual([
      ['merge', 'merged C2 into this one', t.as('zhao')],
      ['edit', 'changed phone, city', t.as('li')],
      ['call', 'price question', t.as('li')],
      ['order', '', t.as('wang')],
      ['order', '', t.as('wang')],
    ]);
    const table = (await t.crm('li', ['customer', 'show', 'C1'])).stdout;
    expect(table).toContain('Timeline (5)');
    expect(table).toMatch(/│ When +│ What +│ Ref +│ Detail +│ Amount +│ Owner +│ By +│/);
    expect(table).toMatch(new RegExp(`│ edit +│ +│ changed phone, city +│ +│ +│ ${t.as('li')} +│`));
    expect((await t.crm('li', ['customer', 'show', 'C1', '--lang', 'zh'])).stdout).toMatch(/│ 修改 +│/);
    expect((await t.crm('li', ['customer', 'show', 'C1', '--format', 'md'])).stdout).toContain(`| edit |  | changed phone, city |  |  | ${t.as('li')} |`);
  });

  it('a row from before schema version 16 says nothing about who wrote it; the upgrade leaves it so', async () => {
    const db = await newDatabase(engine);
    const sql = engine === 'sqlite' ? await connectNewFile(db) : await connect(db);
    try {
      // The schema as it was before version 16, and one customer with an order written then.
      if (engine === 'postgres') await sql.exec('CREATE TABLE crm_schema (version integer NOT NULL)');
      let version = 0;
      for (const migration of migrations.filter((step) => step.version < 16)) {
        await sql.exec(engine === 'sqlite' ? migration.sql : (migration.postgres ?? sql.dialect.ddl(migration.sql)));
        version = migration.version;
      }
      if (engine === 'sqlite') await sql.exec(`PRAGMA user_version = ${version}`);
      else await sql.run('INSERT INTO crm_schema (version) VALUES (?)', [version]);
      await sql.run("INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('OLD1', 'Old One', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')");
      await sql.run(
        `INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at)
         VALUES ('OLD-O1', (SELECT id FROM customers WHERE external_id = 'OLD1'), '2020-01-02', 1000, '2020-01-02T00:00:00Z', '2020-01-02T00:00:00Z')`,
      );
    } finally {
      await sql.close();
    }
    const result = await runCrm(['--db', db, 'customer', 'show', 'OLD1', '--format', 'json'], { user: 'wang' });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { timeline: { ref: string; by: string | null }[] }).timeline).toEqual([expect.objectContaining({ ref: 'OLD-O1', by: null })]);
    expect(await query(db, 'SELECT created_by, updated_by FROM customers')).toEqual([{ created_by: null, updated_by: null }]);
    expect(await query(db, 'SELECT created_by, updated_by FROM orders')).toEqual([{ created_by: null, updated_by: null }]);
    // The table still has its By column, empty where nobody is known.
    const table = (await runCrm(['--db', db, 'customer', 'show', 'OLD1'])).stdout;
    expect(table).toMatch(/│ 2020-01-02 +│ order +│ OLD-O1 +│ +│ +10\.00 │ +│ +│/);
  });
});

/** A new, empty SQLite file as a connection (for building an old schema by hand). */
async function connectNewFile(file: string) {
  const { default: Database } = await import('better-sqlite3');
  const { SqliteSql } = await import('../../src/db/engine/sqlite.js');
  return new SqliteSql(new Database(file), file);
}

describe.runIf(postgresAvailable)('who wrote a row, with several logins on one server', () => {
  it('names each login; an UPDATE through plain psql is stamped with its login, whatever it says', async () => {
    const t = await setup('postgres');
    await t.crm('wang', ['init']);
    await t.crm('wang', ['import', 'customers', t.file('customers.csv', customersCsv)]);
    const role = `crm_t_seller_${process.pid}`;
    const password = 'pw-seller';
    const admin = async (url: string, statements: string[]): Promise<void> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const statement of statements) await client.query(statement);
      } finally {
        await client.end();
      }
    };
    // A login on the team (a manager: every row is theirs to write), as crm team add makes it.
    const added = await runCrm(['--db', t.db, 'team', 'add', role, '--name', 'Seller', '--role', 'manager', '--password-file', '-'], { stdin: `${password}\n` });
    expect(added.code, added.stderr).toBe(0);
    const group = `crm_team_${new URL(t.db).pathname.slice(1)}`;
    try {
      const asSeller = new URL(t.db);
      asSeller.username = role;
      asSeller.password = password;
      // crm run with the salesperson's own login: the server names them, whoever the operating system says runs crm.
      const logged = await runCrm(['--db', asSeller.toString(), 'log', 'C1', '-k', 'visit', '-s', 'tasting', '--at', '2026-11-21 15:00'], { user: 'wang' });
      expect(logged.code, logged.stderr).toBe(0);
      expect(await query(t.db, "SELECT summary, created_by, updated_by FROM interactions")).toEqual([{ summary: 'tasting', created_by: role, updated_by: role }]);

      // psql as the salesperson: an UPDATE claiming to be someone else is stamped with the login; a row added by hand gets it by default.
      const client = new pg.Client({ connectionString: asSeller.toString() });
      await client.connect();
      try {
        await client.query(`UPDATE customers SET city = 'Hangzhou', updated_by = '${testActor}' WHERE external_id = 'C2'`);
        await client.query("INSERT INTO customers (external_id, name, created_at, updated_at) VALUES ('C9', 'By hand', '2026-11-22T00:00:00Z', '2026-11-22T00:00:00Z')");
        await client.query("INSERT INTO orders (external_id, customer_id, order_date, amount_cents, created_at, updated_at) SELECT 'O9', id, '2026-11-22', 500, 'x', 'x' FROM customers WHERE external_id = 'C9'");
      } finally {
        await client.end();
      }
      expect(await query(t.db, 'SELECT external_id, city, created_by, updated_by FROM customers ORDER BY external_id')).toEqual([
        { external_id: 'C1', city: null, created_by: testActor, updated_by: testActor },
        { external_id: 'C2', city: 'Hangzhou', created_by: testActor, updated_by: role },
        { external_id: 'C9', city: null, created_by: role, updated_by: role },
      ]);
      expect(await scalar(t.db, "SELECT created_by FROM orders WHERE external_id = 'O9'")).toBe(role);
      // An UPDATE by crm's own login is stamped again, as crm's.
      await t.crm('li', ['customer', 'edit', 'C2', '--city', 'Suzhou']);
      expect(await scalar(t.db, "SELECT updated_by FROM customers WHERE external_id = 'C2'")).toBe(testActor);

      const show = JSON.parse((await t.crm('li', ['customer', 'show', 'C1', '-f', 'json'])).stdout) as { timeline: { type: string; by: string }[] };
      expect(show.timeline).toEqual([expect.objectContaining({ type: 'visit', by: role })]);
    } finally {
      await admin(t.db, [`DROP OWNED BY ${role}, ${group}`]);
      await admin(postgresUrl('postgres'), [`DROP ROLE IF EXISTS ${role}`, `DROP ROLE IF EXISTS ${group}`]);
    }
  });
});

describe.runIf(postgresAvailable)('who wrote a row, across crm db copy and backup', () => {
  it('a copy to a server and its backup to a file keep every name, a self-reference included', async () => {
    const t = await setup('sqlite');
    await t.crm('wang', ['init']);
    await t.crm('wang', ['customer', 'add', '--id', 'C1', '--name', 'Anna']);
    await t.crm('wang', ['customer', 'add', '--id', 'P1', '--name', 'Tea club', '--kind', 'partner']);
    // C1 (the lower id) names P1: on the server the row is copied as it is, not written again afterwards.
    await t.crm('li', ['customer', 'edit', 'C1', '--referred-by', 'P1']);
    await t.crm('li', ['log', 'C1', '-k', 'call', '-s', 'hello']);
    const server = await newDatabase('postgres');
    const copied = await runCrm(['--db', t.db, 'db', 'copy', '--to', server]);
    expect(copied.code, copied.stderr).toBe(0);
    const names = 'SELECT external_id, referred_by IS NOT NULL AS referred, created_by, updated_by FROM customers ORDER BY external_id';
    const expected = [
      { external_id: 'C1', referred: 1, created_by: 'wang', updated_by: 'li' },
      { external_id: 'P1', referred: 0, created_by: 'wang', updated_by: 'wang' },
    ];
    expect(await query(t.db, names)).toEqual(expected);
    expect(await query(server, names)).toEqual(expected.map((row) => ({ ...row, referred: row.referred === 1 })));
    expect(await query(server, 'SELECT action, created_by FROM audit_log')).toEqual([{ action: 'edit', created_by: 'li' }]);
    expect(await query(server, 'SELECT created_by, updated_by FROM interactions')).toEqual([{ created_by: 'li', updated_by: 'li' }]);
    const backup = path.join(tempDir(), 'server.db');
    const made = await runCrm(['--db', server, 'backup', backup]);
    expect(made.code, made.stderr).toBe(0);
    expect(await query(backup, names)).toEqual(expected);
  });
});
