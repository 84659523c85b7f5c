// Opens the SQLite file with the pragmas every command relies on, and applies migrations.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../errors.js';
import { latestSchemaVersion, migrations } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file (mode 0600) when it does not exist. */
  create?: boolean;
  readonly?: boolean;
}

/** Resolves the database path: --db, else CRM_DB, else ./crm.db (design.md). */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.CRM_DB ?? 'crm.db');
}

function applyPragmas(db: Db, readonly: boolean): void {
  db.pragma('busy_timeout = 10000');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies pending migrations in one transaction each. A newer schema is refused, never altered. */
export function migrate(db: Db, file: string): number {
  const current = schemaVersion(db);
  if (current > latestSchemaVersion) {
    throw new DatabaseError(
      `${file}: database schema version ${current} is newer than this crm understands (${latestSchemaVersion}); upgrade crm`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return current;
}

/** Opens (and if asked, creates) a crm database; throws DatabaseError with a hint when it is missing or unusable. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const exists = fs.existsSync(file);
  if (!exists && !options.create) {
    throw new DatabaseError(`no database at ${file}; create one with \`crm init --db ${file}\` or set CRM_DB`);
  }
  if (exists && fs.statSync(file).isDirectory()) {
    throw new DatabaseError(`${file} is a directory, not a crm database`);
  }
  if (!exists) {
    // Created readable by its owner only (design.md storage rules).
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
    applyPragmas(db, options.readonly ?? false);
    if (!options.readonly) migrate(db, file);
    else if (schemaVersion(db) > latestSchemaVersion) migrate(db, file);
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`${file}: cannot open database: ${message}`);
  }
  return db;
}
