// exportCell: no cell a spreadsheet would execute, and crm import's reading inverts it exactly.
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportCell, plainNumber } from '../../src/export/write.js';
import { RecordReader } from '../../src/import/validate.js';

/** What the import makes of one cell's text (the trimming and the ' rule of RecordReader.text). */
function importCell(cell: string): string | null {
  const text = (parse(`${cell}\n`, { relax_quotes: true }) as string[][])[0]![0]!;
  const reader = new RecordReader([text], { columns: ['notes'], unknown: [], fieldIndex: new Map([['notes', 0]]) }, {});
  return reader.text('notes') ?? null;
}

describe('exportCell', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+86 138', "'+86 138"],
    ['-minus', "'-minus"],
    ['@home', "'@home"],
    ['\tTab', "'\tTab"],
    ["'=x", "''=x"],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
  ])('%j → %s', (value, cell) => expect(exportCell(value, false)).toBe(cell));

  it('leaves numbers we formatted as numbers', () => {
    expect(exportCell('-35.50', true)).toBe('-35.50');
    expect(exportCell(-2, true)).toBe('-2');
    expect(plainNumber(1e-7)).toBe('0.0000001');
  });

  it('property: the cell never starts like a formula, and importing it gives back the (trimmed) value', () => {
    const trigger = fc.constantFrom('=', '+', '-', '@', "'", "'=", ' ', '"', ',', '\n');
    const value = fc.tuple(fc.array(trigger, { maxLength: 3 }), fc.string({ maxLength: 12 })).map(([prefix, rest]) => prefix.join('') + rest);
    fc.assert(
      fc.property(value, (text) => {
        fc.pre(!text.includes('\0') && !/^\s|\s$/.test(text) && text !== '');
        const cell = exportCell(text, false);
        const unquoted = cell.startsWith('"') ? cell.slice(1) : cell;
        expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
        expect(importCell(cell)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
