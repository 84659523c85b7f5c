// crm import points FILE: a points ledger from the old system, read as a stream (decoding and delimiter as every
// import: decode.ts), each row validated into a typed entry or one problem naming its line and field.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { CrmError, DataRejectedError, UsageError } from '../errors.js';
import { parseDate } from '../util/dates.js';
import { ChunkDecoder, detectDelimiter } from './decode.js';
import { normaliseHeader } from './headers.js';

export const pointsKinds = ['earn', 'add', 'redeem', 'expire', 'adjust'] as const;
export type PointsKind = (typeof pointsKinds)[number];

/** Header aliases (compared as normaliseHeader leaves them): English and the old systems' Chinese. */
const headerAliases: Record<string, string[]> = {
  points_id: ['pointsid', 'id', 'entryid', 'ledgerid', '流水号', '积分流水号', '编号'],
  customer_id: ['customerid', 'customer', 'memberid', '客户编号', '会员编号', '客户id', '会员id'],
  date: ['date', 'ondate', 'day', '日期', '发生日期'],
  points: ['points', 'point', '积分', '积分变动'],
  kind: ['kind', 'type', '类型', '积分类型'],
  reason: ['reason', 'note', 'for', 'description', '说明', '备注', '原因'],
  expires_on: ['expireson', 'expires', 'lastday', '到期日', '有效期至'],
};

const kindWords: Record<string, PointsKind> = {
  earn: 'earn', earned: 'earn', 获得: 'earn', 消费获得: 'earn', 消费: 'earn',
  add: 'add', added: 'add', gift: 'add', 赠送: 'add', 奖励: 'add',
  redeem: 'redeem', redeemed: 'redeem', 兑换: 'redeem', 抵扣: 'redeem',
  expire: 'expire', expired: 'expire', 过期: 'expire', 失效: 'expire',
  adjust: 'adjust', adjustment: 'adjust', 调整: 'adjust',
};

export interface PointsFileRow {
  line: number;
  pointsId: string;
  customerId: string;
  date: string;
  points: number;
  kind: PointsKind;
  reason: string | null;
  /** As written; null: the default for a credit is worked out from the rules (db/points.ts). */
  expiresOn: string | null;
}

export interface PointsFileProblem {
  line: number;
  field: string;
  value: string;
  reason: string;
}

export const problemText = (file: string, problem: PointsFileProblem): string => `${file}:${problem.line}: ${problem.field} "${problem.value}": ${problem.reason}`;

const MAX_POINTS = 100_000_000;

function rowOf(line: number, cell: (field: string) => string): PointsFileRow | PointsFileProblem {
  const problem = (field: string, value: string, reason: string): PointsFileProblem => ({ line, field, value, reason });
  const pointsId = cell('points_id').trim();
  if (pointsId === '') return problem('points_id', '', 'required: the id of the row in the old system');
  const customerId = cell('customer_id').trim();
  if (customerId === '') return problem('customer_id', '', 'required');
  const date = parseDate(cell('date').trim());
  if (date === null) return problem('date', cell('date'), 'not a date (YYYY-MM-DD)');
  const rawPoints = cell('points').trim();
  if (!/^[+-]?\d{1,9}$/.test(rawPoints) || Number(rawPoints) === 0 || Math.abs(Number(rawPoints)) > MAX_POINTS) {
    return problem('points', rawPoints, `not a whole number of points other than 0 (at most ${MAX_POINTS} either way)`);
  }
  const points = Number(rawPoints);
  const rawKind = cell('kind').trim();
  const kind = rawKind === '' ? (points > 0 ? 'add' : 'redeem') : kindWords[rawKind.toLowerCase()];
  if (kind === undefined) return problem('kind', rawKind, `not one of ${pointsKinds.join(', ')} (or 获得, 赠送, 兑换, 过期, 调整)`);
  if ((kind === 'earn' || kind === 'add') && points < 0) return problem('points', rawPoints, `${kind} rows give points: above 0`);
  if ((kind === 'redeem' || kind === 'expire') && points > 0) return problem('points', rawPoints, `${kind} rows take points: below 0 (write -${points})`);
  const rawExpires = cell('expires_on').trim();
  const expiresOn = rawExpires === '' ? null : parseDate(rawExpires);
  if (expiresOn === null && rawExpires !== '') return problem('expires_on', rawExpires, 'not a date (YYYY-MM-DD)');
  if (expiresOn !== null && points < 0) return problem('expires_on', rawExpires, 'only rows that give points expire');
  if (expiresOn !== null && expiresOn < date) return problem('expires_on', rawExpires, `before the row's date ${date}`);
  const reason = cell('reason').trim();
  return { line, pointsId, customerId, date, points, kind, reason: reason === '' ? null : reason, expiresOn };
}

/**
 * The rows of a points file, one at a time (a problem instead of a row for a bad one). A missing required column stops
 * the import before any row (DataRejectedError, exit 3).
 */
export async function* readPointsFile(file: string, label: string): AsyncGenerator<PointsFileRow | PointsFileProblem> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(file, fs.constants.R_OK);
    stream = fs.createReadStream(file);
  } catch {
    throw new UsageError(`${label}: no such file, or it cannot be read`);
  }
  const decoder = new ChunkDecoder(label, 'auto');
  let parser: ReturnType<typeof parse> | null = null;
  let first = true;
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of stream) {
      let decoded = decoder.decode(chunk as Buffer);
      if (first) {
        decoded = decoded.replace(/^\uFEFF/, '');
        first = false;
      }
      yield decoded;
    }
    yield decoder.end();
  }
  const source = text();
  const head = await source.next();
  const firstText = head.done ? '' : head.value;
  if (firstText.trim() === '') throw new DataRejectedError(`${label}:1: the file is empty (expected a header row: points_id,customer_id,date,points,kind,reason,expires_on)`);
  parser = parse({ delimiter: detectDelimiter(firstText), relax_column_count: true, info: true, skip_empty_lines: true });
  const feed = (async () => {
    parser!.write(firstText);
    for await (const piece of source) {
      if (parser!.destroyed) return;
      if (!parser!.write(piece)) await new Promise((resolve) => (parser!.once('drain', resolve), parser!.once('close', resolve)));
    }
    parser!.end();
  })().catch((error: unknown) => parser!.destroy(error instanceof Error ? error : new Error(String(error))));
  let fields: Map<string, number> | null = null;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (fields === null) {
        fields = new Map();
        item.record.forEach((header, index) => {
          const name = normaliseHeader(header);
          for (const [field, aliases] of Object.entries(headerAliases)) if ((name === field.replace(/_/g, '') || aliases.includes(name)) && !fields!.has(field)) fields!.set(field, index);
        });
        const missing = ['points_id', 'customer_id', 'date', 'points'].filter((field) => !fields!.has(field));
        if (missing.length) throw new DataRejectedError(`${label}:1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (a points file has points_id,customer_id,date,points and may have kind,reason,expires_on)`);
        continue;
      }
      const record = item.record;
      yield rowOf(item.info.lines, (field) => (fields!.has(field) ? record[fields!.get(field)!] ?? '' : ''));
    }
  } catch (error) {
    if (error instanceof CrmError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DataRejectedError(`${label}: not a readable CSV file: ${message}`);
  } finally {
    parser.destroy();
    await feed;
    stream.destroy();
  }
}
