// The PostgreSQL side of the connection type: node-postgres (pg), one client per command, statements written as
// for SQLite (@name and ?) and numbered ($1, $2, …) here, once per text. Reads of many rows go through a server
// cursor (DECLARE … FETCH), so other statements can run between batches and memory stays flat.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import pgpassHelper from 'pgpass/lib/helper.js';
import { DatabaseError, RefusedByServer, type CrmError } from '../../errors.js';
import { postgresDialect } from './dialect.js';
import type { Params, RunResult, Sql } from './sql.js';

export { isPostgresUrl } from './url.js';

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Undefined: none given, and none in the password file; the server may not ask for one. */
  password: string | undefined;
  ssl: pg.ClientConfig['ssl'];
  /** postgresql://user@host:port/database: what messages call it. Never the password. */
  label: string;
}

type Env = Record<string, string | undefined>;

/** An environment variable, an empty one counting as unset (as libpq does). */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** psql's default host: the Unix socket folder when the server has one here, else localhost. */
function defaultHost(): string {
  for (const folder of ['/var/run/postgresql', '/tmp']) {
    try {
      if (fs.readdirSync(folder).some((name) => name.startsWith('.s.PGSQL.'))) return folder;
    } catch {
      // no such folder
    }
  }
  return 'localhost';
}

/** The password for this connection from ~/.pgpass (or $PGPASSFILE), by libpq's rules: ignored unless 0600. */
function passwordFromFile(env: Env, target: { host: string; port: number; user: string; database: string }): string | undefined {
  const file = pgpassHelper.getFileName(env);
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || (stat.mode & 0o077) !== 0) return undefined;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // A socket connection matches "localhost" in the file, as in libpq.
  const host = target.host.startsWith('/') ? 'localhost' : target.host;
  const info = { host, port: String(target.port), database: target.database, user: target.user };
  for (const line of text.split(/\r?\n/)) {
    const entry = pgpassHelper.parseLine(line);
    if (entry && pgpassHelper.isValidEntry(entry) && pgpassHelper.match(info, entry)) return entry.password;
  }
  return undefined;
}

/**
 * Where a postgres:// or postgresql:// URL leads, with what the URL leaves out taken from PGHOST, PGPORT, PGUSER,
 * PGPASSWORD, PGDATABASE, PGSSLMODE and the password file, as psql takes them. A malformed URL is a usage
 * problem reported without repeating the URL (it may hold a password).
 */
export function resolvePostgresTarget(url: string, env: Env): PostgresTarget {
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(url.trim(), { useLibpqCompat: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DatabaseError(`--db: not a PostgreSQL URL crm can read (${reason}); write postgresql://user@host:port/database`);
  }
  const host = parsed.host || envValue(env, 'PGHOST') || defaultHost();
  const portText = parsed.port || envValue(env, 'PGPORT') || '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DatabaseError(`--db: port "${portText}" is not a port number`);
  const user = parsed.user || envValue(env, 'PGUSER') || envValue(env, 'USER') || os.userInfo().username;
  const database = parsed.database || envValue(env, 'PGDATABASE') || user;
  let ssl = parsed.ssl as pg.ClientConfig['ssl'];
  const urlSslMode = /[?&]sslmode=/i.test(url);
  if (!urlSslMode && envValue(env, 'PGSSLMODE') !== undefined) {
    const mode = envValue(env, 'PGSSLMODE');
    ssl = mode === 'disable' || mode === 'allow' || mode === 'prefer' ? false : mode === 'verify-full' ? true : { rejectUnauthorized: false };
  }
  const where = { host, port, user, database };
  const password = parsed.password || envValue(env, 'PGPASSWORD') || passwordFromFile(env, where);
  const shownHost = host.includes(':') && !host.startsWith('/') ? `[${host}]` : host;
  return { ...where, password, ssl: ssl ?? false, label: `postgresql://${user}@${shownHost}:${port}/${database}` };
}

// Numbers come back as numbers, as from SQLite: 64-bit counts and sums (int8, numeric) fit a double for any
// amount a shop has. Dates and times stay the text they were (crm stores dates as ISO text; a computed date
// would otherwise become a JavaScript Date in the local zone).
const asNumber = (value: string): number => Number(value);
const asText = (value: string): string => value;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    if (oid === 20 || oid === 1700) return asNumber;
    if (oid === 1082 || oid === 1114 || oid === 1184) return asText;
    return pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connection problems in one line that names the server and database, never the password. */
export function connectionProblem(target: PostgresTarget, error: unknown): DatabaseError {
  const code = (error as { code?: unknown }).code;
  const where = target.label;
  let reason: string;
  if (code === 'ECONNREFUSED' || code === 'ENOENT') reason = 'no server is answering there (is PostgreSQL running?)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = `the host ${target.host} is not known`;
  else if (code === 'ETIMEDOUT') reason = 'the server did not answer in time';
  else if (code === '28P01') reason = `the server refused the password for ${target.user}`;
  else if (code === '28000') reason = `the server refused the login ${target.user} (${(error as Error).message})`;
  else if (code === '3D000') reason = `there is no database ${target.database} on that server (create it, as in the README's team section)`;
  else if (code === '57P03') reason = 'the server is starting up or shutting down; try again';
  else reason = error instanceof Error ? error.message : String(error);
  if (target.password !== undefined) reason = reason.split(target.password).join('***');
  return new DatabaseError(`cannot connect to ${where}: ${reason}`);
}

/** Connects, or throws one line naming the server (exit 4). */
export async function connectPostgres(target: PostgresTarget): Promise<PgSql> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: target.password ?? '',
    ssl: target.ssl,
    types,
    application_name: 'crm',
    connectionTimeoutMillis: 15_000,
  });
  // An error after connecting (the server going away) surfaces on the next query; this keeps it from being thrown
  // from an event handler as well.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionProblem(target, error);
  }
  // crm's statements are short and planned per run; PostgreSQL's JIT compiler would spend a second or more per
  // report compiling expressions it then runs once (measured: 1.3 s of a 6.8 s receivables report at 100k customers).
  // The same round trip reads who is writing: the login, as the server stamps it (docs/storage.md#who-wrote-a-row).
  let actor: string;
  try {
    const { rows } = await client.query<{ actor: string }>("SELECT set_config('jit', 'off', false), CAST(current_user AS text) AS actor");
    actor = rows[0]!.actor;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw serverProblem(target.label, error) ?? error;
  }
  return new PgSql(client, target.label, actor);
}

