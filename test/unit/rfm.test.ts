// RFM scores as R's rfm computes them: type-7 quantiles, +1 cuts, half-open bins; hand-worked cases.
import { describe, expect, it } from 'vitest';
import { binEdges, binOf, quantileCuts, quantileType7 } from '../../src/analysis/binning.js';
import { parseThresholds, scoreRfm } from '../../src/analysis/rfm.js';
import type { RfmInputs } from '../../src/db/analysis.js';

const inputs = (rows: [recency: number, frequency: number, monetaryUnits: number][]): RfmInputs => ({
  customerIds: rows.map((_, i) => i + 1),
  recencyDays: Float64Array.from(rows.map((row) => row[0])),
  frequency: Float64Array.from(rows.map((row) => row[1])),
  monetaryCents: Float64Array.from(rows.map((row) => row[2] * 100)),
});

const binsOf = (values: number[], bins = 5) => {
  const sorted = Float64Array.from(values).sort();
  const edges = binEdges(sorted, quantileCuts(sorted, bins));
  return values.map((value) => binOf(value, edges));
};

describe('quantileType7 (R default, numpy default)', () => {
  it.each([
    // x = 1..10: index = 1 + 9p; p = 0.2 → 2.8 → 0.2·2 + 0.8·3
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2, 2.8],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 10],
    [[7], 0.3, 7],
    [[1, 1, 1, 2], 0.8, 1.4], // index 3.4 → 0.6·1 + 0.4·2
  ])('quantile(%j, %d) = %d', (values, p, expected) => {
    expect(quantileType7(Float64Array.from(values), p)).toBeCloseTo(expected, 12);
  });

  it('builds the probabilities as R seq(0, 1, length.out = 6) does: 3 · 0.2 is a hair above 0.6', () => {
    // n = 11, k = 3: index = 1 + 10 · 0.6000000000000001 = 7.000000000000001, so R interpolates a tiny
    // step from x[7] = 10 towards x[8] = 20: the cut is just above 10 + 1 and 11 stays in bin 3, not 4.
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50]);
    const cuts = quantileCuts(sorted, 5);
    expect(cuts[2]).toBeGreaterThan(11);
    expect(cuts[2]).toBeLessThan(11 + 1e-9);
    expect(binOf(11, binEdges(sorted, cuts))).toBe(3);
  });
});

describe('R-compatible bins', () => {
  it('1..10 in five bins: cuts 3.8, 5.6, 7.4, 9.2', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantileCuts(sorted, 5).map((cut) => Math.round(cut * 1e9) / 1e9)).toEqual([3.8, 5.6, 7.4, 9.2]);
    expect(binsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  });

  it('ties: equal values share a bin (cuts 2, 2.6, 3.4, 6.6)', () => {
    expect(binsOf([1, 1, 1, 1, 2, 2, 3, 5, 8, 13])).toEqual([1, 1, 1, 1, 2, 2, 3, 4, 5, 5]);
  });

  it('ties that collapse cuts leave scores unused, as R does (cuts 2, 2, 2, 2.2)', () => {
    // bins [1,2) [2,2) [2,2) [2,2.2) [2.2,4): value 2 lands in bin 4, value 3 in bin 5.
    expect(binsOf([1, 1, 1, 1, 1, 1, 1, 1, 2, 3])).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 4, 5]);
  });

  it('all-equal values: every cut is value + 1, so everyone is in bin 1', () => {
    expect(binsOf([4, 4, 4, 4])).toEqual([1, 1, 1, 1]);
  });
});

describe('scoreRfm', () => {
  it('a single customer scores R5 F1 M1 (most recent bin, lowest F and M bins)', () => {
    const scores = scoreRfm(inputs([[30, 2, 99.5]]), { bins: 5 });
    expect([scores.rScore[0], scores.fScore[0], scores.mScore[0]]).toEqual([5, 1, 1]);
  });

  it('all-equal customers all score 511', () => {
    const scores = scoreRfm(inputs([[10, 3, 50], [10, 3, 50], [10, 3, 50]]), { bins: 5 });
    expect([...scores.rScore, ...scores.fScore, ...scores.mScore]).toEqual([5, 5, 5, 1, 1, 1, 1, 1, 1]);
  });

  it('recency is reversed: fewest days scores N', () => {
    const rows: [number, number, number][] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((days) => [days, days, days]);
    const scores = scoreRfm(inputs(rows), { bins: 5 });
    expect([...scores.rScore]).toEqual([5, 5, 5, 4, 4, 3, 3, 2, 2, 1]);
    expect([...scores.fScore]).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
    expect([...scores.mScore]).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
  });

  it('monetary is binned in currency units (cut = quantile + 1 unit, not + 1 cent)', () => {
    // revenue 10.00 .. 10.50: all quantiles lie below 10.50 and every cut is above 11, so all in bin 1.
    const scores = scoreRfm(inputs([[1, 1, 10], [1, 1, 10.25], [1, 1, 10.5]]), { bins: 5 });
    expect([...scores.mScore]).toEqual([1, 1, 1]);
  });

  it('--thresholds are used verbatim: [min, 4) [4, 5) [5, 6) [6, 8) [8, max + 1)', () => {
    const rows: [number, number, number][] = [1, 3, 4, 5, 6, 7, 8, 20].map((orders) => [100, orders, 100]);
    const scores = scoreRfm(inputs(rows), { bins: 5, thresholds: { f: [4, 5, 6, 8], r: [115, 181, 297, 482] } });
    expect([...scores.fScore]).toEqual([1, 1, 2, 3, 4, 4, 5, 5]);
    expect(scores.rScore[0]).toBe(5); // 100 days < 115
    expect(scores.bins).toEqual({ r: 5, f: 5, m: 5 });
  });

  it('no customers: no scores, no error', () => {
    const scores = scoreRfm(inputs([]), { bins: 5 });
    expect(scores.rScore.length).toBe(0);
  });
});

describe('parseThresholds', () => {
  it('reads the R example', () => {
    expect(parseThresholds('r=115,181,297,482 f=4,5,6,8 m=256,382,506,666')).toEqual({
      r: [115, 181, 297, 482], f: [4, 5, 6, 8], m: [256, 382, 506, 666],
    });
  });
  it.each([['x=1,2'], ['r=3,2'], ['f=1,,2'], ['m=a'], ['']])('rejects %j', (text) => {
    expect(typeof parseThresholds(text)).toBe('string');
  });
});
