// crm demo: the whole tour on the bundled samples, in a fresh database.
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';

export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('create a database from samples/ and show what crm is for')
    .option('--db-file <path>', 'where to create the demo database (default: demo.db, or the --db given)')
    .addHelpText(
      'after',
      '\nAn existing file there is replaced only when crm demo made it; any other database is refused (exit 2), never deleted.\n' +
        'Examples:\n  $ npm start\n  $ crm demo --db-file /tmp/demo.db\n  $ crm --db /tmp/demo.db demo',
    )
    .action(async (flags: { dbFile?: string }) => {
      const { runDemo } = await import('../demo.js');
      await runDemo(context, demoFile(context, flags.dbFile));
    });
}

/** --db-file, else an explicit --db (never CRM_DB: that is the working database), else demo.db; the two flags must agree. */
function demoFile(context: CliContext, dbFile: string | undefined): string {
  const db = context.globals.db;
  if (dbFile !== undefined && db !== undefined && path.resolve(context.io.cwd, dbFile) !== path.resolve(context.io.cwd, db)) {
    throw new UsageError(`crm demo: --db ${db} and --db-file ${dbFile} name two files; give one`);
  }
  const file = dbFile ?? db ?? 'demo.db';
  // The demo is a SQLite file (npm start); a server URL never becomes a file name.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file.trim())) {
    throw new UsageError(`crm demo makes a SQLite file, not a server database: run crm demo, then crm --db demo.db db copy --to ${file.trim().split('://')[0]}://… to try the demo on a server`);
  }
  return file;
}
