// Property-based tests of the import: random customer tables written as CSV in random ways import
// back to exactly the same records, and importing the same file twice equals importing it once.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/open.js';
import { kindFields } from '../../src/import/fields.js';
import { importFile } from '../../src/import/run.js';
import { SqliteSql } from '../../src/db/engine/sqlite.js';

const fields = ['customer_id', 'name', 'company', 'email', 'phone', 'city', 'notes'] as const;
type Field = (typeof fields)[number];
type Customer = Record<Field, string | null>;

const ascii = ' !#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~\'"';
const chinese = '张王李赵客户公司上海北京广州备注电话，。“”（）';
const other = 'éüßñØ€';

/** Excel's text prefix before a formula character, which crm import takes off (validate.ts): "'\t…" included. */
const spreadsheetTextPrefix = /^'+[=+\-@\t\r]/;

/** Text that survives the import unchanged: no outer spaces (cells are trimmed), no NUL, not a spreadsheet text prefix. */
const text = (alphabet: string, maxLength: number) =>
  fc
    .string({ unit: fc.constantFrom(...alphabet.split('')), minLength: 1, maxLength })
    .map((value) => value.trim())
    .filter((value) => value !== '' && !spreadsheetTextPrefix.test(value));
const lines = (alphabet: string) => fc.array(text(alphabet, 12), { minLength: 1, maxLength: 3 }).chain((parts) =>
  fc.constantFrom('\n', '\r\n', ', ', ';', '\t').map((separator) => parts.join(separator))).filter((value) => !spreadsheetTextPrefix.test(value));
const email = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/), fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('com', 'cn', 'de')).map(([user, host, top]) => `${user}@${host}.${top}`);
const phone = fc.tuple(fc.constantFrom('', '+86 ', '+49 '), fc.stringMatching(/^[1-9][0-9]{6,10}$/)).map(([prefix, digits]) => `${prefix}${digits}`);

function customers(alphabet: string) {
  const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
  return fc.uniqueArray(
    fc.record({
      customer_id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,9}$/),
      name: text(alphabet, 20),
      company: optional(text(alphabet, 20)),
      email: optional(email),
      phone: optional(phone),
      city: optional(text(alphabet, 10)),
      notes: optional(lines(alphabet)),
    }),
    { minLength: 1, maxLength: 25, selector: (customer) => customer.customer_id },
  );
}

type Encoding = 'utf8' | 'utf8-bom' | 'gb18030';

interface Layout {
  encoding: Encoding;
  delimiter: string;
  newline: string;
  quoteAll: boolean;
  /** The columns the file has, in file order (customer_id and name always, optional ones at random). */
  columns: Field[];
  /** Picks each column's header alias (English or Chinese). */
  aliasSeed: number[];
  upper: boolean;
}

function layout(encoding: Encoding): fc.Arbitrary<Layout> {
  return fc.record({
    encoding: fc.constant(encoding),
    delimiter: fc.constantFrom(',', ';', '\t'),
    newline: fc.constantFrom('\n', '\r\n'),
    quoteAll: fc.boolean(),
    columns: fc.shuffledSubarray(['company', 'email', 'phone', 'city', 'notes'] as Field[]).chain((optional) =>
      fc.shuffledSubarray(['customer_id', 'name', ...optional] as Field[], { minLength: optional.length + 2, maxLength: optional.length + 2 })),
    aliasSeed: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
    upper: fc.boolean(),
  });
}

/** A table and the way it is written; GB18030 files hold text GB18030 can encode. */
const writtenTable = fc.constantFrom<Encoding>('utf8', 'utf8-bom', 'gb18030').chain((encoding) =>
  fc.record({
    format: layout(encoding),
    rows: fc.constantFrom(ascii, ascii + chinese, ascii + chinese + other).chain((alphabet) => customers(encoding === 'gb18030' ? ascii + chinese : alphabet)),
  }));

function header(field: Field, seed: number, upper: boolean): string {
  const aliases = kindFields.customers.fields.find((spec) => spec.name === field)!.aliases;
  const alias = aliases[seed % aliases.length]!;
  return upper ? alias.toUpperCase().replace(/_/g, ' ') : alias;
}

function toCsv(rows: Customer[], format: Layout): Buffer {
  const cell = (value: string | null): string => {
    const raw = value ?? '';
    const needs = format.quoteAll || raw.includes('"') || raw.includes(format.delimiter) || /[\r\n]/.test(raw);
    return needs ? `"${raw.replace(/"/g, '""')}"` : raw;
  };
  const lines = [format.columns.map((field, index) => cell(header(field, format.aliasSeed[index]!, format.upper))).join(format.delimiter)];
  for (const row of rows) lines.push(format.columns.map((field) => cell(row[field])).join(format.delimiter));
  const textOut = lines.join(format.newline) + format.newline;
  if (format.encoding === 'gb18030') return iconv.encode(textOut, 'gb18030');
  return Buffer.from(format.encoding === 'utf8-bom' ? `\uFEFF${textOut}` : textOut, 'utf8');
}

function freshDb(): Database.Database {
  const db = new Database(':memory:');
  migrate(db, ':memory:');
  db.pragma('foreign_keys = ON');
  return db;
}

async function importBuffer(db: Database.Database, bytes: Buffer, encoding: Encoding) {
  return importFile(new SqliteSql(db, ':memory:'), {
    kind: 'customers', file: '-', input: Readable.from([bytes]), encoding: encoding === 'gb18030' ? 'gb18030' : undefined,
    now: () => new Date('2026-11-23T09:00:00Z'),
  });
}

const stored = (db: Database.Database) => db.prepare(`SELECT external_id AS customer_id, ${fields.slice(1).join(', ')} FROM customers ORDER BY external_id`).all();

describe('import properties', () => {
  it('random tables, written any way a spreadsheet might, import to exactly the same records; a second import changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(writtenTable, async ({ format, rows }) => {
        const bytes = toCsv(rows, format);
        const db = freshDb();
        try {
          const first = await importBuffer(db, bytes, format.encoding);
          expect(first).toMatchObject({ rowsRead: rows.length, rowsNew: rows.length, rowsRejected: 0 });
          const columns = format.columns;
          const expected = rows
            .map((row) => Object.fromEntries(fields.map((field) => [field, columns.includes(field) ? row[field] : null])))
            .sort((a, b) => (a.customer_id! < b.customer_id! ? -1 : 1));
          expect(stored(db)).toEqual(expected);
          const once = db.prepare('SELECT * FROM customers ORDER BY id').all();
          const second = await importBuffer(db, bytes, format.encoding);
          expect(second).toMatchObject({ rowsNew: 0, rowsChanged: 0, rowsUnchanged: rows.length });
          expect(db.prepare('SELECT * FROM customers ORDER BY id').all()).toEqual(once);
        } finally {
          db.close();
        }
      }),
      { numRuns: 80 },
    );
  });
});
