// Flags shared by the analysis commands: period, bins/thresholds, rules file; parsed into analysis options.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { DataRejectedError, UsageError } from '../errors.js';
import type { Period } from '../db/analysis.js';
import type { SegmentOptions } from '../analysis/customer-segments.js';
import type { SegmentRule } from '../analysis/segment-rules.js';
import type { Baseline, SegmentScheme } from '../analysis/segments.js';
import { requireDate, type CliContext, type OutputOptions } from './context.js';

export interface PeriodFlags extends OutputOptions {
  asOf?: string;
  since?: string;
  includePartners?: boolean;
}

export interface ScoreFlags extends PeriodFlags {
  bins: string;
  thresholds?: string;
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
    .option('--bins <n>', 'scores 1..N per measure, by R-compatible quantiles (2–9)', '5')
    .option('--thresholds <cuts>', 'use these cut points verbatim: "r=115,181,297,482 f=4,5,6,8 m=256,382,506,666"')
    .addOption(new Option('--scheme <scheme>', 'segments: score-range rules, or the eight classes vs the average').choices(['rules', 'cn8']).default('rules'))
    .option('--rules <file>', 'segment rules table (CSV or JSON, as `crm segment rules --format csv` prints)')
    .addOption(new Option('--baseline <kind>', 'cn8: compare with the mean or the median').choices(['mean', 'median']).default('mean'));
}

export function parseBins(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 2 || Number(raw) > 9) throw new UsageError(`--bins: "${raw}" is not a whole number from 2 to 9`);
  return Number(raw);
}

export async function loadRules(context: CliContext, file: string | undefined): Promise<{ rules: readonly SegmentRule[]; source: string }> {
  const { defaultSegmentRules, validateRules } = await import('../analysis/segment-rules.js');
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
  const problems = validateRules(rules);
  if (problems.length) throw new DataRejectedError(`${file}: the rules table cannot be used`, problems);
  return { rules, source: file };
}

export async function segmentOptions(context: CliContext, flags: ScoreFlags): Promise<SegmentOptions & { rulesSource: string }> {
  const { parseThresholds } = await import('../analysis/rfm.js');
  const bins = parseBins(flags.bins);
  let thresholds;
  if (flags.thresholds !== undefined) {
    const parsed = parseThresholds(flags.thresholds);
    if (typeof parsed === 'string') throw new UsageError(`--thresholds: ${parsed}`);
    thresholds = parsed;
  }
  const { rules, source } = await loadRules(context, flags.rules);
  return { period: periodOf(context, flags), bins, thresholds, scheme: flags.scheme, rules, baseline: flags.baseline, rulesSource: source };
}