interface Translated {
  text: string;
  /** For named parameters: the name of $1, $2, …; null for positional ones. */
  names: string[] | null;
}

/**
 * SQLite's parameter marks as PostgreSQL's: @name → $n (one number per name), ? → $n in order. Quoted text,
 * quoted names and comments are copied as they are.
 */
export function numberParameters(text: string): Translated {
  let out = '';
  const names: string[] = [];
  let positional = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
      // '' inside a literal is an escaped quote: the loop meets it as the start of the next literal, which is right.
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '@' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      const name = text.slice(i + 1, j);
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i = j;
    } else if (c === '?') {
      positional++;
      out += `$${positional}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (names.length > 0 && positional > 0) throw new Error('a statement mixes @name and ? parameters');
  return { text: out, names: names.length > 0 ? names : null };
}

function values(translated: Translated, params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (translated.names === null) return (params as readonly unknown[]).map((value) => (value === undefined ? null : value));
  const named = params as Record<string, unknown>;
  return translated.names.map((name) => {
    if (!(name in named)) throw new Error(`missing value for parameter @${name}`);
    const value = named[name];
    return value === undefined ? null : value;
  });
}

/**
 * A failure of the server rather than of a statement: the connection lost (the server stopped or restarted, the
 * network went), the server out of disk or memory, a deadlock or a lock it gave up on. One line naming the
 * database, exit 4; null for anything else (a statement's own error stays as it is).
 */
export function serverProblem(label: string, error: unknown): CrmError | null {
  if (!(error instanceof Error)) return null;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === 'ECONNRESET' || code === 'EPIPE' ||
      /Connection terminated|connection error and is not queryable|Client was closed/i.test(error.message)) {
    return new DatabaseError(`lost the connection to ${label} (the server stopped, restarted or went out of reach); what this command had not committed was not written`);
  }
  if (code === '53100') return new DatabaseError(`${label}: the server's disk is full; nothing was written`);
  if (code === '53200') return new DatabaseError(`${label}: the server ran out of memory; nothing was written`);
  if (code === '40P01' || code === '55P03') return new DatabaseError(`${label}: the database is busy with another writer; try again when it finishes`);
  if (code === '25006') return new DatabaseError(`${label}: the server accepts no writes here (a read-only server or replica)`);
  // A team's rules (db/team-schema.ts): a row or table this login may not touch. The statement changed nothing.
  if (code === '42501') return new RefusedByServer(`${label}: the server refused this for that login (${error.message}); nothing was changed`);
  return null;
}

let cursorCount = 0;

export class PgSql implements Sql {
  readonly engine = 'postgres' as const;
  readonly dialect = postgresDialect;
  private readonly translations = new Map<string, Translated>();
  private depth = 0;

  constructor(
    /** The pg client: for the PostgreSQL-only paths in src/db (COPY, advisory locks), nothing above. */
    readonly client: pg.Client,
    readonly label: string,
    /** The login (current_user when connecting). */
    readonly actor: string,
  ) {}

