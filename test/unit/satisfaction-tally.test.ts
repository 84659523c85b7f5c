// crm report satisfaction's groups, tallied survey by survey (analysis/satisfaction.ts SatisfactionTally): numbers by hand.
import { describe, expect, it } from 'vitest';
import { SatisfactionTally } from '../../src/analysis/satisfaction.js';

describe('satisfaction tally', () => {
  it('counts surveys and customers, averages C over the surveys that have one, and shares them out by level', () => {
    const tally = new SatisfactionTally<string>();
    tally.add('A', 1, { expected: 8, perceived: 8 }); // C = 1: acceptable
    tally.add('B', 3, { expected: 8, perceived: 4 }); // C = 0.5: dissatisfied
    tally.add('A', 2, { expected: 6, perceived: 9 }); // C = 1.5: satisfied
    tally.add('A', 2, { expected: 0, perceived: 9 }); // no expectation: counted, no C
    tally.add('B', 3, { expected: 10, perceived: 5 }); // C = 0.5
    tally.add('C', 4, { expected: 0, perceived: 3 });
    expect(tally.summary()).toEqual([
      // (1 + 1.5) / 2 = 1.25; one of two C's satisfied, one acceptable.
      ['A', { surveys: 3, customers: 2, averageC: 1.25, percent: { satisfied: 50, acceptable: 50, dissatisfied: 0 } }],
      ['B', { surveys: 2, customers: 1, averageC: 0.5, percent: { satisfied: 0, acceptable: 0, dissatisfied: 100 } }],
      ['C', { surveys: 1, customers: 1, averageC: null, percent: null }],
    ]);
  });

  it('is empty with no surveys', () => {
    expect(new SatisfactionTally<number>().summary()).toEqual([]);
  });
});
