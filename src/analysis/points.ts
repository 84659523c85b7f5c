// Points (积分): the rules of earning, and a customer's balance from their ledger with the oldest points used first
// (FIFO) and expiry. Pure: db/points.ts reads and writes the ledger; README "Members and points" says it in words.
import { addMonths } from '../report/period.js';
import { addDays } from '../util/dates.js';
import { wholeAmountCents } from './members.js';

/** end-of-next-year: points earned in 2026 last to 2027-12-31; Nm: N months (24m: earned 2026-03-15, last day 2028-03-14). */
export type ExpireRule = 'end-of-next-year' | `${number}m`;

export interface PointsRule {
  id: number;
  effectiveFrom: string;
  /** Points per whole `per` of an order's amount. */
  earn: number;
  perCents: number;
  expire: ExpireRule;
  /** Level name → multiplier in thousandths (金卡=1.5 → 1500); a level not named earns ×1. */
  bonusPermille: Record<string, number>;
}

export const MAX_EARN = 1_000_000;
const MAX_EXPIRE_MONTHS = 1200;

/** --earn N: a whole number of points, 1 or more. */
export function parseEarn(raw: string): number | string {
  if (!/^\d{1,7}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_EARN) return `"${raw}" is not a whole number of points from 1 to ${MAX_EARN}`;
  return Number(raw);
}

/** --per AMOUNT: the amount that earns `earn` points (1 = every whole unit of currency; 0.01 and up). */
export function parsePer(raw: string): number | string {
  const cents = wholeAmountCents(raw.trim());
  if (cents === null || cents === 0) return `"${raw}" is not an amount above 0 (e.g. 1 or 10 or 0.5)`;
  return cents;
}

/** --expire end-of-next-year | 24m. */
export function parseExpire(raw: string): ExpireRule | string {
  const text = raw.trim().toLowerCase();
  if (text === 'end-of-next-year') return text;
  const match = /^(\d{1,4})m$/.exec(text);
  if (match && Number(match[1]) >= 1 && Number(match[1]) <= MAX_EXPIRE_MONTHS) return `${Number(match[1])}m`;
  return `"${raw}" is not end-of-next-year or a number of months such as 24m (1m to ${MAX_EXPIRE_MONTHS}m)`;
}

/** --level-bonus "金卡=1.5 钻石=2" (also repeated flags): multipliers from 0.001 to 100, up to three decimals. */
export function parseLevelBonus(parts: readonly string[], levels: readonly string[]): Record<string, number> | string {
  const bonus: Record<string, number> = {};
  for (const part of parts.flatMap((text) => text.split(/[\s,，、;；]+/)).filter((text) => text !== '')) {
    const match = /^(.+?)[=＝](\d{1,3}(?:\.\d{1,3})?)$/.exec(part);
    if (!match) return `"${part}": write each bonus as LEVEL=MULTIPLIER (e.g. 金卡=1.5)`;
    const [, name, value] = match as unknown as [string, string, string];
    if (!levels.includes(name)) {
      return levels.length === 0 ? `"${name}": the shop has no member levels yet (crm member levels set …)` : `"${name}" is not a member level (levels: ${levels.join(', ')})`;
    }
    const [whole, fraction = ''] = value.split('.');
    const permille = Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
    if (permille <= 0 || permille > 100_000) return `"${part}": the multiplier must be above 0 and at most 100`;
    if (name in bonus) return `"${name}" is named twice`;
    bonus[name] = permille;
  }
  return bonus;
}

/**
 * The points an order earns: whole `per`s of the amount × earn, times the level bonus, rounded toward zero at each step
 * (so 68.40 at 1 point per 1 is 68; ×1.5 is 102; 99.99 at 2 points per 10 is 9 × 2 = 18, ×1.5 = 27). A return (an
 * amount below zero) takes points back by the same rule (−68.40 → −68), so returning what was bought takes back
 * exactly what it earned. The same integer arithmetic as SQL (db/points.ts), which checks a written order with it.
 */
export function orderPoints(amountCents: number, rule: Pick<PointsRule, 'earn' | 'perCents'>, bonusPermille = 1000): number {
  const base = Math.trunc(amountCents / rule.perCents) * rule.earn;
  return Math.trunc((base * bonusPermille) / 1000);
}

/** The rule in force on a day: the latest effective_from not after it (rules lowest date first); none before the first. */
export function ruleOn<T extends { effectiveFrom: string }>(rules: readonly T[], day: string): T | null {
  let found: T | null = null;
  for (const rule of rules) if (rule.effectiveFrom <= day) found = rule;
  return found;
}

/** The last day points earned on DAY can be used. */
export function expiresOn(day: string, expire: ExpireRule): string {
  if (expire === 'end-of-next-year') return `${Number(day.slice(0, 4)) + 1}-12-31`;
  return addDays(addMonths(day, Number(expire.slice(0, -1))), -1);
}

/** One row of a customer's ledger, as the FIFO needs it. */
export interface LedgerEntry {
  id: number;
  onDate: string;
  points: number;
  /** For points earned or taken back by an order: its id; a reversal uses that order's points first. */
  orderId: number | null;
  /** The last day a credit can be used; null: it does not expire. */
  expiresOn: string | null;
}

