import { describe, expect, it } from 'vitest';
import { formatCents, formatNumber, parseMoneyToCents } from '../../src/util/money.js';

describe('parseMoneyToCents', () => {
  it.each([
    ['0', 0],
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['.5', 50],
    ['1234.567', 123457],
    ['1234.564', 123456],
    ['1,234.50', 123450],
    ['1,234,567.89', 123456789],
    ['¥1,280.00', 128000],
    ['￥38', 3800],
    ['$12.99', 1299],
    ['€ 5', 500],
    ['12元', 1200],
    ['RMB 100', 10000],
    ['-3.5', -350],
    ['¥-3.50', -350],
    ['(12.00)', -1200],
    ['1 234.50', 123450],
    ['  42  ', 4200],
  ])('%s → %i cents', (text, cents) => {
    expect(parseMoneyToCents(text)).toBe(cents);
  });

  it.each(['', 'abc', 'sixty-eight', '1e400', 'NaN', 'Infinity', '1.2.3', '12,34', '1,2345', '--5', '99999999999999'])('rejects %j', (text) => {
    expect(parseMoneyToCents(text)).toBeNull();
  });
});

describe('formatCents', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123456789, '1,234,567.89'],
    [-350, '-3.50'],
  ])('%i → %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});

describe('formatNumber', () => {
  it.each([
    [0, 0, '0'],
    [999, 0, '999'],
    [1000, 0, '1,000'],
    [1234567.891, 2, '1,234,567.89'],
    [-1234.5, 1, '-1,234.5'],
    [-0.001, 2, '0.00'],
    [12.5, 1, '12.5'],
  ])('%d with %i decimals → %s', (value, decimals, text) => {
    expect(formatNumber(value, decimals)).toBe(text);
  });
});
