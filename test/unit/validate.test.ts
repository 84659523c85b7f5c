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
