// The PostgreSQL bulk import (db/import-postgres.ts) when its COPY fails or the input breaks off part-way: the server is
// left exactly as before, and the connection is free for the next command.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PgSql } from '../../src/db/engine/postgres.js';
import { openStore } from '../../src/db/open-store.js';
import { importFile } from '../../src/import/run.js';
import { businessDataOf, newDatabase, postgresAvailable, tableCounts } from '../helpers/engines.js';

const now = () => new Date('2026-11-23T10:00:00Z');

function ordersCsv(count: number): string {
  const lines = ['order_id,customer_id,order_date,amount'];
  for (let index = 0; index < count; index += 1) lines.push(`O${index},C${index % 50},2026-01-${String((index % 28) + 1).padStart(2, '0')},${(index % 97) + 1}.50`);
  return lines.join('\n') + '\n';
}

async function filled(): Promise<{ url: string; sql: PgSql }> {
  const url = await newDatabase('postgres');
  const sql = (await openStore({ engine: 'postgres', url }, { create: true })) as PgSql;
  const customers = ['customer_id,name', ...Array.from({ length: 50 }, (_, index) => `C${index},Name ${index}`)].join('\n') + '\n';
  await importFile(sql, { kind: 'customers', file: '-', input: Readable.from([customers]), now });
  await importFile(sql, { kind: 'orders', file: '-', input: Readable.from([ordersCsv(100)]), now });
  return { url, sql };
}

describe.skipIf(!postgresAvailable)('PostgreSQL bulk import, when it fails part-way', () => {
  it('a COPY the server refuses after rows were sent leaves the database as it was', async () => {
    const { url, sql } = await filled();
    try {
      const counts = await tableCounts(url);
      const data = await businessDataOf(url);
      // Make the server read the staged rows as CSV: the first row it parses is wrong, while more are still being sent.
      const query = sql.client.query.bind(sql.client) as (...args: unknown[]) => unknown;
      (sql.client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
        const copy = config as { text?: string };
        if (typeof copy?.text === 'string' && copy.text.startsWith('COPY import_stage')) copy.text += ' WITH (FORMAT csv)';
        return query(config, ...rest);
      };
      const failed = await importFile(sql, { kind: 'orders', file: '-', input: Readable.from([ordersCsv(60_000)]), now }).then(
        () => null,
        (error: Error) => error,
      );
      expect(failed?.message).toMatch(/invalid input syntax/);
      expect(await tableCounts(url)).toEqual(counts);
      expect(await businessDataOf(url)).toEqual(data);
      // The connection is usable: no transaction was left open.
      expect(await sql.value('SELECT count(*) FROM import_runs')).toBe(2);
    } finally {
      await sql.close();
    }
  });

  it('input that breaks off part-way (after COPY began) leaves the database as it was', async () => {
    const { url, sql } = await filled();
    try {
      const counts = await tableCounts(url);
      const text = ordersCsv(60_000);
      async function* broken(): AsyncIterable<Buffer> {
        yield Buffer.from(text.slice(0, text.length / 2));
        throw new Error('the pipe broke');
      }
      const failed = await importFile(sql, { kind: 'orders', file: '-', input: Readable.from(broken()), now }).then(
        () => null,
        (error: Error) => error,
      );
      expect(failed?.message).toContain('the pipe broke');
      expect(await tableCounts(url)).toEqual(counts);
      // The next import on the same connection runs normally.
      const again = await importFile(sql, { kind: 'orders', file: '-', input: Readable.from([ordersCsv(100)]), now });
      expect(again).toMatchObject({ rowsNew: 0, rowsUnchanged: 100 });
    } finally {
      await sql.close();
    }
  });

  it('a bad row under --on-error abort in a large file leaves the database as it was', async () => {
    const { url, sql } = await filled();
    try {
      const counts = await tableCounts(url);
      const text = ordersCsv(30_000).replace('\nO29000,', '\nO29000,C99999,2026-01-01,1\nO29000b,');
      const failed = await importFile(sql, { kind: 'orders', file: '-', input: Readable.from([text]), now }).then(
        () => null,
        (error: Error) => error,
      );
      expect(failed?.message).toContain('1 row rejected; nothing was written');
      expect(await tableCounts(url)).toEqual(counts);
    } finally {
      await sql.close();
    }
  });
});

describe.skipIf(!postgresAvailable)('PostgreSQL: a read in batches inside a transaction begun by a plain BEGIN', () => {
  it('reads in that transaction and commits nothing: a ROLLBACK after it still takes everything back', async () => {
    const { url, sql } = await filled();
    try {
      const before = await tableCounts(url);
      await sql.exec('BEGIN');
      await sql.run("UPDATE customers SET name = 'changed' WHERE external_id = 'C1'");
      let read = 0;
      for await (const batch of sql.batches<{ name: string }>('SELECT name FROM customers ORDER BY id', undefined, 7)) read += batch.length;
      expect(read).toBe(50);
      expect(sql.inTransaction).toBe(true);
      // still inside the same transaction: the change is visible here, and gone after the ROLLBACK
      expect(await sql.value("SELECT name FROM customers WHERE external_id = 'C1'")).toBe('changed');
      await sql.exec('ROLLBACK');
      expect(sql.inTransaction).toBe(false);
      expect(await sql.value("SELECT name FROM customers WHERE external_id = 'C1'")).toBe('Name 1');
      expect(await tableCounts(url)).toEqual(before);
    } finally {
      await sql.close();
    }
  });
});
