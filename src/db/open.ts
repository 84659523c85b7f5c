// Opens the SQLite file with the pragmas every command relies on, and applies migrations (after a backup).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError } from '../errors.js';
import { fileErrorReason } from '../files/file-errors.js';
import { backupFolder, backupPrefix } from './backup-files.js';
import { placeBackup, temporaryFor } from './backup.js';
import { removeTemporary } from './backup-temp.js';
import { latestSchemaVersion, migrations } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file (mode 0600) when it does not exist. */
  create?: boolean;
  readonly?: boolean;
  /** The clock, for the name of the automatic backup taken before a migration. */
  now?: () => Date;
  /** Told where that backup went. */
  onMigrationBackup?: (backupFile: string, fromVersion: number, toVersion: number) => void;
}

function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** PRAGMA application_id of a database `crm demo` made ("crmd"): the mark that lets the demo replace it later. */
const demoApplicationId = 0x63726d64;

/** Marks a database as made by `crm demo`. */
export function markDemoDatabase(db: Db): void {
  db.pragma(`application_id = ${demoApplicationId}`);
}

/**
 * Whether FILE is a database `crm demo` made: marked so, or (made before the mark) every import run read a file of
 * samplesDir and one of them was the campaign contacts only the demo imports. Reads only and never throws (not a
 * database, another program's, unreadable: false), so the demo refuses to delete anything else.
 */
export function isDemoDatabase(file: string, samplesDir: string): boolean {
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    if (db.pragma('application_id', { simple: true }) === demoApplicationId) return true;
    const dir = samplesDir + path.sep;
    const runs = db
      .prepare('SELECT count(*) AS runs, sum(substr(file_name, 1, length(@dir)) = @dir) AS fromSamples, sum(file_name = @contacts) AS contacts FROM import_runs')
      .get({ dir, contacts: path.join(samplesDir, 'campaign-contacts.csv') }) as { runs: number; fromSamples: number | null; contacts: number | null };
    return runs.runs > 0 && runs.fromSamples === runs.runs && (runs.contacts ?? 0) > 0;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/** Tables that are not SQLite's own: a version-0 file with some is another program's database. */
function hasTables(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1").get() !== undefined;
}

/** Refuses a database this build cannot read: from a newer crm, or not a crm database at all. Reads only. */
export function checkReadable(db: Db, file: string): number {
  const current = schemaVersion(db);
  if (current > latestSchemaVersion) {
    throw new DatabaseError(
      `${file}: database schema version ${current} is newer than this crm understands (${latestSchemaVersion}); upgrade crm (the file was not changed)`,
    );
  }
  if (current === 0 && hasTables(db)) {
    throw new DatabaseError(`${file}: an SQLite database, but not a crm database (no schema version); nothing was changed`);
  }
  return current;
}

/** Applies pending migrations in one transaction each. A newer schema is refused, never altered. */
export function migrate(db: Db, file: string): number {
  const current = checkReadable(db, file);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return current;
}

/**
 * Before migrating a database that holds data, a consistent copy goes to backups/ (VACUUM INTO is
 * synchronous, unlike the online backup API, and this runs inside the synchronous open). Like crm backup, the
 * copy is written to a temporary file and gets its name only when complete: a kill leaves no empty "backup".
 */
function backupBeforeMigration(db: Db, file: string, options: OpenOptions, from: number): void {
  const target = { folder: backupFolder(file), prefix: backupPrefix(file), now: (options.now ?? (() => new Date()))(), why: `before-v${latestSchemaVersion}` };
  let temporary: string | undefined;
  let placed: string;
  try {
    temporary = temporaryFor(target);
    db.prepare('VACUUM INTO ?').run(temporary);
    placed = placeBackup(temporary, target);
  } catch (error) {
    throw new DatabaseError(`${file}: could not back up the database before upgrading its schema (${fileErrorReason(error)}); nothing was changed`);
  } finally {
    if (temporary !== undefined) removeTemporary(temporary);
  }
  options.onMigrationBackup?.(placed, from, latestSchemaVersion);
}

/** Whether crm can create files beside the database (SQLite needs to, for the -shm and -wal files). */
function fileWritable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function folderWritable(folder: string): { writable: boolean; why: string } {
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    return { writable: true, why: '' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { writable: false, why: code === 'EROFS' ? 'on a read-only file system' : 'not writable for you' };
  }
}

/** Where FILE points when it is a symbolic link to nothing, else null. */
function danglingLink(file: string): string | null {
  try {
    return fs.lstatSync(file).isSymbolicLink() ? path.resolve(path.dirname(file), fs.readlinkSync(file)) : null;
  } catch {
    return null;
  }
}

/** A new, empty database file, readable by its owner only (docs/storage.md#database-file); one line when the folder does not allow it. */
function createDatabaseFile(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    throw new DatabaseError(`${file}: cannot create the database: ${fileErrorReason(error)}`);
  }
}

/** Opens (and if asked, creates) a crm database; throws DatabaseError with a hint when it is missing or unusable. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const exists = fs.existsSync(file);
  const dangling = exists ? null : danglingLink(file);
  if (dangling !== null) {
    throw new DatabaseError(`${file} is a symbolic link to ${dangling}, which does not exist; remove the link, or name the real file with --db`);
  }
  if (!exists && !options.create) {
    throw new DatabaseError(`no database at ${file}; create one with \`crm init --db ${file}\` or set CRM_DB`);
  }
  if (exists && fs.statSync(file).isDirectory()) {
    throw new DatabaseError(`${file} is a directory, not a crm database`);
  }
  // An empty file is a truncated or failed copy, not a new database: reading it as one would give empty
  // reports with exit 0 (and "nothing to do" from agenda --check).
  if (exists && fs.statSync(file).size === 0 && !fs.existsSync(`${file}-wal`)) {
    throw new DatabaseError(`${file} is an empty file, not a crm database; restore a backup, or remove it and run \`crm init\``);
  }
  if (!exists) createDatabaseFile(file);
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    // The version is checked before anything writes (journal_mode = WAL rewrites the header).
    const current = checkReadable(db, file);
    if (!options.readonly) {
      applyPragmas(db);
      if (current > 0 && current < latestSchemaVersion) backupBeforeMigration(db, file, options, current);
      migrate(db, file);
    }
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new DatabaseError(`${file}: the file is damaged or not a crm database; run \`crm doctor\` or \`crm restore\` a backup`);
    }
    const folder = folderWritable(path.dirname(file));
    // The file may be writable while its folder is not: then it is the missing -shm file that stops SQLite.
    if (!folder.writable && (code === 'SQLITE_CANTOPEN' || (typeof code === 'string' && code.startsWith('SQLITE_READONLY') && fileWritable(file)))) {
      throw new DatabaseError(
        `${file}: the folder ${path.dirname(file)} is ${folder.why}, and SQLite must create ${path.basename(file)}-shm beside the database even to read it; make the folder writable, or copy the database (with its -wal file) to a writable folder and use --db there`,
      );
    }
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) {
      throw new DatabaseError(`${file}: the database is read-only; check the file and folder permissions`);
    }
    throw new DatabaseError(`${file}: cannot open database: ${message}`);
  }
  return db;
}
