// Member levels (会员等级): a ladder of names with thresholds of growth value; a customer's level is the highest
// threshold their sales reach. Pure rules; the sales are summed in SQL (db/members.ts) and the ladder is stored
// there too. README "Members and points" says it in the shop's words.
import { addMonths } from '../report/period.js';
import { addDays } from '../util/dates.js';

/** growth: sales in the 12 months up to the day (the default); lifetime: all sales up to the day. */
export type LevelBasis = 'growth' | 'lifetime';
export const levelBases: readonly LevelBasis[] = ['growth', 'lifetime'];

export interface MemberLevel {
  name: string;
  /** The growth value from which the level holds, in cents. */
  thresholdCents: number;
}

/** Longest level name: a name is a label on a card, not a sentence. */
const MAX_NAME = 40;

/**
 * "普通=0 银卡=2000 金卡=5000 钻石=10000" → the ladder, lowest first; or the one problem with it. Separators: spaces,
 * commas or 、; thresholds are amounts in the shop's currency (2000, 2,000.50 is not accepted: no thousands marks).
 */
export function parseLevels(text: string): MemberLevel[] | string {
  const parts = text.split(/[\s,，、;；]+/).filter((part) => part !== '');
  if (parts.length === 0) return 'give at least one level as NAME=THRESHOLD, e.g. "普通=0 银卡=2000 金卡=5000"';
  const levels: MemberLevel[] = [];
  for (const part of parts) {
    const match = /^(.+?)[=＝](.*)$/.exec(part);
    if (!match) return `"${part}": write each level as NAME=THRESHOLD (e.g. 金卡=5000)`;
    const name = match[1]!.trim();
    const raw = match[2]!.trim();
    if (name.length > MAX_NAME) return `"${name}": a level name has at most ${MAX_NAME} characters`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(name)) return `"${part}": a level name cannot hold control characters`;
    const cents = wholeAmountCents(raw);
    if (cents === null) return `"${part}": the threshold "${raw}" is not an amount of 0 or more (e.g. 5000 or 5000.50)`;
    if (levels.some((level) => level.name === name)) return `"${name}" is named twice`;
    if (levels.some((level) => level.thresholdCents === cents)) return `"${part}": another level starts at the same amount`;
    levels.push({ name, thresholdCents: cents });
  }
  levels.sort((a, b) => a.thresholdCents - b.thresholdCents);
  return levels;
}

/** "5000" or "5000.5" → cents; null for anything else (negative, thousands marks, more than 12 digits). */
export function wholeAmountCents(raw: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(raw);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The level a growth value reaches: the highest threshold at or below it; null below the lowest (or no ladder). */
export function levelOf(growthCents: number, levels: readonly MemberLevel[]): string | null {
  let found: string | null = null;
  for (const level of levels) if (level.thresholdCents <= growthCents) found = level.name;
  return found;
}

/**
 * The days whose sales make the level as of AS_OF: (as-of − 12 months, as-of] for growth (as `--period 12m`:
 * 2026-12-06 → 2025-12-07 … 2026-12-06), everything up to as-of for lifetime. `since` is the first day counted.
 */
export function levelWindow(asOf: string, basis: LevelBasis): { since: string | null; asOf: string } {
  return { since: basis === 'lifetime' ? null : addDays(addMonths(asOf, -12), 1), asOf };
}

/** Ranks of the ladder for comparing two levels (higher is better); a name not on the ladder (or none) is -1. */
export function levelRank(name: string | null, levels: readonly MemberLevel[]): number {
  return name === null ? -1 : levels.findIndex((level) => level.name === name);
}
