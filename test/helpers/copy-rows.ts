// The same data on PostgreSQL as in a SQLite test database, copied table by table through the test connections
// (connect from engines.ts), for the tests that compare the two engines before `crm import` and `crm db copy` run on
// PostgreSQL. Internal ids are kept, so every id a report shows (a follow-up's, a complaint's) is the same on both.
import { runCrm } from './cli.js';
import { connect, newPostgresDatabase, type Engine } from './engines.js';

interface ForeignKey {
  table: string;
  from: string;
}

/**
 * Copies every row of every crm table in the SQLite file FROM into the PostgreSQL database TO (crm init is run on it
 * first). Parents before children; a column that refers to its own table (customers.referred_by) is filled in after
 * all rows are there. The identity counters then continue after the copied ids.
 */
export async function copyRows(from: string, to: string): Promise<void> {
  const init = await runCrm(['--db', to, 'init']);
  if (init.code !== 0) throw new Error(`crm init on ${to} failed: ${init.stderr}`);
  const source = await connect(from);
  const target = await connect(to);
  try {
    const tables = await source.column<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    const targetTables = new Set(await target.column<string>("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"));
    const parents = new Map<string, ForeignKey[]>();
    for (const table of tables) parents.set(table, await source.all<ForeignKey>(`SELECT "table", "from" FROM pragma_foreign_key_list('${table}')`));
    const ordered: string[] = [];
    const visit = (table: string, path: Set<string>): void => {
      if (ordered.includes(table) || path.has(table)) return;
      path.add(table);
      for (const key of parents.get(table) ?? []) if (key.table !== table) visit(key.table, path);
      ordered.push(table);
    };
    for (const table of tables) visit(table, new Set());
    await target.transaction(async () => {
      for (const table of ordered) {
        if (!targetTables.has(table)) continue;
        const targetColumns = new Set(await target.column<string>(
          'SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [table]));
        const columns = (await source.column<string>(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`)).filter((column) => targetColumns.has(column));
        const selfKeys = (parents.get(table) ?? []).filter((key) => key.table === table).map((key) => key.from);
        const rows = await source.rows(`SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM "${table}" ORDER BY 1`);
        const later: { id: unknown; values: unknown[] }[] = [];
        const idIndex = columns.indexOf('id');
        const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
        for (let start = 0; start < rows.length; start += perStatement) {
          const batch = rows.slice(start, start + perStatement).map((row) => {
            if (selfKeys.length === 0) return row;
            const values = selfKeys.map((key) => row[columns.indexOf(key)]);
            if (values.some((value) => value !== null)) later.push({ id: row[idIndex], values });
            return row.map((value, index) => (selfKeys.includes(columns[index]!) ? null : value));
          });
          const placeholders = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
          await target.run(`INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES ${placeholders}`, batch.flat());
        }
        for (const row of later) {
          await target.run(`UPDATE "${table}" SET ${selfKeys.map((key) => `"${key}" = ?`).join(', ')} WHERE id = ?`, [...row.values, row.id]);
        }
        if (idIndex >= 0) {
          const sequence = await target.value<string | null>('SELECT pg_get_serial_sequence(?, ?)', [table, 'id']);
          if (sequence) await target.run(`SELECT setval(?, (SELECT coalesce(max(id), 0) + 1 FROM "${table}"), false)`, [sequence]);
        }
      }
    });
  } finally {
    await source.close();
    await target.close();
  }
}

/**
 * The --db value holding the data of the SQLite test database FILE on ENGINE: FILE itself, or a fresh PostgreSQL
 * database with its rows copied (copyRows).
 */
export async function sameDataOn(engine: Engine, file: string): Promise<string> {
  if (engine === 'sqlite') return file;
  const url = await newPostgresDatabase();
  await copyRows(file, url);
  return url;
}

/**
 * What a command prints on PostgreSQL while it still calls a module of another area that takes the SQLite handle
 * (db/engine/legacy.ts). A test that meets it skips itself, and runs by itself once that module is converted.
 */
export const notOnPostgresYet = 'does not run on PostgreSQL yet';
