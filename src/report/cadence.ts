// crm cadence and crm followups --due (issue 21): who has not heard from the shop for longer than their cadence.
// Read: the rules, each customer's last contact (db/cadence.ts) and, for the kinds of rule in use, the segment, tier
// and stage as crm segment, crm pyramid and crm lifecycle compute them (analysis-inputs.ts); decided by
// analysis/cadence.ts. Nothing per customer is stored.
import { compareRules, countsFrom, DueCheck, DueColumns, everyText, ruleText, type CadenceRule, type CustomerClasses, type DueFacts } from '../analysis/cadence.js';
import { defaultCuts, tierOfEach, tiers } from '../analysis/pyramid.js';
import { stages } from '../analysis/lifecycle.js';
import { defaultSegmentRules, OTHERS, OTHERS_ZH } from '../analysis/segment-rules.js';
import { cadenceRules, contactFacts, contactLabels, type StoredRule } from '../db/cadence.js';
import type { Sql } from '../db/engine/sql.js';
import { customerStandings, fromLifecycle, lifecycleStandings, type Standings } from './analysis-inputs.js';
import { say } from './sales-reports.js';
import { addDays } from '../util/dates.js';
import type { Column, Lang, Report, Row } from './types.js';

export interface DueCustomer extends DueFacts {
  customerId: number;
  externalId: string;
  name: string;
  owner: string | null;
  phone: string | null;
  /** The last contact as stored (an instant), null when never contacted. */
  lastContactAt: string | null;
  /** The day the cadence counts from: the last contact's, else the day they became a customer. */
  since: string;
}

export interface DueList {
  /** How many rules are set (without one nobody is ever due). */
  rules: number;
  /** How many customers are due. */
  count: number;
  /** Whether any due customer was never contacted. */
  neverContacted: boolean;
  /** The due customers from position START to END (most overdue first), with their names read for those alone. */
  slice(start: number, end: number): Promise<DueCustomer[]>;
}

/**
 * Where each customer stands as of TODAY for the kinds of rule in use, computed once over every order up to today,
 * partners left out as crm segment, crm pyramid and crm lifecycle leave them: with segment or tier rules, one pass over
 * the orders (lifecycleStandings with values) gives the stages, the RFM segments (default rules, 5 bins: fromLifecycle,
 * as the dashboard makes them) and the tiers (default cuts, ranked by profit as crm pyramid ranks); with stage rules
 * alone the standings suffice (STANDINGS when the caller has them: the agenda reads the orders once). Compact columns
 * looked up by position: no object per customer.
 */
async function classifier(sql: Sql, today: string, rules: readonly CadenceRule[], given?: Standings): Promise<(id: number) => CustomerClasses> {
  const uses = new Set(rules.map((rule) => rule.selector));
  const period = { asOf: today, since: null };
  let standings: Standings | null = null;
  let segmentNames: string[] | null = null;
  let segmentOf: Int16Array | null = null;
  let tierOf: Uint8Array | null = null;
  if (uses.has('segment') || uses.has('tier')) {
    const read = await lifecycleStandings(sql, today, { values: true });
    standings = read.standings;
    if (uses.has('segment')) {
      const { segmentation } = fromLifecycle(read, period)!.segments();
      segmentNames = segmentation.labels.map((label) => label.name);
      segmentOf = segmentation.segmentOf;
    }
    if (uses.has('tier')) tierOf = tierOfEach(standings.valueColumns().profit, defaultCuts);
  } else if (uses.has('stage')) {
    standings = given ?? (await customerStandings(sql, today));
  }
  return (id) => {
    const at = standings === null ? -1 : standings.positionOf(id);
    if (at < 0) return { customerId: id, segment: null, tier: null, stage: null };
    return {
      customerId: id,
      segment: segmentOf ? segmentNames![segmentOf[at]!]! : null,
      tier: tierOf ? tiers[tierOf[at]!]!.key : null,
      stage: uses.has('stage') ? (standings!.stageOf(id) ?? null) : null,
    };
  };
}

/**
 * The customers due for a contact on TODAY (the shop's day; contacts after it are not read), most overdue first, kept
 * as a few numbers each (DueColumns) while the customers stream past; names are read only for the ones listed.
 * OWNER keeps one salesperson's customers; STANDINGS are the lifecycle standings as of TODAY if the caller has them.
 */
export async function dueCustomers(sql: Sql, today: string, options: { owner?: string | null; standings?: Standings } = {}): Promise<DueList> {
  const rules = await cadenceRules(sql);
  const due = new DueColumns();
  let neverContacted = false;
  if (rules.length) {
    const classesOf = await classifier(sql, today, rules, options.standings);
    const check = new DueCheck(rules, today);
    const position = new Map<CadenceRule, number>(rules.map((rule, index) => [rule, index]));
    for await (const batch of contactFacts(sql, today, options.owner ?? null)) {
      for (const customer of batch) {
        const since = countsFrom(customer.last_contact_day, { convertedOn: customer.converted_on, firstOrder: customer.first_order, enteredOn: customer.entered_on });
        // Not a customer yet on that day (an agenda --as-of before they were entered).
        if (since > today) continue;
        const facts = check.check(classesOf(customer.id), since);
        if (facts === null) continue;
        if (customer.last_contact_day === null) neverContacted = true;
        due.add(customer.id, facts, position.get(facts.rule)!);
      }
    }
  }
  const order = due.order();
  return {
    rules: rules.length,
    count: due.count,
    neverContacted,
    async slice(start, end) {
      const listed = Array.from(order.subarray(start, Math.min(end, order.length)), (at) => due.at(at));
      const labels = await contactLabels(sql, listed.map((one) => one.customerId), today);
      return listed.map((one) => {
        const label = labels.get(one.customerId)!;
        const rule = rules[one.rule]!;
        return {
          rule, dueOn: addDays(today, -one.daysOverdue), daysSince: one.daysSince, daysOverdue: one.daysOverdue,
          customerId: one.customerId, externalId: label.external_id, name: label.name, owner: label.owner, phone: label.phone,
          lastContactAt: label.last_contact_at, since: addDays(today, -one.daysSince),
        };
      });
    },
  };
}

