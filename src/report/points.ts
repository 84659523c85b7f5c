// Points reports: the rules (crm points rules), one customer's ledger (crm points show).
import type { Expiry, PointsRule } from '../analysis/points.js';
import type { LedgerRow } from '../db/points.js';
import type { Report } from './types.js';

const multiplier = (permille: number): string => String(permille / 1000);

export const bonusText = (bonus: Record<string, number>): string =>
  Object.entries(bonus).map(([level, permille]) => `${level}=${multiplier(permille)}`).join(' ');

export function rulesReport(rules: readonly PointsRule[], today: string): Report {
  const current = [...rules].reverse().find((rule) => rule.effectiveFrom <= today);
  return {
    name: 'points-rules',
    title: `Points rules (${rules.length})`,
    titleZh: `积分规则（${rules.length}）`,
    columns: [
      { key: 'from', label: 'From', labelZh: '生效日期', type: 'date' },
      { key: 'earn', label: 'Points', labelZh: '积分', type: 'integer' },
      { key: 'per', label: 'Per (amount)', labelZh: '每（金额）', type: 'money' },
      { key: 'level_bonus', label: 'Level bonus', labelZh: '等级加成', type: 'text' },
      { key: 'expire', label: 'Expire', labelZh: '有效期', type: 'text' },
      { key: 'in_force', label: 'In force today', labelZh: '今日适用', type: 'text' },
    ],
    rows: rules.map((rule) => ({
      from: rule.effectiveFrom, earn: rule.earn, per: rule.perCents, level_bonus: bonusText(rule.bonusPermille) || null, expire: rule.expire,
      in_force: rule === current ? 'yes' : rule.effectiveFrom > today ? 'later' : 'no',
    })),
    notes: rules.length === 0
      ? ['no points rules yet: crm points rules set --earn 1 --per 1 (one point per whole unit of an order\'s amount)']
      : ['an order earns under the rule in force on its day: whole "per"s of its amount × points × the bonus of the customer\'s level then, rounded down; a later rule never changes points already earned'],
  };
}

