// crm customer forget: erases one person's personal data, keeps anonymous order totals, records that it happened.
import { UsageError } from '../errors.js';
import type { Sql } from './engine/sql.js';
import { SqliteSql } from './engine/sqlite.js';
import { ERASED_BEFORE } from './undo.js';

export interface ForgetResult {
  id: number;
  externalId: string;
  interactionsCleared: number;
  complaintsCleared: number;
  paymentsCleared: number;
  ordersKept: number;
  /** True when this run only finished the scrub of an earlier forget that another process had held up. */
  finishing: boolean;
  /**
   * Whether old copies of the erased values are gone from the database too: SQLite's free pages and write-ahead log,
   * PostgreSQL's dead row versions (VACUUM). False when another process kept reading the database (an older
   * snapshot still sees them); running forget again finishes the job.
   */
  scrubbed: boolean;
}

/** How long the checkpoint waits for other processes to finish reading before forget says it could not finish. */
const SCRUB_WAIT_MS = 2000;
/** The busy timeout every crm connection has (db/open.ts), put back after the scrub. */
const BUSY_TIMEOUT_MS = 10000;

/**
 * The customer fields that name or reach a person, and free text about them (a dropped lead's reason); city, region,
 * channel, owner and tags stay for the analysis.
 */
export const erasedCustomerFields = ['name', 'company', 'email', 'phone', 'notes', 'drop_reason'] as const;

export function forgottenName(id: number): string {
  return `Forgotten customer #${id}`;
}

/** What an erased value reads as in earlier audit rows: the action and which field changed stay, the value goes. */
export const erasedValue = '[erased]';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of RECORD with every personal field that holds a value replaced by erasedValue. */
function scrubFields(record: unknown): unknown {
  if (!isObject(record)) return record;
  const copy: Json = { ...record };
  for (const field of erasedCustomerFields) {
    if (copy[field] !== undefined && copy[field] !== null) copy[field] = erasedValue;
  }
  return copy;
}

/**
 * The audit rows about the person, as written by db/customer-changes.ts (writeAudit) and db/merge.ts:
 *   'edit'  (customer_id = the person): { before, after } with the changed fields' values;
 *   'merge' (customer_id = the record kept): { merged: the whole other record, filled: values copied from it, ... }.
 * A merged record is the same person, so rows about it (its edits, merges into it) are about the
 * person too: the ids are followed through merges. 'remove' rows are about customers who no longer
 * exist (and so cannot be forgotten); 'import-undo' rows hold counts only.
 * Returns the ids (the person's own and every record merged into it) and how many rows were scrubbed.
 */
async function scrubAuditTrail(sql: Sql, id: number): Promise<{ ids: number[]; rows: number }> {
  const ids = new Set<number>([id]);
  const pending = [id];
  let rows = 0;
  while (pending.length) {
    const customerId = pending.pop()!;
    const found = await sql.all<{ id: number; action: string; detail: string | null }>(
      "SELECT id, action, detail FROM audit_log WHERE customer_id = ? AND action IN ('edit', 'merge', 'lead-drop') ORDER BY id",
      [customerId],
    );
    for (const row of found) {
      let detail: unknown;
      try {
        detail = JSON.parse(row.detail ?? 'null');
      } catch {
        detail = null;
      }
      if (!isObject(detail)) continue;
      const scrubbed: Json = { ...detail };
      if (row.action === 'lead-drop') {
        // crm lead drop: { dropped_at, reason }; the reason is free text about the person.
        if (typeof detail.reason === 'string') scrubbed.reason = erasedValue;
      } else if (row.action === 'edit') {
        scrubbed.before = scrubFields(detail.before);
        scrubbed.after = scrubFields(detail.after);
      } else {
        const merged = detail.merged;
        if (isObject(merged) && typeof merged.id === 'number' && !ids.has(merged.id)) {
          ids.add(merged.id);
          pending.push(merged.id);
        }
        scrubbed.merged = scrubFields(merged);
        scrubbed.filled = scrubFields(detail.filled);
      }
      const text = JSON.stringify(scrubbed);
      if (text !== row.detail) {
        await sql.run('UPDATE audit_log SET detail = ? WHERE id = ?', [text, row.id]);
        rows += 1;
      }
    }
  }
  return { ids: [...ids], rows };
}

/**
 * SQLite: rewrites the file without the erased text and empties the write-ahead log into it: VACUUM drops free
 * pages and free space inside pages (older edits left copies there), the TRUNCATE checkpoint overwrites the old
 * pages in the file and empties the log. A process still reading an older snapshot holds the checkpoint up:
 * it is waited for briefly, then false (the old pages stay until a later checkpoint).
 */
