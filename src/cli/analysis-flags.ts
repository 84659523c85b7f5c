// Flags shared by the analysis commands: period, bins/thresholds, rules file; parsed into analysis options.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { DataRejectedError, UsageError } from '../errors.js';
import type { Period } from '../db/analysis.js';
import type { SegmentOptions } from '../analysis/customer-segments.js';
import type { ClvOptions, ClvUnit } from '../analysis/clv.js';
import type { SegmentRule } from '../analysis/segment-rules.js';
import type { Baseline, Segmentation, SegmentScheme } from '../analysis/segments.js';
import { parseWholeNumber, requireDate, type CliContext, type OutputOptions } from './context.js';

export interface PeriodFlags extends OutputOptions {
  asOf?: string;
  since?: string;
  includePartners?: boolean;
}

export interface ScoreFlags extends PeriodFlags {
  /** Unset: 5, or one more than the cut points --thresholds gives. */
  bins?: string;
  /** The words after --thresholds: r=… f=… m=… as one quoted word or several. */
  thresholds?: string[];
  scheme?: SegmentScheme;
  rules?: string;
  baseline?: Baseline;
}

export function periodOf(context: CliContext, flags: PeriodFlags): Period {
  const asOf = context.asOf(flags.asOf);
  const since = flags.since === undefined ? null : requireDate(flags.since, '--since');
  if (since && since > asOf) throw new UsageError(`--since ${since} is after the analysis date ${asOf}`);
  return { asOf, since, includePartners: flags.includePartners === true };
}

/** Adds --bins, --thresholds, --scheme, --rules and --baseline. */
export function withScoreOptions(command: Command): Command {
  return command
    .option('--bins <n>', 'scores 1..N per measure, by R-compatible quantiles (2–9; default 5, or what --thresholds gives)')
    // Variadic: r=… f=… m=… typed as three words (unquoted) or as one quoted word.
    .option('--thresholds <cuts...>', 'use these cut points verbatim: r=115,181,297,482 f=4,5,6,8 m=256,382,506,666 (quoted or not)')
    .addOption(new Option('--scheme <scheme>', 'segments: score-range rules, or the eight classes vs the average').choices(['rules', 'cn8']).default('rules'))
    .option('--rules <file>', 'segment rules table (CSV or JSON, as `crm segment rules --format csv` prints)')
    .addOption(new Option('--baseline <kind>', 'cn8: compare with the mean or the median').choices(['mean', 'median']).default('mean'));
}

/** --horizon and --discount of crm clv and crm pyramid --by clv, checked once for both. */
export async function clvFlags(flags: { horizon: string; discount: string }, unit: ClvUnit): Promise<ClvOptions> {
  const { horizonTooLong, MAX_HORIZON, parseHorizon } = await import('../analysis/clv.js');
  const horizon = parseHorizon(flags.horizon, unit);
  if (!horizon) throw new UsageError(`--horizon: "${flags.horizon}" is not a length such as 12m, 39w or 90d`);
  if (horizonTooLong(horizon)) {
    const { m, w, d } = MAX_HORIZON;
    throw new UsageError(`--horizon: "${flags.horizon}" is longer than the models can sensibly predict; at most ten years (${m}m, ${w}w or ${d}d)`);
  }
  const discountRate = Number(flags.discount);
  if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(flags.discount) || !(discountRate < 1)) {
    throw new UsageError(`--discount: "${flags.discount}" is not an annual rate from 0 to below 1 (e.g. 0.10)`);
  }
  return { unit, horizon, discountRate };
}

export function parseBins(raw: string): number {
  return parseWholeNumber(raw, '--bins', 2, 9);
}

/**
 * The scores cut points make: k cut points per measure give scores 1..k+1, the same for every measure
 * (segment rules read R, F and M on one scale). A --bins that disagrees is a usage error, not a silent mix.
 */
