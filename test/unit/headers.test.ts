import { describe, expect, it } from 'vitest';
import { CrmError } from '../../src/errors.js';
import { mapHeaders, normaliseHeader, parseMapOverrides } from '../../src/import/headers.js';

describe('normaliseHeader', () => {
  it.each([
    ['Customer ID', 'customer_id'],
    [' customer-id ', 'customer_id'],
    ['CUSTOMER_ID', 'customer_id'],
    ['\uFEFFcustomer_id', 'customer_id'],
    ['Order.Date', 'order_date'],
    ['金额(元)', '金额'],
    ['金额（元）', '金额'],
    ['Amount ($)', 'amount'],
    ['客户编号', '客户编号'],
  ])('%j → %j', (header, key) => {
    expect(normaliseHeader(header)).toBe(key);
  });
});

describe('mapHeaders', () => {
  it('maps English aliases and lists unknown columns', () => {
    const mapping = mapHeaders('f.csv', ['ID', 'Full Name', 'E-mail', 'Mobile', 'Shoe size'], 'customers');
    expect(mapping.columns).toEqual(['customer_id', 'name', 'email', 'phone', null]);
    expect(mapping.unknown).toEqual(['Shoe size']);
  });

  it('maps Chinese headers', () => {
    const mapping = mapHeaders('f.csv', ['客户编号', '客户名称', '邮箱', '手机', '城市', '负责人', '建档日期'], 'customers');
    expect(mapping.columns).toEqual(['customer_id', 'name', 'email', 'phone', 'city', 'owner', 'created_at']);
    const orders = mapHeaders('o.csv', ['订单编号', '客户编号', '下单日期', '金额', '成本', '数量'], 'orders');
    expect(orders.columns).toEqual(['order_id', 'customer_id', 'order_date', 'amount', 'cost', 'quantity']);
  });

  it('in an order file "id" is the order id and "revenue" the amount', () => {
    const mapping = mapHeaders('o.csv', ['id', 'customer', 'date', 'revenue'], 'orders');
    expect(mapping.columns).toEqual(['order_id', 'customer_id', 'order_date', 'amount']);
  });

  it('accepts first and last name in place of name', () => {
    expect(mapHeaders('f.csv', ['customer_id', 'first_name', 'last_name'], 'customers').columns).toEqual(['customer_id', 'first_name', 'last_name']);
  });

  it('--map overrides the alias table and can drop a column', () => {
    const overrides = parseMapOverrides(['Kundennummer=customer_id', 'Name=-'], 'customers');
    const mapping = mapHeaders('f.csv', ['Kundennummer', 'Name', 'Nachname'], 'customers', new Map([...overrides, ['nachname', 'name']]));
    expect(mapping.columns).toEqual(['customer_id', null, 'name']);
    expect(mapping.unknown).toEqual([]);
  });

  it('names the missing required column, with exit code 3', () => {
    try {
      mapHeaders('orders.csv', ['order_id', 'customer_id', 'amount'], 'orders');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CrmError);
      expect((error as CrmError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(/^orders\.csv: line 1: missing required column order_date/);
    }
  });

  it('refuses two columns for one field', () => {
    expect(() => mapHeaders('f.csv', ['customer_id', 'name', '姓名'], 'customers')).toThrow(/both map to field name/);
  });

  it('rejects a --map to an unknown field as a usage error', () => {
    expect(() => parseMapOverrides(['X=favourite_colour'], 'customers')).toThrow(/unknown field "favourite_colour"/);
    expect(() => parseMapOverrides(['no-equals-sign'], 'customers')).toThrow(/expected "Their Header=field"/);
  });
});
