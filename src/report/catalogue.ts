// The reports `crm report NAME` knows, with one line each: what `crm report list` prints and the help shows.
import type { Column, Report } from './types.js';

export interface ReportEntry {
  name: string;
  description: string;
  descriptionZh: string;
  /** The period when neither --period nor --since is given: all history, or the last 30 days. */
  defaultPeriod: 'all' | '30d';
  example: string;
}

export const reportCatalogue: readonly ReportEntry[] = [
  { name: 'summary', defaultPeriod: '30d', example: 'crm report summary --period 2026-11', description: "the owner's one screen: customers, revenue and profit against the previous period, pyramid, segments, what is due", descriptionZh: '老板一屏总览：客户、本期与上期收入利润、金字塔、细分、待办' },
  { name: 'products', defaultPeriod: 'all', example: 'crm report products --period 12m', description: 'per product: units, revenue, profit, margin, customers, repeat customers, share of revenue', descriptionZh: '产品销售分析：数量、销售额、利润、利润率、客户、复购客户、占比' },
  { name: 'profit', defaultPeriod: 'all', example: 'crm report profit --period 2025 --format csv', description: 'profit contribution per customer with cumulative shares (Pareto)', descriptionZh: '利润贡献分析：按客户累计占比（帕累托）' },
  { name: 'salespeople', defaultPeriod: 'all', example: 'crm report salespeople --period 2026-Q3', description: 'per owner: customers, new customers, sales, contacts, follow-ups on time, complaints', descriptionZh: '业务员业绩分析：客户、新客户、销售、联系、跟进、投诉' },
  { name: 'receivables', defaultPeriod: 'all', example: 'crm report receivables --as-of 2026-10-31', description: 'what each customer owes, aged 0–30, 31–60, 61–90 and over 90 days', descriptionZh: '应收账款：每位客户欠款及账龄' },
  { name: 'lost', defaultPeriod: 'all', example: 'crm report lost --period 90d', description: 'customers lost in the period with what they were worth: the win-back list', descriptionZh: '流失客户：本期流失的客户及其价值（挽回名单）' },
  { name: 'satisfaction', defaultPeriod: 'all', example: 'crm report satisfaction --period 2026', description: 'surveys: average C and shares satisfied/acceptable/dissatisfied, by owner and tier; loyalty forms', descriptionZh: '客户满意度：平均满意指数、满意/基本满意/不满意占比，按业务员和层级；忠诚类型' },
  { name: 'cohorts', defaultPeriod: 'all', example: 'crm report cohorts --since 2025-01-01', description: 'customers by month of first order and the share still buying 1…12 months later', descriptionZh: '客户留存：按首单月份，之后 1…12 个月仍购买的比例' },
  { name: 'funnel', defaultPeriod: 'all', example: 'crm report funnel --period 12m', description: 'leads per source and per owner: converted, conversion rate, median days to convert, revenue, dropped and why', descriptionZh: '销售线索漏斗：按来源和业务员的线索、转化、转化率、转化天数、销售额、放弃原因' },
  { name: 'partners', defaultPeriod: 'all', example: 'crm report partners --period 2026', description: 'per partner: customers referred, their revenue and profit, contacts with the partner', descriptionZh: '合作伙伴：推荐的客户、其销售额和利润、与伙伴的联系' },
];

export function reportEntry(name: string): ReportEntry | undefined {
  return reportCatalogue.find((entry) => entry.name === name);
}

const listColumns: Column[] = [
  { key: 'report', label: 'Report', labelZh: '报表', type: 'text' },
  { key: 'description', label: 'What it shows', labelZh: '内容', type: 'text' },
];

/** `crm report list`: every report with one line (and the agenda, which is its own command). */
export function reportListReport(lang: 'en' | 'zh'): Report {
  const rows = reportCatalogue.map((entry) => ({ report: entry.name, description: lang === 'zh' ? entry.descriptionZh : entry.description }));
  // crm report points has its own command (--worth; cli/commands/points.ts): listed here with the others.
  rows.push({
    report: 'points',
    description: lang === 'zh' ? '会员积分：按等级的发放、冲回、兑换、过期、未用余额及其价值；30 天内到期的积分' : 'member points by level: issued, taken back, redeemed, expired, outstanding and its value; expiring soon',
  });
  return {
    name: 'report-list',
    title: 'Reports (crm report NAME)',
    titleZh: '报表（crm report 名称）',
    columns: listColumns,
    rows,
    notes: [lang === 'zh' ? "今日待办另见 crm agenda；每个报表都接受 --period、--as-of、--since、--format、--output、--lang" : "today's to-do list is crm agenda; every report takes --period, --as-of, --since, --format, --output, --lang"],
  };
}
