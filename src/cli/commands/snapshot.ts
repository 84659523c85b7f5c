// crm snapshot save|list|diff: keep each night's analysis and show how customers moved between two dates.
import type { Command } from 'commander';
import { withScoreOptions, type ScoreFlags } from '../analysis-flags.js';
import { requireDate, withOutputOptions, withPeriodOptions, type CliContext, type OutputOptions } from '../context.js';

interface SaveFlags extends ScoreFlags {
  cuts: string;
}

interface DiffFlags extends OutputOptions {
  customers?: boolean;
  levels?: boolean;
  high: string;
}

export function registerSnapshot(program: Command, context: CliContext): void {
  const snapshot = program
    .command('snapshot')
    .description('store the analysis of a date, and compare two dates (what changed since last night)')
    .addHelpText('after', '\nExamples:\n  $ crm snapshot save\n  $ crm snapshot diff\n  $ crm snapshot diff 2026-10-31 2026-11-30 --customers');

  withScoreOptions(
    withPeriodOptions(
      withOutputOptions(
        snapshot
          .command('save')
          .description("store every customer's scores, segment, tier and stage as of a date (again for the same date replaces it)")
          .option('--cuts <percents>', 'pyramid cuts, as for crm pyramid', '1,5,20')
          .addHelpText('after', '\nExamples:\n  $ crm snapshot save\n  $ crm snapshot save --as-of 2026-10-31'),
      ),
    ),
  ).action(async (flags: SaveFlags) => {
    const { segmentOptions } = await import('../analysis-flags.js');
    const { parseCuts } = await import('../../analysis/pyramid.js');
    const { snapshotOf } = await import('../../report/analysis-inputs.js');
    const { saveSnapshot, snapshotByDate } = await import('../../db/snapshots.js');
    const { UsageError } = await import('../../errors.js');
    if (flags.scheme === 'cn8') throw new UsageError('--scheme: snapshots store the rules segments; cn8 is computed on the fly');
    const cuts = parseCuts(flags.cuts);
    if (typeof cuts === 'string') throw new UsageError(`--cuts: ${cuts}`);
    const options = await segmentOptions(context, flags);
    const sql = await context.openStore();
    const customers = await snapshotOf(sql, { ...options, cuts });
    const replaced = (await snapshotByDate(sql, options.period.asOf)) !== undefined;
    if (customers.clvUnavailable) context.info(`no p_alive or CLV in this snapshot: ${customers.clvUnavailable}`);
    const { readLevels, saveSnapshotLevels } = await import('../../db/members.js');
    const ladder = await readLevels(sql);
    // The member level each customer held at the date goes in with the rest, in the same transaction.
    await sql.transaction(async () => saveSnapshotLevels(sql, ladder, await saveSnapshot(
      sql,
      {
        as_of: options.period.asOf, since: options.period.since ?? null, bins: options.bins, rules: options.rulesSource,
        cuts: cuts.join(','), customers: customers.count, created_at: context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      customers.rows,
    ), options.period.asOf), 'write');
    await context.emit(
      {
        name: 'snapshot-save',
        title: `Snapshot as of ${options.period.asOf} ${replaced ? 'replaced' : 'saved'}`,
        titleZh: `快照（截至 ${options.period.asOf}）已${replaced ? '更新' : '保存'}`,
        json: 'object',
        vertical: true,
        asOf: options.period.asOf,
        columns: [
          { key: 'as_of', label: 'As of', labelZh: '分析日期', type: 'date' },
          { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
          { key: 'replaced', label: 'Replaced an earlier save', labelZh: '覆盖旧快照', type: 'text' },
        ],
        rows: [{ as_of: options.period.asOf, customers: customers.count, replaced: replaced ? 'yes' : 'no' }],
      },
      flags,
    );
  });

  withOutputOptions(snapshot.command('list').description('list the stored snapshots, newest first').addHelpText('after', '\nExamples:\n  $ crm snapshot list')).action(
    async (flags: OutputOptions) => {
      const { listSnapshots } = await import('../../db/snapshots.js');
      const { snapshotListReport } = await import('../../report/snapshot.js');
      await context.emit(snapshotListReport(await listSnapshots(await context.openStore())), flags);
    },
  );

  withOutputOptions(
    snapshot
      .command('diff [from] [to]')
      .description('movement matrix between two snapshots (default: the last two), then who fell from a high-value segment or tier')
      .option('--customers', 'only the customers who fell (for a call list)')
      .option('--levels', 'only the member level moves (crm member levels): who went up or down')
      .option('--high <segments>', 'segments that count as high value, comma-separated', 'Champions,Loyal Customers,Potential Loyalist')
      .addHelpText('after', '\nExamples:\n  $ crm snapshot diff\n  $ crm snapshot diff 2026-10-31 2026-11-30\n  $ crm snapshot diff --customers --format csv --output fell.csv'),
  ).action(async (fromRaw: string | undefined, toRaw: string | undefined, flags: DiffFlags) => {
    const { listSnapshots, segmentMovements, fallers } = await import('../../db/snapshots.js');
    const { movementMatrix } = await import('../../analysis/snapshot.js');
    const { defaultSegmentRules, OTHERS, OTHERS_ZH } = await import('../../analysis/segment-rules.js');
    const report = await import('../../report/snapshot.js');
    const { UsageError } = await import('../../errors.js');
    const sql = await context.openStore();
    const all = await listSnapshots(sql);
    const pick = (raw: string, flag: string) => {
      const date = requireDate(raw, flag);
      const found = all.find((s) => s.as_of === date);
      if (!found) throw new UsageError(`no snapshot as of ${date}`, [all.length ? `snapshots: ${all.map((s) => s.as_of).join(', ')}` : 'none yet: run `crm snapshot save`']);
      return found;
    };
    let from;
    let to;
    if (fromRaw === undefined) {
      if (all.length < 2) throw new UsageError(`need two snapshots to compare, found ${all.length}; run \`crm snapshot save\` (nightly, after the import)`);
      [to, from] = [all[0]!, all[1]!];
    } else {
      from = pick(fromRaw, 'FROM');
      to = toRaw === undefined ? all.find((s) => s.as_of > from!.as_of) ?? all[0]! : pick(toRaw, 'TO');
    }
    const lang = context.lang(flags);
    const zh = new Map<string, string>([...defaultSegmentRules.map((rule): [string, string] => [rule.name, rule.nameZh ?? rule.name]), [OTHERS, OTHERS_ZH]]);
    const label = (segment: string) => (lang === 'zh' ? zh.get(segment) ?? segment : segment);
    const dates = { from: from.as_of, to: to.as_of, lang, label };
    const movements = await segmentMovements(sql, from.id, to.id);
    // --high names segments as stored (English) in any case, or by their Chinese names; a name neither snapshot nor
    // the default rules have is a typo that would silently list nobody: a usage error.
    const known = new Map<string, string>();
    for (const name of [...defaultSegmentRules.map((rule) => rule.name), OTHERS, ...movements.flatMap((m) => [m.from_segment, m.to_segment])]) {
      if (name !== null) known.set(name.toLowerCase(), name);
    }
    for (const [name, nameZh] of zh) known.set(nameZh.toLowerCase(), name);
    const high = flags.high.split(',').map((name) => name.trim()).filter(Boolean).map((name) => {
      const stored = known.get(name.toLowerCase());
      if (stored === undefined) throw new UsageError(`--high: no segment "${name}" in the default rules or in these snapshots (known: ${[...new Set(known.values())].join(', ')})`);
      return stored;
    });
    const fell = report.fallersReport(await fallers(sql, from.id, to.id, high), dates);
    if (flags.customers) {
      await context.emit(fell, flags);
      return;
    }
    const members = await import('../../db/members.js');
    const { levelMovesReport } = await import('../../report/members.js');
    const hasLevels = await members.snapshotsHaveLevels(sql, from.id, to.id);
    const levelMoves = hasLevels || flags.levels
      ? levelMovesReport(await members.levelMoves(sql, from.id, to.id), (await members.readLevels(sql)).levels, { from: from.as_of, to: to.as_of, lang })
      : null;
    if (flags.levels) {
      if (!hasLevels) context.info('these snapshots hold no member levels: set them with crm member levels set, then crm snapshot save');
      await context.emit(levelMoves!, flags);
      return;
    }
    const matrix = report.movementReport(movementMatrix(movements, defaultSegmentRules.map((rule) => rule.name)), dates);
    matrix.notes!.push(`${fell.rows.length} customer(s) fell from ${high.join(', ')} or to a lower tier: crm snapshot diff ${from.as_of} ${to.as_of} --customers`);
    if (levelMoves) matrix.notes!.push(`${levelMoves.rows.reduce((sum, row) => sum + Number(row.customers), 0)} customer(s) changed member level: crm snapshot diff ${from.as_of} ${to.as_of} --levels`);
    await context.emit(matrix, flags);
    // On a terminal (and in Markdown) the list follows the matrix; CSV and JSON carry one report each.
    if ((flags.format ?? 'table') === 'table' || flags.format === 'md') {
      if (flags.output === undefined) context.io.stdout.write('\n');
      if (flags.output === undefined) await context.emit(fell, flags);
      if (flags.output === undefined && levelMoves) {
        context.io.stdout.write('\n');
        await context.emit(levelMoves, flags);
      }
    }
  });
}
