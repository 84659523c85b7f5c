// The control group of a campaign (issue 11): a seeded, reproducible random share of the matching customers.
import { createHash } from 'node:crypto';

export interface Split {
  treated: string[];
  control: string[];
}

/**
 * How many of n customers the control group holds: round(n × percent / 100), half away from zero
 * (20 % of 12 = 2.4 → 2; 25 % of 10 = 2.5 → 3).
 */
export function controlSize(n: number, holdoutPercent: number): number {
  return Math.round((n * holdoutPercent) / 100);
}

/**
 * Splits customers (by their external id) into treated and control. Each customer draws
 * sha256("seed:customer_id"); the lowest draws form the control group. The draw depends only on the seed and
 * the customer's own id, so the same seed and the same customers give the same split in any order and on any
 * machine. Both lists come back sorted by id.
 */
export function splitHoldout(customerIds: readonly string[], holdoutPercent: number, seed: number): Split {
  const draws = customerIds.map((id) => ({ id, draw: createHash('sha256').update(`${seed}:${id}`).digest('hex') }));
  draws.sort((a, b) => (a.draw < b.draw ? -1 : a.draw > b.draw ? 1 : a.id < b.id ? -1 : 1));
  const size = controlSize(customerIds.length, holdoutPercent);
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    control: draws.slice(0, size).map((entry) => entry.id).sort(byId),
    treated: draws.slice(size).map((entry) => entry.id).sort(byId),
  };
}

/**
 * "20%", "20", "12.5 %" → the percentage; a bare number below 1 is a fraction ("0.2" → 20, as in 0.2 of the
 * customers: nobody means 0.2 %, which would write "0.2%"). Null when it is not a share strictly between 0 and 100.
 */
export function parseHoldout(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (!match) return null;
  let value = Number(match[1]);
  if (match[2] === '' && value < 1) value = Math.round(value * 100 * 1e9) / 1e9;
  return value > 0 && value < 100 ? value : null;
}

/** "60d", "60", "8w" → days; null when not a positive whole number of days or weeks. */
export function parseWindowDays(text: string): number | null {
  const match = /^\s*(\d+)\s*([dw]?)\s*$/i.exec(text);
  if (!match) return null;
  const days = Number(match[1]) * (match[2]!.toLowerCase() === 'w' ? 7 : 1);
  return days > 0 && days <= 3650 ? days : null;
}
