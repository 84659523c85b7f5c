// crm member levels [set LADDER]: the shop's member levels (会员等级) by growth value. A customer's level is derived
// from their sales (db/members.ts); crm customer show / list --level and crm snapshot diff show it.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { withOutputOptions, type CliContext, type OutputOptions } from '../context.js';

interface LevelsFlags extends OutputOptions {
  basis: 'growth' | 'lifetime';
}

export function registerMember(program: Command, context: CliContext): void {
  const member = program
    .command('member')
    .description('member levels (会员等级) by growth value: set the ladder, see who stands where')
    .addHelpText('after', '\nExamples:\n  $ crm member levels\n  $ crm member levels set "普通=0 银卡=2000 金卡=5000 钻石=10000"');

  withOutputOptions(
    member
      .command('levels [set] [ladder]')
      .description('show the member levels; `set "NAME=FROM …"` replaces them (a manager\'s)')
      .addOption(new Option('--basis <basis>', 'growth value: sales in the last 12 months (growth) or all sales (lifetime); with set').choices(['growth', 'lifetime']).default('growth'))
      .addHelpText(
        'after',
        '\nA customer\'s level is the highest level whose starting value their growth reaches; refunds take it back.\nExamples:\n  $ crm member levels set "普通=0 银卡=2000 金卡=5000 钻石=10000"\n  $ crm member levels set "Silver=0 Gold=1000" --basis lifetime\n  $ crm member levels --format json',
      ),
  ).action(async (verb: string | undefined, ladderText: string | undefined, flags: LevelsFlags) => {
    const { readLevels, setLevels, membersPerLevel } = await import('../../db/members.js');
    const { levelsReport } = await import('../../report/members.js');
    if (verb !== undefined && verb !== 'set') throw new UsageError(`crm member levels ${verb}: did you mean \`crm member levels set "普通=0 银卡=2000"\`?`);
    const sql = await context.openStore();
    if (verb === 'set') {
      if (ladderText === undefined) throw new UsageError('crm member levels set: give the levels, e.g. "普通=0 银卡=2000 金卡=5000 钻石=10000"');
      const { parseLevels } = await import('../../analysis/members.js');
      const levels = parseLevels(ladderText);
      if (typeof levels === 'string') throw new UsageError(`levels: ${levels}; nothing was changed`);
      const { requireRole } = await import('../../db/team.js');
      await requireRole(sql, 'manager', 'set the member levels');
      const { nowIso } = await import('../daily-values.js');
      await setLevels(sql, { basis: flags.basis, levels }, nowIso(context));
    }
    const ladder = await readLevels(sql);
    const today = context.today();
    await context.emit(levelsReport(ladder.levels, ladder.basis, await membersPerLevel(sql, ladder, today), today), flags);
  });
}
