// crm team and its rules, run as the login each rule concerns, through crm and through plain SQL (what psql sees).
// The server decides who sees what (row-level security, src/db/team-schema.ts); the CLI only says so in words first.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCrm, tempDir } from './helpers/cli.js';
import { postgresAvailable } from './helpers/engines.js';
import { sampleFile } from './helpers/sample-store.js';
import { addMember, teamDatabase, type TeamDb } from './helpers/team.js';
import { hasTmux, Terminal } from './helpers/terminal.js';

interface CustomerRow {
  customer_id: string;
  owner: string | null;
}

describe('crm team on a SQLite file', () => {
  it('is a usage error that says a team needs a shared PostgreSQL database and how to move there', async () => {
    const db = path.join(tempDir(), 'crm.db');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    for (const argv of [['team', 'add', 'wang', '--name', 'Wang', '--role', 'sales'], ['team', 'list'], ['team', 'passwd', 'wang'], ['team', 'rm', 'wang']]) {
      const result = await runCrm(['--db', db, ...argv]);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/needs a shared PostgreSQL database.*crm db copy --to postgresql:\/\//);
    }
  });
});

describe.skipIf(!postgresAvailable)('a team on PostgreSQL', () => {
  let team: TeamDb;
  let owned: Record<string, string[]>;

  beforeAll(async () => {
    team = await teamDatabase();
    const file = await sampleFile();
    expect((await runCrm(['--db', file, 'db', 'copy', '--to', team.url('owner')])).code).toBe(0);
    // The sample file carries a member from a server it came from; this team starts from no one.
    await team.sql('owner', 'DELETE FROM team_members');
    for (const [short, name, role] of [['boss', 'Boss', 'owner'], ['li', '李娜', 'manager'], ['wang', '王伟', 'sales'], ['zhang', '张强', 'sales']] as const) {
      const added = await addMember(team, short, name, role);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stderr).toContain(`created the login ${team.login(short)} as ${name} (${role})`);
    }
    const all = await team.sql<CustomerRow>('owner', 'SELECT external_id AS customer_id, owner FROM customers ORDER BY external_id');
    owned = {};
    for (const row of all) (owned[row.owner ?? ''] ??= []).push(row.customer_id);
    expect(owned['王伟']!.length).toBeGreaterThan(5);
    expect(owned['张强']!.length).toBeGreaterThan(5);
  }, 60_000);

  const customerIds = async (short: string): Promise<string[]> => {
    const result = await team.crm(short, ['customer', 'list', '--limit', '100000', '-f', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as CustomerRow[]).map((row) => row.customer_id).sort();
  };

  it('lists the team with roles and the customers each owns', async () => {
    const result = await team.crm('owner', ['team', 'list', '-f', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { login: string; name: string; role: string; customers: number }[];
    expect(rows.map((row) => [row.login, row.name, row.role])).toEqual([
      [team.login('boss'), 'Boss', 'owner'],
      [team.login('li'), '李娜', 'manager'],
      [team.login('wang'), '王伟', 'sales'],
      [team.login('zhang'), '张强', 'sales'],
    ]);
    expect(rows.find((row) => row.name === '王伟')!.customers).toBe(owned['王伟']!.length);
    // Adding them is in the audit log, with who did it (the owner's login), and is the owner's last activity.
    const added = await team.sql<{ detail: string; created_by: string }>('owner', "SELECT detail, created_by FROM audit_log WHERE action = 'team-add' ORDER BY id");
    expect(added.map((row) => [JSON.parse(row.detail).login, row.created_by])).toEqual(['boss', 'li', 'wang', 'zhang'].map((short) => [team.login(short), team.login('owner')]));
    expect(added.map((row) => row.detail).join('')).not.toContain('pw-');
    // No password anywhere in what crm printed.
    expect(result.stdout + result.stderr).not.toContain(team.password('wang'));
  });

  it('shows a salesperson their own customers and leads only, in lists, analyses and plain SQL', async () => {
    expect(await customerIds('wang')).toEqual([...owned['王伟']!].sort());
    expect(await customerIds('zhang')).toEqual([...owned['张强']!].sort());
    expect((await customerIds('li')).length).toBe(Object.values(owned).flat().length);
    const rfm = await team.crm('wang', ['rfm', '--as-of', '2026-11-30', '-f', 'json']);
    expect(rfm.code, rfm.stderr).toBe(0);
    const scored = (JSON.parse(rfm.stdout) as { rows: { customer_id: string }[] }).rows.map((row) => row.customer_id);
    expect(scored.length).toBeGreaterThan(0);
    for (const id of scored) expect(owned['王伟']).toContain(id);
    // Revenue in the summary is that of their customers' orders, as the server computes it for the owner.
    const mine = await team.sql<{ cents: string }>('owner', "SELECT coalesce(sum(o.amount_cents), 0) AS cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.owner = '王伟'");
    const seen = await team.sql<{ cents: string }>('wang', 'SELECT coalesce(sum(amount_cents), 0) AS cents FROM orders');
    expect(seen[0]!.cents).toBe(mine[0]!.cents);
    for (const table of ['interactions', 'complaints', 'payments', 'surveys', 'order_lines', 'campaign_members', 'snapshot_customers']) {
      const foreign = await team.sql<{ n: string }>('wang', `SELECT count(*) AS n FROM ${table} x WHERE ${table === 'order_lines' ? 'order_id NOT IN (SELECT id FROM orders)' : 'customer_id NOT IN (SELECT id FROM customers)'}`);
      expect(foreign[0]!.n, table).toBe('0');
    }
    const agenda = await team.crm('wang', ['agenda', '--as-of', '2026-11-30', '-f', 'json']);
    expect([0, 10]).toContain(agenda.code);
    for (const match of agenda.stdout.matchAll(/"customer_id":\s*"([^"]+)"/g)) expect(owned['王伟']).toContain(match[1]);
    const dashboard = path.join(tempDir(), 'board.html');
    expect((await team.crm('wang', ['dashboard', '--output', dashboard, '--as-of', '2026-11-30'])).code).toBe(0);
    expect(fs.readFileSync(dashboard, 'utf8')).not.toContain(owned['张强']![0]);
  });

  it('lets a salesperson log contacts, add and edit their own customers, and import contacts for them', async () => {
    const own = owned['王伟']![0]!;
    const other = owned['张强']![0]!;
    expect((await team.crm('wang', ['log', own, '--kind', 'call', '--summary', 'asked about the autumn tea'])).code).toBe(0);
    const refused = await team.crm('wang', ['log', other, '--kind', 'call', '--summary', 'not mine']);
    expect(refused.code).toBe(2);
    const added = await team.crm('wang', ['customer', 'add', '--name', '新客户', '--id', 'W-NEW-1', '--kind', 'lead']);
    expect(added.code, added.stderr).toBe(0);
    const row = await team.sql<CustomerRow>('owner', "SELECT owner FROM customers WHERE external_id = 'W-NEW-1'");
    expect(row[0]!.owner).toBe('王伟');
    expect((await team.crm('wang', ['customer', 'edit', own, '--city', '杭州'])).code).toBe(0);
    // Giving a customer away is a manager's move: the server refuses it, in one line, exit 2.
    const give = await team.crm('wang', ['customer', 'edit', own, '--owner', '张强']);
    expect(give.code).toBe(2);
    expect(give.stderr.trim().split('\n')).toHaveLength(1);
    expect(give.stderr).toContain('(sales) may not give');
    expect((await team.sql<CustomerRow>('owner', 'SELECT owner FROM customers WHERE external_id = $1', [own]))[0]!.owner).toBe('王伟');
    const file = path.join(tempDir(), 'contacts.csv');
    fs.writeFileSync(file, `customer_id,kind,occurred_at,summary\n${own},visit,2026-11-20,visited\n${other},visit,2026-11-20,not mine\n`);
    const imported = await team.crm('wang', ['import', 'interactions', file, '--on-error', 'skip']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout + imported.stderr).toMatch(/1 rejected/);
    const theirs = await team.sql<{ n: string }>('owner', "SELECT count(*) AS n FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE c.external_id = $1 AND i.summary = 'not mine'", [other]);
    expect(theirs[0]!.n).toBe('0');
  });

  it('refuses a salesperson the imports of customers, orders and payments, forget, db copy, backup, restore and the team', async () => {
    const dir = tempDir();
    const before = await team.sql<{ n: string }>('owner', 'SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) AS n');
    const csv = (name: string, text: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const backup = path.join(dir, 'owner-backup.db');
    expect((await team.crm('owner', ['backup', backup])).code).toBe(0);
    const cases: string[][] = [
      ['import', 'customers', csv('c.csv', 'customer_id,name\nX1,Someone\n')],
      ['import', 'orders', csv('o.csv', `order_id,customer_id,order_date,amount\nX1,${owned['王伟']![0]},2026-11-01,10\n`)],
      ['import', 'payments', csv('p.csv', `payment_id,customer_id,paid_on,amount\nX1,${owned['王伟']![0]},2026-11-01,10\n`)],
      ['customer', 'forget', owned['王伟']![0]!, '--yes'],
      ['db', 'copy', '--to', path.join(dir, 'copy.db')],
      ['backup', path.join(dir, 'b.db')],
      ['team', 'add', 'someone', '--name', 'Someone', '--role', 'sales', '--password-file', csv('pw.txt', 'x\n')],
      ['team', 'list'],
      ['restore', backup, '--yes'],
    ];
    for (const argv of cases) {
      const result = await team.crm('wang', argv, { cwd: dir });
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(result.stderr).toContain('(sales) may not');
    }
    expect(fs.existsSync(path.join(dir, 'copy.db'))).toBe(false);
    const after = await team.sql<{ n: string }>('owner', 'SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) AS n');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('holds the same rules for a salesperson through plain SQL', async () => {
    const other = owned['张强']![0]!;
    await expect(team.sql('wang', "UPDATE customers SET owner = '王伟' WHERE external_id = $1", [other])).resolves.toEqual([]);
    expect((await team.sql<CustomerRow>('owner', 'SELECT owner FROM customers WHERE external_id = $1', [other]))[0]!.owner).toBe('张强');
    const otherId = (await team.sql<{ id: string }>('owner', 'SELECT id FROM customers WHERE external_id = $1', [other]))[0]!.id;
    await expect(team.sql('wang', "INSERT INTO interactions (customer_id, kind, occurred_at, created_at, updated_at) VALUES ($1, 'call', '2026-11-01', 'x', 'x')", [otherId]))
      .rejects.toThrow(/row-level security/);
    await expect(team.sql('wang', "INSERT INTO customers (external_id, name, owner, created_at, updated_at) VALUES ('SNEAK', 'x', '张强', 'x', 'x')"))
      .rejects.toThrow(/row-level security/);
    const ordersBefore = await team.sql<{ n: string }>('owner', 'SELECT count(*) AS n FROM orders WHERE amount_cents = 0');
    await team.sql('wang', 'UPDATE orders SET amount_cents = 0');
    await team.sql('wang', 'DELETE FROM customers');
    await team.sql('wang', "UPDATE team_members SET role = 'owner'");
    expect((await team.sql<{ n: string }>('owner', 'SELECT count(*) AS n FROM orders WHERE amount_cents = 0'))[0]!.n).toBe(ordersBefore[0]!.n);
    expect((await team.sql<{ role: string }>('owner', 'SELECT role FROM team_members WHERE login = $1', [team.login('wang')]))[0]!.role).toBe('sales');
    expect(Number((await team.sql<{ n: string }>('owner', "SELECT count(*) AS n FROM customers WHERE owner = '王伟'"))[0]!.n)).toBeGreaterThan(0);
    await expect(team.sql('wang', 'TRUNCATE orders')).rejects.toThrow(/permission denied/);
    await expect(team.sql('wang', 'ALTER TABLE customers DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be owner/);
  });

  it('gives a manager everything but the team', async () => {
    const own = owned['王伟']![1]!;
    const moved = await team.crm('li', ['customer', 'edit', own, '--owner', '张强']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(await customerIds('zhang')).toContain(own);
    expect(await customerIds('wang')).not.toContain(own);
    expect((await team.crm('li', ['customer', 'edit', own, '--owner', '王伟'])).code).toBe(0);
    const file = path.join(tempDir(), 'orders.csv');
    fs.writeFileSync(file, `order_id,customer_id,order_date,amount\nMGR-1,${own},2026-11-02,12.50\n`);
    const imported = await team.crm('li', ['import', 'orders', file]);
    expect(imported.code, imported.stderr).toBe(0);
    const listed = await team.crm('li', ['team', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    const add = await team.crm('li', ['team', 'add', 'someone', '--name', 'Someone', '--role', 'sales', '--password-file', '-'], { stdin: 'x\n' });
    expect(add.code).toBe(2);
    expect(add.stderr).toContain('(manager) may not manage the team');
    // Through plain SQL: every row, and no say over the team table.
    const all = await team.sql<{ n: string }>('li', 'SELECT count(*) AS n FROM customers');
    expect(Number(all[0]!.n)).toBe(Object.values(owned).flat().length + 1);
    await team.sql('li', `UPDATE team_members SET role = 'owner' WHERE login = '${team.login('li')}'`);
    expect((await team.sql<{ role: string }>('owner', 'SELECT role FROM team_members WHERE login = $1', [team.login('li')]))[0]!.role).toBe('manager');
  });

  it('lets an owner who is a team member (not the schema owner) manage the team', async () => {
    const added = await team.crm('boss', ['team', 'add', team.login('temp'), '--name', 'Temp', '--role', 'sales', '--password-file', '-'], { stdin: 'temp-pw\n' });
    expect(added.code, added.stderr).toBe(0);
    const removed = await team.crm('boss', ['team', 'rm', team.login('temp'), '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toContain('the login was dropped');
  });

  it('changes passwords: an owner for anyone, each person their own; the old one is refused with exit 4', async () => {
    const wangUrl = new URL(team.url('wang'));
    const oldUrl = wangUrl.toString();
    const self = await team.crm('wang', ['team', 'passwd', team.login('wang'), '--password-file', '-'], { stdin: 'wang-new-pw\n' });
    expect(self.code, self.stderr).toBe(0);
    const old = await runCrm(['--db', oldUrl, 'customer', 'list']);
    expect(old.code).toBe(4);
    expect(old.stderr.trim().split('\n')).toHaveLength(1);
    expect(old.stderr).not.toContain(team.password('wang'));
    wangUrl.password = 'wang-new-pw';
    expect((await runCrm(['--db', wangUrl.toString(), 'customer', 'list'])).code).toBe(0);
    const other = await runCrm(['--db', wangUrl.toString(), 'team', 'passwd', team.login('zhang'), '--password-file', '-'], { stdin: 'x\n' });
    expect(other.code).toBe(2);
    const back = await team.crm('owner', ['team', 'passwd', team.login('wang'), '--password-file', '-'], { stdin: `${team.password('wang')}\n` });
    expect(back.code, back.stderr).toBe(0);
    expect((await team.crm('wang', ['customer', 'list'])).code).toBe(0);
    // Never a flag value, and not asked for without a terminal.
    const none = await team.crm('owner', ['team', 'passwd', team.login('wang')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--password-file');
  });

  it('takes a person off the team: customers pass on or stay unowned, the login is gone (exit 4), nothing else deleted', async () => {
    expect((await addMember(team, 'chen', '陈', 'sales')).code).toBe(0);
    expect((await team.crm('li', ['customer', 'add', '--name', '陈的客户', '--id', 'CHEN-1', '--owner', '陈'])).code).toBe(0);
    expect((await team.crm('li', ['customer', 'add', '--name', '陈的客户二', '--id', 'CHEN-2', '--owner', '陈'])).code).toBe(0);
    expect((await team.crm('chen', ['log', 'CHEN-1', '--kind', 'call', '--summary', 'hello'])).code).toBe(0);
    const counts = async () => (await team.sql<{ n: string }>('owner', 'SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM interactions) AS n'))[0]!.n;
    const before = await counts();
    const removed = await team.crm('owner', ['team', 'rm', team.login('chen'), '--to', team.login('zhang'), '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toContain('2 customers passed to 张强');
    expect((await team.sql<CustomerRow>('owner', "SELECT owner FROM customers WHERE external_id IN ('CHEN-1', 'CHEN-2')")).map((row) => row.owner)).toEqual(['张强', '张强']);
    expect(await counts()).toBe(before);
    const gone = await team.crm('chen', ['customer', 'list']);
    expect(gone.code).toBe(4);
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
    const audit = await team.sql<{ action: string; detail: string }>('owner', "SELECT action, detail FROM audit_log WHERE action = 'team-remove' AND detail LIKE $1", [`%${team.login('chen')}%`]);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ login: team.login('chen'), customers: 2, to: team.login('zhang') });

    expect((await addMember(team, 'zhou', '周', 'sales')).code).toBe(0);
    expect((await team.crm('li', ['customer', 'add', '--name', '周的客户', '--id', 'ZHOU-1', '--owner', '周'])).code).toBe(0);
    expect((await team.crm('owner', ['team', 'rm', team.login('zhou'), '--yes'])).stderr).toContain('1 customer now unowned');
    expect((await team.sql<CustomerRow>('owner', "SELECT owner FROM customers WHERE external_id = 'ZHOU-1'"))[0]!.owner).toBeNull();
    expect((await team.crm('owner', ['team', 'rm', team.login('nobody'), '--yes'])).code).toBe(1);
  });

  it.skipIf(!hasTmux)('asks a new login\'s password twice on a terminal, without showing it', async () => {
    const login = team.login('ask');
    const ask = new Terminal(['--db', team.url('owner'), 'team', 'add', login, '--name', 'Asked', '--role', 'sales'], {});
    try {
      await ask.waitFor(`Password for ${login}`);
      ask.type('typed-secret-1');
      ask.press('Enter');
      await ask.waitFor('Again');
      ask.type('typed-secret-1');
      ask.press('Enter');
      const screen = await ask.waitFor('[exit 0]');
      expect(screen).not.toContain('typed-secret-1');
    } finally {
      ask.close();
    }
    const url = new URL(team.url('ask'));
    url.password = 'typed-secret-1';
    expect((await runCrm(['--db', url.toString(), 'customer', 'list'])).code).toBe(0);
    // Two different answers: nothing is created.
    const differ = new Terminal(['--db', team.url('owner'), 'team', 'add', team.login('ask2'), '--name', 'Asked twice', '--role', 'sales'], {});
    try {
      await differ.waitFor('Password for');
      differ.type('one');
      differ.press('Enter');
      await differ.waitFor('Again');
      differ.type('two');
      differ.press('Enter');
      expect(await differ.waitFor('[exit 2]')).toContain('the two passwords differ');
    } finally {
      differ.close();
    }
    expect(await team.sql('owner', 'SELECT 1 FROM pg_roles WHERE rolname = $1', [team.login('ask2')])).toEqual([]);
    expect((await team.crm('owner', ['team', 'rm', login, '--yes'])).code).toBe(0);
  });

  it('says a wrong password in one line, exit 4, without the password', async () => {
    const url = new URL(team.url('wang'));
    url.password = 'not-the-password';
    const result = await runCrm(['--db', url.toString(), 'customer', 'list']);
    expect(result.code).toBe(4);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('not-the-password');
  });
});
