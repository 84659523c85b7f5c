// Customer listings (crm customer list / search) as reports; the customer file is report/customer-file.ts.
import { contactKindLabels, leadStateLabels } from './codes.js';
import type { CustomerListRow } from '../db/customers.js';
import type { Column, Lang, Report, Row } from './types.js';
import { streamOf } from './stream.js';
import { localDayOf } from '../util/zone.js';

const listColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text', labels: contactKindLabels },
  { key: 'company', label: 'Company', labelZh: '公司', type: 'text' },
  { key: 'city', label: 'City', labelZh: '城市', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'email', label: 'E-mail', labelZh: '邮箱', type: 'text' },
  { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
  { key: 'tags', label: 'Tags', labelZh: '标签', type: 'text' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'last_order', label: 'Last order', labelZh: '最近下单', type: 'date' },
];

const sourceColumn: Column = { key: 'source', label: 'Source', labelZh: '来源', type: 'text' };

/** Leads have no sales yet: where they came from, who works them, since when, and whether they were dropped. */
const leadColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text', labels: contactKindLabels },
  sourceColumn,
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'company', label: 'Company', labelZh: '公司', type: 'text' },
  { key: 'city', label: 'City', labelZh: '城市', type: 'text' },
  { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
  { key: 'email', label: 'E-mail', labelZh: '邮箱', type: 'text' },
  { key: 'recorded_on', label: 'Recorded', labelZh: '建档日期', type: 'date' },
  { key: 'state', label: 'State', labelZh: '状态', type: 'text', labels: leadStateLabels },
  { key: 'drop_reason', label: 'Drop reason', labelZh: '放弃原因', type: 'text' },
];

export interface CustomerListOptions {
  /** `--kind lead`: the lead columns (source, recorded, open or dropped). */
  leads?: boolean;
  /** `--source`: show the source column after the kind. */
  source?: boolean;
  lang?: Lang;
  /**
   * The --limit a listing stopped at when there were more rows than it (the caller asked for one row more): the report
   * says so, since the rows alone cannot tell "all 50" from "the first 50".
   */
  stoppedAt?: number;
  /** What the rows are, for that note: "matches" (customer search) or "customers". */
  noun?: 'matches' | 'customers';
  /** The shop's time zone: the day a lead was recorded is its day there (default UTC). */
  zone?: string;
  /** The shop has member levels: a level column after the kind (db/members.ts). */
  levels?: boolean;
}

const levelColumn: Column = { key: 'level', label: 'Level', labelZh: '会员等级', type: 'text' };

/** "showing the first 50 matches; use --limit for more", or null when the listing is whole. */
export function limitNote(options: CustomerListOptions): string | null {
  if (options.stoppedAt === undefined) return null;
  const count = options.stoppedAt.toLocaleString('en-US');
  if (options.lang === 'zh') return `只显示前 ${count} 个${options.noun === 'matches' ? '匹配结果' : '客户'}；用 --limit 查看更多`;
  return `showing the first ${count} ${options.noun ?? 'customers'}; use --limit for more`;
}

/** Customers read a batch at a time (crm customer list): COUNT of them in all. */
export interface CustomerRowStream {
  count: number;
  batches: () => AsyncIterable<readonly CustomerListRow[]>;
}

/** The listing of ROWS, or of a stream of them (written as they are read, never all held); the same text either way. */
export function customerListReport(rows: CustomerListRow[] | CustomerRowStream, title = 'Customers', options: CustomerListOptions = {}): Report {
  const count = Array.isArray(rows) ? rows.length : rows.count;
  const listed = (toRow: (row: CustomerListRow) => Row): Pick<Report, 'rows' | 'stream'> =>
    Array.isArray(rows) ? { rows: rows.map(toRow) } : { rows: [], stream: streamOf(rows.count, rows.batches, (batch) => batch.map(toRow)) };
  if (options.leads) {
    return {
      name: 'customers',
      title: `Leads (${count})`,
      titleZh: `销售线索（${count}）`,
      json: 'array',
      columns: leadColumns,
      ...listed((row) => ({
        customer_id: row.external_id, name: row.name, kind: row.kind, source: row.channel, owner: row.owner, company: row.company, city: row.city,
        phone: row.phone, email: row.email, recorded_on: localDayOf(row.created_at, options.zone ?? 'UTC'), state: row.dropped_at ? `dropped ${row.dropped_at}` : 'open',
        drop_reason: row.drop_reason,
      })),
      notes: [
        ...[limitNote(options)].filter((note): note is string => note !== null),
        options.lang === 'zh'
          ? '线索在第一笔订单时自动转为客户（或 crm lead convert ID）；crm lead drop ID --reason 原因 关闭无望的线索；crm report funnel 汇总'
          : 'a lead becomes a customer with its first order (or crm lead convert ID); crm lead drop ID --reason TEXT closes a dead one; crm report funnel sums them up',
      ],
    };
  }
  const extra = [...(options.source ? [sourceColumn] : []), ...(options.levels ? [levelColumn] : [])];
  const columns = [...listColumns.slice(0, 3), ...extra, ...listColumns.slice(3)];
  return {
    name: 'customers',
    title: `${title} (${count})`,
    titleZh: `客户（${count}）`,
    json: 'array',
    columns,
    ...listed((row) => ({
      customer_id: row.external_id, name: row.name, kind: row.kind, ...(options.source ? { source: row.channel } : {}),
      ...(options.levels ? { level: row.level ?? null } : {}), company: row.company, city: row.city,
      owner: row.owner, email: row.email, phone: row.phone, tags: row.tags, orders: row.orders, revenue: row.revenue_cents, last_order: row.last_order,
    })),
    ...(limitNote(options) === null ? {} : { notes: [limitNote(options)!] }),
  };
}
