// Member levels and points: the rules with numbers worked out by hand (README "Members and points").
import { describe, expect, it } from 'vitest';
import { levelOf, levelWindow, parseLevels } from '../../src/analysis/members.js';
import {
  expiresOn, expiringBefore, orderPoints, parseEarn, parseExpire, parseLevelBonus, parsePer, pointsStanding, ruleOn, type LedgerEntry,
} from '../../src/analysis/points.js';

const ladder = parseLevels('普通=0 银卡=2000 金卡=5000 钻石=10000');

describe('member levels', () => {
  it('reads a ladder in any order and finds the highest threshold reached', () => {
    expect(parseLevels('金卡=5000 普通=0, 银卡=2000.5')).toEqual([
      { name: '普通', thresholdCents: 0 }, { name: '银卡', thresholdCents: 200050 }, { name: '金卡', thresholdCents: 500000 },
    ]);
    if (typeof ladder === 'string') throw new Error(ladder);
    expect(levelOf(199999, ladder)).toBe('普通');
    expect(levelOf(200000, ladder)).toBe('银卡');
    expect(levelOf(999999, ladder)).toBe('金卡');
    expect(levelOf(1000000, ladder)).toBe('钻石');
    expect(levelOf(-1, ladder)).toBeNull(); // returns only: below the ladder
  });

  it('refuses bad ladders with one reason', () => {
    for (const bad of ['', 'gold', 'gold=', 'gold=-1', 'gold=1,000', 'gold=1.001', 'a=1 a=2', 'a=1 b=1']) expect(typeof parseLevels(bad), bad).toBe('string');
  });

  it('growth counts the 12 months up to the day; lifetime everything', () => {
    expect(levelWindow('2026-11-23', 'growth')).toEqual({ since: '2025-11-24', asOf: '2026-11-23' });
    expect(levelWindow('2024-02-29', 'growth')).toEqual({ since: '2023-03-01', asOf: '2024-02-29' });
    expect(levelWindow('2026-11-23', 'lifetime')).toEqual({ since: null, asOf: '2026-11-23' });
  });
});

describe('earning', () => {
  const onePerOne = { earn: 1, perCents: 100 };
  it('whole "per"s of the amount × points, × the level bonus, rounded down at each step', () => {
    expect(orderPoints(6840, onePerOne)).toBe(68); // 68.40 → 68
    expect(orderPoints(6840, onePerOne, 1500)).toBe(102); // 68 × 1.5
    expect(orderPoints(6890, onePerOne, 1500)).toBe(102); // 68.90 → 68 whole units, × 1.5 = 102
    expect(orderPoints(9999, { earn: 2, perCents: 1000 }, 1500)).toBe(27); // 9 tens × 2 = 18, × 1.5 = 27
    expect(orderPoints(13700, onePerOne, 1250)).toBe(171); // 137 × 1.25 = 171.25 → 171
    expect(orderPoints(99, onePerOne)).toBe(0); // under one unit earns nothing
    expect(orderPoints(50, { earn: 1, perCents: 50 })).toBe(1); // --per 0.5
  });
  it('a return takes back by the same rule, toward zero', () => {
    expect(orderPoints(-6840, onePerOne)).toBe(-68);
    expect(orderPoints(-6840, onePerOne, 1500)).toBe(-102);
  });
  it('the rule in force on a day is the latest that started on or before it', () => {
    const rules = [{ effectiveFrom: '2025-01-01', n: 1 }, { effectiveFrom: '2026-01-01', n: 2 }];
    expect(ruleOn(rules, '2024-12-31')).toBeNull();
    expect(ruleOn(rules, '2025-12-31')!.n).toBe(1);
    expect(ruleOn(rules, '2026-01-01')!.n).toBe(2);
  });
  it('reads the flags', () => {
    expect(parseEarn('2')).toBe(2);
    expect(typeof parseEarn('0')).toBe('string');
    expect(typeof parseEarn('1.5')).toBe('string');
    expect(parsePer('10')).toBe(1000);
    expect(parsePer('0.5')).toBe(50);
    expect(typeof parsePer('0')).toBe('string');
    expect(parseExpire('24m')).toBe('24m');
    expect(parseExpire('End-of-next-year')).toBe('end-of-next-year');
    expect(typeof parseExpire('2y')).toBe('string');
    expect(parseLevelBonus(['金卡=1.5 钻石=2'], ['金卡', '钻石'])).toEqual({ 金卡: 1500, 钻石: 2000 });
    expect(parseLevelBonus(['金卡=1.5', '钻石=2.25'], ['金卡', '钻石'])).toEqual({ 金卡: 1500, 钻石: 2250 });
    expect(typeof parseLevelBonus(['gold=1.5'], ['金卡'])).toBe('string');
    expect(typeof parseLevelBonus(['金卡=0'], ['金卡'])).toBe('string');
    expect(typeof parseLevelBonus(['金卡=x'], ['金卡'])).toBe('string');
  });
});

