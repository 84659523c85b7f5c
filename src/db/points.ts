// The points ledger (schema version 20): rules from a date, the rows orders earn and take back (keyed by the order, so
// re-importing orders never earns twice), points added and redeemed by hand, and each customer's standing (FIFO and
// expiry: analysis/points.ts). README "Members and points".
import { levelOf } from '../analysis/members.js';
import { expiresOn, orderPoints, pointsStanding, ruleOn, type ExpireRule, type LedgerEntry, type PointsRule, type PointsStanding } from '../analysis/points.js';
import { CrmError } from '../errors.js';
import { addMonths } from '../report/period.js';
import type { Sql } from './engine/sql.js';
import { growthSql, levelOfSql, levelParams, readLevels, type LevelLadder } from './members.js';
import { billed } from './report-sales.js';

interface RuleRow {
  id: number;
  effective_from: string;
  earn: number;
  per_cents: number;
  expire: string;
  level_bonus: string;
}

const ruleOf = (row: RuleRow): PointsRule => ({
  id: Number(row.id), effectiveFrom: row.effective_from, earn: Number(row.earn), perCents: Number(row.per_cents),
  expire: row.expire as ExpireRule, bonusPermille: JSON.parse(row.level_bonus) as Record<string, number>,
});

/** Every rule, the earliest first. */
export async function readRules(sql: Sql): Promise<PointsRule[]> {
  return (await sql.all<RuleRow>('SELECT id, effective_from, earn, per_cents, expire, level_bonus FROM points_rules ORDER BY effective_from')).map(ruleOf);
}

/** The latest day an order earned points under the rules (a new rule may not start on or before it), or null. */
export async function lastEarnedDay(sql: Sql): Promise<string | null> {
  return (await sql.value<string>("SELECT max(o.order_date) FROM points_ledger p JOIN orders o ON o.id = p.order_id WHERE p.kind = 'earn'")) ?? null;
}

/**
 * Adds the rule in force from its day on (crm points rules set). The past is never rewritten: a rule may not start on
 * or before the day of an order that already earned (CrmError, exit 1), and rows already written keep their points.
 */
export async function addRule(sql: Sql, rule: Omit<PointsRule, 'id'>, now: string): Promise<void> {
  await sql.transaction(async () => {
    const last = await lastEarnedDay(sql);
    if (last !== null && rule.effectiveFrom <= last) {
      throw new CrmError(`--from ${rule.effectiveFrom}: orders up to ${last} have already earned points under the rules in force then; a new rule starts after ${last} (changing rules never rewrites the past); nothing was changed`);
    }
    await sql.run('DELETE FROM points_rules WHERE effective_from = ?', [rule.effectiveFrom]);
    await sql.run(
      `INSERT INTO points_rules (effective_from, earn, per_cents, expire, level_bonus, created_at, updated_at, created_by, updated_by)
       VALUES (@from, @earn, @per, @expire, @bonus, @now, @now, @actor, @actor)`,
      { from: rule.effectiveFrom, earn: rule.earn, per: rule.perCents, expire: rule.expire, bonus: JSON.stringify(rule.bonusPermille), now, actor: sql.actor },
    );
  }, 'write');
}

interface Candidate {
  id: number;
  customer_id: number;
  order_date: string;
  amount_cents: number;
  is_billed: number;
  net: number | null;
  seq: number | null;
  rule_id: number | null;
  bonus_permille: number | null;
  level: string | null;
}

export interface SyncResult {
  /** Orders that earned for the first time. */
  earned: number;
  /** Orders whose points changed: taken back (refunded, cancelled, a lower amount) or given again. */
  adjusted: number;
}

/** Customers whose orders are brought up to date together (their orders are read, and their rows written, at once). */
const CUSTOMER_CHUNK = 200;

/**
 * Brings the ledger up to date with the orders (every customer, or one): an order that counts (not refunded or
 * cancelled) and has a rule in force on its day earns `orderPoints` once, at the rule, level and bonus of that day,
 * dated the order's day; an order whose points no longer match (refunded or cancelled: 0; a corrected amount) gets a
 * row making up the difference, dated TODAY, at the rule and bonus it first earned under. Every customer, or the ones
 * given, a chunk of customers at a time, so memory stays small at any size; idempotent, and safe against a second crm
 * doing the same (ON CONFLICT).
 */
