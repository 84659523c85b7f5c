// Rows that do not fit the header, and spreadsheet total lines (issue 17): parseCsv, line by line.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ImportKind } from '../../src/import/fields.js';
import { parseCsv, type ParsedItem, type TotalRow } from '../../src/import/parse.js';

async function parse(text: string, kind: ImportKind = 'orders', batchSize?: number): Promise<{ items: ParsedItem[]; totals: TotalRow[] }> {
  const items: ParsedItem[] = [];
  let totals: TotalRow[] = [];
  for await (const event of parseCsv(Readable.from([Buffer.from(text)]), { kind, label: 'f.csv', batchSize })) {
    if (event.type === 'batch') items.push(...event.items);
    if (event.type === 'end') totals = event.totalRows;
  }
  return { items, totals };
}

/** Each data line as "line: ok amount/cost" or "line: reason". */
const outcome = (item: ParsedItem): string => {
  if (item.rejection) return `${item.line}: ${item.rejection.reason}`;
  const row = item.row as { amountCents?: number; costCents?: number | null };
  return `${item.line}: ok ${row.amountCents}/${row.costCents}`;
};

const header = 'customer_id,order_date,amount,cost\n';

describe('rows wider or narrower than the header', () => {
  it.each([
    [
      'an amount 1,280.00 without quotes, among rows as wide as the header',
      `${header}C1000,2026-11-01,99.00,\nC1001,2026-11-02,1,280.00,\n`,
      ['2: ok 9900/null', '3: has 5 fields but the header has 4 and the rows before have 4; "1,280.00" looks like one amount cut in two by its comma: put it in quotes ("1,280.00") or write it without the comma'],
    ],
    [
      'the cut amount on the first data row: the next row shows the file is as wide as its header',
      `${header}C1001,2026-11-02,1,280.00,\nC1000,2026-11-01,99.00,\n`,
      ['2: has 5 fields but the header has 4; "1,280.00" looks like one amount cut in two by its comma: put it in quotes ("1,280.00") or write it without the comma', '3: ok 9900/null'],
    ],
    [
      'a value in a column without a header',
      `${header}C1001,2026-11-02,10,5,extra\n`,
      ['2: has 5 fields but the header has 4; the values after column 4 have no header'],
    ],
    [
      'a separator at the end of every line (the file writes its rows so): fine',
      `${header}C1,2026-11-01,10,5,\nC1,2026-11-02,20,,\nC1,2026-11-03,30,1,,\n`,
      ['2: ok 1000/500', '3: ok 2000/null', '4: has 6 fields but the header has 4 and the rows before have 5; a value with the delimiter in it, not in quotes?'],
    ],
    [
      'missing cells at the end of a row are empty',
      `${header}C1,2026-11-01,10\nC1,2026-11-02,20,5\n`,
      ['2: ok 1000/null', '3: ok 2000/500'],
    ],
    [
      'a required cell missing at the end is still required',
      `${header}C1,2026-11-01\n`,
      ['2: required value is empty'],
    ],
    [
      'a row of one field is refused (a note, or the wrong delimiter)',
      `${header}just a note\n`,
      ['2: has 1 field but the header has 4 (separated by spaces? use --delimiter whitespace)'],
    ],
  ])('%s', async (_name, text, expected) => {
    expect((await parse(text)).items.map(outcome)).toEqual(expected);
  });

  it('holds the first row back until the second has been seen, whatever the batch size', async () => {
    const { items } = await parse(`${header}C1001,2026-11-02,1,280.00,\nC1000,2026-11-01,99.00,\n`, 'orders', 1);
    expect(items.map((item) => Boolean(item.rejection))).toEqual([true, false]);
    expect(items[0]!.row).toBeUndefined();
  });
});

describe('spreadsheet total lines', () => {
  it.each([
    ['合计', `${header}C1,2026-11-01,10,\n合计,,10,\n`],
    ['总计：', `${header}C1,2026-11-01,10,\n总计：,,10,\n`],
    ['小计', `${header}C1,2026-11-01,10,\n小计,,10,\n`],
    ['Total', `${header}C1,2026-11-01,10,\nTotal,,10,\n`],
    ['TOTAL:', `${header}C1,2026-11-01,10,\nTOTAL:,,10,\n`],
    ['Grand total', `${header}C1,2026-11-01,10,\nGrand total,,10,\n`],
    ['Sub-total', `${header}C1,2026-11-01,10,\nSub-total,,10,\n`],
  ])('%j is skipped and listed, not read as a row', async (word, text) => {
    const { items, totals } = await parse(text);
    expect(items.map(outcome)).toEqual(['2: ok 1000/null']);
    expect(totals).toEqual([{ line: 3, text: word }]);
  });

  it('in the name column of a customers file, or the order id column: skipped', async () => {
    const customers = await parse('customer_id,name,city\nC1,Ann,Shanghai\n,合计,3\n', 'customers');
    expect(customers.items).toHaveLength(1);
    expect(customers.totals).toEqual([{ line: 3, text: '合计' }]);
    const orders = await parse('InvoiceDate,InvoiceNo,CustomerID,Amount\n2026-11-01,536365,17850,10\n,Total,,10\n');
    expect(orders.items).toHaveLength(1);
    expect(orders.totals).toEqual([{ line: 3, text: 'Total' }]);
  });

  it.each([
    ['Totally Tea', 'customer_id,name\nC1,Totally Tea\n'],
    ['合计茶行', 'customer_id,name\nC1,合计茶行\n'],
    ['a total in a column that is not an id or name', 'customer_id,name,notes\nC1,Ann,Total\n'],
  ])('%s: a row like any other', async (_name, text) => {
    const { items, totals } = await parse(text, 'customers');
    expect(items.map((item) => item.rejection)).toEqual([undefined]);
    expect(totals).toEqual([]);
  });
});