export interface Expiry {
  /** The day the points were gone (the day after their last day). */
  on: string;
  points: number;
}

export interface PointsStanding {
  /** What the customer can use on the as-of day (negative when more was taken back than was left). */
  balance: number;
  /** Points that expired up to the as-of day (on the day after their last day, one entry per day), oldest first. */
  expired: Expiry[];
  /** Credits still open at the as-of day, with what is left of each: oldest first. */
  open: { onDate: string; points: number; expiresOn: string | null }[];
}

interface Lot {
  onDate: string;
  left: number;
  expiresOn: string | null;
  orderId: number | null;
}

/**
 * A customer's points as of a day, from their ledger (rows on or before it, in date then id order). Credits are lots;
 * a debit (redeeming, an expiry the old system recorded, a correction) uses the oldest lot first; a reversal uses its
 * own order's lot first. A lot not used up by the end of its last day expires. A debit larger than what is left makes
 * the balance negative, and the next credits pay that back first.
 */
export function pointsStanding(entries: Iterable<LedgerEntry>, asOf: string): PointsStanding {
  const lots: Lot[] = [];
  const expired: Expiry[] = [];
  let owed = 0;
  const expireBefore = (day: string): void => {
    // Lots are in earning order; expiry dates need not be (a rule change), so every lot is looked at.
    for (let i = 0; i < lots.length; i++) {
      const lot = lots[i]!;
      if (lot.expiresOn !== null && lot.expiresOn < day && lot.left > 0) {
        // One expiry per day: lots that end on the same day go together.
        const on = addDays(lot.expiresOn, 1);
        const same = expired.find((expiry) => expiry.on === on);
        if (same) same.points += lot.left;
        else expired.push({ on, points: lot.left });
        lot.left = 0;
      }
    }
    for (let i = lots.length - 1; i >= 0; i--) if (lots[i]!.left === 0) lots.splice(i, 1);
  };
  const take = (lot: Lot, wanted: number): number => {
    const used = Math.min(lot.left, wanted);
    lot.left -= used;
    return wanted - used;
  };
  for (const entry of entries) {
    if (entry.onDate > asOf) continue;
    expireBefore(entry.onDate);
    if (entry.points > 0) {
      const paid = Math.min(owed, entry.points);
      owed -= paid;
      if (entry.points > paid) lots.push({ onDate: entry.onDate, left: entry.points - paid, expiresOn: entry.expiresOn, orderId: entry.orderId });
      continue;
    }
    let wanted = -entry.points;
    if (entry.orderId !== null) for (const lot of lots) if (lot.orderId === entry.orderId && wanted > 0) wanted = take(lot, wanted);
    for (const lot of lots) if (wanted > 0) wanted = take(lot, wanted);
    owed += wanted;
    for (let i = lots.length - 1; i >= 0; i--) if (lots[i]!.left === 0) lots.splice(i, 1);
  }
  expireBefore(asOf);
  expired.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  const open = lots.map((lot) => ({ onDate: lot.onDate, points: lot.left, expiresOn: lot.expiresOn }));
  return { balance: open.reduce((sum, lot) => sum + lot.points, 0) - owed, expired, open };
}

/** Points of the open lots whose last day falls before BY (what will have expired by then, unless used first). */
export function expiringBefore(standing: PointsStanding, by: string): number {
  return standing.open.filter((lot) => lot.expiresOn !== null && lot.expiresOn < by).reduce((sum, lot) => sum + lot.points, 0);
}

/** What one customer's points did in a period, and where they stand at its end (crm report points adds these up by level). */
export interface PointsFlows {
  /** Points given in the period: earned by orders, added by hand, brought from the old system. */
  issued: number;
  /** Points taken back in the period (refunds, cancellations, lower amounts, corrections). */
  takenBack: number;
  redeemed: number;
  /** Points expired in the period (worked out by FIFO, and expiries the old system recorded). */
  expired: number;
  /** The balance at the period's end. */
  outstanding: number;
}

/** One customer's flows over [since (null: from the start), asOf]; ENTRIES in date, id order with their kinds. */
export function pointsFlows(entries: readonly (LedgerEntry & { kind: string })[], since: string | null, asOf: string): PointsFlows {
  const standing = pointsStanding(entries, asOf);
  const flows: PointsFlows = { issued: 0, takenBack: 0, redeemed: 0, expired: 0, outstanding: standing.balance };
  const inPeriod = (day: string): boolean => (since === null || day >= since) && day <= asOf;
  for (const entry of entries) {
    if (!inPeriod(entry.onDate)) continue;
    if (entry.points > 0) flows.issued += entry.points;
    else if (entry.kind === 'redeem') flows.redeemed -= entry.points;
    else if (entry.kind === 'expire') flows.expired -= entry.points;
    else flows.takenBack -= entry.points;
  }
  for (const expiry of standing.expired) if (inPeriod(expiry.on)) flows.expired += expiry.points;
  return flows;
}
