// crm demo: the whole tour on the bundled samples, in a fresh database.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('create a database from samples/ and show what crm is for')
    .option('--db-file <path>', 'where to create the demo database', 'demo.db')
    .addHelpText('after', '\nExamples:\n  $ npm start\n  $ crm demo --db-file /tmp/demo.db')
    .action(async (flags: { dbFile: string }) => {
      const { runDemo } = await import('../demo.js');
      await runDemo(context, flags.dbFile);
    });
}