export async function syncPoints(sql: Sql, today: string, now: string, customers: number | readonly number[] | null = null): Promise<SyncResult> {
  const rules = await readRules(sql);
  const result: SyncResult = { earned: 0, adjusted: 0 };
  if (rules.length === 0) return result;
  const ladder = await readLevels(sql);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const first = rules[0]!.effectiveFrom;
  const text = `
    WITH x AS (
      SELECT o.id, o.customer_id, o.order_date, o.amount_cents, CASE WHEN ${billed.replace(/\bstatus\b/g, 'o.status')} THEN 1 ELSE 0 END AS is_billed,
             (SELECT sum(p.points) FROM points_ledger p WHERE p.order_id = o.id) AS net,
             (SELECT max(p.order_seq) FROM points_ledger p WHERE p.order_id = o.id) AS seq
      FROM orders o
      WHERE o.customer_id IN (${sql.dialect.jsonValues('@ids', 'bigint')})
    ),
    y AS (
      SELECT x.*, e.rule_id, e.bonus_permille, e.level
      FROM x LEFT JOIN points_ledger e ON e.order_id = x.id AND e.order_seq = 1
    )
    SELECT y.id, y.customer_id, y.order_date, y.amount_cents, y.is_billed, y.net, y.seq, y.rule_id, y.bonus_permille, y.level
    FROM y LEFT JOIN points_rules r ON r.id = y.rule_id
    WHERE (y.seq IS NULL AND y.is_billed = 1 AND y.order_date >= @first)
       OR (y.seq IS NOT NULL AND coalesce(y.net, 0) <> CASE WHEN y.is_billed = 1 THEN (y.amount_cents / r.per_cents) * r.earn * y.bonus_permille / 1000 ELSE 0 END)
    ORDER BY y.customer_id, y.id`;
  const insert = `INSERT INTO points_ledger (customer_id, on_date, points, kind, order_id, order_seq, rule_id, level, bonus_permille, expires_on,
                     created_at, updated_at, created_by, updated_by)
                  VALUES (@customer, @on, @points, @kind, @order, @seq, @rule, @level, @bonus, @expires, @now, @now, @actor, @actor)
                  ON CONFLICT (order_id, order_seq) WHERE order_id IS NOT NULL DO NOTHING`;
  // A chunk of customers at a time (every customer by the customers' key, or the ones asked for), all the orders of
  // those customers: each customer's orders are read once however many there are.
  const given = customers === null ? null : typeof customers === 'number' ? [customers] : [...customers];
  let after = 0;
  let offset = 0;
  for (;;) {
    const ids = given === null
      ? (await sql.column<number>(`SELECT id FROM customers WHERE id > @after ORDER BY id LIMIT ${CUSTOMER_CHUNK}`, { after })).map(Number)
      : given.slice(offset, offset + CUSTOMER_CHUNK);
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!;
    offset += ids.length;
    const chunk = JSON.stringify(ids);
    const batch = await sql.all<Candidate>(text, { ids: chunk, first });
    if (batch.length === 0) continue;
    const growth = ladder.levels.length === 0 ? null : await growthBefore(sql, chunk, batch.some((order) => order.seq === null), ladder, batch);
    await sql.transaction(async () => {
      for (const order of batch) {
        const row = earningRow(order, byId, rules, ladder, today, growth?.get(Number(order.id)) ?? 0);
        if (row === null) continue;
        const written = await sql.run(insert, { ...row, now, actor: sql.actor });
        if (written.changes > 0) {
          if (order.seq === null) result.earned++;
          else result.adjusted++;
        }
      }
    }, 'write');
  }
  return result;
}

/**
 * Each order's growth value before it (its level's basis: billed sales in the 12 months before its day, or all before
 * it), from the billed orders of the chunk's customers (IDS, a JSON list), read once and summed by prefix sums: linear in a
 * customer's orders (a per-order sum in SQL was quadratic for a customer with thousands).
 */
