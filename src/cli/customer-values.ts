// Checks a typed e-mail or phone with the import's own rules, so a typed customer meets the same standard as an imported one.
import { UsageError } from '../errors.js';

export async function checkContactValue(field: 'email' | 'phone', value: string | null | undefined): Promise<string | null> {
  if (!value) return null;
  const { RecordReader } = await import('../import/validate.js');
  const reader = new RecordReader([value], { columns: [field], unknown: [], fieldIndex: new Map([[field, 0]]) }, {});
  try {
    return reader[field](field, value);
  } catch (error) {
    const reason = (error as { rejection?: { reason: string } }).rejection?.reason ?? String(error);
    throw new UsageError(`--${field} "${value}": ${reason}`);
  }
}
