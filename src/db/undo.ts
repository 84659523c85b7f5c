// crm import undo: takes one import run back in one transaction, or refuses and names what changed since.
import { CrmError, ExitCode, UsageError } from '../errors.js';
import type { Sql } from './engine/sql.js';
import { dropOrderLines, writeOrderLines, type StoredLine } from './order-lines.js';

const tracked = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints'] as const;
type Tracked = (typeof tracked)[number];
const singular: Record<Tracked, string> = {
  customers: 'customer', orders: 'order', interactions: 'interaction', payments: 'payment', surveys: 'survey', complaints: 'complaint',
};
/** Children before parents, so deleting a run's rows never cascades into rows it did not create. */
const deleteOrder: Tracked[] = ['complaints', 'surveys', 'payments', 'interactions', 'orders', 'customers'];
/** Tables whose customer_id points at customers. */
const customerChildren = ['orders', 'interactions', 'complaints', 'payments', 'surveys'] as const;

export interface UndoResult {
  runId: number;
  kind: string;
  file: string;
  removed: Partial<Record<Tracked, number>>;
  restored: Partial<Record<Tracked, number>>;
}

interface RunRow {
  id: number;
  kind: string;
  file_name: string;
  finished_at: string;
  written_at: string | null;
  undone_at: string | null;
}

const MAX_NAMED = 10;

/** What `crm customer forget` leaves in import_changes in place of a forgotten person's earlier values. */
export const ERASED_BEFORE = '{"erased_by":"crm customer forget"}';

/** The run as `crm import log` shows it, for the confirmation question. */
export async function importRunSummary(sql: Sql, runId: number): Promise<{ kind: string; file_name: string; rows_new: number; rows_changed: number; undone_at: string | null } | undefined> {
  return sql.get('SELECT kind, file_name, rows_new, rows_changed, undone_at FROM import_runs WHERE id = ?', [runId]);
}

