// Online backup (SQLite's backup API), verification of a backup file, and restore over the live database.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseError, UsageError } from '../errors.js';
import { plainBackupName } from './backup-files.js';
import { latestSchemaVersion } from './migrations.js';
import type { Db } from './open.js';

export interface BackupResult {
  file: string;
  bytes: number;
  integrity: string;
}

/** Pages copied per step: all of them, so the copy is one consistent snapshot even while an import writes. */
const ALL_PAGES = 0x7fffffff;
/** Retries of a copy that found the database busy: 40 × 250 ms, as long as every crm connection's busy timeout. */
const RESTORE_ATTEMPTS = 40;

/** "ok", or the first problems PRAGMA integrity_check reports. */
export function integrityCheck(db: Db): string {
  const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check).join('; ');
}

function temporaryBeside(file: string): string {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.rmSync(temporary, { force: true });
  fs.closeSync(fs.openSync(temporary, 'wx', 0o600));
  return temporary;
}

/** Makes a finished copy a self-contained file (no -wal beside it) and checks it. */
function sealCopy(file: string): string {
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
async function copyWhole(db: Db, file: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await db.backup(file, { progress: () => ALL_PAGES });
    if (fs.statSync(file).size > 0) return;
    if (attempt === RESTORE_ATTEMPTS) throw new DatabaseError('the database stayed busy; no backup was made; try again');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Copies the open database to `target` through a temporary file (mode 0600) that is renamed into
 * place only when the copy is complete and checked. `target` may exist only as an empty placeholder.
 */
export async function backupDatabase(db: Db, target: string): Promise<BackupResult> {
  if (!fs.existsSync(path.dirname(target))) throw new UsageError(`${path.dirname(target)}: no such folder for the backup`);
  if (fs.existsSync(target) && fs.statSync(target).size > 0) throw new UsageError(`${target} already exists; choose another file name`);
  const temporary = temporaryBeside(target);
  try {
    await copyWhole(db, temporary);
    const integrity = sealCopy(temporary);
    fs.renameSync(temporary, target);
    fs.chmodSync(target, 0o600);
    return { file: target, bytes: fs.statSync(target).size, integrity };
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`backup to ${target} failed: ${message}; nothing was written`);
  }
}

/** Deletes the oldest plain backups of the database with this prefix in `folder` beyond the newest `keep`; returns the deleted files. */
export function pruneBackups(folder: string, prefix: string, keep: number): string[] {
  const pattern = plainBackupName(prefix);
  const sortKey = (name: string): string => {
    const [, stamp, suffix] = pattern.exec(name)!;
    return `${stamp}-${String(suffix ? Number(suffix) : 1).padStart(6, '0')}`;
  };
  const names = fs.readdirSync(folder).filter((name) => pattern.test(name));
  names.sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
  const doomed = names.slice(keep).map((name) => path.join(folder, name));
  for (const file of doomed) fs.rmSync(file, { force: true });
  return doomed;
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

/**
 * Keeps whatever the current database is before it is replaced: through the backup API when it can
 * be read, else as a plain copy of the file (a damaged database is exactly when people restore).
 */
export async function copyAside(current: string, target: string): Promise<BackupResult> {
  let db: Db | undefined;
  try {
    db = new Database(current, { readonly: true, fileMustExist: true });
    return await backupDatabase(db, target);
  } catch {
    db?.close();
    db = undefined;
    fs.copyFileSync(current, target);
    fs.chmodSync(target, 0o600);
    return { file: target, bytes: fs.statSync(target).size, integrity: 'not checked (copied as it was)' };
  } finally {
    db?.close();
  }
}

/** Waits (up to the busy timeout) until no other process is writing; a damaged file is left to the caller. */
function waitForWriteLock(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } finally {
    db.close();
  }
}

/** Schema version, and row count and highest rowid of every table: tells whether a copy arrived. */
function fingerprint(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const parts = tables.map((table) => {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const rows = db.prepare(`SELECT count(*) FROM ${quoted}`).pluck().get() as number;
      let top: unknown = '';
      try {
        top = db.prepare(`SELECT max(rowid) FROM ${quoted}`).pluck().get();
      } catch {
        // WITHOUT ROWID tables have no rowid: their count has to do.
      }
      return `${table}:${rows}:${top}`;
    });
    return `${db.pragma('user_version', { simple: true })}|${parts.join('|')}`;
  } finally {
    db.close();
  }
}

const damaged = (error: unknown): boolean => ['SQLITE_NOTADB', 'SQLITE_CORRUPT'].includes(String((error as { code?: unknown }).code));

/**
 * Replaces the database at `target` with the contents of `source` (already inspected), keeping the
 * current one in `asideFile()` first. Copies into the live file through the backup API, which takes
 * the proper locks so other crm processes see either the old or the new database; a file SQLite
 * cannot open is replaced by a rename. Returns the copy of the replaced database, if there was one.
 */
export async function restoreDatabase(source: string, target: string, asideFile: () => string): Promise<BackupResult | null> {
  const staged = temporaryBeside(target);
  try {
    const from = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await copyWhole(from, staged);
    } finally {
      from.close();
    }
    const integrity = sealCopy(staged);
    if (integrity !== 'ok') throw new DatabaseError(`${source}: the copy fails the integrity check (${integrity}); nothing was changed`);
    if (!fs.existsSync(target)) {
      fs.renameSync(staged, target);
      return null;
    }
    let aside: BackupResult | null = null;
    try {
      // No import may be half-way: wait for writers, keep what is there, and check nothing committed since.
      waitForWriteLock(target);
      aside = await copyAside(target, asideFile());
      const kept = fingerprint(aside.file);
      const wanted = fingerprint(staged);
      const stagedDb = new Database(staged, { readonly: true, fileMustExist: true });
      try {
        for (let attempt = 1; ; attempt += 1) {
          if (fingerprint(target) !== kept) {
            throw new DatabaseError(`${target} changed while it was being restored; nothing was restored (try again)`);
          }
          await stagedDb.backup(target, { progress: () => ALL_PAGES });
          // better-sqlite3 reports a step that found the target locked (SQLITE_BUSY) as done:
          // check, and retry for a while (another process closing the database holds it briefly).
          if (fingerprint(target) === wanted) return aside;
          if (attempt === RESTORE_ATTEMPTS) {
            throw new DatabaseError(`${target} is in use by another crm process (an import?); nothing was restored; try again when it finishes`);
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } finally {
        stagedDb.close();
      }
    } catch (error) {
      if (!damaged(error)) throw error;
    }
    // The current file is not a database SQLite can write into: keep it as it is and replace it whole.
    aside ??= await copyAside(target, asideFile());
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(staged, target);
    return aside;
  } finally {
    fs.rmSync(staged, { force: true });
  }
}