export function binsOfThresholds(thresholds: Partial<Record<'r' | 'f' | 'm', number[]>>, bins: number | null): number {
  const given = Object.entries(thresholds) as [string, number[]][];
  const [first, ...rest] = given;
  if (!first) return bins ?? 5;
  const other = rest.find(([, cuts]) => cuts.length !== first[1].length);
  if (other) {
    throw new UsageError(`--thresholds: ${first[0]} has ${first[1].length} cut points but ${other[0]} has ${other[1].length}; give every measure the same number (N−1 cut points for scores 1..N)`);
  }
  const made = first[1].length + 1;
  if (bins !== null && bins !== made) throw new UsageError(`--thresholds: ${made - 1} cut points make scores 1..${made}, but --bins is ${bins}`);
  if (made < 2) throw new UsageError('--thresholds: give at least one cut point per measure');
  return made;
}

/** Score-range rules are written for one score scale (their highest bound): scoring on another would misfile customers. */
export function checkRulesScale(rules: readonly SegmentRule[], bins: number, source: string): void {
  // A loop, not Math.max(...all): spreading a long table's bounds as arguments overflows the stack.
  let scale = -Infinity;
  for (const rule of rules) scale = Math.max(scale, rule.r[1], rule.f[1], rule.m[1]);
  if (scale === bins) return;
  const whose = source === 'default' ? 'the default segment rules are' : `the rules in ${source} are`;
  throw new UsageError(`${whose} written for scores 1..${scale} but customers are scored 1..${bins}; score with --bins ${scale}, give rules for scores 1..${bins} with --rules, or use --scheme cn8`);
}

export async function loadRules(context: CliContext, file: string | undefined): Promise<{ rules: readonly SegmentRule[]; source: string }> {
  const { defaultSegmentRules, MAX_RULES, validateRules } = await import('../analysis/segment-rules.js');
  if (file === undefined) return { rules: defaultSegmentRules, source: 'default' };
  const resolved = path.resolve(context.io.cwd, file);
  if (!fs.existsSync(resolved)) throw new UsageError(`--rules: no file ${file}`);
  const { parseRulesText } = await import('../analysis/segment-rules-file.js');
  let rules: SegmentRule[];
  try {
    rules = parseRulesText(fs.readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new DataRejectedError(`${file}: not a rules table: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (rules.length > MAX_RULES) {
    throw new DataRejectedError(`${file}: ${rules.length} rules; a rules table has at most ${MAX_RULES} (scores 1..9 make only 729 combinations to file)`);
  }
  const problems = validateRules(rules);
  if (problems.length) throw new DataRejectedError(`${file}: the rules table cannot be used`, problems);
  return { rules, source: file };
}

export async function segmentOptions(context: CliContext, flags: ScoreFlags): Promise<SegmentOptions & { rulesSource: string }> {
  const { parseThresholds } = await import('../analysis/rfm.js');
  let bins = flags.bins === undefined ? 5 : parseBins(flags.bins);
  let thresholds;
  if (flags.thresholds !== undefined) {
    const parsed = parseThresholds(flags.thresholds.join(' '));
    if (typeof parsed === 'string') throw new UsageError(`--thresholds: ${parsed}`);
    thresholds = parsed;
    bins = binsOfThresholds(parsed, flags.bins === undefined ? null : bins);
  }
  const { rules, source } = await loadRules(context, flags.rules);
  if ((flags.scheme ?? 'rules') === 'rules') checkRulesScale(rules, bins, source);
  return { period: periodOf(context, flags), bins, thresholds, scheme: flags.scheme, rules, baseline: flags.baseline, rulesSource: source };
}

/**
 * --segment NAME must name a segment of the scheme in force (English in any case, or Chinese): a typo is a usage
 * error naming the segments there are, not an empty call list that a nightly job would take for "nobody".
 */
export async function requireSegment(segmentation: Segmentation, name: string | undefined): Promise<void> {
  if (name === undefined) return;
  const { segmentNamed } = await import('../analysis/segments.js');
  if (segmentation.labels.some((label) => segmentNamed(label, name))) return;
  const known = segmentation.labels.map((label) => (label.nameZh === label.name ? label.name : `${label.name} (${label.nameZh})`)).join(', ');
  throw new UsageError(`--segment "${name}": no such segment (known: ${known})`);
}
