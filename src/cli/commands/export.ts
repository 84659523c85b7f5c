// crm export: everything out, as CSV files crm import reads back (or JSON), one file per kind.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../context.js';
import type { ContactExportFlags } from '../contacts.js';

// As db/export.ts exportKinds (repeated here so that registering the command loads no database code).
const kinds = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints'] as const;

interface ExportFlags extends ContactExportFlags {
  format?: 'csv' | 'json' | 'vcf';
  output?: string;
}

async function runExport(context: CliContext, what: string, given: ExportFlags): Promise<void> {
  const { UsageError } = await import('../../errors.js');
  if (what === 'contacts') {
    const { exportContactsCommand } = await import('../contacts.js');
    return exportContactsCommand(context, given);
  }
  const filters = (['kind', 'source', 'owner', 'city', 'tag', 'sort', 'limit'] as const).filter((flag) => given[flag] !== undefined);
  if (filters.length) throw new UsageError(`--${filters[0]} selects customers for crm export contacts only`);
  if (given.format === 'vcf') throw new UsageError('--format vcf is for crm export contacts; the other kinds are csv or json');
  const flags = { ...given, format: given.format ?? 'csv' } as { format: 'csv' | 'json'; output?: string };
  const { exportToFile, writeExport } = await import('../../export/write.js');
  const { readSnapshot, campaignsToRecreate } = await import('../../db/export.js');
  const selected = what === 'all' ? [...kinds] : kinds.filter((kind) => kind === what);
  if (selected.length === 0) throw new UsageError(`export: "${what}" is not one of ${[...kinds, 'all', 'contacts'].join(', ')}`);
  const toStdout = flags.output === undefined || flags.output === '-';
  if (toStdout && selected.length > 1) throw new UsageError('crm export all writes one file per kind: give --output DIR');
  const sql = await context.openStore({ readonly: true });
  if (toStdout) {
    const stdout = context.io.stdout as { write(chunk: string): unknown; once?: (event: string, listener: () => void) => unknown };
    await readSnapshot(sql, () =>
      writeExport(sql, selected[0]!, flags.format, (chunk) => {
        if (stdout.write(chunk) === false && stdout.once) return new Promise<void>((resolve) => stdout.once!('drain', resolve));
      }),
    );
    return;
  }
  const { checkOutputFile, makeOutputFolder } = await import('../../files/atomic-file.js');
  const { refuseProtectedPath } = await import('../../files/protected-paths.js');
  const directory = path.resolve(context.io.cwd, flags.output!);
  if (fs.existsSync(directory) && !fs.statSync(directory).isDirectory()) throw new UsageError(`--output ${flags.output}: not a folder`);
  const where = context.dbTarget();
  const target = { flag: '--output', shown: flags.output!, databaseFile: where.engine === 'sqlite' ? where.file : undefined };
  const files = selected.map((kind) => ({ file: path.join(directory, `${kind}.${flags.format}`), shown: path.join(flags.output!, `${kind}.${flags.format}`) }));
  // Every file is checked before anything is created: none may be the database's, one of its journals or a backup.
  for (const { file, shown } of files) refuseProtectedPath(file, target.databaseFile, '--output', shown);
  makeOutputFolder(directory, target);
  for (const { file, shown } of files) checkOutputFile(file, { ...target, shown });
  // One snapshot for all kinds: orders never name a customer missing from customers.csv.
  const campaigns = await readSnapshot(sql, async () => {
    for (const kind of selected) {
      const { file, rows } = await exportToFile(sql, kind, flags.format, directory, target);
      context.info(`wrote ${rows} ${kind} to ${path.relative(context.io.cwd, file) || file}`);
    }
    return campaignsToRecreate(sql);
  });
  if (selected.includes('interactions')) {
    // Campaigns (their stored groups) are not in the CSV files, but contacts name them: say how to make them again.
    const { campaignCreateCommand } = await import('../../report/campaign-reports.js');
    if (campaigns.length) {
      context.info(
        `${campaigns.length} campaign${campaigns.length === 1 ? '' : 's'} not exported (interactions.csv names ${campaigns.length === 1 ? 'it' : 'them'}): in the new database, after customers and orders and before interactions, run\n` +
          campaigns.map((campaign) => `  ${campaignCreateCommand(campaign)}`).join('\n') +
          '\n(the same seed and day give the same groups when the customers and orders are the same)',
      );
    }
  }
}

export function registerExport(program: Command, context: CliContext): void {
  program
    .command('export <what>')
    .description('write customers, orders, interactions, payments, surveys, complaints or all of them with the column names crm import reads; contacts: a phone book (vCard or Google CSV)')
    .addOption(new Option('-f, --format <format>', 'csv (re-importable, the default) or json; for contacts vcf (vCard 4.0, the default) or csv (Google Contacts)').choices(['csv', 'json', 'vcf']))
    .option('-o, --output <dir>', 'write KIND.csv (or .json) files into DIR (created if missing); default stdout for one kind; for contacts: the FILE')
    .addOption(new Option('--kind <kind>', 'contacts: only this kind (as crm customer list)').choices(['customer', 'lead', 'partner']))
    .option('--source <source>', 'contacts: only contacts met this way')
    .option('--owner <name>', 'contacts: only customers of this salesperson')
    .option('--city <city>', 'contacts: only customers in this city')
    .option('--tag <tag>', 'contacts: only customers with this tag')
    .option('--sort <key>', 'contacts: name (default), id or created')
    .option('--limit <n>', 'contacts: at most N')
    .addHelpText(
      'after',
      `
CSV cells starting with = + - @ are written with a leading ' so a spreadsheet shows them as text;
crm import removes it again. Import the files into an empty database in this order: customers,
orders, interactions, payments, surveys, complaints.
Examples:
  $ crm export all --output export/
  $ crm export customers > customers.csv
  $ crm export orders --format json --output export/
  $ crm export contacts --city 上海 --output shanghai.vcf
  $ crm export contacts --format csv --tag vip > vip-google.csv`,
    )
    .action(async (what: string, flags: ExportFlags) => runExport(context, what, flags));
}
