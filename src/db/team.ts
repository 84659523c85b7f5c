// A team on one PostgreSQL database: logins mapped to salesperson names and roles (crm team …). The server enforces
// what each role sees and changes (db/team-schema.ts); this module creates the logins and the grants behind them.
//
// Every member login belongs to one group role per database (crm_team_<database>), which holds the table privileges;
// row-level security then narrows them by role. Role and login names cannot be statement parameters in PostgreSQL's
// DDL: logins are checked against LOGIN_PATTERN and quoted as identifiers, and a password reaches the server only as
// a SCRAM verifier this process computed (db/team-password.ts), never as text.
import { CrmError, DatabaseError, UsageError } from '../errors.js';
import type { Sql } from './engine/sql.js';

export const teamRoles = ['owner', 'manager', 'sales'] as const;
export type TeamRole = (typeof teamRoles)[number];

/** What crm accepts as a login: PostgreSQL's unquoted identifiers, lower case. */
export const LOGIN_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export interface Access {
  login: string;
  /** The salesperson name in owner fields; null for a login that is not on the team. */
  name: string | null;
  /** The team role; the schema's owner and a superuser count as 'owner' even when not on the team. */
  role: TeamRole | null;
}

export interface Member {
  login: string;
  name: string;
  role: TeamRole;
  customers: number;
  last_activity: string | null;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function requireServer(sql: Sql): void {
  requireServerTarget(sql.engine);
}

/** crm team on a SQLite file: a usage error that says where a team lives and how to move there. */
export function requireServerTarget(engine: 'sqlite' | 'postgres'): void {
  if (engine !== 'postgres') {
    throw new UsageError('a team needs a shared PostgreSQL database; move this file there with `crm db copy --to postgresql://OWNER@HOST/DB`, then run crm team there');
  }
}

export function checkLogin(login: string): string {
  if (!LOGIN_PATTERN.test(login)) throw new UsageError(`login ${JSON.stringify(login)}: use lower-case letters, digits and _ (at most 63, not starting with a digit)`);
  return login;
}

/** Who the connection is, and what the team lets them do. On a SQLite file the person at the keyboard is the owner. */
export async function accessOf(sql: Sql): Promise<Access> {
  if (sql.engine !== 'postgres') return { login: '', name: null, role: 'owner' };
  const row = (await sql.get<{ login: string; name: string | null; role: TeamRole | null; superuser: boolean; owns: boolean }>(
    `SELECT CAST(current_user AS TEXT) AS login, t.name, t.role, r.rolsuper AS superuser,
            pg_has_role(current_user, (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'customers'), 'MEMBER') AS owns
     FROM pg_roles r LEFT JOIN team_members t ON t.login = CAST(r.rolname AS TEXT)
     WHERE r.rolname = current_user`,
  ))!;
  const role = row.superuser || row.owns ? 'owner' : row.role;
  return { login: row.login, name: row.name, role: role ?? null };
}

const rank: Record<TeamRole, number> = { sales: 0, manager: 1, owner: 2 };

/**
 * Refuses WHAT (one line, exit 2) unless the connection's role is at least NEEDED. The server would refuse the
 * rows anyway; this says so before any work, in words.
 */
export async function requireRole(sql: Sql, needed: TeamRole, what: string): Promise<Access> {
  const access = await accessOf(sql);
  if (access.role === null) {
    throw new DatabaseError(`${sql.label}: the login ${access.login} is not on this database's team; its owner adds it with \`crm team add ${access.login}\``);
  }
  if (rank[access.role] < rank[needed]) {
    const who = needed === 'owner' ? 'the owner' : 'a manager or the owner';
    throw new UsageError(`${access.login} (${access.role}) may not ${what}: that needs ${who}; nothing was changed`);
  }
  return access;
}

export async function loginExists(sql: Sql, login: string): Promise<boolean> {
  return (await sql.value<number>('SELECT 1 FROM pg_roles WHERE rolname = ?', [login])) !== undefined;
}

/** The owner a new customer gets when none is named: a salesperson's own name (theirs to see), else none. */
export async function ownerOfNewCustomers(sql: Sql): Promise<string | null> {
  if (sql.engine !== 'postgres') return null;
  const access = await accessOf(sql);
  return access.role === 'sales' ? access.name : null;
}

/** The group role holding this database's table privileges. */
async function groupName(sql: Sql): Promise<string> {
  const database = (await sql.value<string>('SELECT CAST(current_database() AS TEXT)'))!;
  const name = `crm_team_${database.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return name.slice(0, 63);
}

/** Whether the connection owns crm's tables (only the owner can grant on them). */
async function ownsTables(sql: Sql): Promise<boolean> {
  return (await sql.value<boolean>(
    "SELECT pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'customers'",
  )) === true;
}

/**
 * Grants the team's group role what row-level security then narrows: reading and writing crm's tables (not the
 * schema version), its sequences and the two team functions. Run by the tables' owner when the team is set up
 * and after each migration, so a table added later is granted too.
 */
export async function grantTeam(sql: Sql, group?: string): Promise<void> {
  const name = quoteIdentifier(group ?? (await groupName(sql)));
  const schema = quoteIdentifier((await sql.value<string>('SELECT CAST(current_schema() AS TEXT)'))!);
  const database = quoteIdentifier((await sql.value<string>('SELECT CAST(current_database() AS TEXT)'))!);
  await sql.exec(`
    GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${name};
    GRANT USAGE ON SCHEMA ${schema} TO ${name};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${name};
    REVOKE INSERT, UPDATE, DELETE ON crm_schema FROM ${name};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${name};
    GRANT EXECUTE ON FUNCTION crm_team_role(TEXT), crm_team_name(TEXT) TO ${name};`);
}

/** After a migration on a database with a team: the new tables are granted too. */
export async function regrantTeamAfterMigration(sql: Sql): Promise<void> {
  const group = await groupName(sql);
  if ((await loginExists(sql, group)) && (await ownsTables(sql))) await grantTeam(sql, group);
}

export interface NewMember {
  login: string;
  name: string;
  role: TeamRole;
  /** A SCRAM verifier (db/team-password.ts); null to map a login the server has already. */
  verifier: string | null;
  now: string;
}

/** What crm team add did. */
export interface AddResult {
  createdLogin: boolean;
  group: string;
}

/** Creates (or maps) LOGIN as a team member, in one transaction: the login, its group, its row in team_members. */
export async function addMember(sql: Sql, member: NewMember): Promise<AddResult> {
  requireServer(sql);
  checkLogin(member.login);
  if (!teamRoles.includes(member.role)) throw new UsageError(`--role ${member.role}: one of ${teamRoles.join(', ')}`);
  return sql.transaction(async () => {
    const group = await groupName(sql);
    if (member.login === group) throw new UsageError(`login ${member.login} is the team's own group role; choose another login`);
    const known = await sql.get<{ login: string; name: string; role: TeamRole }>('SELECT login, name, role FROM team_members WHERE login = ? OR name = ?', [member.login, member.name]);
    if (known) {
      throw new CrmError(known.login === member.login
        ? `${member.login} is already on the team (as ${known.name}, ${known.role}); nothing was changed`
        : `the name ${member.name} is already ${known.login}'s; give each person their own name; nothing was changed`);
    }
    const owner = await ownsTables(sql);
    if (!(await loginExists(sql, group))) {
      if (!owner) throw new CrmError(`the team is not set up yet: the owner of the tables adds the first member; nothing was changed`);
      await sql.exec(`CREATE ROLE ${quoteIdentifier(group)} NOLOGIN`);
    }
    if (owner) await grantTeam(sql, group);
    const existing = await sql.get<{ superuser: boolean }>('SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = ?', [member.login]);
    const login = quoteIdentifier(member.login);
    // The verifier is base64 and digits this process made: nothing in it can end the literal.
    const password = member.verifier === null ? '' : ` PASSWORD '${member.verifier}'`;
    if (!existing) {
      if (member.verifier === null) throw new UsageError(`${member.login} is a new login: give it a password (--password-file FILE, - for standard input)`);
      await sql.exec(`CREATE ROLE ${login} LOGIN${password}`);
    } else if (member.verifier !== null) {
      await sql.exec(`ALTER ROLE ${login}${password}`);
    }
    // An owner adds and removes members: creating logins needs CREATEROLE, granting the group its admin option.
    if (member.role === 'owner' && !existing?.superuser) await sql.exec(`ALTER ROLE ${login} CREATEROLE`);
    await sql.exec(`GRANT ${quoteIdentifier(group)} TO ${login}${member.role === 'owner' ? ' WITH ADMIN OPTION' : ''}`);
    await sql.run('INSERT INTO team_members (login, name, role, created_at, created_by) VALUES (?, ?, ?, ?, ?)', [
      member.login, member.name, member.role, member.now, sql.actor,
    ]);
    await sql.run("INSERT INTO audit_log (at, action, customer_id, detail, created_by) VALUES (?, 'team-add', NULL, ?, ?)", [
      member.now, JSON.stringify({ login: member.login, name: member.name, role: member.role, new_login: !existing }), sql.actor,
    ]);
    return { createdLogin: !existing, group };
  });
}

