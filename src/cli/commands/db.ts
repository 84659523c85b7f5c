// crm db copy: the whole CRM from the current database (--db) into another one, file or server, either way.
import fs from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../context.js';

interface CopyFlags {
  to: string;
  format: 'table' | 'json';
}

export function registerDb(program: Command, context: CliContext): void {
  const db = program
    .command('db')
    .description('move the whole database between a SQLite file and a PostgreSQL server')
    .addHelpText('after', '\nExamples:\n  $ crm db copy --to postgresql://owner@db.example/crm\n  $ crm --db postgresql://owner@db.example/crm db copy --to home.db');
  db.command('copy')
    .description('copy every table (customers, orders, history, run log, snapshots, campaigns, audit) into an empty database, ids kept')
    .requiredOption('--to <target>', 'the database to fill: a SQLite file (created when missing) or a postgresql:// URL (created with crm init, or empty)')
    .addOption(new Option('-f, --format <format>', 'result as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      '\nThe target must hold no data (exit 1 otherwise, nothing written); it gets the same schema version first.\n' +
        'The copy is one transaction on the target: it arrives whole, with every table\'s row count checked, or not at all.\n' +
        'Examples:\n  $ crm db copy --to postgresql://owner@db.example/crm        (move the shop\'s file to the server)\n' +
        '  $ crm --db postgresql://owner@db.example/crm db copy --to home.db   (take the server home as a file)',
    )
    .action(async (flags: CopyFlags) => runCopy(context, flags));
}

async function runCopy(context: CliContext, flags: CopyFlags): Promise<void> {
  const { storeTarget, openStore } = await import('../../db/open-store.js');
  const { copyDatabase } = await import('../../db/copy.js');
  const { UsageError, DatabaseError, CrmError } = await import('../../errors.js');
  const { dbCopyReport } = await import('../../report/safety.js');
  const { resolvePostgresTarget } = await import('../../db/engine/postgres.js');
  const from = context.dbTarget();
  // storeTarget and the URL reader name --db in their refusals; here the value came from --to.
  const asTo = (error: unknown): never => {
    if (error instanceof CrmError && error.message.startsWith('--db')) throw new UsageError(`--to${error.message.slice(4)}`);
    throw error;
  };
  let to: ReturnType<typeof storeTarget>;
  try {
    to = storeTarget(flags.to, context.io.cwd);
    if (to.engine === 'postgres') resolvePostgresTarget(to.url, context.io.env);
  } catch (error) {
    return asTo(error);
  }
  if (to.engine === 'sqlite') {
    if (fs.existsSync(to.file) && fs.statSync(to.file).isDirectory()) throw new UsageError(`--to ${flags.to}: a folder; name the database file to create`);
    if (from.engine === 'sqlite') {
      const { protectedReason } = await import('../../files/protected-paths.js');
      const reason = protectedReason(to.file, from.file);
      if (reason) throw new UsageError(`--to ${flags.to}: ${reason}; name a new file (nothing was written)`);
    }
  } else if (from.engine === 'postgres') {
    const a = resolvePostgresTarget(from.url, context.io.env);
    const b = resolvePostgresTarget(to.url, context.io.env);
    if (a.host === b.host && a.port === b.port && a.database === b.database) {
      throw new UsageError(`--to ${b.label}: that is the current database; name another one (nothing was written)`);
    }
  }
  const source = await context.openStore();
  const { requireRole } = await import('../../db/team.js');
  await requireRole(source, 'manager', 'copy the database');
  const target = await openStore(to, { create: true, env: context.io.env, now: context.io.now, actor: context.io.user?.() });
  const started = Date.now();
  try {
    const result = await copyDatabase(source, target);
    const total = result.tables.reduce((sum, table) => sum + table.rows, 0);
    await context.emit(dbCopyReport(result.tables, source.label, target.label), { format: flags.format });
    context.info(`copied ${total} rows in ${result.tables.length} tables from ${source.label} to ${target.label} (schema version ${result.version}, ${Date.now() - started} ms)`);
  } catch (error) {
    if (error instanceof CrmError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(`db copy to ${target.label} failed (${message}); the copy was rolled back, nothing was written`);
  } finally {
    await target.close();
  }
}
