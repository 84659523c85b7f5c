// Where backups go and what they are called: backups/<name>-YYYYMMDD-HHMMSS[-why].db beside the database
// (<name> is the database file's name without .db: crm.db gives crm-…), mode 0600.
import path from 'node:path';

/** The folder `backups/` next to the database file. */
export function backupFolder(databaseFile: string): string {
  return path.join(path.dirname(databaseFile), 'backups');
}

/** "20261123-090000" in UTC (docs/storage.md#times). */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * What a database's backups are named after: its file name without ".db" ("crm.db" → "crm"), so that
 * several databases can share one backups/ folder without --keep or doctor mixing up their files.
 */
export function backupPrefix(databaseFile: string): string {
  const name = path.basename(databaseFile);
  return name.toLowerCase().endsWith('.db') && name.length > 3 ? name.slice(0, -3) : name;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Plain `crm backup` files of the database with this prefix; only these are pruned by --keep (automatic ones carry a -why suffix). */
export function plainBackupName(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}-(\\d{8}-\\d{6})(?:-(\\d+))?\\.db$`);
}

/** Every backup of the database with this prefix, plain or automatic (-before-restore, -before-vN). */
export function anyBackupName(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}-\\d{8}-\\d{6}(?:-[^/]*)?\\.db$`);
}

/** The name of a backup made at `now`: <prefix>-YYYYMMDD-HHMMSS[-why].db, and -2, -3 … for later ones in the same second. */
export function backupFileName(prefix: string, now: Date, why: string | undefined, attempt: number): string {
  const base = `${prefix}-${backupStamp(now)}${why ? `-${why}` : ''}`;
  return attempt === 1 ? `${base}.db` : `${base}-${attempt}.db`;
}