/** The team, with how many customers each owns and when they last wrote anything. */
export async function listMembers(sql: Sql): Promise<Member[]> {
  requireServer(sql);
  const latest = (table: string, column: string, by: string) => `(SELECT max(${column}) FROM ${table} WHERE ${by} = t.login)`;
  const activity = [
    latest('customers', 'updated_at', 'updated_by'),
    latest('interactions', 'updated_at', 'updated_by'),
    latest('complaints', 'updated_at', 'updated_by'),
    latest('payments', 'updated_at', 'updated_by'),
    latest('surveys', 'updated_at', 'updated_by'),
    latest('import_runs', 'finished_at', 'created_by'),
    latest('audit_log', 'at', 'created_by'),
  ];
  return sql.all<Member>(
    `SELECT t.login, t.name, t.role,
            (SELECT count(*) FROM customers c WHERE c.owner = t.name) AS customers,
            greatest(${activity.join(', ')}) AS last_activity
     FROM team_members t ORDER BY CASE t.role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, t.login`,
  );
}

async function memberOf(sql: Sql, login: string): Promise<{ login: string; name: string; role: TeamRole }> {
  const member = await sql.get<{ login: string; name: string; role: TeamRole }>('SELECT login, name, role FROM team_members WHERE login = ?', [login]);
  if (!member) throw new CrmError(`${login} is not on the team (\`crm team list\` shows who is); nothing was changed`);
  return member;
}

