// Who a campaign is for, from plain data (the reads are report/analysis-inputs.ts audienceOf's).
import { describe, expect, it } from 'vitest';
import { campaignAudience, planCampaign, UnknownCriterion, type AudienceData } from '../../src/analysis/campaign-audience.js';
import type { PurchaseHistory } from '../../src/db/relationship.js';

const history = (id: number, first: string, last: string, days: number): PurchaseHistory => ({
  id, external_id: `C${id}`, name: `C${id}`, first_order: first, last_order: last, orders: days, purchase_days: days, revenue_cents: 1000, recent_cents: 0, prior_cents: 0,
});

const data: AudienceData = {
  rfm: { customerIds: [1, 2, 3], recencyDays: Float64Array.from([5, 50, 500]), frequency: Float64Array.from([9, 3, 1]), monetaryCents: Float64Array.from([90000, 9000, 900]) },
  tiers: new Map([[1, { tier: 0 }], [2, { tier: 1 }], [3, { tier: 3 }]]),
  histories: [history(1, '2024-01-01', '2026-10-26', 9), history(2, '2026-01-01', '2026-09-11', 3), history(3, '2025-06-18', '2025-06-18', 1)],
};

describe('campaignAudience', () => {
  it('keeps the customers who match every criterion given, from the rows handed to it', () => {
    expect(campaignAudience(data, '2026-10-31', {})).toEqual([1, 2, 3]);
    expect(campaignAudience(data, '2026-10-31', { tier: 'gold' })).toEqual([2]);
    expect(campaignAudience(data, '2026-10-31', { stage: 'lost' })).toEqual([3]);
    expect(campaignAudience(data, '2026-10-31', { tier: 'lead', stage: 'lost' })).toEqual([3]);
  });

  it('an unknown tier or stage is an UnknownCriterion naming the known ones', () => {
    expect(() => campaignAudience(data, '2026-10-31', { tier: 'diamond' })).toThrow(UnknownCriterion);
    expect(() => campaignAudience(data, '2026-10-31', { stage: 'asleep' })).toThrow(/known: exploration/);
  });

  it('planCampaign splits the ids it is given by external id and seed, and stores the criteria by key', () => {
    const labels = new Map([1, 2, 3].map((id) => [id, { externalId: `C${id}`, name: `C${id}` }]));
    const plan = planCampaign([1, 2, 3], labels, { tier: '黄金客户' }, 0, 7);
    expect(plan).toMatchObject({ customers: 3, control: [], stored: { segment: null, tier: 'gold', stage: null } });
    expect([...plan.treated].sort()).toEqual([1, 2, 3]);
  });
});
