// The engines the end-to-end tests run on: SQLite always, PostgreSQL when a server answers. The same test files
// run on both (describe.each(engines)); a database for one test is a temp file or a fresh PostgreSQL database.
// Locally, with no server, the PostgreSQL half is skipped with one line; under CI=true a missing server fails.
import Database from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { SqliteSql } from '../../src/db/engine/sqlite.js';
import { connectPostgres, isPostgresUrl, resolvePostgresTarget } from '../../src/db/engine/postgres.js';
import type { Engine, Params, Sql } from '../../src/db/engine/sql.js';
import { tempDir } from './cli.js';
import { postgresAdminUrl, testActor } from '../postgres-setup.js';

export type { Engine };

/** A login that may create databases (test/postgres-setup.ts, where .ci/run's login is the default). */
export { postgresAdminUrl };
/** The name crm writes rows under in the tests, on both engines (test/postgres-setup.ts). */
export { testActor };

// Asked once per run by test/postgres-setup.ts (vitest's global setup), which also says it once when there is none.
// A file run without that setup (an editor's runner) asks here.
async function probe(): Promise<string> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = process.env.CRM_TEST_POSTGRES_PROBLEM ?? (await probe());
if (problem !== '' && process.env.CI === 'true') throw new Error(`CI=true and no PostgreSQL server for the tests: ${problem}`);

export const postgresAvailable = problem === '';
export const engines: Engine[] = postgresAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

const created: string[] = [];
let counter = 0;

/** FN with a connection as the test server's admin login, closed after. */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The URL of database NAME on the test server, with the test login. */
export function postgresUrl(name: string): string {
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, empty PostgreSQL database (dropped after the test file); its URL. */
export async function newPostgresDatabase(): Promise<string> {
  const name = `crm_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  created.push(name);
  return postgresUrl(name);
}

/** The --db value of a database that does not exist yet on ENGINE (crm init makes it; on PostgreSQL it exists, empty). */
export async function newDatabase(engine: Engine): Promise<string> {
  return engine === 'sqlite' ? path.join(tempDir(), 'crm.db') : newPostgresDatabase();
}

afterAll(async () => {
  if (created.length === 0) return;
  const names = created.splice(0);
  await admin(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

/** A connection to a test database on either engine, for looking inside it (never through crm's own checks). */
export async function connect(db: string): Promise<Sql> {
  if (isPostgresUrl(db)) return connectPostgres(resolvePostgresTarget(db, process.env));
  return new SqliteSql(new Database(db, { fileMustExist: true }), db);
}

/** Rows of one query against a test database. */
export async function query<T = Record<string, unknown>>(db: string, text: string, params?: Params): Promise<T[]> {
  const sql = await connect(db);
  try {
    return await sql.all<T>(text, params);
  } finally {
    await sql.close();
  }
}

/** The first column of the first row of one query against a test database. */
export async function scalar<T = unknown>(db: string, text: string, params?: Params): Promise<T | undefined> {
  const sql = await connect(db);
  try {
    return await sql.value<T>(text, params);
  } finally {
    await sql.close();
  }
}

/**
 * Everything a user put in, keyed by external ids (internal ids and bookkeeping differ between databases that
 * hold the same data), on either engine: what export → import and db copy must reproduce.
 */
export async function businessDataOf(db: string): Promise<Record<string, unknown[]>> {
  const sql = await connect(db);
  try {
    return {
      customers: await sql.all(`SELECT external_id, name, company, email, phone, city, region, channel, owner, tags, notes, status, created_at
                                 FROM customers ORDER BY external_id`),
      orders: await sql.all(`SELECT o.external_id, c.external_id AS customer, o.order_date, o.product, o.quantity, o.amount_cents, o.cost_cents, o.status
                              FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.external_id`),
      interactions: await sql.all(`SELECT i.external_id, c.external_id AS customer, i.kind, i.occurred_at, i.summary, i.outcome, i.owner, i.follow_up_at,
                                          i.follow_up_done_at, i.follow_up_note
                                   FROM interactions i JOIN customers c ON c.id = i.customer_id ORDER BY i.external_id`),
      complaints: await sql.all(`SELECT k.external_id, c.external_id AS customer, k.opened_at, k.severity, k.summary, k.status, k.resolved_at, k.resolution, k.owner
                                 FROM complaints k JOIN customers c ON c.id = k.customer_id ORDER BY k.external_id`),
    };
  } finally {
    await sql.close();
  }
}

/** Row counts of crm's tables on either engine ("nothing was written"). */
export async function tableCounts(db: string): Promise<Record<string, number>> {
  const sql = await connect(db);
  try {
    const tables =
      sql.engine === 'sqlite'
        ? await sql.column<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        : await sql.column<string>("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'crm_schema' ORDER BY 1");
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await sql.value<number>(`SELECT count(*) FROM "${table}"`)) ?? 0;
    return counts;
  } finally {
    await sql.close();
  }
}
