// The lead funnel rules (analysis/funnel.ts), with hand-checked numbers.
import { describe, expect, it } from 'vitest';
import { funnelGroup, leadFunnel, median } from '../../src/analysis/funnel.js';
import type { LeadFacts } from '../../src/db/leads.js';

const lead = (id: number, source: string, owner: string, leadOn: string, convertedAt: string | null, revenue = 0, droppedAt: string | null = null, reason: string | null = null): LeadFacts => ({
  id, source, owner, lead_on: leadOn, converted_at: convertedAt, dropped_at: droppedAt, drop_reason: reason, revenue_cents: revenue,
});

describe('median', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[3, 1, 2], 2],
    [[10, 20], 15], // even count: the mean of the two middle values
    [[5, 1, 100, 2], 3.5], // sorted 1 2 5 100 → (2 + 5) / 2
  ])('%j → %s', (values, expected) => expect(median(values)).toBe(expected));
});

describe('funnelGroup', () => {
  it('counts conversions, the median days, revenue and the three most common drop reasons', () => {
    const leads = [
      lead(1, 'fair', 'A', '2026-01-01', '2026-01-11', 10_000), // 10 days
      lead(2, 'fair', 'A', '2026-01-01', '2026-01-31', 5_000), // 30 days
      lead(3, 'fair', 'A', '2026-01-01', '2026-01-02', 0), // 1 day
      lead(4, 'fair', 'A', '2026-01-05', null, 0, '2026-02-01', 'price'),
      lead(5, 'fair', 'A', '2026-01-05', null, 0, '2026-02-01', 'price'),
      lead(6, 'fair', 'A', '2026-01-05', null, 0, '2026-02-01', 'no budget'),
      lead(7, 'fair', 'A', '2026-01-05', null, 0, '2026-02-01', 'competitor'),
      lead(8, 'fair', 'A', '2026-01-05', null, 0, '2026-02-01', null),
      lead(9, 'fair', 'A', '2026-01-05', null),
      lead(10, 'fair', 'A', '2026-01-05', '2026-01-01', 0, '2025-12-31', 'price'), // converted "before" being recorded: 0 days; converted beats dropped
    ];
    // Converted: 1, 2, 3, 10 → 4 of 10 = 40 %; days 10, 30, 1, 0 → sorted 0 1 10 30 → median (1 + 10) / 2 = 5.5.
    // Dropped (not converted): 4, 5 (price), 6 (no budget), 7 (competitor), 8 (no reason) = 5;
    // top three: price ×2, then the ties at 1 by name: "(no reason)" < competitor < no budget.
    expect(funnelGroup('source', 'fair', leads)).toEqual({
      groupBy: 'source', group: 'fair', leads: 10, converted: 4, conversionPercent: 40, medianDaysToConvert: 5.5, revenueCents: 15_000, dropped: 5, open: 1, // lead 9
      dropReasons: [{ reason: 'price', count: 2 }, { reason: '(no reason)', count: 1 }, { reason: 'competitor', count: 1 }],
    });
  });

  it('has no rate or median without conversions, and no rows without leads', () => {
    expect(funnelGroup('owner', 'B', [lead(1, 'web', 'B', '2026-01-01', null)])).toMatchObject({ leads: 1, converted: 0, conversionPercent: 0, medianDaysToConvert: null });
    expect(leadFunnel([])).toEqual([]);
  });

  it('puts sources that differ only in case or spaces in one group, named as the first lead spells it', () => {
    const rows = leadFunnel([lead(1, 'Fair', 'A', '2026-01-01', null), lead(2, 'fair ', 'A', '2026-01-01', null), lead(3, 'cold  call', 'A', '2026-01-01', null), lead(4, 'Cold call', 'a', '2026-01-01', null)]);
    // Sources: Fair (1, 2), cold call (3, 4); owners keep their case: A (1, 2, 3) and a (4).
    expect(rows.map((row) => `${row.groupBy}:${row.group}:${row.leads}`)).toEqual(['all:all leads:4', 'source:cold  call:2', 'source:Fair:2', 'owner:a:1', 'owner:A:3']);
  });

  it('gives one row for all, then sources and owners by name', () => {
    const rows = leadFunnel([lead(1, 'web', 'Z', '2026-01-01', null), lead(2, 'fair', 'Y', '2026-01-01', '2026-01-03')]);
    expect(rows.map((row) => `${row.groupBy}:${row.group}:${row.leads}`)).toEqual(['all:all leads:2', 'source:fair:1', 'source:web:1', 'owner:Y:1', 'owner:Z:1']);
  });
});
