// crm team add|list|passwd|rm: the people sharing one PostgreSQL database, their logins and roles (db/team.ts).
import fs from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../context.js';
import { withOutputOptions, type OutputOptions } from '../context.js';

const roles = ['owner', 'manager', 'sales'] as const;

interface AddFlags {
  name: string;
  role: (typeof roles)[number];
  passwordFile?: string;
}

export function registerTeam(program: Command, context: CliContext): void {
  const team = program
    .command('team')
    .description('the people sharing a PostgreSQL database: logins, names and roles (owner, manager, sales)')
    .addHelpText(
      'after',
      '\nRoles: sales sees and changes only the customers and leads they own (and what belongs to them); manager sees and\n' +
        'changes everything; owner also manages the team. The server enforces this with row-level security, for psql too.\n' +
        'Examples:\n  $ crm team add wang --name 王芳 --role sales --password-file wang.txt\n  $ crm team list\n  $ crm team rm wang --to li',
    );
  team
    .command('add <login>')
    .description('create a PostgreSQL login for a person (or map an existing one) and give it a name and a role')
    .requiredOption('--name <name>', 'the salesperson name used in owner fields (crm customer add --owner NAME)')
    .addOption(new Option('--role <role>', 'what the person may see and change').choices([...roles]).makeOptionMandatory())
    .option('--password-file <file>', 'read the password from FILE (- for standard input); on a terminal it is asked twice')
    .addHelpText('after', '\nA password is never a flag value. A login the server already has is mapped; its password changes only when one is given.\nExample:\n  $ printf "%s\\n" "$PASSWORD" | crm team add li --name 李娜 --role manager --password-file -')
    .action(async (login: string, flags: AddFlags) => runAdd(context, login, flags));
  withOutputOptions(
    team
      .command('list')
      .description('the team: login, name, role, customers owned, last activity')
      .addHelpText('after', '\nExample:\n  $ crm team list --format json'),
  ).action(async (flags: OutputOptions) => runList(context, flags));
  team
    .command('passwd <login>')
    .description("set a member's password (an owner for anyone; each person for their own)")
    .option('--password-file <file>', 'read the password from FILE (- for standard input); on a terminal it is asked twice')
    .addHelpText('after', '\nExample:\n  $ crm team passwd wang')
    .action(async (login: string, flags: { passwordFile?: string }) => runPasswd(context, login, flags));
  team
    .command('rm <login>')
    .description('take a person off the team; their customers pass to --to, or stay unowned; nothing else is deleted')
    .option('--to <login>', 'the member who takes over their customers and leads')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', '\nExample:\n  $ crm team rm wang --to li --yes')
    .action(async (login: string, flags: { to?: string; yes?: boolean }) => runRemove(context, login, flags));
}

/** The password from --password-file (a file, or - for standard input) or asked twice on a terminal. */
async function readPassword(context: CliContext, file: string | undefined, login: string): Promise<string> {
  const { UsageError } = await import('../../errors.js');
  let text: string;
  if (file === '-') {
    if (context.io.stdin.isTTY) throw new UsageError('--password-file -: standard input is a terminal; pipe the password in, or leave the flag out to be asked');
    const chunks: Buffer[] = [];
    for await (const chunk of context.io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    text = Buffer.concat(chunks).toString('utf8');
  } else if (file !== undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--password-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  } else if (context.interactive) {
    const { askPassword } = await import('../../ui/prompts.js');
    const first = await askPassword(context.io, `Password for ${login}`);
    const second = await askPassword(context.io, 'Again');
    if (first !== second) throw new UsageError('the two passwords differ; nothing was changed');
    text = first;
  } else {
    throw new UsageError(`give ${login}'s password with --password-file FILE (- for standard input); it is never a flag value`);
  }
  // One trailing line end is the file's, not the password's.
  const password = text.replace(/\r?\n$/, '');
  if (password.length === 0) throw new UsageError(`the password for ${login} is empty; nothing was changed`);
  if (/[\r\n]/.test(password)) throw new UsageError(`the password for ${login} spans several lines; give one line`);
  return password;
}

async function runAdd(context: CliContext, login: string, flags: AddFlags): Promise<void> {
  const team = await import('../../db/team.js');
  team.checkLogin(login);
  team.requireServerTarget(context.dbTarget().engine);
  const sql = await context.openStore();
  await team.requireRole(sql, 'owner', 'manage the team');
  const exists = await team.loginExists(sql, login);
  const password = exists && flags.passwordFile === undefined ? null : await readPassword(context, flags.passwordFile, login);
  const { scramVerifier } = await import('../../db/team-password.js');
  const result = await team.addMember(sql, {
    login,
    name: flags.name.trim(),
    role: flags.role,
    verifier: password === null ? null : scramVerifier(password),
    now: context.io.now().toISOString(),
  });
  context.info(`${result.createdLogin ? 'created the login' : 'mapped the existing login'} ${login} as ${flags.name.trim()} (${flags.role}); they connect with postgresql://${login}@HOST/DB`);
}

async function runList(context: CliContext, flags: OutputOptions): Promise<void> {
  const team = await import('../../db/team.js');
  const { teamReport } = await import('../../report/team.js');
  team.requireServerTarget(context.dbTarget().engine);
  const sql = await context.openStore();
  await team.requireRole(sql, 'manager', 'list the team');
  await context.emit(teamReport(await team.listMembers(sql)), flags);
}

async function runPasswd(context: CliContext, login: string, flags: { passwordFile?: string }): Promise<void> {
  const team = await import('../../db/team.js');
  team.checkLogin(login);
  team.requireServerTarget(context.dbTarget().engine);
  const sql = await context.openStore();
  const access = await team.accessOf(sql);
  if (access.login !== login) await team.requireRole(sql, 'owner', `set ${login}'s password`);
  const password = await readPassword(context, flags.passwordFile, login);
  const { scramVerifier } = await import('../../db/team-password.js');
  await team.setPassword(sql, login, scramVerifier(password), context.io.now().toISOString());
  context.info(`set the password of ${login}`);
}

async function runRemove(context: CliContext, login: string, flags: { to?: string; yes?: boolean }): Promise<void> {
  const team = await import('../../db/team.js');
  team.checkLogin(login);
  if (flags.to !== undefined) team.checkLogin(flags.to);
  team.requireServerTarget(context.dbTarget().engine);
  const sql = await context.openStore();
  await team.requireRole(sql, 'owner', 'manage the team');
  const { confirmOrRequireYes } = await import('../confirm.js');
  await confirmOrRequireYes(context, flags.yes, `take ${login} off the team${flags.to ? ` and pass their customers to ${flags.to}` : ''}?`);
  const result = await team.removeMember(sql, login, flags.to ?? null, context.io.now().toISOString());
  const customers = `${result.customers} customer${result.customers === 1 ? '' : 's'}`;
  context.info(
    `took ${login} (${result.name}) off the team; ${customers} ${result.to ? `passed to ${result.to}` : 'now unowned'}; ` +
      (result.droppedLogin ? 'the login was dropped' : 'the login stays on the server (it has rights elsewhere) but has no access here'),
  );
}
