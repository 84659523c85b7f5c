// Who runs crm: the operating-system user. On a SQLite file that is who writes (a file has no logins); on a server
// the login is (db/engine/postgres.ts). See docs/storage.md#who-wrote-a-row.
import os from 'node:os';

/** The operating-system user; USER (or USERNAME) when the system cannot say (a uid with no passwd entry), else 'unknown'. */
export function operatingSystemUser(env: Record<string, string | undefined> = process.env): string {
  try {
    const name = os.userInfo().username;
    if (name !== '') return name;
  } catch {
    // no passwd entry for this uid (some containers)
  }
  return env.USER || env.USERNAME || 'unknown';
}
