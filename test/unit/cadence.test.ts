// Keeping in touch (crm cadence): intervals, which rule applies, and when a customer is due. Numbers checked by hand.
import { describe, expect, it } from 'vitest';
import { tierOfEach } from '../../src/analysis/pyramid.js';
import { agendaItemCount, agendaReport } from '../../src/report/agenda.js';
import type { DueCustomer } from '../../src/report/cadence.js';
import {
  addEvery, applyingRule, countsFrom, DueCheck, DueColumns, dueOf, latestDueContact, parseEvery, selectorName,
  type CadenceRule, type CustomerClasses,
} from '../../src/analysis/cadence.js';

const rule = (id: number, selector: CadenceRule['selector'], name: string | null, every: string, customerId: number | null = null): CadenceRule => ({
  id, selector, name, customerId, every: parseEvery(every)!,
});
const customer = (over: Partial<CustomerClasses> = {}): CustomerClasses => ({ customerId: 7, segment: null, tier: null, stage: null, ...over });

describe('--every', () => {
  it.each([
    ['30d', { count: 30, unit: 'd' }],
    ['30', { count: 30, unit: 'd' }],
    [' 2W ', { count: 2, unit: 'w' }],
    ['3m', { count: 3, unit: 'm' }],
    ['3650d', { count: 3650, unit: 'd' }],
    ['521w', { count: 521, unit: 'w' }],
    ['120m', { count: 120, unit: 'm' }],
  ])('%j is %j', (text, every) => expect(parseEvery(text)).toEqual(every));

  it.each(['0d', '0m', '3651d', '522w', '121m', '1.5m', '-3d', '2y', '', 'often'])('%j is refused', (text) => expect(parseEvery(text)).toBeNull());
});

describe('the interval after a day', () => {
  it('adds days, weeks and calendar months (a day the month lacks is its last)', () => {
    expect(addEvery('2026-11-23', parseEvery('30d')!)).toBe('2026-12-23');
    expect(addEvery('2026-11-23', parseEvery('2w')!)).toBe('2026-12-07');
    expect(addEvery('2026-01-31', parseEvery('1m')!)).toBe('2026-02-28');
    expect(addEvery('2024-01-31', parseEvery('1m')!)).toBe('2024-02-29');
    expect(addEvery('2026-11-30', parseEvery('3m')!)).toBe('2027-02-28');
  });

  it('the latest last contact that makes a customer due today', () => {
    // 2026-10-24 + 30 days = 2026-11-23.
    expect(latestDueContact('2026-11-23', parseEvery('30d')!)).toBe('2026-10-24');
    expect(latestDueContact('2026-11-23', parseEvery('2w')!)).toBe('2026-11-09');
    // 01-28 … 01-31 + 1 month are all 02-28: the last of them.
    expect(latestDueContact('2026-02-28', parseEvery('1m')!)).toBe('2026-01-31');
    // 02-28 + 1m = 03-28 ≤ 03-31, 03-01 + 1m = 04-01 > 03-31.
    expect(latestDueContact('2026-03-31', parseEvery('1m')!)).toBe('2026-02-28');
    expect(latestDueContact('2026-03-15', parseEvery('1m')!)).toBe('2026-02-15');
  });
});

describe('which rule applies', () => {
  const gold = rule(1, 'tier', 'gold', '30d');
  const atRisk = rule(2, 'segment', 'At Risk', '3w');
  const decline = rule(3, 'stage', 'decline', '1m');
  const own = rule(4, 'customer', null, '4w', 7);

  it('only the rules the customer matches', () => {
    expect(applyingRule([gold, atRisk], customer({ tier: 'iron', segment: 'Champions' }), '2026-10-20')).toBeNull();
    expect(applyingRule([gold, atRisk, own], customer({ customerId: 8, tier: 'gold' }), '2026-10-20')!.rule).toBe(gold);
  });

  it('the most frequent wins: a gold customer at risk is due by the 3 weeks, not the 30 days', () => {
    const due = dueOf([gold, atRisk], customer({ tier: 'gold', segment: 'At Risk' }), '2026-10-20', '2026-11-23');
    // 2026-10-20 + 21 days = 2026-11-10, 13 days before the 23rd; 34 days since the last contact.
    expect(due).toEqual({ rule: atRisk, dueOn: '2026-11-10', daysSince: 34, daysOverdue: 13 });
  });

  it('months against days: the one whose next contact comes first from that day', () => {
    const days = rule(5, 'tier', 'gold', '30d');
    const month = rule(6, 'stage', 'decline', '1m');
    const both = customer({ tier: 'gold', stage: 'decline' });
    // From 01-31: a month is 02-28 (28 days), before 30 days (03-02).
    expect(applyingRule([days, month], both, '2026-01-31')).toEqual({ rule: month, dueOn: '2026-02-28' });
    // From 03-01: a month is 04-01 (31 days), after 30 days (03-31).
    expect(applyingRule([days, month], both, '2026-03-01')).toEqual({ rule: days, dueOn: '2026-03-31' });
  });

  it('a tie goes to the more specific rule: the customer\'s own, then stage, tier, segment', () => {
    const everyone = customer({ tier: 'gold', segment: 'At Risk', stage: 'decline' });
    const fourWeeks = [rule(10, 'segment', 'At Risk', '28d'), rule(11, 'tier', 'gold', '4w'), rule(12, 'stage', 'decline', '28d'), rule(13, 'customer', null, '4w', 7)];
    expect(applyingRule(fourWeeks, everyone, '2026-11-01')!.rule.id).toBe(13);
    expect(applyingRule(fourWeeks.slice(0, 3), everyone, '2026-11-01')!.rule.id).toBe(12);
    expect(applyingRule(fourWeeks.slice(0, 2), everyone, '2026-11-01')!.rule.id).toBe(11);
  });

  it('a customer\'s own rule cannot make a kind of customer less frequent: it is one more rule', () => {
    const slow = rule(20, 'customer', null, '3m', 7);
    expect(dueOf([gold, slow], customer({ tier: 'gold' }), '2026-10-01', '2026-11-23')!.rule).toBe(gold);
  });
});

