// Editing and removing a customer by hand; each change is written to the audit log with what was there before.
import type { CustomerRecord } from './customers.js';
import { historyCounts, type HistoryCounts } from './customer-file.js';
import type { Sql } from './engine/sql.js';

export const editableFields = ['name', 'company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes', 'status', 'kind'] as const;
export type EditableField = (typeof editableFields)[number];
export type CustomerChanges = Partial<Record<EditableField, string | null>>;

const statements = {
  // Column names come from editableFields above, never from user text.
  update: (fields: EditableField[]) =>
    `UPDATE customers SET ${fields.map((field) => `${field} = @${field}`).join(', ')}, updated_at = @now, updated_by = @actor WHERE id = @id`,
  audit: 'INSERT INTO audit_log (at, action, customer_id, detail, created_by) VALUES (?, ?, ?, ?, ?)',
};

// db/forget.ts scrubs the personal values from these details (edit: before/after; merge: merged/filled): keep it in step.
export async function writeAudit(sql: Sql, now: string, action: string, customerId: number, detail: unknown): Promise<void> {
  await sql.run(statements.audit, [now, action, customerId, JSON.stringify(detail), sql.actor]);
}

/** Applies the changes (only fields that really change) and logs the old values; returns the fields changed. */
export async function updateCustomer(sql: Sql, customer: CustomerRecord, changes: CustomerChanges, now: string): Promise<EditableField[]> {
  const changed = editableFields.filter((field) => field in changes && (changes[field] ?? null) !== (customer[field] ?? null));
  if (changed.length === 0) return [];
  await sql.transaction(async () => {
    const values: Record<string, string | number | null> = { id: customer.id, now, actor: sql.actor };
    for (const field of changed) values[field] = changes[field] ?? null;
    await sql.run(statements.update(changed), values);
    await writeAudit(sql, now, 'edit', customer.id, { before: Object.fromEntries(changed.map((field) => [field, customer[field]])), after: Object.fromEntries(changed.map((field) => [field, changes[field] ?? null])) });
  });
  return changed;
}

/** Sets (or, with null, clears) the partner who referred the customer, with the old one in the audit log. */
export async function setReferrer(sql: Sql, customer: CustomerRecord, partnerId: number | null, now: string): Promise<boolean> {
  if ((customer.referred_by ?? null) === partnerId) return false;
  await sql.transaction(async () => {
    await sql.run('UPDATE customers SET referred_by = ?, updated_at = ?, updated_by = ? WHERE id = ?', [partnerId, now, sql.actor, customer.id]);
    await writeAudit(sql, now, 'edit', customer.id, { before: { referred_by: customer.referred_by }, after: { referred_by: partnerId } });
  });
  return true;
}

/** Deletes the customer and, by ON DELETE CASCADE, their orders, interactions, payments, surveys and complaints. */
export async function removeCustomer(sql: Sql, customer: CustomerRecord, now: string): Promise<HistoryCounts> {
  return sql.transaction(async () => {
    const counts = await historyCounts(sql, customer.id);
    await writeAudit(sql, now, 'remove', customer.id, { customer, removed: counts });
    await sql.run('DELETE FROM customers WHERE id = ?', [customer.id]);
    return counts;
  });
}
