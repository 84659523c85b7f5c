// Keeping in touch (issue 21, crm cadence): how often a kind of customer should hear from the shop, and who is due.
// Plain data in and out: report/cadence.ts reads the rules, the contacts and the segment, tier and stage of each
// customer (as crm segment, crm pyramid and crm lifecycle compute them) and hands them here. docs/rules.md#cadence.
import { parseWindowDays } from './campaign-split.js';
import { stageKey } from './campaign-audience.js';
import { stages } from './lifecycle.js';
import { tierIndex, tiers } from './pyramid.js';
import { defaultSegmentRules, OTHERS, OTHERS_ZH } from './segment-rules.js';
import { addDays, daysBetween } from '../util/dates.js';
import { addMonths } from '../util/follow-up-dates.js';
import { Float64Column } from '../util/column.js';

export type EveryUnit = 'd' | 'w' | 'm';

/** An interval: 30 days, 2 weeks, 3 months. */
export interface Every {
  count: number;
  unit: EveryUnit;
}

/** The longest interval: ten years in days (3650, as `loyalty --window`) or months (120). */
export const MAX_EVERY_MONTHS = 120;

/**
 * --every: `30d` (or `30`), `2w`, `3m`; days and weeks as parseWindowDays reads a window (1–3650 days), months 1–120.
 * Null when it is none of these.
 */
export function parseEvery(text: string): Every | null {
  const months = /^\s*(\d+)\s*m\s*$/i.exec(text);
  if (months) {
    const count = Number(months[1]);
    return count >= 1 && count <= MAX_EVERY_MONTHS ? { count, unit: 'm' } : null;
  }
  if (parseWindowDays(text) === null) return null;
  const match = /^\s*(\d+)\s*([dw]?)\s*$/i.exec(text)!;
  return { count: Number(match[1]), unit: match[2]!.toLowerCase() === 'w' ? 'w' : 'd' };
}

export const everyHint = 'a number of days, weeks or months such as 30d, 2w or 3m (at most 3650 days or 120 months)';

/** 30d, 2w, 3m. */
export function everyText(every: Every): string {
  return `${every.count}${every.unit}`;
}

/** The day EVERY after DAY; months are calendar months, a day the month lacks is its last (01-31 + 1m = 02-28). */
export function addEvery(day: string, every: Every): string {
  if (every.unit === 'm') return addMonths(day, every.count);
  return addDays(day, every.unit === 'w' ? every.count * 7 : every.count);
}

/** The latest day a last contact may have been made for a customer to be due on TODAY: the largest L with addEvery(L) ≤ today. */
export function latestDueContact(today: string, every: Every): string {
  if (every.unit !== 'm') return addDays(today, -(every.unit === 'w' ? every.count * 7 : every.count));
  // Months clamp (01-29, 01-30 and 01-31 + 1m are all 02-28), so several days may lead to today: take the last.
  let day = addMonths(today, -every.count);
  while (addMonths(addDays(day, 1), every.count) <= today) day = addDays(day, 1);
  return day;
}

export type Selector = 'segment' | 'tier' | 'stage' | 'customer';
export const selectors: readonly Selector[] = ['segment', 'tier', 'stage', 'customer'];

export interface CadenceRule {
  id: number;
  selector: Selector;
  /** The segment's English name, the tier's or stage's key; null for a customer's rule. */
  name: string | null;
  /** The customer's internal id (a customer's rule), else null. */
  customerId: number | null;
  /** The customer's external id, for showing the rule (a customer's rule). */
  customerExternalId?: string | null;
  every: Every;
}

/** What a rule is for, as shown: `segment Champions`, `tier gold`, `customer C0001`. */
export function ruleText(rule: Pick<CadenceRule, 'selector' | 'name' | 'customerExternalId' | 'customerId'>): string {
  return `${rule.selector} ${rule.selector === 'customer' ? (rule.customerExternalId ?? `#${rule.customerId}`) : rule.name}`;
}

/**
 * The order rules are listed in: segments, tiers, stages, customers; segments by name, tiers from platinum down, stages
 * in their lifecycle order, customers by external id.
 */
export function compareRules(a: CadenceRule, b: CadenceRule): number {
  const rank = (rule: CadenceRule): number =>
    rule.selector === 'tier' ? tiers.findIndex((tier) => tier.key === rule.name) : rule.selector === 'stage' ? stages.findIndex((stage) => stage.key === rule.name) : 0;
  const text = (rule: CadenceRule): string => (rule.selector === 'customer' ? (rule.customerExternalId ?? '') : (rule.name ?? ''));
  return selectors.indexOf(a.selector) - selectors.indexOf(b.selector) || rank(a) - rank(b) || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : a.id - b.id);
}

/** The segments a rule may name: the default RFM rules' (5 bins, as crm segment) and Others. */
const segmentLabels = [...defaultSegmentRules.map((rule) => ({ name: rule.name, nameZh: rule.nameZh })), { name: OTHERS, nameZh: OTHERS_ZH }];

/** The stored name of what --segment, --tier or --stage names (any case, English or Chinese), or the line that lists the known ones. */
export function selectorName(selector: Exclude<Selector, 'customer'>, text: string): { name: string } | { unknown: string } {
  const wanted = text.trim();
  if (selector === 'segment') {
    const found = segmentLabels.find((label) => label.name.toLowerCase() === wanted.toLowerCase() || label.nameZh === wanted);
    return found ? { name: found.name } : { unknown: `--segment "${text}": no such segment (known: ${segmentLabels.map((label) => `${label.name} (${label.nameZh})`).join(', ')})` };
  }
  if (selector === 'tier') {
    const index = wanted === '' ? -1 : tierIndex(wanted);
    return index >= 0 ? { name: tiers[index]!.key } : { unknown: `--tier "${text}": no such tier (known: ${tiers.map((tier) => `${tier.key} (${tier.nameZh})`).join(', ')})` };
  }
  const key = wanted === '' ? null : stageKey(wanted);
  return key ? { name: key } : { unknown: `--stage "${text}": no such stage (known: ${stages.map((stage) => `${stage.key} (${stage.nameZh})`).join(', ')})` };
}

