// crm export's writers: CSV a spreadsheet cannot execute (and that crm import reads back) and JSON.
import path from 'node:path';
import { exportRows, exportTable, type ExportKind, type ExportValue } from '../db/export.js';
import type { Sql } from '../db/engine/sql.js';
import { AtomicFile, type OutputTarget } from '../files/atomic-file.js';
import { centsToUnits, formatCents } from '../util/money.js';

export type ExportFormat = 'csv' | 'json';

/** Where the text goes; returns a promise when the consumer wants us to wait (backpressure). */
export type Sink = (chunk: string) => void | Promise<void>;

/** A number as plain decimal text, never in exponent form (the import reads plain decimals). */
export function plainNumber(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/**
 * A CSV cell. Text starting with = + - @ tab or CR would run as a formula in a spreadsheet: it gets a
 * leading ' (as Excel writes it), and crm import takes exactly one such ' off again. Numbers we
 * format ourselves ("-3.50") are plain decimals and stay numbers.
 */
export function exportCell(value: ExportValue, numeric: boolean): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? plainNumber(value) : value;
  if (!numeric && /^'*[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const CHUNK = 64 * 1024;

/** Writes one kind in one format to the sink; returns the number of rows. */
export async function writeExport(sql: Sql, kind: ExportKind, format: ExportFormat, sink: Sink): Promise<number> {
  const table = await exportTable(kind, sql);
  const money = new Set(table.money);
  const numeric = new Set([...table.money, ...table.numeric]);
  let buffer = '';
  let rows = 0;
  const flush = async (): Promise<void> => {
    if (buffer) await sink(buffer);
    buffer = '';
  };
  // A BOM so that Excel opens Chinese text correctly; crm import reads it back.
  buffer = format === 'csv' ? `\uFEFF${table.columns.join(',')}\r\n` : '[';
  for await (const batch of exportRows(sql, table)) {
    for (const row of batch) {
      if (format === 'csv') {
        buffer += table.columns
          .map((column) => {
            const value = row[column] ?? null;
            return exportCell(money.has(column) && typeof value === 'number' ? formatCents(value, false) : value, numeric.has(column));
          })
          .join(',') + '\r\n';
      } else {
        const out: Record<string, ExportValue> = {};
        for (const column of table.columns) {
          const value = row[column] ?? null;
          out[column] = money.has(column) && typeof value === 'number' ? centsToUnits(value) : value;
        }
        buffer += `${rows === 0 ? '\n  ' : ',\n  '}${JSON.stringify(out)}`;
      }
      rows += 1;
      if (buffer.length >= CHUNK) {
        const pending = buffer;
        buffer = '';
        // The sink may be asynchronous; the read stays open meanwhile (its transaction is the snapshot).
        await sink(pending);
      }
    }
  }
  if (format === 'json') buffer += rows === 0 ? ']\n' : '\n]\n';
  await flush();
  return rows;
}

/**
 * Writes one kind to DIR/KIND.csv|json through a new temporary file (0600: it is the customer file),
 * renamed into place when complete; on any failure nothing is left behind (files/atomic-file.ts).
 */
export async function exportToFile(sql: Sql, kind: ExportKind, format: ExportFormat, directory: string, target: OutputTarget): Promise<{ file: string; rows: number }> {
  const file = path.join(directory, `${kind}.${format}`);
  const output = AtomicFile.create(file, { ...target, shown: path.join(target.shown ?? directory, `${kind}.${format}`) });
  try {
    const rows = await writeExport(sql, kind, format, (chunk) => output.write(chunk));
    output.commit();
    return { file, rows };
  } catch (error) {
    output.abort();
    throw error;
  }
}
