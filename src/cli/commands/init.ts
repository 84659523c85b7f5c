// crm init: creates the database file (mode 0600) with the current schema.
import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerInit(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('create the database (schema via numbered migrations; file readable by you only)')
    .addHelpText('after', '\nExamples:\n  $ crm init\n  $ crm --db ~/shop/crm.db init\n  $ CRM_DB=/srv/crm.db crm init\n  $ crm --db postgresql://owner@db.example/crm init')
    .action(async () => {
      const { storedSchemaVersion } = await import('../../db/open-store.js');
      const target = context.dbTarget();
      if (target.engine === 'sqlite' && fs.existsSync(target.file)) {
        const sql = await context.openStore({ readonly: true });
        context.info(`database already exists: ${sql.label} (schema version ${await storedSchemaVersion(sql)}); nothing changed`);
        return;
      }
      // On a server the database exists (made by its administrator); init sets up crm's schema in it once.
      let created = target.engine === 'sqlite';
      const sql = await context.openStore({ create: true, onCreated: () => (created = true) });
      const version = await storedSchemaVersion(sql);
      if (created) context.info(`created ${sql.label} (schema version ${version})`);
      else context.info(`database already exists: ${sql.label} (schema version ${version}); nothing changed`);
    });
}