/** The columns of TABLE (one of crm's own), to check the recorded ones against. */
async function columnsOf(sql: Sql, table: string): Promise<Set<string>> {
  const names = sql.engine === 'sqlite'
    ? await sql.column<string>('SELECT name FROM pragma_table_info(?)', [table])
    : await sql.column<string>('SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [table]);
  return new Set(names);
}

function isTracked(table: string): table is Tracked {
  return (tracked as readonly string[]).includes(table);
}

/** Takes back run `runId`: removes the rows it created and gives the rows it changed their earlier values. */
export async function undoImportRun(sql: Sql, runId: number, now: string): Promise<UndoResult> {
  return sql.transaction(async (): Promise<UndoResult> => {
    // On PostgreSQL no other session writes these tables until the undo commits, so the rows checked are the rows
    // changed. (An import does not lock them: the rows it created are recorded as ranges of ids all its own, whatever
    // other sessions wrote meanwhile; an undo is rare and short, and it checks before it deletes.)
    if (sql.engine === 'postgres') await sql.exec('LOCK TABLE customers, orders, order_lines, interactions, payments, surveys, complaints IN EXCLUSIVE MODE');
    const run = await sql.get<RunRow>('SELECT id, kind, file_name, finished_at, written_at, undone_at FROM import_runs WHERE id = ?', [runId]);
    if (!run) throw new UsageError(`no import run ${runId}; \`crm import log\` lists the runs`);
    if (run.undone_at) throw new UsageError(`import run ${runId} was already undone at ${run.undone_at}`);
    // Every range of ids the run created, per table: one on SQLite; on PostgreSQL more when other sessions wrote the
    // same tables during the run (their rows lie between the ranges and are not the run's).
    const created = await sql.all<{ table_name: string; first_id: number; last_id: number }>(
      'SELECT table_name, first_id, last_id FROM import_created WHERE run_id = ? ORDER BY table_name, first_id',
      [runId],
    );
    let changes = await sql.all<{ table_name: string; row_id: number; before: string }>(
      'SELECT table_name, row_id, before FROM import_changes WHERE run_id = ? ORDER BY table_name, row_id',
      [runId],
    );
    const conflicts: string[] = [];
    let conflictCount = 0;
    const conflict = (text: string): void => {
      conflictCount += 1;
      if (conflicts.length < MAX_NAMED) conflicts.push(text);
    };
    // A row is untouched since the run when it still carries the run's timestamp and no later run recorded a change to it.
    // (Runs recorded before schema version 4 have no written_at: then "not updated after the run finished".)
    const touched = run.written_at !== null ? 'updated_at IS DISTINCT FROM CAST(@stamp AS TEXT)' : sql.dialect.instantAfter('updated_at', 'CAST(@stamp AS TEXT)');
    const stamp = run.written_at ?? run.finished_at;
    const laterChange = (table: string, id: number) =>
      sql.value<number | null>('SELECT min(run_id) FROM import_changes WHERE table_name = ? AND row_id = ? AND run_id > ?', [table, id, runId]);
    const describe = async (table: Tracked, row: { id: number; external_id: string | null; updated_at: string }): Promise<string> => {
      const later = (await laterChange(table, row.id)) ?? null;
      return `${singular[table]} ${row.external_id ?? `#${row.id}`} (${later !== null ? `changed by run ${later}` : `edited at ${row.updated_at}`})`;
    };

    for (const range of created) {
      if (!isTracked(range.table_name)) continue;
      const table = range.table_name;
      const rows = await sql.all<{ id: number; external_id: string | null; updated_at: string }>(
        `SELECT id, external_id, updated_at FROM ${table} WHERE id BETWEEN @first AND @last AND (${touched}
           OR id IN (SELECT row_id FROM import_changes WHERE table_name = @table AND run_id > @run)) ORDER BY id`,
        { first: range.first_id, last: range.last_id, stamp, table, run: runId },
      );
      for (const row of rows) conflict(await describe(table, row));
    }
    // The lines an order had before a line file replaced them: the order's own change (recorded with them) is what is checked.
    const lineSets = changes.filter((change) => change.table_name === 'order_lines');
    changes = changes.filter((change) => change.table_name !== 'order_lines');
    for (const change of changes) {
      if (!isTracked(change.table_name)) throw new CrmError(`import run ${runId} recorded a change to unknown table ${change.table_name}; nothing was changed`);
      const table = change.table_name;
      const row = await sql.get<{ id: number; external_id: string | null; updated_at: string; touched: number }>(
        `SELECT id, external_id, updated_at, CASE WHEN ${touched} THEN 1 ELSE 0 END AS touched FROM ${table} WHERE id = @id`,
        { id: change.row_id, stamp },
      );
      if (change.before === ERASED_BEFORE) conflict(`${singular[table]} ${row?.external_id ?? `#${change.row_id}`} (forgotten since: its earlier values were erased)`);
      else if (!row) conflict(`${singular[table]} #${change.row_id} (deleted since)`);
      else if (row.touched || ((await laterChange(table, row.id)) ?? null) !== null) conflict(await describe(table, row));
    }
    const refuse = (why: string): never => {
      const more = conflictCount > conflicts.length ? `, and ${conflictCount - conflicts.length} more` : '';
      throw new CrmError(`cannot undo import run ${runId}: ${why}: ${conflicts.join(', ')}${more}; nothing was changed`, ExitCode.failure, [
        'undo the later runs first (newest first), or correct these rows by hand',
      ]);
    };
    if (conflictCount) refuse(`${conflictCount} of its rows were changed since`);

    // Give changed rows their values from before the run (column names checked against the table).
    const restored: Partial<Record<Tracked, number>> = {};
    const columns = new Map<Tracked, Set<string>>();
    for (const table of tracked) columns.set(table, await columnsOf(sql, table));
    for (const change of changes) {
      const table = change.table_name as Tracked;
      const before = JSON.parse(change.before) as Record<string, string | number | null>;
      const names = Object.keys(before).sort();
      for (const column of names) {
        if (!columns.get(table)!.has(column) || column === 'id') throw new CrmError(`import run ${runId}: recorded column ${table}.${column} does not exist; nothing was changed`);
      }
      // The row gets its values back from whoever undoes the run: that is the change made now (a run recorded before
      // who-wrote-it was kept never names updated_by; one that did is overridden).
      const values = names.filter((column) => column !== 'updated_by');
      await sql.run(`UPDATE ${table} SET ${values.map((column) => `"${column}" = @${column}`).join(', ')}, updated_by = @actor WHERE id = @id`, {
        ...before, id: change.row_id, actor: sql.actor,
      });
      restored[table] = (restored[table] ?? 0) + 1;
    }

    for (const change of lineSets) {
      await dropOrderLines(sql, change.row_id);
      await writeOrderLines(sql, change.row_id, JSON.parse(change.before) as StoredLine[]);
    }

    // Remove what the run created, children first; anything else still pointing at those rows blocks the undo.
    const removed: Partial<Record<Tracked, number>> = {};
    for (const table of deleteOrder) {
      const ranges = created.filter((range) => range.table_name === table);
      if (ranges.length === 0) continue;
      const dependants: string[] = table === 'customers'
        ? customerChildren.map((child) => `SELECT '${child.slice(0, -1)}' AS what, coalesce(x.external_id, '#' || CAST(x.id AS TEXT)) AS child,
            c.external_id AS parent FROM ${child} x JOIN customers c ON c.id = x.customer_id WHERE x.customer_id BETWEEN @first AND @last ORDER BY x.id LIMIT ${MAX_NAMED}`).concat([
            // A campaign's groups are fixed when it is created: removing a member would change its comparison.
            `SELECT 'place in campaign' AS what, k.name AS child, c.external_id AS parent FROM campaign_members m JOIN campaigns k ON k.id = m.campaign_id
             JOIN customers c ON c.id = m.customer_id WHERE m.customer_id BETWEEN @first AND @last ORDER BY m.campaign_id, m.customer_id LIMIT ${MAX_NAMED}`,
            // A partner the run created who has referred customers added since (not by the run): they would lose their referrer.
            `SELECT 'referral' AS what, x.external_id AS child, c.external_id AS parent FROM customers x JOIN customers c ON c.id = x.referred_by
             WHERE x.referred_by BETWEEN @first AND @last AND NOT EXISTS (SELECT 1 FROM import_created r
               WHERE r.run_id = @run AND r.table_name = 'customers' AND x.id BETWEEN r.first_id AND r.last_id) ORDER BY x.id LIMIT ${MAX_NAMED}`,
          ])
        : table === 'orders'
          ? [`SELECT 'payment' AS what, coalesce(x.external_id, '#' || CAST(x.id AS TEXT)) AS child, o.external_id AS parent
              FROM payments x JOIN orders o ON o.id = x.order_id WHERE x.order_id BETWEEN @first AND @last ORDER BY x.id LIMIT ${MAX_NAMED}`]
          : [];
      for (const range of ranges) {
        for (const text of dependants) {
          const rows = await sql.all<{ what: string; child: string; parent: string }>(text, { first: range.first_id, last: range.last_id, run: runId });
          for (const row of rows) conflict(`${row.what} ${row.child} of ${singular[table]} ${row.parent} (added since)`);
        }
      }
      if (conflictCount) refuse(`rows added since depend on rows it created`);
      let count = 0;
      for (const range of ranges) {
        // An order's lines go with it (the foreign key cascades too; this does not rely on it).
        if (table === 'orders') await sql.run('DELETE FROM order_lines WHERE order_id BETWEEN ? AND ?', [range.first_id, range.last_id]);
        count += (await sql.run(`DELETE FROM ${table} WHERE id BETWEEN ? AND ?`, [range.first_id, range.last_id])).changes;
      }
      removed[table] = count;
    }

    await sql.run('DELETE FROM import_created WHERE run_id = ?', [runId]);
    await sql.run('DELETE FROM import_changes WHERE run_id = ?', [runId]);
    await sql.run('UPDATE import_runs SET undone_at = ? WHERE id = ?', [now, runId]);
    await sql.run("INSERT INTO audit_log (at, action, customer_id, detail, created_by) VALUES (?, 'import-undo', NULL, ?, ?)", [
      now, JSON.stringify({ run_id: runId, removed, restored }), sql.actor,
    ]);
    return { runId, kind: run.kind, file: run.file_name, removed, restored };
  }, 'write');
}
