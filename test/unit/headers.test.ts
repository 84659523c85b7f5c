import { describe, expect, it } from 'vitest';
import { CrmError } from '../../src/errors.js';
import { importKinds, kindFields } from '../../src/import/fields.js';
import { mapHeaders, normaliseHeader, parseMapOverrides } from '../../src/import/headers.js';

describe('normaliseHeader', () => {
  it.each([
    ['Customer ID', 'customerid'],
    [' customer-id ', 'customerid'],
    ['CUSTOMER_ID', 'customerid'],
    ['CustomerID', 'customerid'],
    ['customerid', 'customerid'],
    ['customer__id', 'customerid'],
    ['Customer - ID', 'customerid'],
    ['\uFEFFcustomer_id', 'customerid'],
    ['Order.Date', 'orderdate'],
    ['InvoiceDate', 'invoicedate'],
    ['Invoice No', 'invoiceno'],
    ['客户 编号', '客户编号'],
    ['金额(元)', '金额'],
    ['金额（元）', '金额'],
    ['Amount ($)', 'amount'],
    ['客户编号', '客户编号'],
  ])('%j → %j', (header, key) => {
    expect(normaliseHeader(header)).toBe(key);
  });
});

describe('the alias table', () => {
  it.each(importKinds)('%s: no two fields share a header once case, spaces, "-", "_" and "." are dropped', (kind) => {
    const owner = new Map<string, string>();
    const collisions: string[] = [];
    for (const field of kindFields[kind].fields) {
      for (const alias of [field.name, ...field.aliases]) {
        const key = normaliseHeader(alias);
        const first = owner.get(key);
        if (first !== undefined && first !== field.name) collisions.push(`${alias}: ${first} and ${field.name}`);
        else owner.set(key, field.name);
      }
    }
    expect(collisions).toEqual([]);
  });

  it.each(importKinds)('%s: every field name is matched as a header', (kind) => {
    const mapping = mapHeaders('f.csv', kindFields[kind].fields.map((field) => field.name), kind);
    expect(mapping.columns).toEqual(kindFields[kind].fields.map((field) => field.name));
  });
});

describe('mapHeaders', () => {
  it.each([
    [['CustomerID', 'OrderDate', 'Amount'], ['customer_id', 'order_date', 'amount']],
    [['customerid', 'orderdate', 'AMOUNT'], ['customer_id', 'order_date', 'amount']],
    [['InvoiceNo', 'InvoiceDate', 'CustomerID', 'Amount'], ['order_id', 'order_date', 'customer_id', 'amount']],
    [['Invoice', 'Invoice-Date', 'customer id', 'total'], ['order_id', 'order_date', 'customer_id', 'amount']],
    [['Invoice Number', 'Order_Date', 'Customer-No', 'Order Amount'], ['order_id', 'order_date', 'customer_id', 'amount']],
  ])('orders header %j → %j', (headers, fields) => {
    expect(mapHeaders('o.csv', headers, 'orders').columns).toEqual(fields);
  });

  it('a UCI Online Retail header: the invoice number, date and customer id match (the line-item columns are for the order-line import)', () => {
    const headers = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country', 'Amount'];
    const mapping = mapHeaders('uci.csv', headers, 'orders');
    expect(mapping.fieldIndex.get('order_id')).toBe(0);
    expect(mapping.fieldIndex.get('quantity')).toBe(3);
    expect(mapping.fieldIndex.get('order_date')).toBe(4);
    expect(mapping.fieldIndex.get('customer_id')).toBe(6);
  });

  it('--map keys match the same way: "Kunden Nr" and "kunden_nr" are one header', () => {
    const overrides = parseMapOverrides(['kunden_nr=customer_id'], 'customers');
    expect(mapHeaders('f.csv', ['Kunden Nr', 'Name'], 'customers', overrides).columns).toEqual(['customer_id', 'name']);
  });

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
