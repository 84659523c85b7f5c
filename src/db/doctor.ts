// crm doctor's checks: file, permissions, space, folder, schema version, integrity, foreign keys, orphans, counts,
// backups (only those that pass the integrity check count), and leftovers of interrupted backups (removed).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { anyBackupName, backupFolder, backupPrefix } from './backup-files.js';
import { integrityCheck, removeBackupLeftovers, verifyBackup } from './backup.js';
import { latestSchemaVersion } from './migrations.js';
import { folderWritable, type Db } from './open.js';

export type CheckStatus = 'ok' | 'info' | 'warn' | 'fail';

export interface DoctorCheck {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (empty when nothing). */
  hint: string;
}

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

const dataTables = ['customers', 'orders', 'interactions', 'complaints', 'payments', 'surveys', 'import_runs', 'audit_log'];

/** Rows whose parent is gone; each query counts one kind of orphan. Fixed SQL, no user text. */
const orphanQueries: [string, string][] = [
  ['orders without their customer', 'SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)'],
  ['interactions without their customer', 'SELECT count(*) FROM interactions WHERE customer_id NOT IN (SELECT id FROM customers)'],
  ['complaints without their customer', 'SELECT count(*) FROM complaints WHERE customer_id NOT IN (SELECT id FROM customers)'],
  ['payments without their customer', 'SELECT count(*) FROM payments WHERE customer_id NOT IN (SELECT id FROM customers)'],
  ['payments naming a missing order', 'SELECT count(*) FROM payments WHERE order_id IS NOT NULL AND order_id NOT IN (SELECT id FROM orders)'],
  ['surveys without their customer', 'SELECT count(*) FROM surveys WHERE customer_id NOT IN (SELECT id FROM customers)'],
  ['import records of a missing run', `SELECT (SELECT count(*) FROM import_created WHERE run_id NOT IN (SELECT id FROM import_runs))
     + (SELECT count(*) FROM import_changes WHERE run_id NOT IN (SELECT id FROM import_runs))`],
];

function fileChecks(file: string, checks: DoctorCheck[]): boolean {
  if (!fs.existsSync(file)) {
    checks.push({ check: 'file', status: 'fail', detail: `no database at ${file}`, hint: `create one with crm init, or crm restore a backup` });
    return false;
  }
  const stat = fs.statSync(file);
  if (stat.isDirectory()) {
    checks.push({ check: 'file', status: 'fail', detail: `${file} is a directory`, hint: 'point --db or CRM_DB at the database file' });
    return false;
  }
  const wal = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
  checks.push({ check: 'file', status: 'ok', detail: `${file}, ${megabytes(stat.size)}${wal ? ` (+ ${megabytes(wal)} write-ahead log)` : ''}`, hint: '' });
  const mode = stat.mode & 0o777;
  const open = (mode & 0o077) !== 0;
  checks.push({
    check: 'permissions',
    status: open ? 'warn' : 'ok',
    detail: `mode ${mode.toString(8).padStart(4, '0')}${open ? ': other users can read the customer file' : ''}`,
    hint: open ? `chmod 600 ${file}` : '',
  });
  try {
    const space = fs.statfsSync(path.dirname(file));
    const free = space.bavail * space.bsize;
    // A backup or a large import needs about the database's size again.
    const low = free < stat.size * 2 + 50_000_000;
    checks.push({
      check: 'free space', status: low ? 'warn' : 'ok', detail: `${megabytes(free)} free beside the database`,
      hint: low ? 'free some disk space before the next import or backup' : '',
    });
  } catch {
    checks.push({ check: 'free space', status: 'info', detail: 'unknown on this system', hint: '' });
  }
  return true;
}

function databaseChecks(db: Db, file: string, checks: DoctorCheck[]): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const restoreHint = `crm restore a good backup (see ${backupFolder(file)})`;
  if (version > latestSchemaVersion) {
    checks.push({ check: 'schema version', status: 'fail', detail: `${version}, newer than this crm (${latestSchemaVersion})`, hint: 'upgrade crm' });
    return;
  }
  if (version === 0) {
    checks.push({ check: 'schema version', status: 'fail', detail: '0: not a crm database', hint: 'point --db at a crm database, or crm init a new one' });
    return;
  }
  checks.push({
    check: 'schema version',
    status: version < latestSchemaVersion ? 'info' : 'ok',
    detail: version < latestSchemaVersion ? `${version}; will be upgraded to ${latestSchemaVersion} on next use, after an automatic backup` : String(version),
    hint: '',
  });
  const integrity = integrityCheck(db);
  checks.push({ check: 'integrity', status: integrity === 'ok' ? 'ok' : 'fail', detail: integrity, hint: integrity === 'ok' ? '' : restoreHint });
  const broken = db.pragma('foreign_key_check') as { table: string }[];
  const byTable = new Map<string, number>();
  for (const row of broken) byTable.set(row.table, (byTable.get(row.table) ?? 0) + 1);
  checks.push({
    check: 'foreign keys',
    status: broken.length ? 'fail' : 'ok',
    detail: broken.length ? [...byTable].map(([table, count]) => `${table}: ${count}`).join(', ') : 'every reference points at an existing row',
    hint: broken.length ? `rows point at missing rows; ${restoreHint}` : '',
  });
  const orphans = orphanQueries
    .map(([label, sql]) => [label, db.prepare(sql).pluck().get() as number] as const)
    .filter(([, count]) => count > 0);
  checks.push({
    check: 'orphaned rows',
    status: orphans.length ? 'fail' : 'ok',
    detail: orphans.length ? orphans.map(([label, count]) => `${count} ${label}`).join(', ') : 'none',
    hint: orphans.length ? `${restoreHint}, or crm import undo the run that wrote them` : '',
  });
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  const counts = dataTables.filter((table) => tables.has(table)).map((table) => `${table} ${db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()}`);
  checks.push({ check: 'rows', status: 'info', detail: counts.join(', '), hint: '' });
}

