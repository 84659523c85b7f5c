// Score-range segment rules (scheme "rules"): the default table, first-match lookup and the lint.
export type Bounds = readonly [low: number, high: number];

export interface SegmentRule {
  name: string;
  nameZh?: string;
  r: Bounds;
  f: Bounds;
  m: Bounds;
}

export const OTHERS = 'Others';
export const OTHERS_ZH = '其他';

/** issue 4: the table common RFM tools ship, in this order; a customer takes the first rule that matches. */
export const defaultSegmentRules: readonly SegmentRule[] = [
  { name: 'Champions', nameZh: '冠军客户', r: [5, 5], f: [5, 5], m: [5, 5] },
  { name: 'Potential Loyalist', nameZh: '潜在忠诚客户', r: [3, 5], f: [3, 5], m: [2, 5] },
  { name: 'Loyal Customers', nameZh: '忠诚客户', r: [2, 4], f: [2, 4], m: [2, 4] },
  { name: 'Promising', nameZh: '有潜力客户', r: [3, 4], f: [1, 3], m: [3, 5] },
  { name: 'New Customers', nameZh: '新客户', r: [4, 5], f: [1, 3], m: [1, 5] },
  { name: "Can't Lose Them", nameZh: '不能失去的客户', r: [1, 2], f: [3, 4], m: [4, 5] },
  { name: 'At Risk', nameZh: '有流失风险客户', r: [1, 2], f: [2, 5], m: [4, 5] },
  { name: 'Need Attention', nameZh: '需要关注客户', r: [1, 3], f: [3, 5], m: [3, 5] },
  { name: 'About To Sleep', nameZh: '即将沉睡客户', r: [2, 3], f: [1, 3], m: [1, 4] },
  { name: 'Lost', nameZh: '已流失客户', r: [1, 1], f: [1, 5], m: [1, 5] },
];

const within = (value: number, [low, high]: Bounds): boolean => value >= low && value <= high;

export function ruleMatches(rule: SegmentRule, r: number, f: number, m: number): boolean {
  return within(r, rule.r) && within(f, rule.f) && within(m, rule.m);
}

/** Index of the first rule that matches, or -1 (Others). */
export function firstMatchingRule(rules: readonly SegmentRule[], r: number, f: number, m: number): number {
  for (let i = 0; i < rules.length; i++) if (ruleMatches(rules[i]!, r, f, m)) return i;
  return -1;
}

/** A lookup of (r, f, m) → rule index for scores 0..maxScore, so a million customers cost one array read each. */
export class SegmentLookup {
  private readonly table: Int16Array;
  private readonly side: number;

  constructor(readonly rules: readonly SegmentRule[], maxScore: number) {
    this.side = maxScore + 1;
    this.table = new Int16Array(this.side ** 3);
    for (let r = 0; r < this.side; r++)
      for (let f = 0; f < this.side; f++)
        for (let m = 0; m < this.side; m++) this.table[(r * this.side + f) * this.side + m] = firstMatchingRule(rules, r, f, m);
  }

  /** Rule index, or -1 for Others. */
  index(r: number, f: number, m: number): number {
    if (r >= this.side || f >= this.side || m >= this.side) return firstMatchingRule(this.rules, r, f, m);
    return this.table[(r * this.side + f) * this.side + m]!;
  }
}

export interface RuleCheck {
  rule: SegmentRule;
  /** Score combinations (of N×N×N) this rule takes: it matches them and no earlier rule does. */
  combinations: number;
  /** Earlier rules that take the combinations this rule would match (non-empty only for a dead rule). */
  shadowedBy: string[];
  dead: boolean;
}

export interface RulesLint {
  checks: RuleCheck[];
  /** Score combinations no rule covers, as "RFM" strings ("215"), in ascending order. */
  uncovered: string[];
}

/** issue 4: rules that can never match (earlier rules take all their combinations), and combinations that fall into Others. */
export function lintRules(rules: readonly SegmentRule[], bins: number): RulesLint {
  const taken = new Array<number>(rules.length).fill(0);
  const uncovered: string[] = [];
  for (let r = 1; r <= bins; r++)
    for (let f = 1; f <= bins; f++)
      for (let m = 1; m <= bins; m++) {
        const index = firstMatchingRule(rules, r, f, m);
        if (index < 0) uncovered.push(`${r}${f}${m}`);
        else taken[index]!++;
      }
  const checks = rules.map((rule, index): RuleCheck => {
    const dead = taken[index] === 0;
    const shadowedBy = new Set<string>();
    if (dead) {
      for (let r = Math.max(1, rule.r[0]); r <= Math.min(bins, rule.r[1]); r++)
        for (let f = Math.max(1, rule.f[0]); f <= Math.min(bins, rule.f[1]); f++)
          for (let m = Math.max(1, rule.m[0]); m <= Math.min(bins, rule.m[1]); m++) {
            const first = firstMatchingRule(rules, r, f, m);
            if (first >= 0 && first < index) shadowedBy.add(rules[first]!.name);
          }
    }
    return { rule, combinations: taken[index]!, shadowedBy: [...shadowedBy], dead };
  });
  return { checks, uncovered };
}

/** The most rules a table may have: scores 1..9 make 9×9×9 = 729 combinations, so more rules could only be dead. */
export const MAX_RULES = 1000;

/** Problems with the shape of a rules table (names, bounds), as messages; empty when it is usable. */
export function validateRules(rules: readonly SegmentRule[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const where = `rule ${index + 1} (${rule.name || 'no name'})`;
    if (!rule.name.trim()) problems.push(`${where}: segment name is empty`);
    if (seen.has(rule.name)) problems.push(`${where}: segment name appears twice`);
    if (rule.name === OTHERS) problems.push(`${where}: "${OTHERS}" is kept for customers no rule matches`);
    seen.add(rule.name);
    for (const measure of ['r', 'f', 'm'] as const) {
      const [low, high] = rule[measure];
      if (!Number.isInteger(low) || !Number.isInteger(high)) problems.push(`${where}: ${measure} bounds must be whole numbers`);
      else if (low > high) problems.push(`${where}: ${measure} lower bound ${low} is above the upper bound ${high}`);
    }
  });
  if (rules.length === 0) problems.push('the rules table has no rules');
  return problems;
}
