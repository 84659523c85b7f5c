import { describe, expect, it } from 'vitest';
import { mapHeaders } from '../../src/import/headers.js';
import { validateRecord } from '../../src/import/validate.js';

const customerHeaders = ['customer_id', 'name', 'email', 'phone', 'created_at'];
const customers = mapHeaders('c.csv', customerHeaders, 'customers');
const orderHeaders = ['order_id', 'customer_id', 'order_date', 'amount', 'cost', 'quantity'];
const orders = mapHeaders('o.csv', orderHeaders, 'orders');

describe('validateRecord: customers', () => {
  it('builds the row from the mapped columns', () => {
    expect(validateRecord('customers', ['C1', ' 王芳 ', 'wang@example.cn', '138 0013 8000', '2026年3月1日'], customers)).toEqual({
      kind: 'customers',
      externalId: 'C1',
      values: { name: '王芳', email: 'wang@example.cn', phone: '138 0013 8000', created_at: '2026-03-01T00:00:00Z' },
    });
  });

  it.each([
    [['', 'A', '', '', ''], 'customer_id', 'required value is empty'],
    [['C1', '', '', '', ''], 'name', 'required value is empty'],
    [['C1', 'A', 'not-an-email', '', ''], 'email', 'not a valid e-mail address'],
    [['C1', 'A', 'a@b', '', ''], 'email', 'not a valid e-mail address'],
    [['C1', 'A', '', '12', ''], 'phone', 'not a valid phone number'],
    [['C1', 'A', '', 'call me', ''], 'phone', 'not a valid phone number'],
    [['C1', 'A', '', '', '2026-02-30'], 'created_at', 'not a valid date'],
    [['C1', 'A\u0000B', '', '', ''], 'name', 'contains a NUL byte'],
  ])('%j is rejected on %s', (record, field, reason) => {
    const result = validateRecord('customers', record, customers);
    expect(result).toMatchObject({ field });
    expect((result as { reason: string }).reason).toContain(reason);
  });

  it('accepts phone numbers in the usual notations', () => {
    for (const phone of ['+86 138-0013-8000', '(021) 6234 5678', '13800138000', '021-62345678 转 123']) {
      expect(validateRecord('customers', ['C1', 'A', '', phone, ''], customers)).toMatchObject({ kind: 'customers' });
    }
  });
});

describe('validateRecord: orders', () => {
  it('turns amounts into cents and dates into ISO', () => {
    expect(validateRecord('orders', ['O1', 'C1', '2026/3/1', '¥1,280.50', '600', '2'], orders)).toMatchObject({
      externalId: 'O1', customerExternalId: 'C1', orderDate: '2026-03-01', amountCents: 128050, costCents: 60000, quantity: 2,
    });
  });

  it('an empty order id or cost is absent, not an error', () => {
    expect(validateRecord('orders', ['', 'C1', '2026-03-01', '10', '', ''], orders)).toMatchObject({ externalId: null, costCents: null, quantity: null });
  });

  it.each([
    [['O1', 'C1', '2026-03-01', 'NaN', '', ''], 'amount'],
    [['O1', 'C1', '2026-03-01', '1e400', '', ''], 'amount'],
    [['O1', 'C1', '03-01-26', '10', '', ''], 'order_date'],
    [['O1', 'C1', '2026-03-01', '10', 'free', ''], 'cost'],
    [['O1', 'C1', '2026-03-01', '10', '', 'two'], 'quantity'],
  ])('%j is rejected on %s', (record, field) => {
    expect(validateRecord('orders', record, orders)).toMatchObject({ field });
  });

  it('reads day-first dates only when asked', () => {
    expect(validateRecord('orders', ['O1', 'C1', '22/11/2026', '10', '', ''], orders)).toMatchObject({ field: 'order_date' });
    expect(validateRecord('orders', ['O1', 'C1', '22/11/2026', '10', '', ''], orders, { dayFirst: true })).toMatchObject({ orderDate: '2026-11-22' });
  });
});

