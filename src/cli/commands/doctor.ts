// crm doctor: checks the database file and says what to do; exit 4 when something is wrong.
import path from 'node:path';
import type { Command } from 'commander';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

export function registerDoctor(program: Command, context: CliContext): void {
  withOutputOptions(
    program
      .command('doctor')
      .description('check the database: integrity, foreign keys, schema version, orphans, permissions, space, backups (on a server: its version, schema, references, id counters, rows)')
      .addHelpText('after', '\nExit code 4 when something is wrong; the table says what to do.\nExamples:\n  $ crm doctor\n  $ crm doctor --format json'),
  ).action(async (flags: OutputOptions) => {
    const { diagnose, diagnoseServer } = await import('../../db/doctor.js');
    const { doctorReport } = await import('../../report/safety.js');
    const { DatabaseError } = await import('../../errors.js');
    const target = context.dbTarget();
    let file: string;
    let checks: Awaited<ReturnType<typeof diagnoseServer>>;
    if (target.engine === 'sqlite') {
      file = target.file;
      checks = diagnose(file, context.io.now());
    } else {
      // A server's backups are in backups/ of the working folder, where crm backup puts them.
      const { resolvePostgresTarget } = await import('../../db/engine/postgres.js');
      file = resolvePostgresTarget(target.url, context.io.env).label;
      checks = await diagnoseServer(target.url, context.io.env, path.resolve(context.io.cwd, 'backups'), context.io.now());
    }
    await context.emit(doctorReport(checks, file), flags);
    const failed = checks.filter((check) => check.status === 'fail');
    if (failed.length) {
      throw new DatabaseError(`${file}: ${failed.map((check) => `${check.check}: ${check.detail}`).join('; ')}`, failed.map((check) => `fix: ${check.hint}`));
    }
  });
}
