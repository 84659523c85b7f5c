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