// Issue 17: shop files as they come. The reasons are what the import prints after `file:line: field "value":`.
describe('validateRecord: rejected dates and amounts say what would read them', () => {
  it.each([
    ['13/11/2026', false, 'not a date month first; with --day-first it reads 2026-11-13'],
    ['13/1/2010 8:34', false, 'not a date month first; with --day-first it reads 2010-01-13'],
    ['11/22/2026', true, 'not a date day first; without --day-first it reads 2026-11-22'],
    ['13/13/2026', false, 'not a valid date (expected e.g. 2026-11-22, 2026/11/22, 11/22/2026, 22-Nov-2026 or 2026年11月22日)'],
    ['2026-02-30', false, 'not a valid date (expected'],
    ['12-01-10', false, 'a two-digit year after "-" could be the first number as well; write the year with four digits'],
    ['1/2/1850', false, 'outside the dates crm accepts (1900-01-01 to 2200-12-31)'],
  ])('order_date %j (day first: %s): %s', (date, dayFirst, reason) => {
    const result = validateRecord('orders', ['O1', 'C1', date, '10', '', ''], orders, { dayFirst });
    expect(result).toMatchObject({ field: 'order_date', value: date });
    expect((result as { reason: string }).reason).toContain(reason);
  });

  it.each([
    ['1.234', false, 'three digits after the dot, a thousands separator or three decimals? With --decimal-comma it reads 1234.00'],
    ['99,95', false, 'not an amount with a decimal point; with --decimal-comma it reads 99.95'],
    ['1,234', true, 'three digits after the comma, a thousands separator or three decimals? Without --decimal-comma it reads 1234.00'],
    ['12.50', true, 'not an amount with a decimal comma; without --decimal-comma it reads 12.50'],
    ['ten', false, 'not an amount (expected e.g. 1234.50, 1,234.50 or ¥1234)'],
    ['ten', true, 'not an amount (expected e.g. 1.234,50, 99,95 or ¥1234 under --decimal-comma)'],
  ])('amount %j (decimal comma: %s): %s', (amount, decimalComma, reason) => {
    expect(validateRecord('orders', ['O1', 'C1', '2026-03-01', amount, '', ''], orders, { decimalComma })).toEqual({ field: 'amount', value: amount, reason });
  });

  it('reads amounts, costs and quantities with a decimal comma under --decimal-comma', () => {
    expect(validateRecord('orders', ['O1', 'C1', '2026-03-01', '1.234,50', '99,95', '1,5'], orders, { decimalComma: true })).toMatchObject({
      amountCents: 123450, costCents: 9995, quantity: 1.5,
    });
  });

  it.each([
    ['2', false, 2],
    ['1,234', false, 1234],
    ['1.5', false, 1.5],
    ['２', false, 2],
    ['1,5', true, 1.5],
    ['1.234', true, 1234],
    ['1.234,5', true, 1234.5],
  ])('quantity %j (decimal comma: %s) → %d', (quantity, decimalComma, value) => {
    expect(validateRecord('orders', ['O1', 'C1', '2026-03-01', '10', '', quantity], orders, { decimalComma })).toMatchObject({ quantity: value });
  });

  it.each([
    ['1,5', false], // was read as 15
    ['1,2345', false],
    ['1.5', true],
  ])('quantity %j (decimal comma: %s) is not a number', (quantity, decimalComma) => {
    expect(validateRecord('orders', ['O1', 'C1', '2026-03-01', '10', '', quantity], orders, { decimalComma })).toMatchObject({ field: 'quantity' });
  });
});

describe('validateRecord: ids a spreadsheet wrote as numbers', () => {
  it.each([
    ['12923.0', '12923'],
    ['12923.00', '12923'],
    ['0.0', '0'],
    ['12923', '12923'],
    ['12923.5', '12923.5'], // not a whole number: an id as it is
    ['C100.0', 'C100.0'], // not a number at all
    ['1.0e3', '1.0e3'],
    ['536365.0', '536365'],
  ])('%j → %j in the id columns, counted', (written, read) => {
    const stats = { floatIds: 0, floatIdExample: null };
    const row = validateRecord('orders', [written, written, '2026-03-01', '10', '', ''], orders, { stats });
    expect(row).toMatchObject({ externalId: read, customerExternalId: read });
    expect(stats.floatIds).toBe(written === read ? 0 : 2);
    expect(stats.floatIdExample).toBe(written === read ? null : written);
  });

  it('reads ids in every kind, and leaves other columns alone', () => {
    const stats = { floatIds: 0, floatIdExample: null };
    const payments = mapHeaders('p.csv', ['payment_id', 'customer_id', 'order_id', 'paid_on', 'amount', 'method'], 'payments');
    expect(validateRecord('payments', ['7.0', '17850.0', '536365.0', '2026-03-01', '10', '3.0'], payments, { stats })).toMatchObject({
      externalId: '7', customerExternalId: '17850', orderExternalId: '536365', method: '3.0',
    });
    expect(validateRecord('customers', ['17850.0', '100.0', '', '', ''], customers, { stats })).toMatchObject({ externalId: '17850', values: { name: '100.0' } });
    expect(stats).toEqual({ floatIds: 4, floatIdExample: '7.0' });
  });
});
