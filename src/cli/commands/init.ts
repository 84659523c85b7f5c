// crm init: creates the database file (mode 0600) with the current schema.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerInit(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('create the database (schema via numbered migrations; file readable by you only)')
    .addHelpText('after', '\nExamples:\n  $ crm init\n  $ crm --db ~/shop/crm.db init\n  $ CRM_DB=/srv/crm.db crm init')
    .action(async () => {
      const file = context.dbPath();
      if (fs.existsSync(file)) {
        const { schemaVersion } = await import('../../db/open.js');
        const db = context.openDb({ readonly: true });
        context.info(`database already exists: ${file} (schema version ${schemaVersion(db)}); nothing changed`);
        return;
      }
      const db = context.openDb({ create: true });
      const { schemaVersion } = await import('../../db/open.js');
      context.info(`created ${file} (schema version ${schemaVersion(db)})`);
    });
}
