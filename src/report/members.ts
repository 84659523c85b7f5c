// crm member levels: the ladder and how many customers stand on each step today.
import type { MemberLevel, LevelBasis } from '../analysis/members.js';
import type { Report } from './types.js';

export function levelsReport(levels: readonly MemberLevel[], basis: LevelBasis, members: ReadonlyMap<string | null, number>, asOf: string): Report {
  const below = members.get(null) ?? 0;
  const growth = basis === 'growth' ? 'sales in the 12 months up to the day' : 'all sales up to the day';
  return {
    name: 'member-levels',
    title: `Member levels as of ${asOf} (${basis === 'growth' ? 'growth: last 12 months' : 'lifetime sales'})`,
    titleZh: `会员等级（截至 ${asOf}，${basis === 'growth' ? '成长值：近 12 个月消费' : '累计消费'}）`,
    asOf,
    columns: [
      { key: 'level', label: 'Level', labelZh: '等级', type: 'text' },
      { key: 'from', label: 'From (growth value)', labelZh: '起点（成长值）', type: 'money' },
      { key: 'customers', label: 'Customers now', labelZh: '当前人数', type: 'integer' },
    ],
    rows: levels.map((level) => ({ level: level.name, from: level.thresholdCents, customers: members.get(level.name) ?? 0 })),
    notes: levels.length === 0
      ? ['no member levels yet: crm member levels set "普通=0 银卡=2000 金卡=5000 钻石=10000"']
      : [
          `a customer's level is the highest whose starting value their growth reaches; growth = ${growth}, refunded and cancelled orders left out, returns netted`,
          ...(below > 0 ? [`${below} contact(s) below the first level (their sales net of returns are under ${levels[0] ? levels[0].thresholdCents / 100 : 0})`] : []),
        ],
  };
}

/** crm snapshot diff: customers who changed level between two snapshots, per (from, to), with the direction. */
export function levelMovesReport(
  moves: readonly { from_level: string | null; to_level: string | null; customers: number }[],
  levels: readonly MemberLevel[],
  options: { from: string; to: string; lang: 'en' | 'zh' },
): Report {
  const rank = (name: string | null): number => (name === null ? -1 : levels.findIndex((level) => level.name === name));
  const none = options.lang === 'zh' ? '（无等级）' : '(no level)';
  const sorted = [...moves].sort((a, b) => rank(b.from_level) - rank(a.from_level) || rank(b.to_level) - rank(a.to_level));
  const total = moves.reduce((sum, move) => sum + move.customers, 0);
  return {
    name: 'snapshot-level-moves',
    title: `Member level moves ${options.from} → ${options.to} (${total} customers)`,
    titleZh: `会员等级变化：${options.from} → ${options.to}（${total} 位）`,
    columns: [
      { key: 'from_level', label: `Level at ${options.from}`, labelZh: `${options.from} 等级`, type: 'text' },
      { key: 'to_level', label: `Level at ${options.to}`, labelZh: `${options.to} 等级`, type: 'text' },
      { key: 'direction', label: 'Move', labelZh: '方向', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
    ],
    rows: sorted.map((move) => ({
      from_level: move.from_level ?? none,
      to_level: move.to_level ?? none,
      direction: rank(move.to_level) > rank(move.from_level) ? 'up' : 'down',
      customers: move.customers,
    })),
  };
}
