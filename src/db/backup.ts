// Online backup (SQLite's backup API), verifying backup files, --keep, and what killed backups left behind.
// Restoring is restore.ts.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { CrmError, DatabaseError, UsageError } from '../errors.js';
import { fileErrorReason } from '../files/file-errors.js';
import { backupFileName, backupFolder, backupPrefix, plainBackupName } from './backup-files.js';
import { placeExclusively, removeLeftovers, removeTemporary, temporaryBeside, type LeftoverFile } from './backup-temp.js';
import { latestSchemaVersion } from './migrations.js';
import type { Db } from './open.js';
import type { Sql } from './engine/sql.js';
import { sqliteHandle } from './engine/sqlite.js';

export interface BackupResult {
  file: string;
  bytes: number;
  integrity: string;
}

/** Pages copied per step: all of them, so the copy is one consistent snapshot even while an import writes. */
export const ALL_PAGES = 0x7fffffff;
/** Retries of a copy that found the database busy: 40 × 250 ms, as long as every crm connection's busy timeout. */
export const RESTORE_ATTEMPTS = 40;

/** "ok", or the first problems PRAGMA integrity_check reports. */
export function integrityCheck(db: Db): string {
  const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check).join('; ');
}

/** Makes a finished copy a self-contained file (no -wal beside it) and checks it. */
export function sealCopy(file: string): string {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    return integrityCheck(copy);
  } finally {
    copy.close();
  }
}

/**
 * One backup-API copy. better-sqlite3 reports a first step that found the source busy (another
 * process closing the database holds it for a moment) as done, leaving an empty file: retry then.
 */
export async function copyWhole(db: Db, file: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await db.backup(file, { progress: () => ALL_PAGES });
    if (fs.statSync(file).size > 0) return;
    if (attempt === RESTORE_ATTEMPTS) throw new DatabaseError('the database stayed busy; no backup was made; try again');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A named file (which must not exist yet), or the next free backup name in a folder. */
export type BackupTarget = { file: string } | { folder: string; prefix: string; now: Date; why?: string };

const targetFolder = (target: BackupTarget): string => ('file' in target ? path.dirname(target.file) : target.folder);

/** Puts a finished temporary copy under the target's name, never over an existing file; returns that name. */
export function placeBackup(temporary: string, target: BackupTarget): string {
  if ('file' in target) {
    if (!placeExclusively(temporary, target.file)) throw new UsageError(`${target.file} already exists; choose another file name`);
    return target.file;
  }
  for (let attempt = 1; ; attempt += 1) {
    const file = path.join(target.folder, backupFileName(target.prefix, target.now, target.why, attempt));
    if (placeExclusively(temporary, file)) return file;
  }
}

/** The temporary file a copy for this target is written to first, beside where it will go. */
export function temporaryFor(target: BackupTarget): string {
  const where = 'file' in target ? target.file : target.folder;
  try {
    if ('file' in target) return temporaryBeside(target.file);
    fs.mkdirSync(target.folder, { recursive: true, mode: 0o700 });
    return temporaryBeside(path.join(target.folder, backupFileName(target.prefix, target.now, target.why, 1)));
  } catch (error) {
    throw new CrmError(`${where}: cannot write the backup there: ${fileErrorReason(error)}; nothing was written`);
  }
}

/**
 * Copies the open database through a temporary file (mode 0600) that gets its final name only when the
 * copy is complete and checked, so a killed backup never leaves a file that looks like a backup.
 * A SQLite file goes through SQLite's online backup; a PostgreSQL database becomes the same kind of file through
 * crm db copy (db/copy.ts), which reads one snapshot of the server, so it is consistent while others work.
 */
export async function backupDatabase(sql: Sql, target: BackupTarget): Promise<BackupResult> {
  const folder = targetFolder(target);
  if (!fs.existsSync(folder) && 'file' in target) throw new UsageError(`${folder}: no such folder for the backup`);
  if ('file' in target && fs.existsSync(target.file)) throw new UsageError(`${target.file} already exists; choose another file name`);
  const temporary = temporaryFor(target);
  try {
    if (sql.engine === 'sqlite') await copyWhole(sqliteHandle(sql), temporary);
    else await copyServer(sql, temporary);
    const integrity = sealCopy(temporary);
    fs.chmodSync(temporary, 0o600);
    const file = placeBackup(temporary, target);
    return { file, bytes: fs.statSync(file).size, integrity };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`backup of ${sql.label} to ${'file' in target ? target.file : folder} failed: ${message}; nothing was written`);
  } finally {
    removeTemporary(temporary);
  }
}

