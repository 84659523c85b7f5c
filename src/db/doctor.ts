// crm doctor's checks: file, permissions, space, folder, schema version, integrity, foreign keys, orphans, counts,
// backups (only those that pass the integrity check count), and leftovers of interrupted backups (removed).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { anyBackupName, backupFolder, backupPrefix } from './backup-files.js';
import { integrityCheck, removeBackupLeftovers, verifyBackup } from './backup.js';
import { latestSchemaVersion, migrations } from './migrations.js';
import { folderWritable, type Db } from './open.js';
import { connectPostgres, resolvePostgresTarget } from './engine/postgres.js';
import type { Sql } from './engine/sql.js';

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
  folderBackupCheck(backupFolder(file), backupPrefix(file), now, checks);
}

function folderBackupCheck(folder: string, prefix: string, now: Date, checks: DoctorCheck[]): void {
  // Only this database's own backups: others may share the folder.
  const own = anyBackupName(prefix);
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

/** The tables the latest schema has, from the migrations themselves. */
function schemaTables(): string[] {
  const names = new Set<string>();
  for (const migration of migrations) for (const match of migration.sql.matchAll(/CREATE TABLE (\w+)/g)) names.add(match[1]!);
  return [...names];
}

async function serverChecks(sql: Sql, checks: DoctorCheck[]): Promise<boolean> {
  const version = await sql.value<string>('SHOW server_version');
  const size = (await sql.value<number>('SELECT pg_database_size(current_database())')) ?? 0;
  checks.push({ check: 'server', status: 'ok', detail: `PostgreSQL ${version}, ${sql.label}, ${megabytes(size)}`, hint: '' });
  const encoding = await sql.value<string>('SHOW server_encoding');
  if (encoding !== 'UTF8') {
    checks.push({
      check: 'encoding', status: 'fail', detail: `the database stores text as ${encoding}, not UTF8: Chinese names cannot be kept`,
      hint: 'create the database again WITH ENCODING \'UTF8\' and crm db copy into it',
    });
  }
  const hasSchema = (await sql.value<string | null>("SELECT to_regclass('crm_schema')::text")) != null;
  const schema = hasSchema ? ((await sql.value<number>('SELECT max(version) FROM crm_schema')) ?? 0) : 0;
  if (schema > latestSchemaVersion) {
    checks.push({ check: 'schema version', status: 'fail', detail: `${schema}, newer than this crm (${latestSchemaVersion})`, hint: 'upgrade crm' });
    return false;
  }
  if (schema === 0) {
    checks.push({ check: 'schema version', status: 'fail', detail: '0: no crm schema in this database', hint: `crm --db ${sql.label} init, or point --db at the crm database` });
    return false;
  }
  checks.push({
    check: 'schema version',
    status: schema < latestSchemaVersion ? 'info' : 'ok',
    detail: schema < latestSchemaVersion ? `${schema}; will be upgraded to ${latestSchemaVersion} on next use` : String(schema),
    hint: '',
  });
  const present = new Set(await sql.column<string>('SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()'));
  const missing = schema === latestSchemaVersion ? schemaTables().filter((table) => !present.has(table)) : [];
  if (missing.length) {
    checks.push({ check: 'tables', status: 'fail', detail: `missing: ${missing.join(', ')}`, hint: 'crm db copy a good copy (a backup, via crm restore) into a new database' });
    return false;
  }
  // The server enforces every reference; a constraint someone added NOT VALID or disabled would not be.
  const unchecked = await sql.column<string>(
    "SELECT conname::text FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND contype = 'f' AND NOT convalidated ORDER BY 1",
  );
  const disabled = await sql.column<string>(
    "SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = current_schema()::regnamespace AND t.tgenabled = 'D' ORDER BY 1",
  );
  checks.push({
    check: 'foreign keys',
    status: unchecked.length || disabled.length ? 'warn' : 'ok',
    detail: unchecked.length || disabled.length
      ? [unchecked.length ? `not validated: ${unchecked.join(', ')}` : '', disabled.length ? `disabled triggers: ${disabled.join(', ')}` : ''].filter(Boolean).join('; ')
      : 'enforced by the server',
    hint: unchecked.length || disabled.length ? 'ALTER TABLE … VALIDATE CONSTRAINT / ENABLE TRIGGER, after crm doctor on a copy' : '',
  });
  // An identity counter behind the largest id (rows loaded by hand with their ids) makes the next new row fail.
  const { crmTables } = await import('./copy.js');
  const behind: string[] = [];
  for (const table of await crmTables(sql)) {
    if (table.generated === null) continue;
    const row = await sql.get<{ largest: number | null; last: number | null }>(
      `SELECT (SELECT max("${table.generated}") FROM "${table.name}") AS largest,
              (SELECT CASE WHEN last_value IS NULL THEN 0 ELSE last_value END FROM pg_sequences
               WHERE schemaname = current_schema() AND sequencename = split_part(pg_get_serial_sequence(?, ?), '.', 2)) AS last`,
      [`"${table.name}"`, table.generated],
    );
    if (row && row.largest !== null && (row.last ?? 0) < row.largest) behind.push(`${table.name} (next id ${(row.last ?? 0) + 1}, largest ${row.largest})`);
  }
  checks.push({
    check: 'id counters',
    status: behind.length ? 'fail' : 'ok',
    detail: behind.length ? `behind the rows: ${behind.join(', ')}` : 'every table gives new ids past its rows',
    hint: behind.length ? "SELECT setval(pg_get_serial_sequence('TABLE', 'id'), (SELECT max(id) FROM TABLE)) for each, or crm db copy into a new database" : '',
  });
  const counts: string[] = [];
  for (const table of dataTables) if (present.has(table)) counts.push(`${table} ${await sql.value<number>(`SELECT count(*) FROM ${table}`)}`);
  checks.push({ check: 'rows', status: 'info', detail: counts.join(', '), hint: '' });
  return true;
}

/**
 * crm doctor on a PostgreSQL database: the server, its version and text encoding, the schema version, the tables,
 * the references, the id counters and the row counts; then the backups in BACKUPS (crm backup's folder for a
 * server). Connects without migrating and changes nothing.
 */
export async function diagnoseServer(url: string, env: Record<string, string | undefined>, backups: string, now: Date): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const sql = await connectPostgres(resolvePostgresTarget(url, env));
  let name: string;
  try {
    await sql.transaction(async () => {
      await serverChecks(sql, checks);
    }, 'read');
    name = (await sql.value<string>('SELECT current_database()'))!;
  } finally {
    await sql.close();
  }
  folderBackupCheck(backups, name, now, checks);
  return checks;
}
