// The crm program: builds the command tree, runs it, and is the one place that maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { CrmError, DatabaseError, ExitCode } from '../errors.js';
import { CliContext } from './context.js';
import { fileErrorReason } from '../files/file-errors.js';
import type { Io } from './io.js';
import { visibleLines } from '../report/visible.js';
import { commandModules } from './commands/index.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(io: Io): { program: Command; context: CliContext } {
  const program = new Command('crm');
  const context = new CliContext(io, program);
  program
    .description('A command-line CRM and customer-analysis tool over a local SQLite file or a shared PostgreSQL database.')
    .version(version, '-V, --version', 'print the version')
    .option('--db <path|url>', 'database: a SQLite file, or postgresql://user@host/database (default: $CRM_DB, else ./crm.db)')
    .option('--no-color', 'no colour in output (also NO_COLOR)')
    .option('--no-input', 'never prompt; a missing value is an error')
    .option('--tz <zone>', "the shop's time zone, e.g. Asia/Shanghai (default: $CRM_TZ, else $TZ, else the system's)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line (docs/storage.md#command-line): what is wrong, and where to read more.
      outputError: (text, write) => write(`crm: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ crm init                                  create ./crm.db
  $ crm import customers samples/customers.csv
  $ crm import orders samples/orders.csv --create-customers
  $ crm customer list --limit 10
  $ crm log C0001 --kind call --summary "asked for prices" --follow-up +3d
  $ crm followups --today                     who to call today
  $ crm customer show C0001                   the customer's file: balance, satisfaction, timeline
  $ crm demo                                  the whole tour on the bundled samples

Exit codes: 0 ok, 1 failure, 2 usage error, 3 input rows rejected, 4 database problem, 10 crm agenda --check found something to do.`,
    );
  for (const register of commandModules) register(program, context);
  // Every subcommand reports usage errors the same way (exit 2) and writes through io.
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    for (const sub of command.commands) configure(sub);
  };
  for (const sub of program.commands) configure(sub);
  return { program, context };
}

function sqliteMessage(error: unknown): CrmError | null {
  if (!(error instanceof Error) || !('code' in error)) return null;
  const code = String((error as { code: unknown }).code);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new DatabaseError('the database is locked by another crm process; try again when it finishes');
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) {
    return new DatabaseError('the database is read-only; check the file permissions');
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new DatabaseError('the database file is damaged or not a crm database; run `crm doctor` or restore a backup');
  }
  if (code === 'SQLITE_FULL') return new DatabaseError('the disk is full; nothing was written');
  return fileSystemMessage(error as NodeJS.ErrnoException);
}

/**
 * A file system error no command turned into its own message (a folder it cannot write, a full disk): one line
 * naming the file and the reason in plain words, exit 1, instead of Node's text and a hint about CRM_DEBUG.
 */
export function fileSystemMessage(error: NodeJS.ErrnoException): CrmError | null {
  if (typeof error.syscall !== 'string' || typeof error.code !== 'string' || !/^E[A-Z]+$/.test(error.code)) return null;
  const where = typeof error.path === 'string' ? error.path : 'a file';
  return new CrmError(`${where}: ${fileErrorReason(error)}`, ExitCode.failure);
}

/** Runs crm with the given arguments; resolves to the exit code. Never calls process.exit. */
export async function run(argv: string[], io: Io): Promise<number> {
  const { program, context } = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        return ExitCode.ok;
      }
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const known = error instanceof CrmError ? error : sqliteMessage(error);
    if (known) {
      io.stderr.write(visibleLines(`crm: ${known.message}\n`));
      for (const line of known.details) io.stderr.write(visibleLines(`  ${line}\n`));
      if (io.env.CRM_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
      return known.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(visibleLines(`crm: ${message}\n`));
    if (io.env.CRM_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write('  (set CRM_DEBUG=1 for details)\n');
    return ExitCode.failure;
  } finally {
    await context.closeAll();
  }
}
