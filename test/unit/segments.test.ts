// Segment rules (first match wins), the rules lint, the rules file reader and the cn8 classes.
import { describe, expect, it } from 'vitest';
import { defaultSegmentRules, firstMatchingRule, lintRules, validateRules, type SegmentRule } from '../../src/analysis/segment-rules.js';
import { parseRulesText } from '../../src/analysis/segment-rules-file.js';
import { segmentCn8, summariseSegments } from '../../src/analysis/segments.js';
import type { RfmInputs } from '../../src/db/analysis.js';

const segmentName = (r: number, f: number, m: number): string => {
  const index = firstMatchingRule(defaultSegmentRules, r, f, m);
  return index < 0 ? 'Others' : defaultSegmentRules[index]!.name;
};

describe('default rules: the first rule that matches wins', () => {
  it.each([
    [5, 5, 5, 'Champions'],
    [3, 4, 3, 'Potential Loyalist'], // also inside Loyal Customers and Need Attention: the first wins
    [2, 2, 2, 'Loyal Customers'],
    [3, 2, 5, 'Promising'],
    [5, 1, 1, 'New Customers'],
    [1, 3, 4, "Can't Lose Them"],
    [1, 5, 5, 'At Risk'],
    [1, 5, 3, 'Need Attention'],
    [2, 1, 1, 'About To Sleep'],
    [1, 1, 1, 'Lost'],
    [2, 5, 2, 'Others'],
    [5, 4, 1, 'Others'],
  ])('R%d F%d M%d → %s', (r, f, m, expected) => {
    expect(segmentName(r, f, m)).toBe(expected);
  });
});

describe('lintRules', () => {
  it('the default table has no dead rule and leaves ten combinations to Others', () => {
    const lint = lintRules(defaultSegmentRules, 5);
    expect(lint.checks.filter((check) => check.dead)).toEqual([]);
    expect(lint.uncovered).toEqual(['215', '241', '251', '252', '341', '351', '441', '451', '541', '551']);
    expect(lint.checks.reduce((sum, check) => sum + check.combinations, 0)).toBe(125 - 10);
    expect(lint.checks[0]!.combinations).toBe(1); // Champions: 555 only
  });

  it('finds a rule that earlier rules fully shadow, and names them', () => {
    const rules: SegmentRule[] = [
      { name: 'Recent', r: [4, 5], f: [1, 5], m: [1, 5] },
      { name: 'Big', r: [1, 3], f: [1, 5], m: [5, 5] },
      { name: 'Recent big', r: [4, 5], f: [1, 5], m: [4, 5] },
      { name: 'Rest', r: [1, 5], f: [1, 5], m: [1, 5] },
    ];
    const lint = lintRules(rules, 5);
    expect(lint.checks.map((check) => [check.rule.name, check.dead, check.combinations])).toEqual([
      ['Recent', false, 50], ['Big', false, 15], ['Recent big', true, 0], ['Rest', false, 60],
    ]);
    expect(lint.checks[2]!.shadowedBy).toEqual(['Recent']);
    expect(lint.uncovered).toEqual([]);
  });

  it('a rule outside 1..N is dead with no shadowing rule', () => {
    const lint = lintRules([{ name: 'Six', r: [6, 6], f: [1, 5], m: [1, 5] }], 5);
    expect(lint.checks[0]).toMatchObject({ dead: true, shadowedBy: [] });
    expect(lint.uncovered).toHaveLength(125);
  });
});

describe('rules table: validation and files', () => {
  it('rejects empty, duplicate, reversed and fractional bounds', () => {
    const problems = validateRules([
      { name: 'A', r: [3, 2], f: [1, 5], m: [1, 5] },
      { name: 'A', r: [1, 1.5], f: [1, 5], m: [1, 5] },
      { name: ' ', r: [1, 1], f: [1, 5], m: [1, 5] },
    ]);
    expect(problems).toHaveLength(4);
    expect(validateRules(defaultSegmentRules)).toEqual([]);
  });

  it('reads CSV and JSON in the shape crm prints', () => {
    const csv = 'segment,segment_zh,r_low,r_high,f_low,f_high,m_low,m_high\r\nTop,顶级,5,5,4,5,4,5\r\nRest,,1,5,1,5,1,5\r\n';
    expect(parseRulesText(csv)).toEqual([
      { name: 'Top', nameZh: '顶级', r: [5, 5], f: [4, 5], m: [4, 5] },
      { name: 'Rest', r: [1, 5], f: [1, 5], m: [1, 5] },
    ]);
    const json = JSON.stringify({ rows: [{ segment: 'Top', r_low: 5, r_high: 5, f_low: 4, f_high: 5, m_low: 4, m_high: 5 }] });
    expect(parseRulesText(json)).toEqual([{ name: 'Top', r: [5, 5], f: [4, 5], m: [4, 5] }]);
    expect(() => parseRulesText('segment,r_low\nA,1\n')).toThrow(/missing column/);
  });
});

describe('cn8: R, F, M against the mean or the median', () => {
  // recency 10, 20, 30, 100 (mean 40, median 25); orders 1, 2, 3, 10 (mean 4, median 2.5);
  // revenue 100, 200, 300, 1000 units (mean 400, median 250).
  const data: RfmInputs = {
    customerIds: [1, 2, 3, 4],
    recencyDays: Float64Array.from([10, 20, 30, 100]),
    frequency: Float64Array.from([10, 1, 3, 2]),
    monetaryCents: Float64Array.from([100_000, 30_000, 10_000, 20_000]),
  };
  const names = (kind: 'mean' | 'median') => {
    const segmentation = segmentCn8(data, kind);
    return [...segmentation.segmentOf].map((index) => segmentation.labels[index]!.nameZh);
  };

  it('mean: only customer 1 beats the mean on F and M', () => {
    expect(names('mean')).toEqual(['重要价值客户', '一般发展客户', '一般发展客户', '一般挽留客户']);
  });

  it('median: F and M above the median count as high; equal is low', () => {
    // customer 2: R 20 < 25 high, F 1 low, M 300 > 250 high → 重要发展; customer 3: R 30 low, F 3 high, M 100 low → 一般保持
    expect(names('median')).toEqual(['重要价值客户', '重要发展客户', '一般保持客户', '一般挽留客户']);
  });

  it('summarises per class with orders, revenue, average order and recency; empty classes stay', () => {
    const segmentation = segmentCn8(data, 'mean');
    const summary = summariseSegments(data, segmentation);
    expect(summary).toHaveLength(8);
    expect(summary[5]).toMatchObject({ customers: 2, share: 50, orders: 4, revenueCents: 40_000, averageOrderCents: 10_000, averageRecencyDays: 25 });
    expect(summary[1]).toMatchObject({ customers: 0, averageOrderCents: null, averageRecencyDays: null });
  });
});