describe('when a customer is due', () => {
  const every30 = [rule(1, 'customer', null, '30d', 7)];

  it('on the day itself (0 days late), not the day before', () => {
    expect(dueOf(every30, customer(), '2026-10-24', '2026-11-22')).toBeNull();
    expect(dueOf(every30, customer(), '2026-10-24', '2026-11-23')).toEqual({ rule: every30[0], dueOn: '2026-11-23', daysSince: 30, daysOverdue: 0 });
    expect(dueOf(every30, customer(), '2026-10-24', '2026-11-24')!.daysOverdue).toBe(1);
  });

  it('never contacted: from the day they became a customer', () => {
    // A converted lead: the conversion day.
    expect(countsFrom(null, { convertedOn: '2026-06-01', firstOrder: '2026-03-10', enteredOn: '2026-01-02' })).toBe('2026-06-01');
    // Otherwise the earlier of the first order and the day they were entered (an old customer imported today).
    expect(countsFrom(null, { convertedOn: null, firstOrder: '2026-03-10', enteredOn: '2026-06-01' })).toBe('2026-03-10');
    expect(countsFrom(null, { convertedOn: null, firstOrder: '2026-08-10', enteredOn: '2026-06-01' })).toBe('2026-06-01');
    expect(countsFrom(null, { convertedOn: null, firstOrder: null, enteredOn: '2026-06-01' })).toBe('2026-06-01');
    // Any contact counts from its day.
    expect(countsFrom('2026-11-01', { convertedOn: '2026-06-01', firstOrder: null, enteredOn: '2026-01-02' })).toBe('2026-11-01');
  });

  it('DueCheck says what dueOf says, day by day around the boundaries', () => {
    const rules = [rule(1, 'tier', 'gold', '1m'), rule(2, 'segment', 'At Risk', '2w'), rule(3, 'customer', null, '45d', 7)];
    const classes = [customer({ tier: 'gold' }), customer({ segment: 'At Risk', customerId: 9 }), customer({ tier: 'gold', segment: 'At Risk' }), customer(), customer({ customerId: 9 })];
    for (const today of ['2026-02-28', '2026-03-01', '2026-03-31', '2026-11-23']) {
      const check = new DueCheck(rules, today);
      for (let back = 0; back < 70; back++) {
        const since = new Date(Date.parse(`${today}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
        for (const one of classes) expect(check.check(one, since), `${today} ${since} ${JSON.stringify(one)}`).toEqual(dueOf(rules, one, since, today));
      }
    }
  });
});

describe('the due customers as columns, most overdue first', () => {
  it('orders by days late, then the longest silence, then the lower id', () => {
    const due = new DueColumns();
    for (const [id, daysOverdue, daysSince, rule] of [[1, 3, 33, 0], [2, 9, 39, 1], [3, 9, 50, 0], [4, 0, 30, 2], [5, 9, 39, 0]] as const) due.add(id, { daysOverdue, daysSince }, rule);
    expect(due.count).toBe(5);
    // 9 days late: 50 days since first, then ids 2 and 5 with 39; then 3 days late, then 0.
    expect(Array.from(due.order(), (at) => due.at(at).customerId)).toEqual([3, 2, 5, 1, 4]);
    expect(due.at(due.order()[0]!)).toEqual({ customerId: 3, daysSince: 50, daysOverdue: 9, rule: 0 });
    const many = new DueColumns();
    for (let id = 3000; id >= 1; id--) many.add(id, { daysOverdue: id % 7, daysSince: 30 + (id % 7) }, 0);
    expect(Array.from(many.order().subarray(0, 5), (at) => many.at(at).customerId)).toEqual([6, 13, 20, 27, 34]);
  });
});

describe('what a rule may name', () => {
  it('segments, tiers and stages in any case or in Chinese; anything else lists the names known', () => {
    expect(selectorName('segment', 'at risk')).toEqual({ name: 'At Risk' });
    expect(selectorName('segment', 'others')).toEqual({ name: 'Others' });
    expect(selectorName('tier', '黄金客户')).toEqual({ name: 'gold' });
    expect(selectorName('tier', 'Platinum')).toEqual({ name: 'platinum' });
    expect(selectorName('stage', 'Decline')).toEqual({ name: 'decline' });
    expect(selectorName('stage', '流失')).toEqual({ name: 'lost' });
    expect(selectorName('tier', 'golden')).toEqual({ unknown: '--tier "golden": no such tier (known: platinum (铂金客户), gold (黄金客户), iron (钢铁客户), lead (重铅客户))' });
    expect(selectorName('stage', '')).toMatchObject({ unknown: expect.stringContaining('known: exploration (考察期), formation') });
    expect(selectorName('segment', 'VIP')).toMatchObject({ unknown: expect.stringMatching(/^--segment "VIP": no such segment \(known: Champions \(.*\), .*Others \(其他\)\)$/) });
  });
});

describe('the agenda\'s contact_due items', () => {
  it('close the list with why and what to do; the rest are counted in a line and by --check', () => {
    const gold = rule(1, 'tier', 'gold', '30d');
    const due = (externalId: string, lastContactAt: string | null, daysSince: number, daysOverdue: number, phone: string | null): DueCustomer => ({
      rule: gold, dueOn: '2026-11-13', daysSince, daysOverdue, customerId: 1, externalId, name: `name ${externalId}`, owner: '王伟', phone, lastContactAt, since: '2026-10-14',
    });
    const inputs = {
      today: '2026-11-23', followUps: [], complaints: [], slipping: [], debts: [], paymentsRecorded: true, snapshotDate: '2026-11-01', fading: [], pAliveUnavailable: null,
      // The gathering keeps the first 20 (most overdue) and counts the rest.
      contactDue: [due('C1', '2026-10-14T08:00:00Z', 40, 10, '138'), due('C2', null, 30, 0, null), ...Array.from({ length: 18 }, (_, i) => due(`D${i}`, null, 30, 0, null))],
      omitted: { contact_due: 1234 },
    };
    expect(agendaItemCount(inputs)).toBe(1254);
    const report = agendaReport(inputs, 'en');
    expect(report.rows).toHaveLength(20);
    expect(report.rows.slice(0, 2)).toEqual([
      { priority: 1, kind: 'contact_due', customer_id: 'C1', name: 'name C1', owner: '王伟', why: 'no contact for 40 days (tier gold, every 30d; due 2026-11-13, 10 days late)', what_to_do: 'get in touch (138), then: crm log C1 --kind call --summary "…"', amount: null },
      { priority: 2, kind: 'contact_due', customer_id: 'C2', name: 'name C2', owner: '王伟', why: 'never contacted in 30 days as a customer (tier gold, every 30d; due 2026-11-13)', what_to_do: 'get in touch, then: crm log C2 --kind call --summary "…"', amount: null },
    ]);
    expect(report.title).toBe('Agenda for 2026-11-23: 1,254 to do (the first 20 of each kind)');
    expect(report.notes).toContain('… and 1,234 more customers due for a contact (crm followups --due)');
    expect(agendaReport(inputs, 'zh').rows[0]!.why).toBe('40 天未联系（黄金客户，每 30 天；应于 2026-11-13 联系，逾期 10 天）');
  });
});

describe('each customer\'s tier from their profit (--tier rules)', () => {
  it('ranks by profit, a tie sharing the better position, cut at the shares', () => {
    // 5 customers, cuts 20/40/60 %: position 1 platinum, 2 gold, 3 iron, 4–5 lead; the two 10s share position 3.
    expect(Array.from(tierOfEach(Float64Array.from([50, 10, 10, -5, 100]), [20, 40, 60]))).toEqual([1, 2, 2, 3, 0]);
    // The default cuts over 150 customers: the top 1 % is 2 customers (⌈1.5⌉), to 5 % 8, to 20 % 30.
    const profits = Float64Array.from({ length: 150 }, (_, i) => 1000 - i);
    const tierOf = tierOfEach(profits, [1, 5, 20]);
    expect([0, 1, 2, 3].map((tier) => tierOf.filter((one) => one === tier).length)).toEqual([2, 6, 22, 120]);
  });
});
