// Customer satisfaction index C = perceived / expected (docs/rules.md#satisfaction), per survey and per customer.

export type SatisfactionLevel = 'satisfied' | 'acceptable' | 'dissatisfied';

export interface SurveyScores {
  expected: number;
  perceived: number;
}

/** C = perceived / expected; null when there is no expectation to compare with. */
export function satisfactionIndex(survey: SurveyScores): number | null {
  if (!(survey.expected > 0) || !Number.isFinite(survey.perceived)) return null;
  return survey.perceived / survey.expected;
}

// Scores are small ratios (7/7, 8.4/8.4): compare with a tolerance so C = 1 is "acceptable", not 0.9999….
const EPSILON = 1e-9;

/** docs/rules.md#satisfaction: C > 1 expectation exceeded (satisfied), C = 1 acceptable, C < 1 dissatisfied. */
export function satisfactionLevel(index: number): SatisfactionLevel {
  if (index > 1 + EPSILON) return 'satisfied';
  if (index < 1 - EPSILON) return 'dissatisfied';
  return 'acceptable';
}

export const satisfactionLevelZh: Record<SatisfactionLevel, string> = {
  satisfied: '满意',
  acceptable: '基本满意',
  dissatisfied: '不满意',
};

export interface CustomerSatisfaction {
  surveys: number;
  /** C of the latest survey. */
  latest: number | null;
  /** Mean of C over all surveys. */
  average: number | null;
  /** Level of the latest survey's C. */
  level: SatisfactionLevel | null;
}

/** Surveys newest first (the db returns them so); the latest decides the level, the average is shown beside it. */
export function customerSatisfaction(surveysNewestFirst: SurveyScores[]): CustomerSatisfaction {
  const indexes = surveysNewestFirst.map(satisfactionIndex).filter((value): value is number => value !== null);
  if (indexes.length === 0) return { surveys: surveysNewestFirst.length, latest: null, average: null, level: null };
  const latest = indexes[0]!;
  const average = indexes.reduce((sum, value) => sum + value, 0) / indexes.length;
  return { surveys: surveysNewestFirst.length, latest, average, level: satisfactionLevel(latest) };
}

/** One group of surveys (crm report satisfaction): how many, of how many customers, the mean C and the share per level. */
export interface SatisfactionGroup {
  surveys: number;
  customers: number;
  /** Mean of C over the surveys that have one (summed in the order they were added). */
  averageC: number | null;
  /** Percent of the surveys with a C at each level. */
  percent: Record<SatisfactionLevel, number> | null;
}

/**
 * Surveys tallied into groups as they are read (a batch at a time), so a report over every survey holds one running
 * total per group and the ids of the customers in it, not the surveys. Groups keep the order they were first met.
 */
export class SatisfactionTally<K> {
  private readonly groups = new Map<K, { surveys: number; customers: Set<number>; sum: number; indexed: number; levels: Record<SatisfactionLevel, number> }>();

  add(group: K, customerId: number, survey: SurveyScores): void {
    let tally = this.groups.get(group);
    if (tally === undefined) {
      tally = { surveys: 0, customers: new Set(), sum: 0, indexed: 0, levels: { satisfied: 0, acceptable: 0, dissatisfied: 0 } };
      this.groups.set(group, tally);
    }
    tally.surveys += 1;
    tally.customers.add(customerId);
    const index = satisfactionIndex(survey);
    if (index === null) return;
    tally.sum += index;
    tally.indexed += 1;
    tally.levels[satisfactionLevel(index)] += 1;
  }

  /** The groups met, in the order they were first met. */
  summary(): [K, SatisfactionGroup][] {
    return [...this.groups].map(([group, tally]) => {
      const share = (count: number): number => (100 * count) / tally.indexed;
      return [group, {
        surveys: tally.surveys,
        customers: tally.customers.size,
        averageC: tally.indexed ? tally.sum / tally.indexed : null,
        percent: tally.indexed ? { satisfied: share(tally.levels.satisfied), acceptable: share(tally.levels.acceptable), dissatisfied: share(tally.levels.dissatisfied) } : null,
      }];
    });
  }
}