  /** One statement to the server; a lost connection or a full disk becomes one line naming the database (exit 4). */
  private async send(config: string | (pg.QueryConfig & { rowMode?: 'array' })): Promise<pg.QueryResult> {
    try {
      return await this.client.query(config as pg.QueryConfig);
    } catch (error) {
      throw serverProblem(this.label, error) ?? error;
    }
  }

  private translate(text: string): Translated {
    let translated = this.translations.get(text);
    if (translated === undefined) {
      translated = numberParameters(text);
      if (this.translations.size > 1000) this.translations.clear();
      this.translations.set(text, translated);
    }
    return translated;
  }

  async query<T>(text: string, params: Params | undefined, rowMode?: 'array'): Promise<pg.QueryResult & { rows: T[] }> {
    const translated = this.translate(text);
    const config: pg.QueryConfig & { rowMode?: 'array' } = { text: translated.text, values: values(translated, params) };
    if (rowMode) config.rowMode = rowMode;
    return (await this.send(config)) as pg.QueryResult & { rows: T[] };
  }

  async all<T>(text: string, params?: Params): Promise<T[]> {
    return (await this.query<T>(text, params)).rows;
  }

  async get<T>(text: string, params?: Params): Promise<T | undefined> {
    return (await this.query<T>(text, params)).rows[0];
  }

  async value<T>(text: string, params?: Params): Promise<T | undefined> {
    return (await this.query<unknown[]>(text, params, 'array')).rows[0]?.[0] as T | undefined;
  }

  async column<T>(text: string, params?: Params): Promise<T[]> {
    return (await this.query<unknown[]>(text, params, 'array')).rows.map((row) => row[0] as T);
  }

  async rows<T extends unknown[]>(text: string, params?: Params): Promise<T[]> {
    return (await this.query<T>(text, params, 'array')).rows;
  }

  async run(text: string, params?: Params): Promise<RunResult> {
    return { changes: (await this.query(text, params)).rowCount ?? 0 };
  }

  async insert(text: string, params?: Params): Promise<number | undefined> {
    const id = (await this.query<unknown[]>(`${text} RETURNING id`, params, 'array')).rows[0]?.[0];
    return id === undefined ? undefined : Number(id);
  }

  async exec(text: string): Promise<void> {
    // A transaction begun and ended by plain statements (an import session's BEGIN … COMMIT) counts as transaction()'s
    // does: a read in batches inside it then uses the open transaction, instead of beginning one of its own and
    // committing the session's work with it when the rows are read.
    const verb = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)\b(?!\s+TO\b)/i.exec(text)?.[1]?.toUpperCase();
    if (verb === undefined) return void (await this.send(text));
    if (verb === 'BEGIN' || verb.startsWith('START')) {
      await this.send(text);
      this.depth++;
      return;
    }
    // The transaction is over whether its end succeeds or the connection breaks.
    if (this.depth > 0) this.depth--;
    await this.send(text);
  }

  batches<T>(text: string, params?: Params, size = 2000): AsyncIterable<T[]> {
    return this.read<T>(text, params, size, undefined);
  }

  rowBatches<T extends unknown[]>(text: string, params?: Params, size = 2000): AsyncIterable<T[]> {
    return this.read<T>(text, params, size, 'array');
  }

  private async *read<T>(text: string, params: Params | undefined, size: number, rowMode: 'array' | undefined): AsyncIterable<T[]> {
    // A cursor lives in a transaction: outside one, the read opens its own and ends it when the rows are read.
    const own = this.depth === 0;
    if (own) {
      await this.send('BEGIN');
      this.depth++;
    }
    const name = `crm_cursor_${++cursorCount}`;
    let ok = false;
    try {
      const translated = this.translate(text);
      await this.send({ text: `DECLARE ${name} NO SCROLL CURSOR FOR ${translated.text}`, values: values(translated, params) });
      for (;;) {
        const config: pg.QueryConfig & { rowMode?: 'array' } = { text: `FETCH FORWARD ${size} FROM ${name}` };
        if (rowMode) config.rowMode = rowMode;
        const result = (await this.send(config)) as pg.QueryResult & { rows: T[] };
        if (result.rows.length > 0) yield result.rows;
        if (result.rows.length < size) break;
      }
      ok = true;
    } finally {
      if (own) {
        this.depth--;
        await this.send(ok ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
      } else if (ok) {
        await this.send(`CLOSE ${name}`);
      } else {
        await this.send(`CLOSE ${name}`).catch(() => undefined);
      }
    }
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  async transaction<T>(fn: () => Promise<T>, mode: 'read' | 'write' = 'write'): Promise<T> {
    const savepoint = `crm_${this.depth}`;
    await this.send(this.depth === 0 ? (mode === 'write' ? 'BEGIN' : 'BEGIN READ ONLY') : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = await fn();
      this.depth--;
      await this.send(this.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      this.depth--;
      await this.send(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
