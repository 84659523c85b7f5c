// crm customer forget: erases one person's personal data, keeps anonymous order totals, records that it happened.
import { UsageError } from '../errors.js';
import type { Db } from './open.js';

export interface ForgetResult {
  id: number;
  externalId: string;
  interactionsCleared: number;
  complaintsCleared: number;
  ordersKept: number;
  /** False when the file could not be compacted now (another process was using it); old bytes go with the next VACUUM. */
  scrubbed: boolean;
}

/** The customer fields that name or reach a person; city, region, channel, owner and tags stay for the analysis. */
export const erasedCustomerFields = ['name', 'company', 'email', 'phone', 'notes'] as const;

export function forgottenName(id: number): string {
  return `Forgotten customer #${id}`;
}

/**
 * Replaces the personal fields, clears free text of interactions and complaints, and drops the
 * import history's copies of the old values (import_changes), all in one transaction. The audit
 * row says what was erased, never the values.
 */
export function forgetCustomer(db: Db, id: number, now: string): ForgetResult {
  // Freed and overwritten space is zeroed, so the old text does not linger in the file's free pages.
  db.pragma('secure_delete = ON');
  const result = db.transaction((): Omit<ForgetResult, 'scrubbed'> => {
    const customer = db.prepare('SELECT id, external_id, status, updated_at FROM customers WHERE id = ?').get(id) as
      | { id: number; external_id: string; status: string; updated_at: string }
      | undefined;
    if (!customer) throw new UsageError(`no customer with id ${id}`);
    if (customer.status === 'forgotten') throw new UsageError(`customer ${customer.external_id} was already forgotten (${customer.updated_at})`);
    db.prepare(
      `UPDATE customers SET name = @name, company = NULL, email = NULL, phone = NULL, notes = NULL, status = 'forgotten', updated_at = @now
       WHERE id = @id`,
    ).run({ id, name: forgottenName(id), now });
    const interactionIds = db.prepare('SELECT id FROM interactions WHERE customer_id = ?').pluck().all(id) as number[];
    const interactionsCleared = db
      .prepare("UPDATE interactions SET summary = '', outcome = NULL, follow_up_note = NULL, updated_at = ? WHERE customer_id = ?")
      .run(now, id).changes;
    const complaintsCleared = db
      .prepare("UPDATE complaints SET summary = '', resolution = NULL, updated_at = ? WHERE customer_id = ?")
      .run(now, id).changes;
    // import_changes holds earlier values (names, e-mails, summaries) for crm import undo: they go too.
    db.prepare("DELETE FROM import_changes WHERE table_name = 'customers' AND row_id = ?").run(id);
    const dropChange = db.prepare("DELETE FROM import_changes WHERE table_name = 'interactions' AND row_id = ?");
    for (const interactionId of interactionIds) dropChange.run(interactionId);
    const ordersKept = db.prepare('SELECT count(*) FROM orders WHERE customer_id = ?').pluck().get(id) as number;
    db.prepare("INSERT INTO audit_log (at, action, customer_id, detail) VALUES (?, 'customer-forget', ?, ?)").run(
      now,
      id,
      JSON.stringify({ customer_id: customer.external_id, erased: erasedCustomerFields, interactions_cleared: interactionsCleared, complaints_cleared: complaintsCleared }),
    );
    return { id, externalId: customer.external_id, interactionsCleared, complaintsCleared, ordersKept };
  }).immediate();
  // Older edits left copies of the old text in free space inside pages (secure_delete was off then):
  // VACUUM rewrites the file without them, and the checkpoint empties the write-ahead log.
  // Forgetting is rare, so rewriting the whole file is affordable.
  let scrubbed = true;
  try {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    scrubbed = false;
  }
  return { ...result, scrubbed };
}
