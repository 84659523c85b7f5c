// A report is a value: title, typed columns, plain rows and notes. Renderers never compute (ARCHITECTURE.md).

export type ColumnType = 'text' | 'integer' | 'number' | 'money' | 'percent' | 'probability' | 'date' | 'datetime';

export interface Column {
  /** Stable machine name: the CSV header and the JSON key. Never changes once released. */
  key: string;
  /** Heading for tables and Markdown, English. */
  label: string;
  /** Heading in Chinese (--lang zh); falls back to `label`. */
  labelZh?: string;
  /**
   * money: integer cents in rows, printed in currency units with two decimals;
   * percent: a percentage (0–100) in rows, printed with one decimal and a % sign in tables;
   * number: a decimal printed with two decimals in tables;
   * probability: a p-value (0–1), kept to 6 decimals in CSV/JSON and printed as 0.034 or < 0.001 in tables.
   */
  type: ColumnType;
  /**
   * A column of stable codes (`followup_overdue`, `too_small`): CSV and JSON keep the code, tables and Markdown show its
   * words in the chosen language (report/codes.ts); a value the map does not know is shown as it is, unless it is a known code, a
   * space and a detail (the lead list's "dropped 2026-05-01"): then the code's words and the detail.
   */
  labels?: CodeLabels;
}

/** code → [English words, Chinese words]. */
export type CodeLabels = Readonly<Record<string, readonly [string, string]>>;

export type CellValue = string | number | boolean | null;
export type Row = Record<string, CellValue>;

export interface Report {
  /** Machine name, e.g. "rfm" or "customers". */
  name: string;
  title: string;
  titleZh?: string;
  columns: Column[];
  rows: Row[];
  /**
   * Rows made while they are written (a listing of every customer), instead of `rows` (then empty): CSV, JSON and
   * Markdown write them as they come, a table on a terminal takes the first screenful, so a million rows are never
   * all in memory (report/render.ts renderChunks).
   */
  stream?: RowStream;
  /** When `rows` are only the first of a ranked list (the dashboard's top 20): how many rows the whole list has. */
  rowsInAll?: number;
  /** One-line notes the reader must know, printed under a table. */
  notes?: string[];
  /** A totals row for tables and Markdown (never in CSV/JSON rows). */
  totals?: Row;
  /** The analysis date, for the JSON envelope. */
  asOf?: string;
  /**
   * 'envelope' (default): JSON is { report, as_of, columns, rows }.
   * 'array': JSON is the bare array of rows (listings a script iterates, e.g. followups).
   * 'object': JSON is the single row as an object (one record, e.g. customer show).
   */
  json?: 'envelope' | 'array' | 'object';
  /** Tables show the (single) row as "label: value" lines instead of columns. */
  vertical?: boolean;
  /** Lines printed between the title and the table in tables and Markdown (crm clv's fitted parameters). */
  preamble?: string[];
  /** Further top-level keys of the JSON envelope (crm clv's fitted parameters as numbers). */
  meta?: Record<string, unknown>;
  /** Extra text drawn under the table on a terminal only (a pyramid, a bar chart). */
  picture?: string;
  /** Indexes of rows a colour terminal draws in red (overdue follow-ups). The report decides; the renderer only paints. */
  alertRows?: number[];
  /**
   * Further tables that belong to this report (the customer file's complaints, follow-ups, timeline).
   * Tables and Markdown print them after the main one; JSON 'object' adds each as an array under its name; CSV leaves them out.
   */
  sections?: Report[];
}

/** Rows produced a batch at a time, in order. */
export interface RowStream {
  /** How many rows the batches hold in all (known before the first is made: titles and "… and N more" say it). */
  count: number;
  /** The rows, a batch at a time; each call starts again from the first (a table to a file measures, then draws). */
  batches: () => AsyncIterable<readonly Row[]>;
}

/** How many rows a report has, whether it holds them or makes them as they are written. */
export const rowCount = (report: Report): number => report.stream?.count ?? report.rows.length;

export type OutputFormat = 'table' | 'json' | 'csv' | 'md';
export const outputFormats: readonly OutputFormat[] = ['table', 'json', 'csv', 'md'];
export type Lang = 'en' | 'zh';