export function ledgerReport(customer: { external_id: string; name: string }, rows: readonly LedgerRow[], standing: { balance: number; expiring: number; expiringBy: string; expired: readonly Expiry[] }, asOf: string): Report {
  type Line = Record<string, string | number | null>;
  const lines: Line[] = rows.map((row) => ({
    date: row.on_date, points: Number(row.points), kind: row.kind, order: row.order_ref,
    level: row.level === null ? null : `${row.level} ×${multiplier(Number(row.bonus_permille ?? 1000))}`,
    reason: row.reason, expires_on: row.expires_on, id: row.external_id, by: row.created_by,
  }));
  // Expiry is worked out from the ledger (FIFO), not written: shown on the day the points were gone.
  const expiredLines: Line[] = standing.expired.map((expiry) => ({
    date: expiry.on, points: -expiry.points, kind: 'expired', order: null, level: null, reason: 'unused points past their last day', expires_on: null, id: null, by: null,
  }));
  const all = [...lines, ...expiredLines].sort((a, b) => (String(a.date) < String(b.date) ? -1 : String(a.date) > String(b.date) ? 1 : 0));
  const expiredTotal = standing.expired.reduce((sum, expiry) => sum + expiry.points, 0);
  return {
    name: 'points-ledger',
    title: `Points of ${customer.name} (${customer.external_id}): balance ${standing.balance} as of ${asOf}`,
    titleZh: `${customer.name}（${customer.external_id}）的积分：截至 ${asOf} 余额 ${standing.balance}`,
    asOf,
    columns: [
      { key: 'date', label: 'Date', labelZh: '日期', type: 'date' },
      { key: 'points', label: 'Points', labelZh: '积分', type: 'integer' },
      { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text' },
      { key: 'order', label: 'Order', labelZh: '订单', type: 'text' },
      { key: 'level', label: 'Level (bonus)', labelZh: '等级（加成）', type: 'text' },
      { key: 'reason', label: 'Reason', labelZh: '说明', type: 'text' },
      { key: 'expires_on', label: 'Last day', labelZh: '到期日', type: 'date' },
      { key: 'id', label: 'Old id', labelZh: '原编号', type: 'text' },
      { key: 'by', label: 'By', labelZh: '操作人', type: 'text' },
    ],
    rows: all,
    totals: { date: 'balance', points: standing.balance },
    meta: { customer_id: customer.external_id, balance: standing.balance, expired: expiredTotal, expiring: standing.expiring, expiring_before: standing.expiringBy },
    notes: [
      `balance ${standing.balance}: the ledger's ${rows.reduce((sum, row) => sum + Number(row.points), 0)} less ${expiredTotal} expired (the oldest points are used first; points expire after their last day)`,
      ...(standing.expiring > 0 ? [`${standing.expiring} points expire before ${standing.expiringBy} unless used`] : []),
    ],
  };
}

/** The agenda's section (and crm report points'): customers whose points expire within 30 days, most points first. */
export function expiringReport(expiring: import('../db/points.js').ExpiringPoints, today: string, before: string, all: boolean): Report {
  const more = expiring.customers - expiring.top.length;
  return {
    name: 'points_expiring',
    title: `Points expiring by ${before}: ${expiring.points} points of ${expiring.customers} customers`,
    titleZh: `${before} 前到期的积分：${expiring.customers} 位客户共 ${expiring.points} 分`,
    columns: [
      { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
      { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
      { key: 'points', label: 'Points expiring', labelZh: '将到期积分', type: 'integer' },
      { key: 'last_day', label: 'Last day', labelZh: '最后可用日', type: 'date' },
      { key: 'balance', label: 'Balance', labelZh: '积分余额', type: 'integer' },
      { key: 'what_to_do', label: 'What to do', labelZh: '建议', type: 'text' },
    ],
    rows: expiring.top.map((row) => ({ ...row, what_to_do: `remind them to use ${row.points} points by ${row.last_day}` })),
    notes: [
      ...(more > 0 && !all ? [`… and ${more} more customers with points expiring (crm agenda --all lists them all)`] : []),
      `points whose last day is from ${today} to the day before ${before} (the oldest are used first); they do not count in agenda --check`,
    ],
  };
}

export interface LevelFlows {
  customers: number;
  issued: number;
  takenBack: number;
  redeemed: number;
  expired: number;
  outstanding: number;
}

/**
 * crm report points: per member level (as of the period's end), points issued, taken back, redeemed and expired in the
 * period, the balance outstanding at its end and what it is worth at WORTH (currency per point, in millicents: 0.01 → 1000).
 */
export function pointsReport(byLevel: ReadonlyMap<string | null, LevelFlows>, levelOrder: readonly string[], options: { since: string | null; asOf: string; worthMillicents: number; worthText: string }): Report {
  const keys = [...byLevel.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : levelOrder.indexOf(b) - levelOrder.indexOf(a)));
  const value = (points: number): number => Math.round((points * options.worthMillicents) / 1000);
  const rows = keys.map((key) => {
    const flows = byLevel.get(key)!;
    return {
      level: key ?? '(no level)', customers: flows.customers, issued: flows.issued, taken_back: flows.takenBack, redeemed: flows.redeemed, expired: flows.expired,
      outstanding: flows.outstanding, value: value(flows.outstanding),
    };
  });
  const sum = (key: 'customers' | 'issued' | 'taken_back' | 'redeemed' | 'expired' | 'outstanding') => rows.reduce((total, row) => total + row[key], 0);
  const span = options.since === null ? `up to ${options.asOf}` : `${options.since} … ${options.asOf}`;
  return {
    name: 'points',
    title: `Points ${span}, by member level`,
    titleZh: `积分（${span}），按会员等级`,
    asOf: options.asOf,
    columns: [
      { key: 'level', label: 'Level', labelZh: '会员等级', type: 'text' },
      { key: 'customers', label: 'Customers with points', labelZh: '有积分客户', type: 'integer' },
      { key: 'issued', label: 'Issued', labelZh: '发放', type: 'integer' },
      { key: 'taken_back', label: 'Taken back', labelZh: '冲回', type: 'integer' },
      { key: 'redeemed', label: 'Redeemed', labelZh: '兑换', type: 'integer' },
      { key: 'expired', label: 'Expired', labelZh: '过期', type: 'integer' },
      { key: 'outstanding', label: `Outstanding at ${options.asOf}`, labelZh: `${options.asOf} 未用余额`, type: 'integer' },
      { key: 'value', label: `Value at ${options.worthText} a point`, labelZh: `价值（每分 ${options.worthText}）`, type: 'money' },
    ],
    rows,
    totals: { level: 'Total', customers: sum('customers'), issued: sum('issued'), taken_back: sum('taken_back'), redeemed: sum('redeemed'), expired: sum('expired'), outstanding: sum('outstanding'), value: value(sum('outstanding')) },
    notes: [
      'level: each customer\'s member level at the period\'s end; taken back: refunds, cancellations and corrections; expired: unused points past their last day (the oldest points are used first)',
      `the outstanding balance is what the shop owes its members in kind: ${sum('outstanding')} points, worth ${(value(sum('outstanding')) / 100).toFixed(2)} at ${options.worthText} a point (--worth)`,
    ],
  };
}
