// Test-only: the rows of a SQLite crm file written into a PostgreSQL crm database with the same ids, so a test can
// build its data with commands that run on SQLite only on this branch (crm import) and then run the commands under
// test on both engines with the same data. Not crm db copy: no checks, no bookkeeping, just the rows.
import { runCrm } from './cli.js';
import { connect } from './engines.js';
import { expect } from 'vitest';

// Parents before children (interactions name campaigns; customers name their referrer, set in a second pass).
const tables = [
  'customers', 'campaigns', 'orders', 'order_lines', 'interactions', 'complaints', 'payments', 'surveys', 'import_runs', 'import_created',
  'import_changes', 'audit_log', 'snapshots', 'snapshot_customers', 'campaign_members', 'customer_aliases',
];

/** Makes a crm database at URL (crm init) holding every row of the SQLite crm file FILE. */
export async function copyRowsToPostgres(file: string, url: string): Promise<void> {
  const init = await runCrm(['--db', url, 'init']);
  expect(init.code, init.stderr).toBe(0);
  const from = await connect(file);
  const to = await connect(url);
  try {
    await to.transaction(async () => {
      for (const table of [...tables].reverse()) await to.run(`DELETE FROM ${table}`);
      for (const table of tables) {
        const columns = (await to.column<string>(
          'SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position',
          [table],
        ));
        const rows = await from.rows(`SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM ${table}`);
        const referrer = table === 'customers' ? columns.indexOf('referred_by') : -1;
        for (let start = 0; start < rows.length; start += 200) {
          const batch = rows.slice(start, start + 200);
          const values = batch.flatMap((row) => row.map((value, index) => (index === referrer ? null : value)));
          await to.run(
            `INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES ${batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`,
            values,
          );
        }
        if (referrer >= 0) {
          for (const [id, referredBy] of await from.rows<[number, number]>('SELECT id, referred_by FROM customers WHERE referred_by IS NOT NULL')) {
            await to.run('UPDATE customers SET referred_by = ? WHERE id = ?', [referredBy, id]);
          }
        }
        if (columns.includes('id')) {
          // The next id as SQLite would give it: past the largest ever handed out (sqlite_sequence), not only the largest left.
          const used = Math.max((await from.value<number>('SELECT seq FROM sqlite_sequence WHERE name = ?', [table])) ?? 0, (await from.value<number>(`SELECT max(id) FROM ${table}`)) ?? 0);
          await to.value(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), ?, false)`, [used + 1]);
        }
      }
    });
  } finally {
    await from.close();
    await to.close();
  }
}
