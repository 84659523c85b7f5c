// Vitest global setup: is there a PostgreSQL server for the tests? Asked once per run, said once: locally, without
// one, the PostgreSQL half of the suite is skipped with one line; under CI=true a missing server fails the run.
// The answer reaches every test file through CRM_TEST_POSTGRES_PROBLEM (test/helpers/engines.ts reads it).
// Databases a killed run left behind (crm_t_…) are dropped at the start.
import pg from 'pg';

export const postgresAdminUrl = process.env.CRM_TEST_POSTGRES ?? 'postgresql://crm_test:pw-for-tests@localhost:5432/postgres';

/**
 * The name crm writes rows under in the tests (created_by, updated_by): the test login on PostgreSQL, and on SQLite the
 * same name (runCrm and newStore pass it for the operating-system user), so the same commands give the same rows and
 * crm customer show the same "by" on both engines.
 */
export const testActor = decodeURIComponent(new URL(postgresAdminUrl).username);

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  let problem = '';
  try {
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'crm\\_t\\_%' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = pg_database.datname)",
    );
    // Only databases of runs that are gone: named crm_t_<pid>_… by a process that no longer exists.
    for (const { datname } of rows) {
      const pid = Number(datname.split('_')[2]);
      if (!isAlive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    // The team tests' logins (crm_t_<pid>_…) and group roles (crm_team_crm_t_<pid>_…) of runs that are gone.
    const roles = await client.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'crm\\_t\\_%' OR rolname LIKE 'crm\\_team\\_crm\\_t\\_%'");
    for (const { rolname } of roles.rows) {
      const pid = Number(rolname.replace(/^crm_team_/, '').split('_')[2]);
      if (!isAlive(pid)) await client.query(`DROP ROLE IF EXISTS "${rolname}"`).catch(() => undefined);
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (problem !== '') {
    const where = postgresAdminUrl.replace(/:[^:@/]*@/, ':***@');
    if (process.env.CI === 'true') throw new Error(`CI=true and no PostgreSQL server for the tests at ${where}: ${problem}`);
    console.warn(`PostgreSQL tests skipped: no server at ${where} (${problem}); start one (see README, Development) or set CRM_TEST_POSTGRES`);
  }
  process.env.CRM_TEST_POSTGRES_PROBLEM = problem;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
