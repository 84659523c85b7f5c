// Days of the shop's calendar as bounds on stored instants. Orders carry a day; interactions and complaints an
// instant in UTC, so "contacts from --since to --as-of" must be cut at the shop's midnights, not at UTC's.
// The CLI tells the store its zone when it opens it (CliContext.openDb); nothing below src/cli decides it.
import { addDays } from '../util/dates.js';
import { localDayOf, localToInstant, utcIso } from '../util/zone.js';
import type { Db } from './open.js';
import type { Sql } from './engine/sql.js';
import { SqliteSql } from './engine/sqlite.js';

const zones = new WeakMap<Db | Sql, string>();

/**
 * The shop's time zone for this database handle (an IANA name). Outside UTC it also registers shop_day(instant) on
 * the connection, the shop's day of a stored instant (shopDay below writes it into a statement).
 */
export function setShopZone(db: Db, zone: string): void {
  zones.set(db, zone);
  if (zone === 'UTC') return;
  // Deterministic: the zone is fixed for the function as registered (a later setShopZone registers it again).
  db.function('shop_day', { deterministic: true }, (stored: unknown) => (typeof stored === 'string' ? localDayOf(stored, zone) : null));
}

/**
 * The shop's time zone for this connection. On SQLite as setShopZone; on PostgreSQL the session's TimeZone, so
 * that a stored instant read as timestamptz turns into the shop's day there.
 */
export async function setStoreZone(sql: Sql, zone: string): Promise<void> {
  zones.set(sql, zone);
  if (sql instanceof SqliteSql) setShopZone(sql.handle, zone);
  else await sql.run("SELECT set_config('TimeZone', ?, false)", [zone]);
}

/** A stored instant as util/zone.ts recognises one (its instant()), as a PostgreSQL regular expression. */
const storedInstant = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$';
/** The zone set on this connection, or on the SQLite handle under it (a connection made over a handle, during the move to Sql). */
function zoneOf(db: Db | Sql): string | undefined {
  return zones.get(db) ?? (db instanceof SqliteSql ? zones.get(db.handle) : undefined);
}

/**
 * SQL for the shop's day (YYYY-MM-DD) of the stored instant in COLUMN, for comparing it with a stored day (a due
 * date, a conversion day): an instant of 07:00 on the 1st in Shanghai is 23:00Z on the 31st, and its day is the 1st.
 * In UTC (or when no zone was set) it is the instant's first ten characters, as it always was; a bare date is itself.
 */
export function shopDay(db: Db | Sql, column: string): string {
  const zone = zoneOf(db);
  if ('engine' in db && db.engine === 'postgres') {
    // The session's TimeZone is the shop's (setStoreZone); only text that util/zone.ts reads as an instant is turned
    // into a day, anything else keeps its first ten characters, as localDayOf does on SQLite.
    return zone === undefined || zone === 'UTC'
      ? `substr(${column}, 1, 10)`
      : `(CASE WHEN ${column} ~ '${storedInstant}' THEN to_char(CAST(${column} AS timestamptz), 'YYYY-MM-DD') ELSE substr(${column}, 1, 10) END)`;
  }
  return zone === undefined || zone === 'UTC' ? `substr(${column}, 1, 10)` : `shop_day(${column})`;
}

/** The instant the shop's day DATE begins, as stored instants are written (2026-11-20T16:00:00Z for Shanghai's 21st). */
function dayStart(date: string, zone: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return utcIso(localToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, zone).time);
}

export interface DayBounds {
  /** Instants on or after this are on or after the day `since` (everything when there is no since). */
  sinceAt: string;
  /** Instants before this are on or before the day `asOf`. */
  asOfEnd: string;
}

/**
 * Bounds for `instant >= sinceAt AND instant < asOfEnd`. In UTC these stay date texts ("2026-11-23T99" sorts
 * after every instant of the 23rd), so an instant stored as a bare date still compares as before.
 */
export function dayBounds(db: Db | Sql, since: string | null | undefined, asOf: string): DayBounds {
  const zone = zoneOf(db);
  if (zone === undefined || zone === 'UTC') return { sinceAt: since ?? '0000-00-00', asOfEnd: `${asOf}T99` };
  return { sinceAt: since ? dayStart(since, zone) : '0000-00-00', asOfEnd: dayStart(addDays(asOf, 1), zone) };
}