function scrubFile(sql: SqliteSql): boolean {
  const db = sql.handle;
  try {
    db.exec('VACUUM');
    db.pragma(`busy_timeout = ${SCRUB_WAIT_MS}`);
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    return result !== undefined && result.busy === 0 && result.log === result.checkpointed;
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** The tables forget writes to: their dead row versions hold the erased values on PostgreSQL until VACUUM. */
const touchedTables = ['customers', 'interactions', 'complaints', 'payments', 'points_ledger', 'audit_log', 'import_changes'];

/**
 * PostgreSQL: an UPDATE leaves the old row version (with the erased values) in the table until VACUUM removes it,
 * and VACUUM cannot run inside a transaction, so it runs here, after the commit, on the tables forget touched.
 * It cannot remove a version another session's older snapshot may still see (a long report, an open psql
 * transaction), nor vacuum tables crm's login does not own: then false, and forgetting again finishes the job.
 */
async function scrubServer(sql: Sql): Promise<boolean> {
  try {
    const notOwned = await sql.value<number>(
      `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN (${touchedTables.map(() => '?').join(', ')}) AND tableowner <> current_user`,
      touchedTables,
    );
    if (notOwned !== 0) return false;
    // A session in this database whose snapshot is older than the erasure (it began before the commit) may still
    // see the old versions, and VACUUM keeps them for it. Compared with a transaction id taken now, after the
    // commit: a session that began in between is counted too, which only means running forget once more.
    const now = await sql.value<number>('SELECT txid_current()');
    const older = await sql.value<number>(
      `SELECT count(*) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age(CAST(CAST(mod(CAST(? AS BIGINT), 4294967296) AS TEXT) AS xid))`,
      [now],
    );
    if (older !== 0) return false;
    await sql.exec(`VACUUM ${touchedTables.join(', ')}`);
    return true;
  } catch {
    return false;
  }
}

/** The customer-forget audit row of this customer whose scrub did not finish, if there is one. */
async function pendingScrub(sql: Sql, id: number): Promise<{ id: number; detail: Json } | undefined> {
  const rows = await sql.all<{ id: number; detail: string | null }>(
    "SELECT id, detail FROM audit_log WHERE customer_id = ? AND action = 'customer-forget' ORDER BY id DESC",
    [id],
  );
  for (const row of rows) {
    let detail: unknown;
    try {
      detail = JSON.parse(row.detail ?? 'null');
    } catch {
      continue;
    }
    if (isObject(detail) && detail.scrub === 'pending') return { id: row.id, detail };
  }
  return undefined;
}

/** Runs the scrub and, when it finished, records that in the forget's audit row (then scrubs the log of that change too). */
async function finishScrub(sql: Sql, audit: { id: number; detail: Json }): Promise<boolean> {
  const scrubbed = sql instanceof SqliteSql ? scrubFile(sql) : await scrubServer(sql);
  if (!scrubbed) return false;
  await sql.run('UPDATE audit_log SET detail = ? WHERE id = ?', [JSON.stringify({ ...audit.detail, scrub: 'done' }), audit.id]);
  if (sql instanceof SqliteSql) sql.handle.pragma('wal_checkpoint(TRUNCATE)');
  return true;
}

/**
 * Replaces the personal fields, clears free text of interactions, complaints and payments (the method may
 * name a card holder or an account), drops the import history's copies of the old values (import_changes)
 * and scrubs the values from earlier audit rows about the person (edits, merges), all in one transaction.
 * The audit row says what was erased, never the values. Then the file itself is scrubbed (scrubFile); when
 * another process holds that up, the audit row says so and forgetting the same customer again finishes it.
 */
export async function forgetCustomer(sql: Sql, id: number, now: string): Promise<ForgetResult> {
  // SQLite: freed and overwritten space is zeroed, so the old text does not linger in the file's free pages.
  if (sql instanceof SqliteSql) sql.handle.pragma('secure_delete = ON');
  const customer = await sql.get<{ id: number; external_id: string; status: string; updated_at: string }>(
    'SELECT id, external_id, status, updated_at FROM customers WHERE id = ?',
    [id],
  );
  if (!customer) throw new UsageError(`no customer with id ${id}`);
  if (customer.status === 'forgotten') {
    const pending = await pendingScrub(sql, id);
    if (!pending) throw new UsageError(`customer ${customer.external_id} was already forgotten (${customer.updated_at})`);
    const scrubbed = await finishScrub(sql, pending);
    return { id, externalId: customer.external_id, interactionsCleared: 0, complaintsCleared: 0, paymentsCleared: 0, ordersKept: 0, finishing: true, scrubbed };
  }
  const result = await sql.transaction(async (): Promise<Omit<ForgetResult, 'scrubbed' | 'finishing'> & { audit: { id: number; detail: Json } }> => {
    // Another process may have forgotten the person since the look above: once is enough.
    if ((await sql.value('SELECT status FROM customers WHERE id = ?', [id])) === 'forgotten') {
      throw new UsageError(`customer ${customer.external_id} was already forgotten just now`);
    }
    await sql.run(
      `UPDATE customers SET name = @name, company = NULL, email = NULL, phone = NULL, notes = NULL, status = 'forgotten', updated_at = @now,
         updated_by = @actor, drop_reason = CASE WHEN drop_reason IS NULL THEN NULL ELSE CAST(@erased AS TEXT) END
       WHERE id = @id`,
      { id, name: forgottenName(id), now, actor: sql.actor, erased: erasedValue },
    );
    const interactionIds = await sql.column<number>('SELECT id FROM interactions WHERE customer_id = ?', [id]);
    const interactionsCleared = (
      await sql.run("UPDATE interactions SET summary = '', outcome = NULL, follow_up_note = NULL, updated_at = ?, updated_by = ? WHERE customer_id = ?", [now, sql.actor, id])
    ).changes;
    // An e-mail crm import mail filed is keyed by its Message-ID, which often holds the person's address: the key
    // becomes the row's own ("mail-erased:<id>"; with no e-mail left, the mail does not match the person again).
    await sql.run("UPDATE interactions SET external_id = 'mail-erased:' || CAST(id AS TEXT) WHERE customer_id = ? AND external_id LIKE 'mail:%'", [id]);
    const complaintsCleared = (
      await sql.run("UPDATE complaints SET summary = '', resolution = NULL, updated_at = ?, updated_by = ? WHERE customer_id = ?", [now, sql.actor, id])
    ).changes;
    const paymentIds = await sql.column<number>('SELECT id FROM payments WHERE customer_id = ? AND method IS NOT NULL', [id]);
    const paymentsCleared = (
      await sql.run('UPDATE payments SET method = NULL, updated_at = ?, updated_by = ? WHERE customer_id = ? AND method IS NOT NULL', [now, sql.actor, id])
    ).changes;
    // Points added or redeemed by hand keep their points and day, not the words typed with them (schema version 20).
    await sql.run('UPDATE points_ledger SET reason = NULL, updated_at = ?, updated_by = ? WHERE customer_id = ? AND reason IS NOT NULL', [now, sql.actor, id]);
    // A cadence of their own (crm cadence set --customer): a forgotten person is not to be contacted again.
    await sql.run('DELETE FROM cadence_rules WHERE customer_id = ?', [id]);
    // Earlier audit rows keep that an edit or merge happened, not the values it wrote or replaced.
    const audit = await scrubAuditTrail(sql, id);
    // import_changes holds earlier values (names, e-mails, summaries, payment methods) for crm import undo: they
    // go too, also those of records merged into this one. The entries stay, emptied and marked, so that undoing
    // such a run refuses and says why instead of silently restoring less than the run changed.
    const eraseChange = 'UPDATE import_changes SET before = ? WHERE table_name = ? AND row_id = ?';
    for (const rowId of audit.ids) await sql.run(eraseChange, [ERASED_BEFORE, 'customers', rowId]);
    for (const rowId of interactionIds) await sql.run(eraseChange, [ERASED_BEFORE, 'interactions', rowId]);
    for (const rowId of paymentIds) await sql.run(eraseChange, [ERASED_BEFORE, 'payments', rowId]);
    // Complaints are imported too (crm import complaints): their earlier summaries and resolutions go the same way.
    await sql.run('UPDATE import_changes SET before = ? WHERE table_name = ? AND row_id IN (SELECT id FROM complaints WHERE customer_id = ?)', [
      ERASED_BEFORE,
      'complaints',
      id,
    ]);
    const ordersKept = (await sql.value<number>('SELECT count(*) FROM orders WHERE customer_id = ?', [id])) ?? 0;
    const detail: Json = {
      customer_id: customer.external_id,
      erased: erasedCustomerFields,
      audit_rows_scrubbed: audit.rows,
      interactions_cleared: interactionsCleared,
      complaints_cleared: complaintsCleared,
      payment_methods_cleared: paymentsCleared,
      scrub: 'pending',
    };
    const auditId = await sql.value<number>(
      "INSERT INTO audit_log (at, action, customer_id, detail, created_by) VALUES (?, 'customer-forget', ?, ?, ?) RETURNING id",
      [now, id, JSON.stringify(detail), sql.actor],
    );
    return { id, externalId: customer.external_id, interactionsCleared, complaintsCleared, paymentsCleared, ordersKept, audit: { id: Number(auditId), detail } };
  }, 'write');
  const { audit, ...forgotten } = result;
  return { ...forgotten, finishing: false, scrubbed: await finishScrub(sql, audit) };
}