async function growthBefore(sql: Sql, ids: string, needed: boolean, ladder: LevelLadder, orders: readonly Candidate[]): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (!needed) return result;
  const history = new Map<number, { dates: string[]; prefix: number[] }>();
  for (const row of await sql.rows<[number, string, number]>(
    `SELECT customer_id, order_date, amount_cents FROM orders
     WHERE customer_id IN (${sql.dialect.jsonValues('@ids', 'bigint')}) AND ${billed}
     ORDER BY customer_id, order_date`,
    { ids },
  )) {
    const customer = Number(row[0]);
    let entry = history.get(customer);
    if (!entry) history.set(customer, (entry = { dates: [], prefix: [0] }));
    entry.dates.push(row[1]);
    entry.prefix.push(entry.prefix[entry.prefix.length - 1]! + Number(row[2]));
  }
  /** How many of the sorted dates come before DAY. */
  const before = (dates: readonly string[], day: string): number => {
    let low = 0;
    let high = dates.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (dates[middle]! < day) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  for (const order of orders) {
    const entry = history.get(Number(order.customer_id));
    if (!entry) continue;
    const end = before(entry.dates, order.order_date);
    const start = ladder.basis === 'lifetime' ? 0 : before(entry.dates, addMonths(order.order_date, -12));
    result.set(Number(order.id), entry.prefix[end]! - entry.prefix[start]!);
  }
  return result;
}

/** The ledger row that brings one order's points to what they should be, or null when none is needed. */
function earningRow(order: Candidate, byId: ReadonlyMap<number, PointsRule>, rules: readonly PointsRule[], ladder: LevelLadder, today: string, growthBeforeCents: number) {
  const amount = Number(order.amount_cents);
  const isBilled = Number(order.is_billed) === 1;
  if (order.seq === null) {
    const rule = ruleOn(rules, order.order_date);
    if (rule === null) return null;
    const level = ladder.levels.length === 0 ? null : levelOf(growthBeforeCents, ladder.levels);
    const bonus = level === null ? 1000 : rule.bonusPermille[level] ?? 1000;
    const points = orderPoints(amount, rule, bonus);
    if (points === 0) return null;
    return {
      customer: order.customer_id, on: order.order_date, points, kind: points > 0 ? 'earn' : 'reverse', order: order.id, seq: 1, rule: rule.id, level, bonus,
      expires: points > 0 ? expiresOn(order.order_date, rule.expire) : null,
    };
  }
  const rule = byId.get(Number(order.rule_id))!;
  const bonus = Number(order.bonus_permille);
  const wanted = isBilled ? orderPoints(amount, rule, bonus) : 0;
  const delta = wanted - Number(order.net ?? 0);
  if (delta === 0) return null;
  return {
    customer: order.customer_id, on: today, points: delta, kind: delta > 0 ? 'earn' : 'reverse', order: order.id, seq: Number(order.seq) + 1, rule: rule.id,
    level: order.level, bonus, expires: delta > 0 ? expiresOn(today, rule.expire) : null,
  };
}

interface EntryRow {
  id: number;
  on_date: string;
  points: number;
  order_id: number | null;
  expires_on: string | null;
}

const entryOf = (row: EntryRow): LedgerEntry => ({ id: Number(row.id), onDate: row.on_date, points: Number(row.points), orderId: row.order_id === null ? null : Number(row.order_id), expiresOn: row.expires_on });

/** One customer's standing as of a day (balance after expiry, FIFO). */
export async function customerStanding(sql: Sql, customerId: number, asOf: string): Promise<PointsStanding> {
  const rows = await sql.all<EntryRow>('SELECT id, on_date, points, order_id, expires_on FROM points_ledger WHERE customer_id = ? ORDER BY on_date, id', [customerId]);
  return pointsStanding(rows.map(entryOf), asOf);
}

/**
 * Every customer's standing as of a day, one customer at a time, read in batches in (customer, date, id) order: the
 * ledger of a million customers is never held at once. FN gets each customer's id and standing.
 */
export async function eachStanding(sql: Sql, asOf: string, fn: (customerId: number, standing: PointsStanding) => void): Promise<void> {
  let current: number | null = null;
  let entries: LedgerEntry[] = [];
  const flush = (): void => {
    if (current !== null) fn(current, pointsStanding(entries, asOf));
  };
  for await (const batch of sql.batches<EntryRow & { customer_id: number }>(
    'SELECT customer_id, id, on_date, points, order_id, expires_on FROM points_ledger WHERE on_date <= @asOf ORDER BY customer_id, on_date, id',
    { asOf },
  )) {
    for (const row of batch) {
      const customer = Number(row.customer_id);
      if (customer !== current) {
        flush();
        current = customer;
        entries = [];
      }
      entries.push(entryOf(row));
    }
  }
  flush();
}

