// What every command needs: the database, output rendering, terminal facts. No SQL, no business rules.
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import type { StoreOptions } from '../db/open-store.js';
import { storeTarget, type StoreTarget } from '../db/engine/url.js';
import type { Sql } from '../db/engine/sql.js';
import type { Lang, OutputFormat, Report } from '../report/types.js';
import { outputFormats } from '../report/types.js';
import { DATE_RANGE_TEXT, parseDate, yearOutOfRange } from '../util/dates.js';
import { checkZone, localDate, systemZone } from '../util/zone.js';
import { visibleLines } from '../report/visible.js';
import type { Io, OutputStream } from './io.js';

export interface GlobalOptions {
  db?: string;
  color?: boolean;
  input?: boolean;
  tz?: string;
}

export interface OutputOptions {
  format?: OutputFormat;
  output?: string;
  lang?: Lang;
  /** --bom / --no-bom: whether CSV starts with a UTF-8 byte order mark (default: in a file yes, on stdout no). */
  bom?: boolean;
}

export class CliContext {
  private openStores: Sql[] = [];
  private shopZone: string | undefined;

  constructor(
    readonly io: Io,
    readonly program: Command,
  ) {}

  get globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  /** The database: --db, else CRM_DB, else ./crm.db; a file path (SQLite) or a postgresql:// URL. */
  dbTarget(): StoreTarget {
    // An empty CRM_DB counts as unset.
    return storeTarget(this.globals.db ?? (this.io.env.CRM_DB || 'crm.db'), this.io.cwd);
  }

  /** The database, on either engine, as the one connection type every store function takes. */
  async openStore(options: StoreOptions = {}): Promise<Sql> {
    // Loaded here, not at start-up: crm --help and a usage error load no database driver.
    const { openStore } = await import('../db/open-store.js');
    const { setStoreZone } = await import('../db/day-bounds.js');
    const sql = await openStore(this.dbTarget(), {
      now: this.io.now,
      onMigrationBackup: (backup, from, to) => this.info(`upgraded the database schema from version ${from} to ${to}; the old one is backed up in ${backup}`),
      env: this.io.env,
      actor: this.io.user?.(),
      ...options,
    });
    this.openStores.push(sql);
    // The store counts the shop's days (report periods over contacts and complaints) in its zone.
    await setStoreZone(sql, this.zone());
    return sql;
  }

  async closeAll(): Promise<void> {
    for (const sql of this.openStores) await sql.close();
    this.openStores = [];
  }

  /** Colour only on a terminal, never with NO_COLOR or --no-color. */
  get color(): boolean {
    if (this.globals.color === false) return false;
    if (this.io.env.NO_COLOR !== undefined && this.io.env.NO_COLOR !== '') return false;
    if (this.io.env.FORCE_COLOR) return true;
    return Boolean(this.io.stdout.isTTY);
  }

  /** Prompts only when a person is there: stdin and stdout are terminals and --no-input was not given. */
  get interactive(): boolean {
    return this.globals.input !== false && Boolean(this.io.stdin.isTTY) && Boolean(this.io.stdout.isTTY);
  }

  /** Progress bars go to stderr and only when it is a terminal. */
  get progress(): boolean {
    return Boolean(this.io.stderr.isTTY) && this.io.env.CI !== 'true';
  }

  defaultLang(): Lang {
    const locale = this.io.env.CRM_LANG ?? this.io.env.LC_ALL ?? this.io.env.LC_MESSAGES ?? this.io.env.LANG ?? '';
    return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }

  lang(options: OutputOptions): Lang {
    return options.lang ?? this.defaultLang();
  }

