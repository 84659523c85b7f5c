// crm clv's refusals say what would make the model work and what to use meanwhile (issue 17).
import { describe, expect, it } from 'vitest';
import { whatWouldHelp } from '../../src/analysis/clv.js';
import type { PurchaseSummary } from '../../src/db/clv.js';

const summary = (ageDays: number[]): PurchaseSummary => ({
  customerIds: ageDays.map((_, index) => index + 1),
  frequency: new Float64Array(ageDays.length),
  recencyDays: new Float64Array(ageDays.length),
  ageDays: Float64Array.from(ageDays),
  monetaryCents: new Float64Array(ageDays.length),
});

describe('whatWouldHelp', () => {
  it('names the history (the longest customer\'s, in months from 60 days on) and the commands to use meanwhile', () => {
    // 365 days / 30.4375 = 11.99…: 11 whole months.
    expect(whatWouldHelp(summary([10, 365, 200]), 'repeat')).toBe(
      ' (11 months of history: it works once more customers have bought again, with older orders imported or a later --as-of; meanwhile crm rfm and crm segment rank customers by the same orders without a model)',
    );
    expect(whatWouldHelp(summary([1]), 'repeat')).toMatch(/^ \(1 day of history: /);
    expect(whatWouldHelp(summary([59, 3]), 'repeat')).toMatch(/^ \(59 days of history: /);
    // 366 days: 12 months.
    expect(whatWouldHelp(summary([366]), 'purchases')).toBe(
      ' (12 months of history: it needs a longer history, in which both steady repeat buying and customers going quiet show: older orders imported, or a later --as-of; meanwhile crm rfm and crm segment rank customers by the same orders without a model, crm lifecycle says who is slipping)',
    );
    expect(whatWouldHelp(summary([366]), 'spend')).toContain('spend per purchase is too uneven');
    for (const cause of ['repeat', 'purchases', 'spend'] as const) expect(whatWouldHelp(summary([400]), cause)).not.toContain('\n');
  });
});
