// The lead and partner reports as values (crm report funnel, crm report partners). Pure: rows in, Report out.
import { groupByLabels } from './codes.js';
import type { FunnelGroup } from '../analysis/funnel.js';
import type { PartnerFacts } from '../db/leads.js';
import { periodText, plural, say, type ReportContext } from './sales-reports.js';
import type { Column, Report, Row } from './types.js';

const funnelColumns: Column[] = [
  { key: 'group_by', label: 'By', labelZh: '分组', type: 'text', labels: groupByLabels },
  { key: 'group', label: 'Group', labelZh: '组', type: 'text' },
  { key: 'leads', label: 'Leads', labelZh: '线索', type: 'integer' },
  { key: 'converted', label: 'Converted', labelZh: '已转化', type: 'integer' },
  { key: 'conversion_percent', label: 'Conversion', labelZh: '转化率', type: 'percent' },
  { key: 'median_days_to_convert', label: 'Median days', labelZh: '转化天数中位数', type: 'number' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'dropped', label: 'Dropped', labelZh: '已放弃', type: 'integer' },
  { key: 'open', label: 'Open', labelZh: '跟进中', type: 'integer' },
  { key: 'drop_reasons', label: 'Most common drop reasons', labelZh: '主要放弃原因', type: 'text' },
];

/** 销售线索: leads recorded in the period, by source and by owner: converted, how fast, revenue, dropped and why. */
/** A drop reason is free text: the funnel's summary shows its first 40 characters ("…" marks a cut). */
export const reasonLimit = 40;
export function shortReason(reason: string): string {
  const characters = [...reason.replace(/\s+/g, ' ')];
  return characters.length <= reasonLimit ? characters.join('') : `${characters.slice(0, reasonLimit - 1).join('')}…`;
}

export function funnelReport(groups: FunnelGroup[], context: ReportContext): Report {
  const rows: Row[] = groups.map((group) => ({
    group_by: group.groupBy,
    group: group.groupBy === 'all' ? say(context.lang, 'All leads', '全部线索') : group.group,
    leads: group.leads,
    converted: group.converted,
    conversion_percent: group.conversionPercent,
    median_days_to_convert: group.medianDaysToConvert,
    revenue: group.revenueCents,
    dropped: group.dropped,
    open: group.open,
    drop_reasons: group.dropReasons.map((reason) => `${shortReason(reason.reason)} ×${reason.count}`).join('; '),
  }));
  return {
    name: 'funnel',
    title: `Lead funnel, leads recorded ${periodText(context)}`,
    titleZh: `销售线索漏斗，${periodText(context)} 录入的线索`,
    asOf: context.asOf,
    columns: funnelColumns,
    rows,
    notes: rows.length
      ? [
          say(
            context.lang,
            'a lead converts on its first order (or crm lead convert); days to convert count from the day it was recorded; revenue: what converted leads bought in the period; source is the channel column',
            '线索在首次下单（或 crm lead convert）时转化；转化天数从录入日算起；销售额：已转化线索在本期的购买；来源即渠道列',
          ),
        ]
      : [say(context.lang, 'no leads recorded in the period (crm customer add --kind lead, or a kind column in crm import customers)', '本期没有录入线索')],
  };
}

const partnerColumns: Column[] = [
  { key: 'partner_id', label: 'Partner ID', labelZh: '伙伴编号', type: 'text' },
  { key: 'name', label: 'Partner', labelZh: '合作伙伴', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'customers_referred', label: 'Customers referred', labelZh: '推荐客户', type: 'integer' },
  { key: 'buying_customers', label: 'Bought in period', labelZh: '本期购买客户', type: 'integer' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
  { key: 'interactions', label: 'Contacts with partner', labelZh: '与伙伴联系', type: 'integer' },
  { key: 'last_contact_at', label: 'Last contact', labelZh: '最近联系', type: 'datetime' },
];

/** 合作伙伴: per partner, the customers they referred and what those bought in the period, and the contacts with the partner. */
export function partnersReport(partners: PartnerFacts[], context: ReportContext): Report {
  const rows: Row[] = partners.map((partner) => ({
    partner_id: partner.external_id, name: partner.name, owner: partner.owner, customers_referred: partner.customers_referred,
    buying_customers: partner.buying_customers, orders: partner.orders, revenue: partner.revenue_cents, profit: partner.profit_cents,
    interactions: partner.interactions, last_contact_at: partner.last_contact_at,
  }));
  const sum = (key: keyof PartnerFacts) => partners.reduce((total, partner) => total + (partner[key] as number), 0);
  return {
    name: 'partners',
    title: `Partners, ${periodText(context)}: ${plural(partners.length, 'partner')}`,
    titleZh: `合作伙伴，${periodText(context)}：${partners.length} 个`,
    asOf: context.asOf,
    columns: partnerColumns,
    rows,
    totals: rows.length
      ? { partner_id: say(context.lang, 'Total', '合计'), customers_referred: sum('customers_referred'), buying_customers: sum('buying_customers'), orders: sum('orders'), revenue: sum('revenue_cents'), profit: sum('profit_cents'), interactions: sum('interactions') }
      : undefined,
    notes: rows.length
      ? [say(context.lang, 'customers referred: those whose referred_by names the partner (all time); orders, revenue and profit: theirs in the period; contacts: logged with the partner in the period', '推荐客户：referred_by 指向该伙伴的客户；订单、销售额、利润：这些客户在本期的；联系：本期与伙伴本人的联系')]
      : [say(context.lang, 'no partners yet (crm customer add --kind partner, or kind partner in crm import customers)', '还没有合作伙伴')],
  };
}
