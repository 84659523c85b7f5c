// Opens the database a --db value names, on either engine, as the one connection type (db/engine/sql.ts):
// a path is a SQLite file (db/open.ts), a postgres:// or postgresql:// URL a PostgreSQL database.
import { DatabaseError, RefusedByServer } from '../errors.js';
import { latestSchemaVersion, migrations } from './migrations.js';
import { regrantTeamAfterMigration } from './team.js';
import { openDatabase, schemaVersion, type OpenOptions } from './open.js';
import type { PgSql } from './engine/postgres.js';
import type { StoreTarget } from './engine/url.js';
import { SqliteSql } from './engine/sqlite.js';
import type { Sql } from './engine/sql.js';

export { storeTarget, type StoreTarget } from './engine/url.js';

/** The schema version of a PostgreSQL database: 0 when crm has not set one up there. */
async function postgresVersion(sql: PgSql): Promise<number> {
  // A catalog query, not to_regclass(): that answers from the session's name cache, which may still say "no such
  // table" right after another process's migration committed (seen with three processes running crm init at once).
  const exists = await sql.value<number>("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'crm_schema'");
  if (!exists) return 0;
  return (await sql.value<number>('SELECT max(version) FROM crm_schema')) ?? 0;
}

/** Tables in the schema crm uses that crm did not make: a version-0 database with some is another program's. */
async function postgresHasTables(sql: PgSql): Promise<boolean> {
  return (await sql.value<number>("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'crm_schema'"))! > 0;
}

// Two crm processes migrating one server at once take turns on this lock (any 64-bit number crm alone uses).
const migrationLock = 0x63726d5f6d6967; // "crm_mig"

/**
 * Applies pending migrations on PostgreSQL: all in one transaction, under an advisory lock, with the version read
 * again once the lock is held (the other process may have migrated meanwhile). A newer schema is refused first.
 */
export async function migratePostgres(sql: PgSql, create: boolean): Promise<number> {
  const check = async (): Promise<number> => {
    const current = await postgresVersion(sql);
    if (current > latestSchemaVersion) {
      throw new DatabaseError(
        `${sql.label}: database schema version ${current} is newer than this crm understands (${latestSchemaVersion}); upgrade crm (nothing was changed)`,
      );
    }
    if (current === 0 && (await postgresHasTables(sql))) {
      throw new DatabaseError(`${sql.label}: the database holds tables, but not a crm database (no crm_schema); nothing was changed`);
    }
    if (current === 0 && !create) {
      throw new DatabaseError(`no crm database at ${sql.label}; create one with \`crm init --db ${sql.label}\``);
    }
    return current;
  };
  // Most runs find the schema current and take no lock. Anything else is decided under the lock: outside it, two
  // reads may straddle another process's migration committing (no crm_schema yet, then its tables).
  const before = await postgresVersion(sql);
  if (before === latestSchemaVersion) return before;
  return migrateUnderLock(sql, check).catch((error: unknown) => {
    // A team member's login may read and write rows, not change the schema: the tables' owner upgrades it.
    if (error instanceof RefusedByServer) {
      throw new DatabaseError(
        `${sql.label}: the database is at schema version ${before} and this crm needs ${latestSchemaVersion}; the owner of its tables upgrades it (any crm command run as that login does); nothing was changed`,
      );
    }
    throw error;
  });
}

async function migrateUnderLock(sql: PgSql, check: () => Promise<number>): Promise<number> {
  return sql.transaction(async () => {
    await sql.run('SELECT pg_advisory_xact_lock(?)', [migrationLock]);
    const current = await check();
    if (current === 0) await sql.exec('CREATE TABLE crm_schema (version integer NOT NULL)');
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await sql.exec(migration.postgres ?? sql.dialect.ddl(migration.sql));
    }
    await sql.run('DELETE FROM crm_schema');
    await sql.run('INSERT INTO crm_schema (version) VALUES (?)', [latestSchemaVersion]);
    // A database with a team: the tables a migration added are granted to its members too.
    if (current > 0) await regrantTeamAfterMigration(sql);
    return current;
  });
}

export interface StoreOptions extends OpenOptions {
  /** The environment PostgreSQL settings are read from (PGHOST, PGPASSWORD, …). */
  env?: Record<string, string | undefined>;
  /** Told when the database had no crm schema and now has one (crm init on a server). */
  onCreated?: () => void;
  /** Who writes to a SQLite file (Sql.actor; default the operating-system user). A server says its login itself. */
  actor?: string;
}

/** The schema version the database is at. */
export async function storedSchemaVersion(sql: Sql): Promise<number> {
  if (sql instanceof SqliteSql) return schemaVersion(sql.handle);
  return postgresVersion(sql as PgSql);
}

/** Opens (and with `create`, sets up) the database TARGET names; one line and exit 4 when it cannot. */
export async function openStore(target: StoreTarget, options: StoreOptions = {}): Promise<Sql> {
  if (target.engine === 'sqlite') return new SqliteSql(openDatabase(target.file, options), target.file, options.actor);
  // The driver loads only for a server: a command on a file starts as fast as before.
  const { connectPostgres, resolvePostgresTarget } = await import('./engine/postgres.js');
  const sql = await connectPostgres(resolvePostgresTarget(target.url, options.env ?? process.env));
  try {
    const before = await migratePostgres(sql, options.create ?? false);
    if (before === 0) options.onCreated?.();
  } catch (error) {
    await sql.close();
    throw error;
  }
  return sql;
}