export interface LedgerRow {
  id: number;
  on_date: string;
  points: number;
  kind: string;
  order_ref: string | null;
  level: string | null;
  bonus_permille: number | null;
  expires_on: string | null;
  reason: string | null;
  external_id: string | null;
  created_by: string | null;
}

/** A customer's ledger, oldest first (crm points show). */
export async function customerLedger(sql: Sql, customerId: number): Promise<LedgerRow[]> {
  return sql.all<LedgerRow>(
    `SELECT p.id, p.on_date, p.points, p.kind, o.external_id AS order_ref, p.level, p.bonus_permille, p.expires_on, p.reason, p.external_id, p.created_by
     FROM points_ledger p LEFT JOIN orders o ON o.id = p.order_id
     WHERE p.customer_id = ? ORDER BY p.on_date, p.id`,
    [customerId],
  );
}

export interface ManualEntry {
  customerId: number;
  onDate: string;
  points: number;
  kind: 'add' | 'redeem';
  reason: string;
  /** For points added: their last day. */
  expiresOn: string | null;
  /** Today: a redemption dated earlier must leave today's balance covered too. */
  today: string;
}

/**
 * Writes points added or redeemed by hand. A redemption is refused (exit 1, nothing written) when it is
 * more than the balance on its day; the customer's row is held meanwhile, so two redemptions at once cannot both pass.
 */
export async function addManualEntry(sql: Sql, entry: ManualEntry, now: string): Promise<{ id: number; balance: number }> {
  return sql.transaction(async () => {
    await sql.get(`SELECT id FROM customers WHERE id = ?${sql.dialect.rowLock}`, [entry.customerId]);
    if (entry.kind === 'redeem') {
      // The balance on the day, and (for a day in the past) today's too: what was redeemed since must stay covered.
      const standing = await customerStanding(sql, entry.customerId, entry.onDate);
      const now = entry.today > entry.onDate ? (await customerStanding(sql, entry.customerId, entry.today)).balance : standing.balance;
      const available = Math.min(standing.balance, now);
      if (-entry.points > available) {
        throw new CrmError(`cannot redeem ${-entry.points} points: the balance is ${available}${available === standing.balance ? ` on ${entry.onDate}` : ' after what was used since'}; nothing was written`);
      }
    }
    const id = (await sql.insert(
      `INSERT INTO points_ledger (customer_id, on_date, points, kind, expires_on, reason, created_at, updated_at, created_by, updated_by)
       VALUES (@customer, @on, @points, @kind, @expires, @reason, @now, @now, @actor, @actor)`,
      { customer: entry.customerId, on: entry.onDate, points: entry.points, kind: entry.kind, expires: entry.expiresOn, reason: entry.reason, now, actor: sql.actor },
    ))!;
    const balance = (await customerStanding(sql, entry.customerId, entry.onDate)).balance;
    return { id, balance };
  }, 'write');
}

/** Whether the shop runs points: a rule, or a ledger (an imported one, points added by hand). */
export async function runsPoints(sql: Sql): Promise<boolean> {
  return (await sql.value('SELECT 1 FROM points_rules UNION ALL SELECT 1 FROM points_ledger LIMIT 1')) !== undefined;
}

export interface LedgerImportRow {
  line: number;
  pointsId: string;
  customerId: string;
  date: string;
  points: number;
  kind: string;
  reason: string | null;
  expiresOn: string | null;
}

export interface LedgerImportProblem {
  line: number;
  field: string;
  value: string;
  reason: string;
}

export interface LedgerImportResult {
  read: number;
  added: number;
  unchanged: number;
  problems: LedgerImportProblem[];
  rejected: number;
}

/** Problems listed in full; the rest are counted. */
const SHOWN_PROBLEMS = 20;

