// What a --db value names, told apart without loading either driver (crm --help loads neither).
import path from 'node:path';
import { DatabaseError } from '../../errors.js';

/** Whether a --db value names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(raw: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(raw.trim());
}

export type StoreTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/** What a --db value (or CRM_DB) names. A URL is never a file name: it is read as a URL or refused. */
export function storeTarget(raw: string, cwd: string): StoreTarget {
  if (isPostgresUrl(raw)) return { engine: 'postgres', url: raw.trim() };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim())) {
    throw new DatabaseError(`--db: "${raw.trim().split('://')[0]}://" is not a database crm can open; give a file path or a postgresql:// URL`);
  }
  return { engine: 'sqlite', file: path.resolve(cwd, raw) };
}
