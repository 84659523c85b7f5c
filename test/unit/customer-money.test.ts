// Balance (orders − payments), value so far, and the satisfaction index C = perceived / expected.
import { describe, expect, it } from 'vitest';
import { customerMoney, isBilled, type OrderStatusTotal } from '../../src/analysis/balance.js';
import { customerSatisfaction, satisfactionIndex, satisfactionLevel } from '../../src/analysis/satisfaction.js';

const group = (status: string | null, amount: number, cost: number, amountWithoutCost = 0, orders = 1): OrderStatusTotal => ({
  status, orders, amount_cents: amount, cost_cents: cost, amount_without_cost_cents: amountWithoutCost,
});

describe('customerMoney', () => {
  it.each([
    ['no orders, no payments', [], 0, { billed_cents: 0, paid_cents: 0, balance_cents: 0, value_cents: 0 }],
    ['owes the unpaid part', [group('paid', 128_000, 64_000)], 100_000, { billed_cents: 128_000, paid_cents: 100_000, balance_cents: 28_000, value_cents: 64_000 }],
    ['paid in advance: negative balance', [group(null, 5_000, 2_000)], 8_000, { billed_cents: 5_000, paid_cents: 8_000, balance_cents: -3_000, value_cents: 3_000 }],
    ['refunded orders are not owed and not worth anything', [group('paid', 10_000, 6_000), group('refunded', 50_000, 20_000)], 10_000, { billed_cents: 10_000, paid_cents: 10_000, balance_cents: 0, value_cents: 4_000 }],
    ['an order without cost counts its revenue as value', [group('paid', 30_000, 6_000, 20_000, 2)], 0, { billed_cents: 30_000, paid_cents: 0, balance_cents: 30_000, value_cents: 20_000 + 4_000 }],
    ['loss-making orders give negative value', [group('paid', 1_000, 1_500)], 1_000, { billed_cents: 1_000, paid_cents: 1_000, balance_cents: 0, value_cents: -500 }],
    ['Chinese status 已取消 is not billed', [group('已取消', 9_900, 0), group('', 100, 50)], 0, { billed_cents: 100, paid_cents: 0, balance_cents: 100, value_cents: 50 }],
  ])('%s', (_name, orders, paid, expected) => {
    expect(customerMoney(orders, paid)).toEqual(expected);
  });

  it.each([[null, true], ['paid', true], ['shipped', true], [' Refunded ', false], ['CANCELLED', false], ['退款', false]])('isBilled(%j) is %s', (status, billed) => {
    expect(isBilled(status)).toBe(billed);
  });
});

describe('satisfaction', () => {
  it.each([
    [{ expected: 8, perceived: 9 }, 1.125, 'satisfied'],
    [{ expected: 7, perceived: 7 }, 1, 'acceptable'],
    [{ expected: 8.4, perceived: 8.4 }, 1, 'acceptable'],
    [{ expected: 10, perceived: 6 }, 0.6, 'dissatisfied'],
    [{ expected: 3, perceived: 10 }, 10 / 3, 'satisfied'],
  ])('%j gives C = %d (%s)', (survey, index, level) => {
    expect(satisfactionIndex(survey)).toBeCloseTo(index, 12);
    expect(satisfactionLevel(satisfactionIndex(survey)!)).toBe(level);
  });

  it('has no index without an expectation', () => {
    expect(satisfactionIndex({ expected: 0, perceived: 5 })).toBeNull();
  });

  it('takes the level from the latest survey and averages C over all', () => {
    expect(customerSatisfaction([])).toEqual({ surveys: 0, latest: null, average: null, level: null });
    const result = customerSatisfaction([{ expected: 8, perceived: 6 }, { expected: 5, perceived: 10 }]);
    expect(result.latest).toBeCloseTo(0.75);
    expect(result.average).toBeCloseTo(1.375);
    expect(result.level).toBe('dissatisfied');
  });
});

describe('rendering alerts', () => {
  it('paints alert rows red on a colour terminal and nowhere else', async () => {
    const { renderTable, renderJson } = await import('../../src/report/render.js');
    const report = {
      name: 'followups', title: 'Follow-ups', json: 'array' as const, alertRows: [1],
      columns: [{ key: 'due', label: 'Due', type: 'date' as const }],
      rows: [{ due: '2026-11-24' }, { due: '2026-11-01' }],
    };
    const coloured = renderTable(report, { color: true });
    expect(coloured).toContain('\u001b[31m2026-11-01\u001b[39m');
    expect(coloured).not.toContain('\u001b[31m2026-11-24');
    expect(renderTable(report, { color: false })).not.toContain('\u001b[');
    expect(JSON.parse(renderJson(report))).toEqual([{ due: '2026-11-24' }, { due: '2026-11-01' }]);
  });
});
