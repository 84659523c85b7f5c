// crm backup and crm restore: an online copy of the database, and putting one back (after a backup).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { flagLimits, parsePositiveInteger, type CliContext } from '../context.js';

interface BackupFlags {
  keep?: string;
  format: 'table' | 'json';
}

export function registerBackup(program: Command, context: CliContext): void {
  program
    .command('backup [file]')
    .description('copy the database while it is in use (consistent even during an import); default backups/<name>-YYYYMMDD-HHMMSS.db (crm.db: crm-…)')
    .option('--keep <n>', 'afterwards keep the newest N of this database\'s plain backups (<name>-YYYYMMDD-HHMMSS.db) that pass the integrity check, and delete older ones')
    .addOption(new Option('-f, --format <format>', 'result as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      '\nTimes in backup names are UTC. The file is readable by you only (0600).\n' +
        'On a PostgreSQL database the backup is the same kind of SQLite file, in backups/<database>-….db of the working folder;\n' +
        'crm restore puts one back into an empty server database.\n' +
        'Examples:\n  $ crm backup\n  $ crm backup --keep 14                 (nightly from cron)\n  $ crm backup /mnt/usb/crm-copy.db',
    )
    .action(async (file: string | undefined, flags: BackupFlags) => {
      const keep = flags.keep === undefined ? undefined : parsePositiveInteger(flags.keep, '--keep', flagLimits.backups);
      const { backupDatabase, pruneBackups } = await import('../../db/backup.js');
      const { backupFolder, backupPrefix } = await import('../../db/backup-files.js');
      const { backupReport } = await import('../../report/safety.js');
      const where = context.dbTarget();
      const target = file === undefined ? undefined : path.resolve(context.io.cwd, file);
      let result: Awaited<ReturnType<typeof backupDatabase>>;
      let prefix: string;
      let database: string;
      if (where.engine === 'sqlite') {
        database = where.file;
        prefix = backupPrefix(database);
        if (file !== undefined && target !== undefined) await refuseDatabaseFile(file, target, database);
        const sql = await context.openStore({ readonly: true });
        await tidyLeftovers(context, database);
        result = await backupDatabase(sql, target === undefined ? { folder: backupFolder(database), prefix, now: context.io.now() } : { file: target });
      } else {
        // A server has no folder of its own here: its backups go to backups/ in the working folder, named after
        // the database (crm → backups/crm-YYYYMMDD-HHMMSS.db), the same kind of SQLite file as a file's backup.
        const sql = await context.openStore();
        const { requireRole } = await import('../../db/team.js');
        await requireRole(sql, 'manager', 'back up the database');
        database = sql.label;
        prefix = (await sql.value<string>('SELECT current_database()'))!;
        const folder = serverBackupFolder(context);
        await tidyFolder(context, folder, prefix);
        result = await backupDatabase(sql, target === undefined ? { folder, prefix, now: context.io.now() } : { file: target });
      }
      // A copy that fails the integrity check means the database itself is damaged: keep every older
      // backup (they may be the only good ones), say so, and exit 4.
      const healthy = result.integrity === 'ok';
      const pruned = keep === undefined || !healthy ? [] : pruneBackups(path.dirname(result.file), prefix, keep);
      await context.emit(backupReport(result, pruned), { format: flags.format });
      if (!healthy) {
        const { DatabaseError } = await import('../../errors.js');
        throw new DatabaseError(`${database} fails the integrity check; the copy ${result.file} is damaged too and no older backup was pruned: run \`crm doctor\` and restore a good backup`);
      }
    });

  program
    .command('restore <file>')
    .description('replace the database with a backup, after checking it and backing up the current one (a PostgreSQL database: fill an empty one)')
    .option('-y, --yes', 'do not ask (needed when not on a terminal)')
    .addHelpText('after', '\nExamples:\n  $ crm restore backups/crm-20261122-020000.db\n  $ crm restore backups/crm-20261122-020000.db --yes     (in a script)')
    .action(async (file: string, flags: { yes?: boolean }) => {
      const { inspectDatabaseFile } = await import('../../db/backup.js');
      const { restoreDatabase } = await import('../../db/restore.js');
      const { realTarget } = await import('../../files/protected-paths.js');
      const { backupFolder, backupPrefix } = await import('../../db/backup-files.js');
      const { confirmOrRequireYes } = await import('../confirm.js');
      const source = path.resolve(context.io.cwd, file);
      const where = context.dbTarget();
      const facts = inspectDatabaseFile(source);
      if (where.engine === 'postgres') {
        await restoreServer(context, file, source, facts, flags.yes);
        return;
      }
      const target = where.file;
      if (realTarget(source) === realTarget(target)) {
        const { UsageError } = await import('../../errors.js');
        throw new UsageError(`${file} is the database itself; name a backup file`);
      }
      const exists = fs.existsSync(target);
      await confirmOrRequireYes(
        context,
        flags.yes,
        `Replace ${target}${exists ? '' : ' (missing)'} with ${file} (${facts.customers} customers, ${facts.orders} orders)?`,
      );
      await tidyLeftovers(context, target);
      const aside = await restoreDatabase(source, target, { folder: backupFolder(target), prefix: backupPrefix(target), now: context.io.now(), why: 'before-restore' });
      if (aside) context.info(`the replaced database is kept in ${aside.file}`);
      // Opening applies any migrations the restored file needs (after its own automatic backup).
      await context.openStore();
      context.info(`restored ${target} from ${file}: ${facts.customers} customers, ${facts.orders} orders, integrity ok`);
    });
}

/**
 * crm restore into a PostgreSQL database: only into an empty one (exit 1 otherwise, nothing written), since a
 * server database may be in use by others and there is no file to keep aside; the rows arrive in one transaction.
 */
async function restoreServer(context: CliContext, file: string, source: string, facts: { customers: number; orders: number }, yes: boolean | undefined): Promise<void> {
  const { restoreIntoServer } = await import('../../db/restore.js');
  const { TargetNotEmptyError, tablesWithRows } = await import('../../db/copy.js');
  const { confirmOrRequireYes } = await import('../confirm.js');
  const { resolvePostgresTarget } = await import('../../db/engine/postgres.js');
  const where = context.dbTarget();
  const label = where.engine === 'postgres' ? resolvePostgresTarget(where.url, context.io.env).label : '';
  await confirmOrRequireYes(context, yes, `Fill the database ${label} (it must be empty) with ${file} (${facts.customers} customers, ${facts.orders} orders)?`);
  // A new server database need not be crm init'ed first: the restore sets up the schema, as db copy does (a
  // database without crm's schema is empty, so that is all it writes before the check below).
  const sql = await context.openStore({ create: true });
  const { requireRole } = await import('../../db/team.js');
  await requireRole(sql, 'manager', 'restore the database');
  const full = await tablesWithRows(sql);
  if (full.length > 0) {
    throw new TargetNotEmptyError(
      `${sql.label} already holds data (${full.join(', ')}); crm restore fills only an empty server database (create a new one, crm init it, and restore there); nothing was written`,
    );
  }
  const result = await restoreIntoServer(source, sql);
  const rows = result.tables.reduce((sum, table) => sum + table.rows, 0);
  context.info(`restored ${sql.label} from ${file}: ${facts.customers} customers, ${facts.orders} orders (${rows} rows in ${result.tables.length} tables), integrity ok`);
}

/** Where backups of a server database go: backups/ in the working folder. */
function serverBackupFolder(context: CliContext): string {
  return path.resolve(context.io.cwd, 'backups');
}

/** As tidyLeftovers, for a server database's backups folder. */
async function tidyFolder(context: CliContext, folder: string, prefix: string): Promise<void> {
  const { removeLeftovers } = await import('../../db/backup-temp.js');
  reportLeftovers(context, removeLeftovers(folder, (about) => about.startsWith(`${prefix}-`)));
}

function reportLeftovers(context: CliContext, removed: { bytes: number }[]): void {
  if (removed.length === 0) return;
  const bytes = removed.reduce((sum, leftover) => sum + leftover.bytes, 0);
  context.info(`removed ${removed.length} temporary file${removed.length === 1 ? '' : 's'} (${(bytes / 1_000_000).toFixed(1)} MB) that an interrupted backup or restore left`);
}

/**
 * A backup written over the database or one of its own files (by any spelling, link or hard link) would destroy it:
 * refused, exit 2. The backups folder is where crm backup writes, so it is no refusal here.
 */
async function refuseDatabaseFile(file: string, target: string, database: string): Promise<void> {
  const { protectedReason } = await import('../../files/protected-paths.js');
  const reason = protectedReason(target, database, { intoBackups: true });
  if (reason === null) return;
  const { UsageError } = await import('../../errors.js');
  throw new UsageError(`${file}: ${reason}; name a new file for the backup`);
}

/** Removes the temporary copies killed backups and restores of this database left, and says so. */
async function tidyLeftovers(context: CliContext, database: string): Promise<void> {
  const { removeBackupLeftovers } = await import('../../db/backup.js');
  reportLeftovers(context, removeBackupLeftovers(database));
}