  /**
   * The shop's time zone (docs/rules.md#dates): --tz, else CRM_TZ, else TZ, else the system's zone; an empty
   * variable counts as unset. Read from io.env, never from the process, so a test can run crm in any zone.
   * A name Intl does not know is a usage error (exit 2).
   */
  zone(): string {
    if (this.shopZone !== undefined) return this.shopZone;
    const given: [string, string | undefined][] = [['--tz', this.globals.tz], ['CRM_TZ', this.io.env.CRM_TZ], ['TZ', this.io.env.TZ]];
    for (const [source, raw] of given) {
      if (raw === undefined || (source !== '--tz' && raw.trim() === '')) continue;
      const zone = checkZone(raw);
      if (!zone) throw new UsageError(`${source}: "${raw}" is not a time zone crm knows (use a name such as Asia/Shanghai, Europe/Berlin or UTC)`);
      return (this.shopZone = zone);
    }
    return (this.shopZone = systemZone());
  }

  /** Today's date in the shop's zone: the one place a command turns the clock into a calendar day. */
  today(): string {
    return localDate(this.io.now(), this.zone());
  }

  /** --as-of: a date, default today. */
  asOf(raw: string | undefined): string {
    if (raw === undefined) return this.today();
    return requireDate(raw, '--as-of');
  }

  /** Writes a message line to stderr (never stdout: stdout is for data). */
  info(message: string): void {
    this.io.stderr.write(visibleLines(message.endsWith('\n') ? message : `${message}\n`));
  }

  /** Writes a line for a person to stdout (a confirmation such as "added customer …"), never data for a program. */
  say(message: string): void {
    this.io.stdout.write(visibleLines(message.endsWith('\n') ? message : `${message}\n`));
  }

  /**
   * Writes TEXT to the file a path option names (relative to the working folder): whole or not at all,
   * 0600, never over the database, its journal files or its backups (files/atomic-file.ts).
   */
  async writeOutput(file: string, text: string, flag = '--output'): Promise<void> {
    const { writeFileSafely } = await import('../files/atomic-file.js');
    // A PostgreSQL database has no file here that an output could overwrite.
    const target = this.dbTarget();
    writeFileSafely(path.resolve(this.io.cwd, file), text, { flag, shown: file, databaseFile: target.engine === 'sqlite' ? target.file : undefined });
  }

  /**
   * Writes CHUNKS as they come: to the file a path option names (as writeOutput: whole or not at all, never over the
   * database, its journals or its backups), or with FILE null to stdout, waiting when a pipe asks to.
   */
  async writeChunks(file: string | null, chunks: AsyncIterable<string>, flag = '--output'): Promise<void> {
    if (file === null) {
      for await (const chunk of chunks) await writeWaiting(this.io.stdout, chunk);
      return;
    }
    const { AtomicFile } = await import('../files/atomic-file.js');
    const target = this.dbTarget();
    const output = AtomicFile.create(path.resolve(this.io.cwd, file), { flag, shown: file, databaseFile: target.engine === 'sqlite' ? target.file : undefined });
    try {
      for await (const chunk of chunks) output.write(chunk);
      output.commit();
    } catch (error) {
      output.abort();
      throw error;
    }
  }

  /**
   * Renders a report in the requested format to stdout or --output, as it is rendered: a report whose rows are made
   * as they are written (Report.stream) is never whole in memory. A file is still written whole or not at all.
   */
  async emit(report: Report, options: OutputOptions): Promise<void> {
    const { renderChunks } = await import('../report/render.js');
    const { rowCount } = await import('../report/types.js');
    const format = options.format ?? 'table';
    const toFile = options.output !== undefined && options.output !== '-';
    const chunks = renderChunks(report, format, {
      color: !toFile && format === 'table' && this.color,
      lang: this.lang(options),
      pictures: !toFile && format === 'table' && Boolean(this.io.stdout.isTTY),
      // A person at a terminal gets a screenful that fits its width; a pipe or a file gets every row and column.
      screen: !toFile && format === 'table' && this.io.stdout.isTTY ? { columns: this.io.stdout.columns, rows: this.io.stdout.rows } : undefined,
      zone: this.zone(),
    });
    let first = true;
    const marked = (text: string, bom: boolean): string => {
      if (!first) return text;
      first = false;
      return withBom(text, format, bom);
    };
    if (toFile) {
      const { AtomicFile } = await import('../files/atomic-file.js');
      const target = this.dbTarget();
      const output = AtomicFile.create(path.resolve(this.io.cwd, options.output!), {
        flag: '--output',
        shown: options.output!,
        databaseFile: target.engine === 'sqlite' ? target.file : undefined,
      });
      try {
        for await (const chunk of chunks) output.write(marked(chunk, options.bom ?? true));
        if (first) output.write(marked('', options.bom ?? true));
        output.commit();
      } catch (error) {
        output.abort();
        throw error;
      }
      this.info(`wrote ${rowCount(report)} rows to ${options.output}`);
    } else {
      for await (const chunk of chunks) await writeWaiting(this.io.stdout, marked(chunk, options.bom ?? false));
    }
  }
}