/** Sets LOGIN's password (a member's, or the caller's own). */
export async function setPassword(sql: Sql, login: string, verifier: string, now: string): Promise<void> {
  requireServer(sql);
  checkLogin(login);
  // The connection's login, read once when it connected.
  const self = sql.actor === login;
  if (!self) await memberOf(sql, login);
  await sql.transaction(async () => {
    await sql.exec(`ALTER ROLE ${quoteIdentifier(login)} PASSWORD '${verifier}'`);
    // That it changed, and who changed it; never the password or its verifier.
    await sql.run("INSERT INTO audit_log (at, action, customer_id, detail, created_by) VALUES (?, 'team-passwd', NULL, ?, ?)", [now, JSON.stringify({ login }), sql.actor]);
  });
}

export interface RemoveResult {
  name: string;
  customers: number;
  to: string | null;
  droppedLogin: boolean;
}

/**
 * Takes LOGIN off the team: their customers pass to TO's name, or stay and show as unowned (owner empty); the
 * login loses the group and is dropped unless it has rights elsewhere on the server. Nothing else is deleted.
 */
export async function removeMember(sql: Sql, login: string, to: string | null, now: string): Promise<RemoveResult> {
  requireServer(sql);
  checkLogin(login);
  return sql.transaction(async () => {
    const member = await memberOf(sql, login);
    if (login === sql.actor) throw new UsageError('you cannot take yourself off the team; another owner can');
    const heir = to === null ? null : await memberOf(sql, checkLogin(to));
    if (heir?.login === login) throw new UsageError('--to names the login being removed; name another member');
    const moved = await sql.run(
      'UPDATE customers SET owner = ?, updated_at = ?, updated_by = ? WHERE owner = ?',
      [heir?.name ?? null, now, sql.actor, member.name],
    );
    await sql.run("INSERT INTO audit_log (at, action, customer_id, detail, created_by) VALUES (?, 'team-remove', NULL, ?, ?)", [
      now, JSON.stringify({ login, name: member.name, role: member.role, customers: moved.changes, to: heir?.login ?? null }), sql.actor,
    ]);
    await sql.run('DELETE FROM team_members WHERE login = ?', [login]);
    const group = await groupName(sql);
    await sql.exec(`REVOKE ${quoteIdentifier(group)} FROM ${quoteIdentifier(login)}`);
    // Rights the login holds anywhere else on the server (pg_shdepend) keep it; then only its place here goes.
    const elsewhere = await sql.value<number>(
      `SELECT count(*) FROM pg_shdepend d JOIN pg_roles r ON r.oid = d.refobjid WHERE r.rolname = ? AND d.deptype IN ('o', 'a', 'i', 'r')`,
      [login],
    );
    const superuser = await sql.value<boolean>('SELECT rolsuper FROM pg_roles WHERE rolname = ?', [login]);
    const drop = !elsewhere && !superuser;
    if (drop) await sql.exec(`DROP ROLE ${quoteIdentifier(login)}`);
    return { name: member.name, customers: moved.changes, to: heir?.name ?? null, droppedLogin: drop };
  });
}
