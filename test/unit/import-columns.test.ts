// --delimiter whitespace, --columns and --no-header: the pure parts (decode.ts, headers.ts).
import { describe, expect, it } from 'vitest';
import { parseDelimiter, whitespaceToTabs } from '../../src/import/decode.js';
import { mapNamedColumns, parseColumnList } from '../../src/import/headers.js';
import { parseDate } from '../../src/util/dates.js';

describe('whitespaceToTabs', () => {
  it('turns each run of spaces and tabs into one tab and drops spaces at the ends of lines', () => {
    const convert = whitespaceToTabs();
    expect(convert(' 00004 0001 19970101  2   29.33\r\n 00004\t0001 19970118 2 29.73  \n')).toBe(
      '00004\t0001\t19970101\t2\t29.33\r\n00004\t0001\t19970118\t2\t29.73\n',
    );
  });

  it('keeps state across chunks: a run of spaces cut in two is still one separator, a line start stays a line start', () => {
    const convert = whitespaceToTabs();
    const chunks = [' 00004 00', '01   ', '  19970101 2 29.33 ', '\n', '   00005 1 19970102 1 1.00'];
    expect(chunks.map(convert).join('')).toBe('00004\t0001\t19970101\t2\t29.33\n00005\t1\t19970102\t1\t1.00');
  });

  it('copies a quoted field verbatim, spaces and tabs and "" included, even across chunks; a quote inside a field is plain', () => {
    const convert = whitespaceToTabs();
    expect(convert(' Q1  "Zhang  San" 19970101 10.00\nQ2 "O Brien,\tPat ""Jr"""   5.00\nQ3 5\'10" x\n')).toBe(
      'Q1\t"Zhang  San"\t19970101\t10.00\nQ2\t"O Brien,\tPat ""Jr"""\t5.00\nQ3\t5\'10"\tx\n',
    );
    const chunked = whitespaceToTabs();
    expect(['Q1 "Zhang ', ' San"', '   1', '0 "a "', '" b"  c'].map(chunked).join('')).toBe('Q1\t"Zhang  San"\t10\t"a "" b"\tc');
  });

  it('--delimiter accepts whitespace (any case) besides , ; tab and |', () => {
    expect(parseDelimiter('whitespace')).toBe('whitespace');
    expect(parseDelimiter('Whitespace')).toBe('whitespace');
    expect(() => parseDelimiter('spaces')).toThrow(/whitespace/);
  });

  it('--delimiter takes the names its help gives: comma, semicolon, tab, pipe (any case), and \\t', () => {
    expect(parseDelimiter('comma')).toBe(',');
    expect(parseDelimiter('Semicolon')).toBe(';');
    expect(parseDelimiter('TAB')).toBe('\t');
    expect(parseDelimiter('\\t')).toBe('\t');
    expect(parseDelimiter('pipe')).toBe('|');
    expect(parseDelimiter(';')).toBe(';');
    expect(() => parseDelimiter('colon')).toThrow('--delimiter: "colon" is not supported (use , ; | or their names comma, semicolon, pipe; tab or whitespace)');
  });
});

describe('parseColumnList', () => {
  it('names the fields in order; "-" skips a column', () => {
    const columns = parseColumnList('customer_id,-,order_date,-,amount', 'orders');
    expect(columns).toEqual(['customer_id', null, 'order_date', null, 'amount']);
    expect([...mapNamedColumns(columns).fieldIndex]).toEqual([['customer_id', 0], ['order_date', 2], ['amount', 4]]);
  });

  it('rejects an unknown field, a field named twice and a missing required field, naming the flag', () => {
    expect(() => parseColumnList('customer_id,order_date,amout', 'orders')).toThrow('--columns: unknown field "amout" for orders');
    expect(() => parseColumnList('customer_id,order_date,amount,amount', 'orders')).toThrow('--columns: field "amount" is named twice');
    expect(() => parseColumnList('customer_id,-,order_date', 'orders')).toThrow('--columns: missing required field amount or unit_price for orders');
  });
});

describe('compact dates', () => {
  it('reads YYYYMMDD and rejects impossible ones', () => {
    expect(parseDate('19970101')).toBe('1997-01-01');
    expect(parseDate('19970230')).toBeNull();
  });
});