type Waitable = OutputStream & { once?: (event: string, listener: () => void) => unknown; off?: (event: string, listener: () => void) => unknown };

/** Writes to a stream and, when it asks the writer to wait (a slow pipe), waits until it drains. */
async function writeWaiting(stream: OutputStream, text: string): Promise<void> {
  const ready = stream.write(text);
  const events = stream as Waitable;
  if (ready !== false || typeof events.once !== 'function') return;
  // A closed pipe emits no drain: its error or close ends the wait (the error itself is handled where stdout is).
  await new Promise<void>((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'error', 'close']) events.off?.(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) events.once!(event, done);
  });
}

/**
 * CSV for a spreadsheet starts with a UTF-8 byte order mark, as crm export writes it: without one Excel on a Chinese
 * Windows reads the file in the local code page and shows the names garbled. A program reading stdout gets none unless
 * it asks (--bom); crm import reads either.
 */
export function withBom(text: string, format: OutputFormat, bom: boolean): string {
  return format === 'csv' && bom ? `\uFEFF${text}` : text;
}

export function requireDate(raw: string, flag: string): string {
  const date = parseDate(raw);
  if (!date) throw new UsageError(dateRefusal(flag, raw, 'use YYYY-MM-DD'));
  return date;
}

/** The one line for a date flag crm refused: the accepted range when the year is outside it, else the form to use. */
export function dateRefusal(flag: string, raw: string, hint: string): string {
  if (yearOutOfRange(raw)) return `${flag}: "${raw}" is outside the dates crm accepts (${DATE_RANGE_TEXT})`;
  return `${flag}: "${raw}" is not a date (${hint})`;
}

/** Ranges of the whole-number flags: large enough for any real use, small enough for the database and date arithmetic. */
export const flagLimits = {
  /** --limit of listings. */
  rows: 10_000_000,
  /** Day windows (--window of loyalty): ten years, as campaign windows. */
  days: 3650,
  /** Backups to keep. */
  backups: 100_000,
} as const;

/** Every whole-number flag goes through here: digits only, within [min, max], one line when not. */
export function parseWholeNumber(raw: string, flag: string, min: number, max: number): number {
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag}: "${raw}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

export function parsePositiveInteger(raw: string, flag: string, max: number): number {
  return parseWholeNumber(raw, flag, 1, max);
}

/** Adds --format, --output, --lang and --bom/--no-bom, defined once for every command that prints rows. */
export function withOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices([...outputFormats]).default('table'))
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .addOption(new Option('--lang <lang>', 'language of headings and labels (default from the locale)').choices(['en', 'zh']))
    .option('--bom', 'start CSV with a UTF-8 byte order mark (the default with --output, so Excel shows Chinese names)')
    .option('--no-bom', 'no byte order mark (the default on stdout)');
}

/** Adds --as-of and --since, for every analysis command. */
export function withPeriodOptions(command: Command): Command {
  return command
    .option('--as-of <date>', 'analyse as of DATE: later orders are ignored, ages count to it (default today)')
    .option('--since <date>', 'ignore orders before DATE')
    .option('--include-partners', 'count partners as customers (by default the customer analyses leave them out)');
}
