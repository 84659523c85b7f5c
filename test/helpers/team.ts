// A team database on the test server, set up as the README's team section does: a login that owns the database
// (not a superuser) runs crm init, copies the sample CRM in and adds members. Logins are named crm_t_<pid>_… so a
// killed run's are dropped by test/postgres-setup.ts; this file's are dropped after it.
import pg from 'pg';
import { afterAll } from 'vitest';
import { runCrm, type RunOptions, type RunResult } from './cli.js';
import { admin, postgresUrl } from './engines.js';

let counter = 0;
const databases: string[] = [];
const logins: string[] = [];

export interface TeamDb {
  /** The database's name on the test server. */
  name: string;
  /** A --db URL for LOGIN with its password (the schema owner is 'owner'). */
  url(login: string): string;
  /** The server login behind a short name ('owner', 'wang', …). */
  login(short: string): string;
  /** The password each login was given. */
  password(short: string): string;
  /** crm as that login. */
  crm(short: string, argv: string[], options?: RunOptions): Promise<RunResult>;
  /** A plain SQL connection as that login (psql's view). */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(short: string, text: string, params?: unknown[]): Promise<T[]>;
}

/** An empty database owned by a fresh non-superuser login with CREATEROLE, crm init'ed by it. */
export async function teamDatabase(): Promise<TeamDb> {
  const tag = `crm_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const passwords = new Map<string, string>();
  const loginOf = (short: string) => `${tag}_${short}`;
  const ownerLogin = loginOf('owner');
  passwords.set('owner', `owner-pw-${tag}`);
  await admin(async (client) => {
    await client.query(`CREATE ROLE ${ownerLogin} LOGIN CREATEROLE PASSWORD '${passwords.get('owner')}'`);
    await client.query(`CREATE DATABASE ${tag} OWNER ${ownerLogin}`);
  });
  logins.push(ownerLogin);
  databases.push(tag);
  const url = (short: string): string => {
    const at = new URL(postgresUrl(tag));
    at.username = loginOf(short);
    at.password = passwords.get(short) ?? `pw-${short}-${tag}`;
    return at.toString();
  };
  const team: TeamDb = {
    name: tag,
    url,
    login: loginOf,
    password: (short) => passwords.get(short) ?? `pw-${short}-${tag}`,
    crm: (short, argv, options) => runCrm(['--db', url(short), ...argv], options),
    async sql(short, text, params) {
      const client = new pg.Client({ connectionString: url(short) });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
  return team;
}

/** Adds member SHORT (its login crm_t_…_SHORT) as NAME with ROLE, by the owner, the password on standard input. */
export async function addMember(team: TeamDb, short: string, name: string, role: 'owner' | 'manager' | 'sales'): Promise<RunResult> {
  logins.push(team.login(short));
  return team.crm('owner', ['team', 'add', team.login(short), '--name', name, '--role', role, '--password-file', '-'], { stdin: `${team.password(short)}\n` });
}

afterAll(async () => {
  const names = databases.splice(0);
  const roles = logins.splice(0);
  if (names.length === 0 && roles.length === 0) return;
  await admin(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const name of names) await client.query(`DROP ROLE IF EXISTS crm_team_${name}`);
    for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${role}`);
  });
});