describe('expiry and FIFO', () => {
  it('end of next year, or N months (the last day the points can be used)', () => {
    expect(expiresOn('2025-03-15', 'end-of-next-year')).toBe('2026-12-31');
    expect(expiresOn('2025-12-31', 'end-of-next-year')).toBe('2026-12-31');
    expect(expiresOn('2025-03-15', '24m')).toBe('2027-03-14');
    expect(expiresOn('2024-02-29', '12m')).toBe('2025-02-27'); // 2025-02-28 less a day
  });

  let id = 0;
  const credit = (onDate: string, points: number, expires: string | null, orderId: number | null = null): LedgerEntry => ({ id: ++id, onDate, points, orderId, expiresOn: expires });
  const debit = (onDate: string, points: number, orderId: number | null = null): LedgerEntry => ({ id: ++id, onDate, points: -points, orderId, expiresOn: null });

  it('redeeming uses the oldest points first; what is left of them expires after their last day', () => {
    // 100 earned in 2025 (last day 2026-12-31), 50 in 2026 (last day 2027-12-31); 120 redeemed in June 2026:
    // the 100 of 2025 go first, then 20 of 2026's 50. Nothing of 2025 is left to expire; 30 remain.
    const ledger = [credit('2025-05-01', 100, '2026-12-31'), credit('2026-02-01', 50, '2027-12-31'), debit('2026-06-01', 120)];
    const standing = pointsStanding(ledger, '2027-06-30');
    expect(standing).toEqual({ balance: 30, expired: [], open: [{ onDate: '2026-02-01', points: 30, expiresOn: '2027-12-31' }] });
    // By 2028 the 30 are gone on 2028-01-01.
    expect(pointsStanding(ledger, '2028-01-01')).toMatchObject({ balance: 0, expired: [{ on: '2028-01-01', points: 30 }] });
    // On their last day they still count.
    expect(pointsStanding(ledger, '2027-12-31').balance).toBe(30);
  });

  it('points expire before a later redemption can use them', () => {
    // 100 (last day 2026-12-31) and 50 (2027-12-31); on 2027-01-10 only the 50 are left: redeeming 40 leaves 10.
    const ledger = [credit('2025-05-01', 100, '2026-12-31'), credit('2026-02-01', 50, '2027-12-31'), debit('2027-01-10', 40)];
    const standing = pointsStanding(ledger, '2027-01-10');
    expect(standing.balance).toBe(10);
    expect(standing.expired).toEqual([{ on: '2027-01-01', points: 100 }]);
    expect(expiringBefore(pointsStanding(ledger, '2027-12-15'), '2028-01-14')).toBe(10);
  });

  it('a refund takes back its own order\'s points first, then the oldest; more than is left makes the balance negative', () => {
    // Order 7 earned 80 after 100 older points; a refund of order 7 takes its 80, the older 100 stay.
    const refund = [credit('2025-05-01', 100, '2026-12-31'), credit('2026-03-01', 80, '2027-12-31', 7), debit('2026-03-05', 80, 7)];
    expect(pointsStanding(refund, '2026-03-05').open).toEqual([{ onDate: '2025-05-01', points: 100, expiresOn: '2026-12-31' }]);
    // 80 earned, 60 redeemed, then the order refunded: 20 of its own + nothing else → −60; the next 100 earned pay it back.
    const owed = [credit('2026-03-01', 80, '2027-12-31', 7), debit('2026-03-02', 60), debit('2026-03-05', 80, 7)];
    expect(pointsStanding(owed, '2026-03-05').balance).toBe(-60);
    expect(pointsStanding([...owed, credit('2026-04-01', 100, '2027-12-31')], '2026-04-01')).toMatchObject({ balance: 40, open: [{ points: 40 }] });
  });

  it('ignores rows after the day', () => {
    expect(pointsStanding([credit('2026-01-01', 10, null), credit('2026-02-01', 5, null)], '2026-01-31').balance).toBe(10);
  });
});