/**
 * Writes a points ledger from the old system (crm import points), all or nothing: rows are written as they are read,
 * in one transaction, and any bad row rolls the whole file back (the caller throws after this returns problems).
 * Idempotent by the old system's id (points_ledger.external_id): a row imported before with the same values is
 * unchanged; with other values it is a problem. Credits without a last day get the rules' (end of next year by default).
 */
export async function importLedger(sql: Sql, rows: AsyncIterable<LedgerImportRow | LedgerImportProblem>, now: string): Promise<LedgerImportResult> {
  const result: LedgerImportResult = { read: 0, added: 0, unchanged: 0, problems: [], rejected: 0 };
  const problem = (found: LedgerImportProblem): void => {
    result.rejected++;
    if (result.problems.length < SHOWN_PROBLEMS) result.problems.push(found);
  };
  const rules = await readRules(sql);
  await sql.transaction(async () => {
    // The ids this file named so far, in the database rather than in memory (a ledger may have millions of rows).
    await sql.run('CREATE TEMP TABLE IF NOT EXISTS points_import_seen (id TEXT PRIMARY KEY)');
    await sql.run('DELETE FROM points_import_seen');
    for await (const row of rows) {
      result.read++;
      if (!('pointsId' in row)) {
        problem(row);
        continue;
      }
      const customer = await sql.value<number>(
        'SELECT id FROM customers WHERE external_id = @id UNION ALL SELECT customer_id FROM customer_aliases WHERE external_id = @id LIMIT 1',
        { id: row.customerId },
      );
      if (customer === undefined) {
        problem({ line: row.line, field: 'customer_id', value: row.customerId, reason: 'no such customer (import customers first)' });
        continue;
      }
      if ((await sql.run('INSERT INTO points_import_seen (id) VALUES (?) ON CONFLICT (id) DO NOTHING', [row.pointsId])).changes === 0) {
        problem({ line: row.line, field: 'points_id', value: row.pointsId, reason: 'named twice in this file' });
        continue;
      }
      const expires = row.points > 0 ? row.expiresOn ?? expiresOn(row.date, ruleOn(rules, row.date)?.expire ?? 'end-of-next-year') : null;
      const existing = await sql.get<{ customer_id: number; on_date: string; points: number; kind: string; reason: string | null; expires_on: string | null }>(
        'SELECT customer_id, on_date, points, kind, reason, expires_on FROM points_ledger WHERE external_id = ?',
        [row.pointsId],
      );
      if (existing) {
        const same = Number(existing.customer_id) === Number(customer) && existing.on_date === row.date && Number(existing.points) === row.points
          && existing.kind === row.kind && existing.reason === row.reason && existing.expires_on === expires;
        if (same) result.unchanged++;
        else problem({ line: row.line, field: 'points_id', value: row.pointsId, reason: 'imported before with other values; an old ledger row is not changed' });
        continue;
      }
      await sql.run(
        `INSERT INTO points_ledger (external_id, customer_id, on_date, points, kind, expires_on, reason, created_at, updated_at, created_by, updated_by)
         VALUES (@external, @customer, @on, @points, @kind, @expires, @reason, @now, @now, @actor, @actor)`,
        { external: row.pointsId, customer, on: row.date, points: row.points, kind: row.kind, expires, reason: row.reason, now, actor: sql.actor },
      );
      result.added++;
    }
    await sql.run('DROP TABLE points_import_seen');
    // All or nothing: a bad row anywhere rolls back what was written (the caller reports the problems).
    if (result.rejected > 0) throw new LedgerRejected();
  }, 'write').catch((error: unknown) => {
    if (!(error instanceof LedgerRejected)) throw error;
  });
  return result;
}

class LedgerRejected extends Error {}

export interface ExpiringCustomer {
  customer_id: string;
  name: string;
  owner: string | null;
  points: number;
  balance: number;
  /** The earliest last day among the points that expire. */
  last_day: string;
}

export interface ExpiringPoints {
  customers: number;
  points: number;
  /** The customers with most points expiring, most first (at most `limit`; all with null). */
  top: ExpiringCustomer[];
}

/**
 * Points whose last day falls within [today, before): per customer, from each one's FIFO standing, streamed (one
 * customer at a time), keeping only the `limit` with most points expiring. Reads the ledger as it is (no sync).
 */
