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
    .option('--keep <n>', 'afterwards keep only the newest N of this database\'s plain backups (<name>-YYYYMMDD-HHMMSS.db) in that folder')
    .addOption(new Option('-f, --format <format>', 'result as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nTimes in backup names are UTC. The file is readable by you only (0600).\nExamples:\n  $ crm backup\n  $ crm backup --keep 14                 (nightly from cron)\n  $ crm backup /mnt/usb/crm-copy.db')
    .action(async (file: string | undefined, flags: BackupFlags) => {
      const keep = flags.keep === undefined ? undefined : parsePositiveInteger(flags.keep, '--keep', flagLimits.backups);
      const { backupDatabase, pruneBackups } = await import('../../db/backup.js');
      const { backupFolder, backupPrefix, createBackupFile } = await import('../../db/backup-files.js');
      const { backupReport } = await import('../../report/safety.js');
      const db = context.openDb({ readonly: true });
      let target: string;
      if (file === undefined) {
        target = createBackupFile(backupFolder(context.dbPath()), backupPrefix(context.dbPath()), context.io.now());
      } else {
        target = path.resolve(context.io.cwd, file);
        const { UsageError } = await import('../../errors.js');
        if (fs.existsSync(target)) throw new UsageError(`${file} already exists; choose another file name`);
      }
      let result;
      try {
        result = await backupDatabase(db, target);
      } catch (error) {
        if (file === undefined) fs.rmSync(target, { force: true });
        throw error;
      }
      // A copy that fails the integrity check means the database itself is damaged: keep every older
      // backup (they may be the only good ones), say so, and exit 4.
      const healthy = result.integrity === 'ok';
      const pruned = keep === undefined || !healthy ? [] : pruneBackups(path.dirname(target), backupPrefix(context.dbPath()), keep);
      await context.emit(backupReport(result, pruned), { format: flags.format });
      if (!healthy) {
        const { DatabaseError } = await import('../../errors.js');
        throw new DatabaseError(`${context.dbPath()} fails the integrity check; the copy ${target} is damaged too and no older backup was pruned: run \`crm doctor\` and restore a good backup`);
      }
    });

  program
    .command('restore <file>')
    .description('replace the database with a backup, after checking it and backing up the current one')
    .option('-y, --yes', 'do not ask (needed when not on a terminal)')
    .addHelpText('after', '\nExamples:\n  $ crm restore backups/crm-20261122-020000.db\n  $ crm restore backups/crm-20261122-020000.db --yes     (in a script)')
    .action(async (file: string, flags: { yes?: boolean }) => {
      const { inspectDatabaseFile, restoreDatabase } = await import('../../db/backup.js');
      const { backupFolder, backupPrefix, createBackupFile } = await import('../../db/backup-files.js');
      const { confirmOrRequireYes } = await import('../confirm.js');
      const source = path.resolve(context.io.cwd, file);
      const target = context.dbPath();
      const facts = inspectDatabaseFile(source);
      if (source === target) {
        const { UsageError } = await import('../../errors.js');
        throw new UsageError(`${file} is the database itself; name a backup file`);
      }
      const exists = fs.existsSync(target);
      await confirmOrRequireYes(
        context,
        flags.yes,
        `Replace ${target}${exists ? '' : ' (missing)'} with ${file} (${facts.customers} customers, ${facts.orders} orders)?`,
      );
      const aside = await restoreDatabase(source, target, () => createBackupFile(backupFolder(target), backupPrefix(target), context.io.now(), 'before-restore'));
      if (aside) context.info(`the replaced database is kept in ${aside.file}`);
      // Opening applies any migrations the restored file needs (after its own automatic backup).
      context.openDb();
      context.info(`restored ${target} from ${file}: ${facts.customers} customers, ${facts.orders} orders, integrity ok`);
    });
}
