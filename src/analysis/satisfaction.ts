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