export async function expiringPoints(sql: Sql, today: string, before: string, limit: number | null): Promise<ExpiringPoints> {
  const found: { id: number; points: number; balance: number; lastDay: string }[] = [];
  let customers = 0;
  let points = 0;
  await eachStanding(sql, today, (customerId, standing) => {
    const open = standing.open.filter((lot) => lot.expiresOn !== null && lot.expiresOn < before);
    const expiring = open.reduce((sum, lot) => sum + lot.points, 0);
    if (expiring <= 0) return;
    customers++;
    points += expiring;
    found.push({ id: customerId, points: expiring, balance: standing.balance, lastDay: open.map((lot) => lot.expiresOn!).sort()[0]! });
    if (limit !== null && found.length > limit * 4) {
      found.sort((a, b) => b.points - a.points || a.id - b.id);
      found.length = limit;
    }
  });
  found.sort((a, b) => b.points - a.points || a.id - b.id);
  if (limit !== null && found.length > limit) found.length = limit;
  const top: ExpiringCustomer[] = [];
  for (const item of found) {
    const customer = await sql.get<{ external_id: string; name: string; owner: string | null }>('SELECT external_id, name, owner FROM customers WHERE id = ?', [item.id]);
    if (customer) top.push({ customer_id: customer.external_id, name: customer.name, owner: customer.owner, points: item.points, balance: item.balance, last_day: item.lastDay });
  }
  return { customers, points, top };
}

/**
 * Every customer with points, one at a time with their level as of AS_OF and their ledger up to it (kinds included),
 * read in batches: crm report points adds them up by level without holding a million customers.
 */
export async function eachLedger(
  sql: Sql,
  ladder: LevelLadder,
  asOf: string,
  fn: (level: string | null, entries: (LedgerEntry & { kind: string })[]) => void,
): Promise<void> {
  let current: number | null = null;
  let level: string | null = null;
  let entries: (LedgerEntry & { kind: string })[] = [];
  const flush = (): void => {
    if (current !== null) fn(level, entries);
  };
  // Each customer's level once (a materialised list of the customers with points), not once per ledger row.
  const levelColumn = ladder.levels.length === 0 ? 'CAST(NULL AS TEXT)' : levelOfSql(growthSql('c.id'));
  for await (const batch of sql.batches<EntryRow & { customer_id: number; kind: string; level: string | null }>(
    `WITH lv AS MATERIALIZED (
       SELECT c.id, ${levelColumn} AS level FROM customers c WHERE c.id IN (SELECT customer_id FROM points_ledger)
     )
     SELECT p.customer_id, p.id, p.on_date, p.points, p.order_id, p.expires_on, p.kind, lv.level
     FROM points_ledger p JOIN lv ON lv.id = p.customer_id
     WHERE p.on_date <= @asOf ORDER BY p.customer_id, p.on_date, p.id`,
    { asOf, ...levelParams(ladder, asOf) },
  )) {
    for (const row of batch) {
      const customer = Number(row.customer_id);
      if (customer !== current) {
        flush();
        current = customer;
        level = row.level;
        entries = [];
      }
      entries.push({ ...entryOf(row), kind: row.kind });
    }
  }
  flush();
}

/** An orders import that changed at most this many orders brings only its customers up to date; a bigger one, all. */
const TARGETED_SYNC_ORDERS = 20_000;

/**
 * After an orders import (run RUN_ID, ORDERS new or changed orders): the ledger of the customers whose orders it added
 * or changed, read from its undo record (import_created ranges, import_changes), or of everyone for a big file.
 */
export async function syncAfterImport(sql: Sql, runId: number, orders: number, today: string, now: string): Promise<SyncResult> {
  if (orders > TARGETED_SYNC_ORDERS) return syncPoints(sql, today, now);
  const customers = await sql.column<number>(
    `SELECT DISTINCT o.customer_id FROM import_created r JOIN orders o ON o.id BETWEEN r.first_id AND r.last_id
     WHERE r.run_id = @run AND r.table_name = 'orders'
     UNION
     SELECT o.customer_id FROM import_changes c JOIN orders o ON o.id = c.row_id
     WHERE c.run_id = @run AND c.table_name = 'orders'`,
    { run: runId },
  );
  return syncPoints(sql, today, now, customers.map(Number).sort((a, b) => a - b));
}