/** A server's every table into a new SQLite file at TEMPORARY (made by the copy itself, with the schema). */
async function copyServer(sql: Sql, temporary: string): Promise<void> {
  // An empty file is no database to the copy: it creates the file (0600) with the schema.
  removeTemporary(temporary);
  const { openStore } = await import('./open-store.js');
  const { copyDatabase } = await import('./copy.js');
  const copy = await openStore({ engine: 'sqlite', file: temporary }, { create: true });
  try {
    await copyDatabase(sql, copy);
  } finally {
    await copy.close();
  }
}

/** "ok" when FILE is a complete SQLite file that passes integrity_check, else what is wrong with it. */
export function verifyBackup(file: string): string {
  let db: Db | undefined;
  try {
    if (fs.statSync(file).size === 0) return 'empty (a backup that did not finish)';
    db = new Database(file, { readonly: true, fileMustExist: true });
    return integrityCheck(db);
  } catch (error) {
    return `unreadable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    db?.close();
  }
}

/**
 * Keeps the newest `keep` plain backups of the database with this prefix in `folder` that pass the
 * integrity check, and deletes the plain backups older than the last of them; returns the deleted files.
 * A newer file that fails the check (an empty one a killed backup left, a damaged copy) is not counted
 * and not deleted, so it can never push a good backup out; with fewer good ones than `keep`, nothing goes.
 */
export function pruneBackups(folder: string, prefix: string, keep: number): string[] {
  const pattern = plainBackupName(prefix);
  const sortKey = (name: string): string => {
    const [, stamp, suffix] = pattern.exec(name)!;
    return `${stamp}-${String(suffix ? Number(suffix) : 1).padStart(6, '0')}`;
  };
  const names = fs.readdirSync(folder).filter((name) => pattern.test(name));
  names.sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
  let good = 0;
  let index = 0;
  while (index < names.length && good < keep) {
    if (verifyBackup(path.join(folder, names[index]!)) === 'ok') good += 1;
    index += 1;
  }
  if (good < keep) return [];
  const doomed = names.slice(index).map((name) => path.join(folder, name));
  for (const file of doomed) fs.rmSync(file, { force: true });
  return doomed;
}

/**
 * Removes what killed backups and restores of this database left: temporary copies beside it and in
 * its backups/ folder whose process is gone. Returns them.
 */
export function removeBackupLeftovers(databaseFile: string): LeftoverFile[] {
  const name = path.basename(databaseFile);
  const prefix = `${backupPrefix(databaseFile)}-`;
  return [
    ...removeLeftovers(path.dirname(databaseFile), (about) => about === name),
    ...removeLeftovers(backupFolder(databaseFile), (about) => about.startsWith(prefix)),
  ];
}

export interface DatabaseFileFacts {
  version: number;
  integrity: string;
  customers: number;
  orders: number;
}

/** Checks that a file is a crm database this build can read and that it passes integrity_check. */
export function inspectDatabaseFile(file: string): DatabaseFileFacts {
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`${file}: is a directory, not a backup file`);
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (version < 1 || !tables.has('customers') || !tables.has('import_runs')) {
      throw new DatabaseError(`${file}: not a crm database; nothing was changed`);
    }
    if (version > latestSchemaVersion) {
      throw new DatabaseError(`${file}: schema version ${version} is newer than this crm understands (${latestSchemaVersion}); upgrade crm; nothing was changed`);
    }
    const integrity = integrityCheck(db);
    if (integrity !== 'ok') throw new DatabaseError(`${file}: fails the integrity check (${integrity}); nothing was changed`);
    const count = (table: string): number => db!.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return { version, integrity, customers: count('customers'), orders: count('orders') };
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`${file}: not a readable crm database (${message}); nothing was changed`);
  } finally {
    db?.close();
  }
}


