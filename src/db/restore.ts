// crm restore: putting a backup back over the live database, keeping the current one aside first.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CrmError, DatabaseError } from '../errors.js';
import { realTarget } from '../files/protected-paths.js';
import { ALL_PAGES, RESTORE_ATTEMPTS, backupDatabase, copyWhole, placeBackup, sealCopy, temporaryFor, type BackupResult, type BackupTarget } from './backup.js';
import { removeTemporary, temporaryBeside } from './backup-temp.js';
import { migrate, schemaVersion, type Db } from './open.js';
import type { CopyResult } from './copy.js';
import { SqliteSql } from './engine/sqlite.js';
import type { Sql } from './engine/sql.js';
import { latestSchemaVersion } from './migrations.js';

/**
 * Keeps whatever the current database is before it is replaced: through the backup API when it can
 * be read, else as a plain copy of the file (a damaged database is exactly when people restore).
 */
async function copyAside(current: string, target: BackupTarget): Promise<BackupResult> {
  let db: Db | undefined;
  try {
    db = new Database(current, { readonly: true, fileMustExist: true });
    return await backupDatabase(new SqliteSql(db, current), target);
  } catch {
    db?.close();
    db = undefined;
    const temporary = temporaryFor(target);
    try {
      fs.copyFileSync(current, temporary);
      fs.chmodSync(temporary, 0o600);
      const file = placeBackup(temporary, target);
      return { file, bytes: fs.statSync(file).size, integrity: 'not checked (copied as it was)' };
    } finally {
      removeTemporary(temporary);
    }
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
 * Replaces the database at `databaseFile` (through any symbolic links) with the contents of `source`
 * (already inspected), keeping the current one as `asideTarget` first. Copies into the live file through the
 * backup API, which takes the proper locks so other crm processes see either the old or the new database;
 * a file SQLite cannot open is replaced by a rename. Returns the copy of the replaced database, if any.
 * A failure (a full disk, say) leaves the database as it was and no temporary file or journal behind.
 */
export async function restoreDatabase(source: string, databaseFile: string, asideTarget: BackupTarget): Promise<BackupResult | null> {
  const target = realTarget(databaseFile);
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
      aside = await copyAside(target, asideTarget);
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
    aside ??= await copyAside(target, asideTarget);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(staged, target);
    return aside;
  } catch (error) {
    if (error instanceof CrmError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`restoring ${target} from ${source} failed (${message}); the database was not changed`);
  } finally {
    removeTemporary(staged);
  }
}

/**
 * crm restore on PostgreSQL: the backup file's rows into the server database, which must be empty (crm init'ed or
 * fresh): nothing is replaced there, so nothing needs keeping aside. A backup of an older schema is upgraded in a
 * temporary copy first (the file named is never changed). One transaction, counts checked (db/copy.ts).
 */
export async function restoreIntoServer(source: string, sql: Sql): Promise<CopyResult> {
  const { copyDatabase } = await import('./copy.js');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-restore-'));
  try {
    let file = source;
    const version = (() => {
      const probe = new Database(source, { readonly: true, fileMustExist: true });
      try {
        return schemaVersion(probe);
      } finally {
        probe.close();
      }
    })();
    if (version < latestSchemaVersion) {
      file = path.join(folder, 'upgraded.db');
      fs.copyFileSync(source, file);
      fs.chmodSync(file, 0o600);
      const db = new Database(file, { fileMustExist: true });
      try {
        migrate(db, file);
      } finally {
        db.close();
      }
    }
    const from = new SqliteSql(new Database(file, { readonly: true, fileMustExist: true }), source);
    try {
      return await copyDatabase(from, sql);
    } finally {
      await from.close();
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
