// The README's round-trip promise, on the built crm: export all → import into a fresh database (in the README's
// order, campaigns made again with the command the export prints) → export all again gives the same files, byte
// for byte, for a database holding every kind of record: customers, leads and partners, orders (with order lines and a
// credit note from a line-item file), interactions with
// open and completed follow-ups and campaign contacts, payments, surveys, and open and resolved complaints.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { crmBin, spawnCrm, tempDir } from '../helpers/cli.js';

function crm(db: string, argv: string[]): { stdout: string; stderr: string } {
  const result = spawnCrm(['--db', db, ...argv]);
  if (result.code !== 0) throw new Error(`crm ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

const records = (file: string): Record<string, string>[] =>
  parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];

/** The order the README gives for importing an export. */
const importOrder = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints'];

describe('export → import → export', () => {
  it('gives byte-identical files for every kind of record, complaints and completed follow-ups included', () => {
    const dir = tempDir();
    const source = path.join(dir, 'source.db');
    // The demo: customers, 12 leads (4 dropped, 6 converted), a partner and its referrals, orders, contacts with
    // follow-ups, the autumn-letter campaign and its contacts, payments and surveys.
    expect(spawnCrm(['demo', '--db-file', source], { cwd: dir }).code).toBe(0);
    crm(source, ['complaint', 'open', 'C0001', '--summary', 'tea arrived damp', '--severity', 'high', '--at', '2026-10-02 09:15']);
    crm(source, ['complaint', 'open', 'C0002', '--summary', '=late again, "twice"\nand rude', '--severity', 'low', '--at', '2026-10-03']);
    crm(source, ['complaint', 'open', 'C0003', '--summary', '包装破损', '--owner', '李娜']);
    crm(source, ['complaint', 'resolve', '1', '--resolution', 'replaced the box, 10% off']);
    crm(source, ['log', 'C0004', '--kind', 'call', '--summary', 'wants samples', '--follow-up', '2026-12-01', '--at', '2026-11-20 10:00']);
    const open = JSON.parse(crm(source, ['followups', '--format', 'json']).stdout) as { id: number }[];
    expect(open.length).toBeGreaterThanOrEqual(3);
    crm(source, ['followups', 'done', String(open[0]!.id), '--note', 'called back, sending samples']);
    crm(source, ['followups', 'done', String(open[1]!.id)]);

    // A shop's line-item file (docs/rules.md#order-lines): an invoice of two lines apart in the file, a credit note,
    // and lines without an order id grouped by customer and time. The export then writes one row per line.
    const lineFile = path.join(dir, 'lines.csv');
    fs.writeFileSync(lineFile, [
      'order_id,customer_id,order_date,product,quantity,unit_price,cost',
      'W-1,C0001,2026-11-02,Jasmine tea 100g,2,34.20,20.00',
      'W-2,C0002,2026-11-03,"Oolong, 250g",1,88.00,',
      'W-1,C0001,2026-11-02,Tea cups (set of 4),1,59.00,31.50',
      'CN-3,C0001,2026-11-05,Tea cups (set of 4),-1,59.00,-31.50',
      ',C0003,2026-11-06T10:15:00,Jasmine tea 100g,3,34.20,',
      ',C0003,2026-11-06T10:15:00,Green tea 50g,1,19.90,',
      '',
    ].join('\n'));
    const lineImport = JSON.parse(crm(source, ['import', 'orders', lineFile, '--format', 'json']).stdout);
    expect(lineImport).toMatchObject({ rows_read: 6, new: 4, rejected: 0, order_lines: { lines: 6, orders: 4, returns: 1, grouped_without_order_id: 1 } });

    const first = path.join(dir, 'first');
    const exported = crm(source, ['export', 'all', '--output', first]);
    const orderRows = records(path.join(first, 'orders.csv'));
    expect(orderRows.filter((row) => row.order_id === 'W-1').map((row) => [row.product, row.quantity, row.unit_price, row.amount, row.cost])).toEqual([
      ['Jasmine tea 100g', '2', '34.20', '68.40', '20.00'],
      ['Tea cups (set of 4)', '1', '59.00', '59.00', '31.50'],
    ]);
    expect(orderRows.filter((row) => row.order_id === 'CN-3').map((row) => row.amount)).toEqual(['-59.00']);
    expect(fs.readdirSync(first).sort()).toEqual(importOrder.map((kind) => `${kind}.csv`).sort());

    // What the first export holds: every kind the promise names.
    const complaints = records(path.join(first, 'complaints.csv'));
    expect(complaints.map((row) => [row.customer_id, row.status, row.resolution])).toEqual([
      ['C0001', 'resolved', 'replaced the box, 10% off'],
      ['C0002', 'open', ''],
      ['C0003', 'open', ''],
    ]);
    expect(complaints[0]!.resolved_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const interactions = records(path.join(first, 'interactions.csv'));
    const done = interactions.filter((row) => row.follow_up_done_at !== '');
    expect(done).toHaveLength(2);
    expect(done.map((row) => row.follow_up_note)).toContain('called back, sending samples');
    expect(interactions.some((row) => row.follow_up_at !== '' && row.follow_up_done_at === '')).toBe(true);
    expect(interactions.some((row) => row.campaign === 'autumn-letter')).toBe(true);
    const customers = records(path.join(first, 'customers.csv'));
    expect(new Set(customers.map((row) => row.kind))).toEqual(new Set(['customer', 'lead', 'partner']));
    expect(customers.some((row) => row.dropped_at !== '' && row.drop_reason !== '')).toBe(true);
    expect(customers.some((row) => row.referred_by !== '')).toBe(true);

    // A fresh database, in the README's order; the campaign from the command the export printed.
    const copy = path.join(dir, 'copy.db');
    crm(copy, ['init']);
    const campaignCommands = exported.stderr.split('\n').filter((line) => line.startsWith('  crm campaign create ')).map((line) => line.trim());
    expect(campaignCommands).toHaveLength(1);
    for (const kind of importOrder) {
      if (kind === 'interactions') {
        for (const command of campaignCommands) {
          const made = spawnSync('sh', ['-c', command.replace(/^crm /, `"${process.execPath}" "${crmBin}" --db "${copy}" `)], { encoding: 'utf8' });
          expect(made.status, made.stderr).toBe(0);
        }
      }
      const result = JSON.parse(crm(copy, ['import', kind, path.join(first, `${kind}.csv`), '--format', 'json']).stdout);
      expect(result, kind).toMatchObject({ rejected: 0, changed: 0, unchanged: 0, unknown_columns: [] });
    }

    const second = path.join(dir, 'second');
    crm(copy, ['export', 'all', '--output', second]);
    expect(fs.readdirSync(second).sort()).toEqual(fs.readdirSync(first).sort());
    for (const name of fs.readdirSync(first)) {
      expect(fs.readFileSync(path.join(second, name), 'utf8'), name).toBe(fs.readFileSync(path.join(first, name), 'utf8'));
    }

    // And importing the same files again changes nothing: every row is matched by its id.
    for (const kind of importOrder) {
      const again = JSON.parse(crm(copy, ['import', kind, path.join(first, `${kind}.csv`), '--format', 'json']).stdout);
      expect(again, kind).toMatchObject({ new: 0, changed: 0, rejected: 0 });
    }
  });
});
