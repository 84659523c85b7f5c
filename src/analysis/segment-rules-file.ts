// Reads a segment rules table from CSV or JSON text (the shape `crm segment rules --format csv|json` prints).
import { parse } from 'csv-parse/sync';
import type { SegmentRule } from './segment-rules.js';

type Record_ = Record<string, unknown>;

const bound = (record: Record_, key: string): number => {
  const value = record[key];
  if (value === undefined || value === null || String(value).trim() === '') return Number.NaN;
  return Number(value);
};

function ruleFromRecord(record: Record_): SegmentRule {
  const name = String(record.segment ?? record.name ?? '').trim();
  const nameZh = String(record.segment_zh ?? record.name_zh ?? '').trim();
  return {
    name,
    ...(nameZh ? { nameZh } : {}),
    r: [bound(record, 'r_low'), bound(record, 'r_high')],
    f: [bound(record, 'f_low'), bound(record, 'f_high')],
    m: [bound(record, 'm_low'), bound(record, 'm_high')],
  };
}

/**
 * Parses rules from JSON (an array of rows, or the { rows } envelope crm prints) or CSV with the
 * columns segment, r_low, r_high, f_low, f_high, m_low, m_high (segment_zh optional). Order is kept:
 * the first rule that matches wins. Throws an Error with a readable message on unreadable text.
 */
export function parseRulesText(text: string): SegmentRule[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('[') || body.startsWith('{')) {
    const parsed = JSON.parse(body) as unknown;
    const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown }).rows;
    if (!Array.isArray(rows)) throw new Error('JSON rules must be an array of rules or an object with "rows"');
    return rows.map((row) => ruleFromRecord(row as Record_));
  }
  const records = parse(body, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, trim: true }) as Record_[];
  const first = records[0];
  if (first) {
    const missing = ['r_low', 'r_high', 'f_low', 'f_high', 'm_low', 'm_high'].filter((key) => !(key in first));
    if (!('segment' in first) && !('name' in first)) missing.unshift('segment');
    if (missing.length) throw new Error(`missing column(s) ${missing.join(', ')}`);
  }
  return records.map(ruleFromRecord);
}