/** Rows of a listing made at a time. */
const listingBatch = 5_000;

/** The rule that applies, in words for a sentence (the agenda's why): `tier gold, every 30d`, `黄金客户，每 30 天`. */
export function ruleWords(rule: CadenceRule, lang: Lang): string {
  if (lang !== 'zh') return `${ruleText(rule)}, every ${everyText(rule.every)}`;
  const zh =
    rule.selector === 'tier' ? tiers.find((tier) => tier.key === rule.name)?.nameZh
    : rule.selector === 'stage' ? stages.find((stage) => stage.key === rule.name)?.nameZh
    : rule.selector === 'segment' ? (rule.name === OTHERS ? OTHERS_ZH : defaultSegmentRules.find((segment) => segment.name === rule.name)?.nameZh)
    : `客户 ${rule.customerExternalId ?? `#${rule.customerId}`}`;
  const unit = rule.every.unit === 'd' ? '天' : rule.every.unit === 'w' ? '周' : '个月';
  return `${zh ?? rule.name}，每 ${rule.every.count} ${unit}`;
}

export const dueColumns: Column[] = [
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
  { key: 'last_contact_at', label: 'Last contact', labelZh: '最近联系', type: 'datetime' },
  { key: 'days_since', label: 'Days since', labelZh: '未联系天数', type: 'integer' },
  { key: 'rule', label: 'Rule', labelZh: '规则', type: 'text' },
  { key: 'every', label: 'Every', labelZh: '频率', type: 'text' },
  { key: 'due_on', label: 'Due', labelZh: '应联系日期', type: 'date' },
  { key: 'days_overdue', label: 'Days late', labelZh: '逾期天数', type: 'integer' },
];

/**
 * crm followups --due: a bare JSON array like crm followups; the rows are made a batch at a time as they are written
 * (Report.stream), so a million due customers are never a million row objects.
 */
export function dueReport(list: DueList, today: string, lang: Lang): Report {
  const t = (en: string, zh: string) => say(lang, en, zh);
  const rowOf = (due: DueCustomer): Row => ({
    customer_id: due.externalId, name: due.name, owner: due.owner, phone: due.phone, last_contact_at: due.lastContactAt, days_since: due.daysSince,
    rule: ruleText(due.rule), every: everyText(due.rule.every), due_on: due.dueOn, days_overdue: due.daysOverdue,
  });
  const notes: string[] = [];
  if (list.rules === 0) notes.push(t('no cadence rules are set: crm cadence set --tier gold --every 30d', '尚未设置联系频率：crm cadence set --tier gold --every 30d'));
  if (list.neverContacted) notes.push(t('no last contact: never contacted, counted from the day they became a customer', '无最近联系：从未联系，从成为客户之日起计算'));
  if (list.count) notes.push(t('a contact logged with crm log resets the count', '用 crm log 记录联系后重新计算'));
  return {
    name: 'followups-due',
    title: `Customers due for a contact on ${today} (${list.count})`,
    titleZh: `${today} 应联系的客户（${list.count}）`,
    asOf: today,
    json: 'array',
    columns: dueColumns,
    rows: [],
    stream: {
      count: list.count,
      batches: async function* () {
        for (let start = 0; start < list.count; start += listingBatch) yield (await list.slice(start, start + listingBatch)).map(rowOf);
      },
    },
    notes,
  };
}

export const ruleColumns: Column[] = [
  { key: 'id', label: 'ID', labelZh: '编号', type: 'integer' },
  { key: 'selector', label: 'For', labelZh: '对象', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '名称', type: 'text' },
  { key: 'customer_name', label: 'Customer name', labelZh: '客户名称', type: 'text' },
  { key: 'every', label: 'Every', labelZh: '频率', type: 'text' },
  { key: 'updated_at', label: 'Set', labelZh: '设置时间', type: 'datetime' },
  { key: 'updated_by', label: 'By', labelZh: '设置人', type: 'text' },
];

/** crm cadence list. */
export function rulesReport(rules: readonly StoredRule[], today: string, lang: Lang): Report {
  const t = (en: string, zh: string) => say(lang, en, zh);
  return {
    name: 'cadence',
    title: `Cadence rules (${rules.length})`,
    titleZh: `联系频率规则（${rules.length}）`,
    asOf: today,
    columns: ruleColumns,
    rows: [...rules].sort(compareRules).map((rule) => ({
      id: rule.id, selector: rule.selector, name: rule.selector === 'customer' ? (rule.customerExternalId ?? null) : rule.name,
      customer_name: rule.customerName, every: everyText(rule.every), updated_at: rule.updatedAt, updated_by: rule.updatedBy,
    })),
    notes: rules.length
      ? [t('a customer several rules match is due by the most frequent one (crm followups --due)', '多条规则适用时按最频繁的一条（crm followups --due）')]
      : [t('no rules yet: crm cadence set --tier gold --every 30d', '尚无规则：crm cadence set --tier gold --every 30d')],
  };
}
