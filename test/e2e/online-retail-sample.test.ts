// The README's real shop export: the UCI Online Retail sample imports as it comes, and crm rfm agrees with
// sums computed by hand from the file (quantity × unit price per customer; invoices that are not credit notes).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCrm, samples, tempDir } from '../helpers/cli.js';

interface RfmRow {
  customer_id: string;
  frequency: number;
  monetary: number;
  recency_days: number;
}

const sample = path.join(samples, 'online-retail-sample.csv');

/** Per customer from the file itself: revenue (credit notes included) and the invoices that are purchases. */
function fromFile(): Map<string, { revenue: number; invoices: Set<string> }> {
  const lines = fs.readFileSync(sample, 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  const out = new Map<string, { revenue: number; invoices: Set<string> }>();
  for (const line of lines) {
    // The only quoted field in the sample is a description; the numbers and ids are after the last quote.
    const cells = line.replace(/"[^"]*"/g, 'X').split(',');
    const [invoice, , , quantity, , unitPrice, customer] = cells as [string, string, string, string, string, string, string];
    if (customer === '') continue;
    const entry = out.get(customer) ?? { revenue: 0, invoices: new Set<string>() };
    entry.revenue += Math.round(Number(quantity) * Number(unitPrice) * 100);
    if (!invoice.startsWith('C')) entry.invoices.add(invoice);
    out.set(customer, entry);
  }
  return out;
}

describe('the UCI Online Retail sample', () => {
  it('imports as it comes and every score input matches the file', async () => {
    const db = path.join(tempDir(), 'crm.db');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    const imported = await runCrm(['--db', db, 'import', 'orders', sample, '--create-customers', '--on-error', 'skip', '--format', 'json']);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout) as { rows_read: number; new: number; rejected: number; order_lines: { lines: number; orders: number; credit_notes: number } };
    expect(summary.rows_read).toBe(2000);
    expect(summary.rejected).toBe(533);
    expect(summary.new).toBe(90);
    expect(summary.order_lines).toMatchObject({ lines: 1467, orders: 90, credit_notes: 6 });

    const rfm = await runCrm(['--db', db, 'rfm', '--as-of', '2010-12-10', '--format', 'json']);
    const rows = (JSON.parse(rfm.stdout) as { rows: RfmRow[] }).rows;
    const expected = fromFile();
    const buyers = [...expected].filter(([, entry]) => entry.invoices.size > 0);
    expect(rows).toHaveLength(buyers.length);
    for (const row of rows) {
      const entry = expected.get(row.customer_id)!;
      expect(Math.round(row.monetary * 100), row.customer_id).toBe(entry.revenue);
      expect(row.frequency, row.customer_id).toBe(entry.invoices.size);
    }
    const byId = new Map(rows.map((row) => [row.customer_id, row]));
    expect(byId.get('17850')).toMatchObject({ frequency: 10, monetary: 1499.34 });
    expect(byId.get('16029')).toMatchObject({ frequency: 2, monetary: 3702.12 });
  });
});
