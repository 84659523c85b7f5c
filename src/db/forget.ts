// crm customer forget: erases one person's personal data, keeps anonymous order totals, records that it happened.
import { UsageError } from '../errors.js';
import type { Db } from './open.js';
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
   * Whether old copies of the erased values are gone from the file too (free pages, the write-ahead log).
   * False when another process kept reading the database; running forget again finishes the job.
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
function scrubAuditTrail(db: Db, id: number): { ids: number[]; rows: number } {
  const ids = new Set<number>([id]);
  const rowsOf = db.prepare("SELECT id, action, detail FROM audit_log WHERE customer_id = ? AND action IN ('edit', 'merge', 'lead-drop') ORDER BY id");
  const update = db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?');
  const pending = [id];
  let rows = 0;
  while (pending.length) {
    const customerId = pending.pop()!;
    for (const row of rowsOf.all(customerId) as { id: number; action: string; detail: string | null }[]) {
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
        update.run(text, row.id);
        rows += 1;
      }
    }
  }
  return { ids: [...ids], rows };
}

/**
 * Rewrites the file without the erased text and empties the write-ahead log into it: VACUUM drops free pages
 * and free space inside pages (older edits left copies there), the TRUNCATE checkpoint overwrites the old
 * pages in the file and empties the log. A process still reading an older snapshot holds the checkpoint up:
 * it is waited for briefly, then false (the old pages stay until a later checkpoint).
 */
function scrubFile(db: Db): boolean {
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

/** The customer-forget audit row of this customer whose scrub did not finish, if there is one. */
function pendingScrub(db: Db, id: number): { id: number } | undefined {
  return db
    .prepare("SELECT id FROM audit_log WHERE customer_id = ? AND action = 'customer-forget' AND json_extract(detail, '$.scrub') = 'pending' ORDER BY id DESC LIMIT 1")
    .get(id) as { id: number } | undefined;
}

/** Runs the scrub and, when it finished, records that in the forget's audit row (then empties the log of that change too). */
function finishScrub(db: Db, auditId: number): boolean {
  if (!scrubFile(db)) return false;
  db.prepare("UPDATE audit_log SET detail = json_set(detail, '$.scrub', 'done') WHERE id = ?").run(auditId);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return true;
}

/**
 * Replaces the personal fields, clears free text of interactions, complaints and payments (the method may
 * name a card holder or an account), drops the import history's copies of the old values (import_changes)
 * and scrubs the values from earlier audit rows about the person (edits, merges), all in one transaction.
 * The audit row says what was erased, never the values. Then the file itself is scrubbed (scrubFile); when
 * another process holds that up, the audit row says so and forgetting the same customer again finishes it.
 */
export function forgetCustomer(db: Db, id: number, now: string): ForgetResult {
  // Freed and overwritten space is zeroed, so the old text does not linger in the file's free pages.
  db.pragma('secure_delete = ON');
  const customer = db.prepare('SELECT id, external_id, status, updated_at FROM customers WHERE id = ?').get(id) as
    | { id: number; external_id: string; status: string; updated_at: string }
    | undefined;
  if (!customer) throw new UsageError(`no customer with id ${id}`);
  if (customer.status === 'forgotten') {
    const pending = pendingScrub(db, id);
    if (!pending) throw new UsageError(`customer ${customer.external_id} was already forgotten (${customer.updated_at})`);
    const scrubbed = finishScrub(db, pending.id);
    return { id, externalId: customer.external_id, interactionsCleared: 0, complaintsCleared: 0, paymentsCleared: 0, ordersKept: 0, finishing: true, scrubbed };
  }
  const result = db.transaction((): Omit<ForgetResult, 'scrubbed' | 'finishing'> & { auditId: number } => {
    // Another process may have forgotten the person since the look above: once is enough.
    if (db.prepare('SELECT status FROM customers WHERE id = ?').pluck().get(id) === 'forgotten') {
      throw new UsageError(`customer ${customer.external_id} was already forgotten just now`);
    }
    db.prepare(
      `UPDATE customers SET name = @name, company = NULL, email = NULL, phone = NULL, notes = NULL, status = 'forgotten', updated_at = @now,
         drop_reason = CASE WHEN drop_reason IS NULL THEN NULL ELSE @erased END
       WHERE id = @id`,
    ).run({ id, name: forgottenName(id), now, erased: erasedValue });
    const interactionIds = db.prepare('SELECT id FROM interactions WHERE customer_id = ?').pluck().all(id) as number[];
    const interactionsCleared = db
      .prepare("UPDATE interactions SET summary = '', outcome = NULL, follow_up_note = NULL, updated_at = ? WHERE customer_id = ?")
      .run(now, id).changes;
    const complaintsCleared = db
      .prepare("UPDATE complaints SET summary = '', resolution = NULL, updated_at = ? WHERE customer_id = ?")
      .run(now, id).changes;
    const paymentIds = db.prepare('SELECT id FROM payments WHERE customer_id = ? AND method IS NOT NULL').pluck().all(id) as number[];
    const paymentsCleared = db.prepare('UPDATE payments SET method = NULL, updated_at = ? WHERE customer_id = ? AND method IS NOT NULL').run(now, id).changes;
    // Earlier audit rows keep that an edit or merge happened, not the values it wrote or replaced.
    const audit = scrubAuditTrail(db, id);
    // import_changes holds earlier values (names, e-mails, summaries, payment methods) for crm import undo: they
    // go too, also those of records merged into this one. The entries stay, emptied and marked, so that undoing
    // such a run refuses and says why instead of silently restoring less than the run changed.
    const eraseChange = db.prepare('UPDATE import_changes SET before = ? WHERE table_name = ? AND row_id = ?');
    for (const rowId of audit.ids) eraseChange.run(ERASED_BEFORE, 'customers', rowId);
    for (const rowId of interactionIds) eraseChange.run(ERASED_BEFORE, 'interactions', rowId);
    for (const rowId of paymentIds) eraseChange.run(ERASED_BEFORE, 'payments', rowId);
    // Complaints are imported too (crm import complaints): their earlier summaries and resolutions go the same way.
    db.prepare('UPDATE import_changes SET before = ? WHERE table_name = ? AND row_id IN (SELECT id FROM complaints WHERE customer_id = ?)').run(ERASED_BEFORE, 'complaints', id);
    const ordersKept = db.prepare('SELECT count(*) FROM orders WHERE customer_id = ?').pluck().get(id) as number;
    const auditId = db.prepare("INSERT INTO audit_log (at, action, customer_id, detail) VALUES (?, 'customer-forget', ?, ?)").run(
      now,
      id,
      JSON.stringify({
        customer_id: customer.external_id,
        erased: erasedCustomerFields,
        audit_rows_scrubbed: audit.rows,
        interactions_cleared: interactionsCleared,
        complaints_cleared: complaintsCleared,
        payment_methods_cleared: paymentsCleared,
        scrub: 'pending',
      }),
    ).lastInsertRowid;
    return { id, externalId: customer.external_id, interactionsCleared, complaintsCleared, paymentsCleared, ordersKept, auditId: Number(auditId) };
  }).immediate();
  const { auditId, ...forgotten } = result;
  return { ...forgotten, finishing: false, scrubbed: finishScrub(db, auditId) };
}