/** Where a customer stands as of the day: the segment's English name, the tier's and stage's keys (null: no purchase). */
export interface CustomerClasses {
  customerId: number;
  segment: string | null;
  tier: string | null;
  stage: string | null;
}

/** A more specific rule wins a tie (the same due day): the customer's own, then stage, tier, segment; then the older rule. */
const specificity: Record<Selector, number> = { customer: 0, stage: 1, tier: 2, segment: 3 };

export interface Applying {
  rule: CadenceRule;
  /** The day the customer should have heard from the shop again: addEvery(since, rule.every). */
  dueOn: string;
}

/**
 * The rules the customer matches, and of those the one that applies: the most frequent, i.e. the one whose next
 * contact falls first after SINCE (their last contact, or the day they became a customer); null when none matches.
 */
export function applyingRule(rules: readonly CadenceRule[], customer: CustomerClasses, since: string): Applying | null {
  let best: Applying | null = null;
  for (const rule of rules) {
    if (!matches(rule, customer)) continue;
    const dueOn = addEvery(since, rule.every);
    if (
      best === null || dueOn < best.dueOn ||
      (dueOn === best.dueOn && (specificity[rule.selector] - specificity[best.rule.selector] || rule.id - best.rule.id) < 0)
    ) {
      best = { rule, dueOn };
    }
  }
  return best;
}

export function matches(rule: CadenceRule, customer: CustomerClasses): boolean {
  switch (rule.selector) {
    case 'customer':
      return rule.customerId === customer.customerId;
    case 'segment':
      return rule.name === customer.segment;
    case 'tier':
      return rule.name === customer.tier;
    case 'stage':
      return rule.name === customer.stage;
  }
}

/** A customer who is due, with what the listing shows. */
export interface DueFacts {
  rule: CadenceRule;
  dueOn: string;
  /** Whole days from the last contact (or, never contacted, from the day they became a customer) to today. */
  daysSince: number;
  /** Whole days from dueOn to today: 0 on the day itself. */
  daysOverdue: number;
}

/**
 * Whether the customer is due on TODAY: the applying rule's next contact (addEvery of SINCE) is today or earlier.
 * On the day itself the customer is due (0 days overdue), as a follow-up due today is listed. Null: not due, or no rule.
 */
export function dueOf(rules: readonly CadenceRule[], customer: CustomerClasses, since: string, today: string): DueFacts | null {
  const applying = applyingRule(rules, customer, since);
  if (applying === null || applying.dueOn > today) return null;
  return { rule: applying.rule, dueOn: applying.dueOn, daysSince: daysBetween(since, today), daysOverdue: daysBetween(applying.dueOn, today) };
}

/**
 * The day a customer's cadence counts from: their last contact's day; never contacted, the day they became a
 * customer: a converted lead's conversion day, else the earlier of their first order and the day they were entered.
 */
export function countsFrom(lastContactDay: string | null, facts: { convertedOn: string | null; firstOrder: string | null; enteredOn: string }): string {
  if (lastContactDay !== null) return lastContactDay;
  if (facts.convertedOn !== null) return facts.convertedOn;
  return facts.firstOrder !== null && facts.firstOrder < facts.enteredOn ? facts.firstOrder : facts.enteredOn;
}

/**
 * Every due customer as four numbers (id, days since, days late, which rule), not an object: a million due customers
 * are about 32 MB here. order() gives their positions in compareDue's order.
 */
export class DueColumns {
  private readonly ids = new Float64Column();
  private readonly since = new Float64Column();
  private readonly late = new Float64Column();
  private readonly rules = new Float64Column();

  get count(): number {
    return this.ids.length;
  }

  /** A due customer; RULE is the applying rule's position in the rules the caller holds. */
  add(customerId: number, facts: Pick<DueFacts, 'daysSince' | 'daysOverdue'>, rule: number): void {
    this.ids.push(customerId);
    this.since.push(facts.daysSince);
    this.late.push(facts.daysOverdue);
    this.rules.push(rule);
  }

  /** Positions, most days late first, then the longest silence, then the lower customer id. */
  order(): Uint32Array {
    const ids = this.ids.values();
    const since = this.since.values();
    const late = this.late.values();
    const positions = Uint32Array.from({ length: this.count }, (_, i) => i);
    return positions.sort((a, b) => late[b]! - late[a]! || since[b]! - since[a]! || ids[a]! - ids[b]!);
  }

  at(position: number): { customerId: number; daysSince: number; daysOverdue: number; rule: number } {
    return { customerId: this.ids.values()[position]!, daysSince: this.since.values()[position]!, daysOverdue: this.late.values()[position]!, rule: this.rules.values()[position]! };
  }
}

/**
 * dueOf for many customers at one TODAY: each rule's latest due contact day is worked out once, so a customer who is
 * not due costs a few string comparisons (a million customers are checked without a date computed for each).
 */
export class DueCheck {
  private readonly cutoffs: Map<number, string>;

  constructor(private readonly rules: readonly CadenceRule[], private readonly today: string) {
    this.cutoffs = new Map(rules.map((rule) => [rule.id, latestDueContact(today, rule.every)]));
  }

  check(customer: CustomerClasses, since: string): DueFacts | null {
    for (const rule of this.rules) {
      if (since <= this.cutoffs.get(rule.id)! && matches(rule, customer)) return dueOf(this.rules, customer, since, this.today);
    }
    return null;
  }
}
