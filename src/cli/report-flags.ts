// The period flags of every report (--period, --since, --as-of) resolved into [since, asOf] by report/period.ts.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { resolvePeriod, type ResolvedPeriod } from '../report/period.js';
import { requireDate, withPeriodOptions, type CliContext, type OutputOptions } from './context.js';

export interface ReportFlags extends OutputOptions {
  asOf?: string;
  since?: string;
  period?: string;
  includePartners?: boolean;
}

/** Adds --as-of, --since and --period. */
export function withReportPeriodOptions(command: Command): Command {
  return withPeriodOptions(command).option('--period <span>', 'the period: 30d, 90d, 12m (ending at --as-of), or 2025, 2025-Q3, 2025-11');
}

/** The period the flags ask for; `fallback` applies when neither --period nor --since is given. */
export function reportPeriod(context: CliContext, flags: ReportFlags, fallback: 'all' | '30d' = 'all'): ResolvedPeriod {
  const since = flags.since === undefined ? undefined : requireDate(flags.since, '--since');
  const asOf = flags.asOf === undefined ? undefined : requireDate(flags.asOf, '--as-of');
  const period = flags.period ?? (since === undefined && fallback === '30d' ? '30d' : undefined);
  const resolved = resolvePeriod({ period, since, asOf, today: context.today() });
  if (typeof resolved === 'string') throw new UsageError(resolved);
  if (!flags.includePartners) return resolved;
  return { ...resolved, includePartners: true, previous: resolved.previous && { ...resolved.previous, includePartners: true } };
}