/** A read-only folder: SQLite cannot create the -shm file a WAL database needs even for reading. Says how to read anyway. */
function readOnlyFolderCheck(file: string, why: string): DoctorCheck {
  const name = path.basename(file);
  const files = fs.existsSync(`${file}-wal`) ? `${file} ${file}-wal` : file;
  return {
    check: 'folder',
    status: 'fail',
    detail: `${path.dirname(file)} is ${why}: crm cannot open ${name} there, because SQLite has to create ${name}-shm beside a database in WAL mode even to read it; the database itself may be fine`,
    hint: `make the folder writable, or check a copy: dir=$(mktemp -d) && cp ${files} "$dir"/ && crm --db "$dir"/${name} doctor`,
  };
}

function backupCheck(file: string, now: Date, checks: DoctorCheck[]): void {
  const folder = backupFolder(file);
  // Only this database's own backups: others may share the folder.
  const own = anyBackupName(backupPrefix(file));
  const names = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => own.test(name)) : [];
  // Only a file that passes the integrity check counts as a backup (an empty one a killed run left does not).
  const files = names
    .map((name) => ({ name, mtime: fs.statSync(path.join(folder, name)).mtimeMs, verdict: verifyBackup(path.join(folder, name)) }))
    .sort((a, b) => b.mtime - a.mtime);
  const good = files.filter((entry) => entry.verdict === 'ok');
  // Unusable ones in the order of their names (the time they were made), whatever their file times: a stable list.
  const bad = files.filter((entry) => entry.verdict !== 'ok').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const unusable = bad.length ? `; ${bad.length} unusable: ${bad.map((entry) => `${entry.name} (${entry.verdict})`).join(', ')}` : '';
  const removeBad = bad.length ? `remove the unusable: rm ${bad.map((entry) => path.join(folder, entry.name)).join(' ')}` : '';
  const newest = good[0];
  if (!newest) {
    checks.push({
      check: 'backups', status: 'warn', detail: `no good backup in ${folder}${unusable}`,
      hint: ['crm backup (daily from cron: crm backup --keep 14)', removeBad].filter(Boolean).join('; '),
    });
    return;
  }
  const days = Math.floor((now.getTime() - newest.mtime) / 86_400_000);
  checks.push({
    check: 'backups',
    status: days > 7 || bad.length ? 'warn' : 'ok',
    detail: `${good.length} in ${folder}; newest ${newest.name}${days > 0 ? `, ${days} days old` : ''}${unusable}`,
    hint: [days > 7 ? 'crm backup' : '', removeBad].filter(Boolean).join('; '),
  });
}

/** Removes the temporary copies interrupted backups and restores left (their process is gone), and says so. */
function leftoverCheck(file: string, checks: DoctorCheck[]): void {
  const removed = removeBackupLeftovers(file);
  if (removed.length === 0) return;
  const bytes = removed.reduce((sum, leftover) => sum + leftover.bytes, 0);
  checks.push({
    check: 'leftovers',
    status: 'info',
    detail: `removed ${removed.length} temporary file${removed.length === 1 ? '' : 's'} (${megabytes(bytes)}) of an interrupted backup or restore: ${removed.map((leftover) => path.basename(leftover.file)).join(', ')}`,
    hint: '',
  });
}

/** Runs every check on the database file without changing it (only temporary files of killed runs are removed). */
export function diagnose(file: string, now: Date): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  if (!fileChecks(file, checks)) return checks;
  const folder = folderWritable(path.dirname(file));
  if (folder.writable) leftoverCheck(file, checks);
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    databaseChecks(db, file, checks);
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (!folder.writable && (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY'))) {
      checks.push(readOnlyFolderCheck(file, folder.why));
    } else {
      const message = error instanceof Error ? error.message : String(error);
      checks.push({ check: 'database', status: 'fail', detail: `cannot be read: ${message}`, hint: `crm restore a good backup (see ${backupFolder(file)})` });
    }
  } finally {
    db?.close();
  }
  if (!folder.writable && !checks.some((check) => check.check === 'folder')) {
    checks.push({ ...readOnlyFolderCheck(file, folder.why), status: 'warn', detail: `${path.dirname(file)} is ${folder.why}: crm can read the database but not change it (no import, edit or restore)`, hint: 'make the folder writable to change the database' });
  }
  backupCheck(file, now, checks);
  return checks;
}
