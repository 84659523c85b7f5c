import { describe, expect, it } from 'vitest';
import { formatCents, formatNumber, otherDecimalMarkReading, parseMoneyToCents } from '../../src/util/money.js';

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

// Decimal marks (issue 17): each case worked out by hand.
describe('parseMoneyToCents: decimal marks and full-width digits', () => {
  it.each([
    // without --decimal-comma: a comma groups thousands, the dot is the decimal point
    ['1,234.50', false, 123450],
    ['1,234', false, 123400],
    ['0.425', false, 43], // a short whole part of 0 cannot be a thousands group: rounded as before
    ['1234.567', false, 123457],
    ['1.5', false, 150],
    ['1.23', false, 123],
    ['12.5000', false, 1250], // four decimals are not a thousands group
    // full-width digits and punctuation
    ['１２.００', false, 1200],
    ['￥１２', false, 1200],
    ['１，２３４．５０', false, 123450],
    ['－３.５', false, -350],
    ['（１２.００）', false, -1200],
    // --decimal-comma: a comma before the decimals, dots or spaces between thousands
    ['1.234,50', true, 123450],
    ['99,95', true, 9995],
    ['1.234', true, 123400],
    ['1.234.567,8', true, 123456780],
    ['1 234,50', true, 123450],
    ['12', true, 1200],
    ['0,5', true, 50],
    [',5', true, 50],
    ['-3,5', true, -350],
    ['(12,00)', true, -1200],
    ['€ 1.234,50', true, 123450],
    ['¥-3,50', true, -350],
    ['12,345', false, 1234500],
    ['１２,００', true, 1200],
  ])('%j (decimal comma: %s) → %i cents', (text, decimalComma, cents) => {
    expect(parseMoneyToCents(text, { decimalComma })).toBe(cents);
  });

  it.each([
    ['1.234', false], // a thousands dot, or three decimals? refused, not 1.23
    ['12.500', false],
    ['999.999', false],
    ['-1.234', false],
    ['¥1.234', false],
    ['1.234.567', false],
    ['99,95', false],
    ['1.234,50', false],
    ['1,234', true], // the same question the other way round
    ['12.50', true], // a decimal point under --decimal-comma
    ['1,2,3', true],
    ['1.23,4.5', true],
  ])('rejects %j (decimal comma: %s)', (text, decimalComma) => {
    expect(parseMoneyToCents(text, { decimalComma })).toBeNull();
  });

  it('says what the other decimal mark would read, and whether the text was ambiguous', () => {
    expect(otherDecimalMarkReading('1.234')).toEqual({ cents: 123400, ambiguous: true });
    expect(otherDecimalMarkReading('-1.234')).toEqual({ cents: -123400, ambiguous: true });
    expect(otherDecimalMarkReading('99,95')).toEqual({ cents: 9995, ambiguous: false });
    expect(otherDecimalMarkReading('1,234', { decimalComma: true })).toEqual({ cents: 123400, ambiguous: true });
    expect(otherDecimalMarkReading('12.50', { decimalComma: true })).toEqual({ cents: 1250, ambiguous: false });
    expect(otherDecimalMarkReading('abc')).toBeNull();
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
