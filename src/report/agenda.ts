// crm agenda: today's to-do for the owner in one list, each item with why it is there and what to do. Gathered, then built purely.
import { daysOverdue } from '../analysis/follow-ups.js';
import { listComplaints, type ComplaintListRow } from '../db/complaints.js';
import { listFollowUps, type FollowUpRow } from '../db/interactions.js';
import type { Db } from '../db/open.js';
import { receivables, type Receivable } from '../db/receivables.js';
import { customerValues, valuableInLastSnapshot, type CustomerValue } from '../db/report-customers.js';
import { formatCents } from '../util/money.js';
import { addDays, daysBetween } from '../util/dates.js';
import { localDayOf } from '../util/zone.js';
import { customerStandings, defaultHighValueSegments, pAliveNow, tierByCustomer, tiers, type Stage } from './analysis-inputs.js';
import { say } from './sales-reports.js';
import type { Column, Lang, Report, Row } from './types.js';

/** docs/rules.md#agenda: complaints open a week or more, receivables older than 60 days. */
export const agendaRules = { complaintDays: 7, receivableDays: 60, valuableTier: 1, pAliveBelow: 0.5 } as const;

/** issue 9: a valuable customer whose p_alive (crm clv) was at least 0.5 at the last snapshot and is below it now. */
export interface FadingCustomer {
  customer: CustomerValue;
  before: { as_of: string; pAlive: number };
  pAlive: number;
}

export interface Slipping {
  customer: CustomerValue;
  stage: Stage;
  /** Where they stood at the last snapshot; null when there is no snapshot (then every valuable customer in decline). */
  before: { as_of: string; stage: string; tier: number; segment: string } | null;
}

export interface AgendaInputs {
  today: string;
  /** The shop's time zone: a complaint's age counts from its day there (default UTC). */
  zone?: string;
  followUps: FollowUpRow[];
  complaints: ComplaintListRow[];
  slipping: Slipping[];
  debts: Receivable[];
  snapshotDate: string | null;
  fading: FadingCustomer[];
  /** Why p_alive could not be checked today (too little data for the model), or null. */
  pAliveUnavailable: string | null;
}

const slippingStages = new Set(['decline', 'lost']);

/** includePartners (`--include-partners`): partners count as customers for the slipping and p_alive checks. */
export function gatherAgenda(db: Db, today: string, includePartners = false, zone = 'UTC'): AgendaInputs {
  const standings = new Map(customerStandings(db, today, includePartners).map((customer) => [customer.customerId, customer]));
  const valuable = valuableInLastSnapshot(db, today, agendaRules.valuableTier, defaultHighValueSegments);
  let slipping: { id: number; stage: Stage; before: Slipping['before'] }[];
  if (valuable.length) {
    slipping = valuable
      .filter((was) => !slippingStages.has(was.stage) && slippingStages.has(standings.get(was.customer_id)?.stage ?? ''))
      .map((was) => ({ id: was.customer_id, stage: standings.get(was.customer_id)!.stage, before: { as_of: was.as_of, stage: was.stage, tier: was.tier, segment: was.segment } }));
  } else {
    const tierOf = tierByCustomer(db, { since: null, asOf: today, includePartners });
    slipping = [...standings.values()]
      .filter((customer) => customer.stage === 'decline' && (tierOf.get(customer.customerId) ?? 9) <= agendaRules.valuableTier)
      .map((customer) => ({ id: customer.customerId, stage: customer.stage, before: null }));
  }
  // p_alive: only when the last snapshot stored it for valuable customers who were then more likely alive than not.
  const wereAlive = valuable.filter((was) => was.p_alive !== null && was.p_alive >= agendaRules.pAliveBelow);
  const listed = new Set(slipping.map((customer) => customer.id));
  let fading: { id: number; before: FadingCustomer['before']; pAlive: number }[] = [];
  let pAliveUnavailable: string | null = null;
  if (wereAlive.length) {
    const now = pAliveNow(db, today, includePartners);
    if (now instanceof Map) {
      fading = wereAlive
        .filter((was) => !listed.has(was.customer_id) && (now.get(was.customer_id) ?? 1) < agendaRules.pAliveBelow)
        .map((was) => ({ id: was.customer_id, before: { as_of: was.as_of, pAlive: was.p_alive! }, pAlive: now.get(was.customer_id)! }));
    } else {
      pAliveUnavailable = now.unavailable;
    }
  }
  const values = new Map(customerValues(db, [...slipping.map((customer) => customer.id), ...fading.map((customer) => customer.id)], today).map((value) => [value.customer_id, value]));
  const weekAgo = addDays(today, -agendaRules.complaintDays);
  return {
    today,
    zone,
    followUps: listFollowUps(db, { from: null, to: today }),
    complaints: listComplaints(db, { openOnly: true }).filter((complaint) => localDayOf(complaint.opened_at, zone) <= weekAgo),
    slipping: slipping.map((customer) => ({ customer: values.get(customer.id)!, stage: customer.stage, before: customer.before })),
    debts: receivables(db, today).filter((debt) => debt.days_61_90_cents + debt.days_over_90_cents > 0),
    snapshotDate: valuable[0]?.as_of ?? null,
    fading: fading.map((customer) => ({ customer: values.get(customer.id)!, before: customer.before, pAlive: customer.pAlive })),
    pAliveUnavailable,
  };
}

export const agendaColumns: Column[] = [
  { key: 'priority', label: '#', type: 'integer' },
  { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text' },
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'why', label: 'Why', labelZh: '原因', type: 'text' },
  { key: 'what_to_do', label: 'What to do', labelZh: '建议', type: 'text' },
  { key: 'amount', label: 'Amount', labelZh: '金额', type: 'money' },
];

export function agendaReport(inputs: AgendaInputs, lang: Lang): Report {
  const t = (en: string, zh: string) => say(lang, en, zh);
  const items: Omit<Row, 'priority'>[] = [];
  for (const followUp of inputs.followUps) {
    const late = daysOverdue(followUp.follow_up_at, inputs.today);
    items.push({
      kind: late ? 'followup_overdue' : 'followup_due', customer_id: followUp.customer_external_id, name: followUp.customer_name, owner: followUp.owner,
      why: late ? t(`follow-up ${late} days late (due ${followUp.follow_up_at}): ${followUp.reason}`, `跟进逾期 ${late} 天（${followUp.follow_up_at}）：${followUp.reason}`) : t(`follow-up due today: ${followUp.reason}`, `今日跟进：${followUp.reason}`),
      what_to_do: t(`contact them${followUp.phone ? ` (${followUp.phone})` : ''}, then: crm followups done ${followUp.id}`, `联系客户${followUp.phone ? `（${followUp.phone}）` : ''}，然后：crm followups done ${followUp.id}`),
      amount: null,
    });
  }
  for (const complaint of inputs.complaints) {
    // Whole days from the day it was opened (on the shop's clock) to today.
    const days = daysBetween(localDayOf(complaint.opened_at, inputs.zone ?? 'UTC'), inputs.today);
    items.push({
      kind: 'complaint_open', customer_id: complaint.customer_external_id, name: complaint.customer_name, owner: complaint.owner,
      why: t(`complaint #${complaint.id} (${complaint.severity}) open ${days} days: ${complaint.summary}`, `投诉 #${complaint.id}（${complaint.severity}）已 ${days} 天未解决：${complaint.summary}`),
      what_to_do: t(`settle it, then: crm complaint resolve ${complaint.id} --resolution "…"`, `处理后：crm complaint resolve ${complaint.id} --resolution "…"`),
      amount: null,
    });
  }
  for (const { customer, stage, before } of [...inputs.slipping].sort((a, b) => b.customer.profit_cents - a.customer.profit_cents)) {
    const tier = before ? (lang === 'zh' ? tiers[before.tier]!.nameZh : tiers[before.tier]!.name) : null;
    items.push({
      kind: stage === 'lost' ? 'valuable_went_quiet' : 'valuable_in_decline', customer_id: customer.external_id, name: customer.name, owner: customer.owner,
      why: before
        ? t(`was ${tier} / ${before.segment} (${before.stage}) on ${before.as_of}, now ${stage}`, `${before.as_of} 为${tier}/${before.segment}（${before.stage}），现为 ${stage}`)
        : t(`a valuable customer (platinum or gold) in decline`, `高价值客户（铂金或黄金）处于衰退期`),
      what_to_do: t('call them: ask why they buy less, offer what brought them back before', '致电了解购买减少的原因，提供挽回措施'),
      amount: customer.profit_cents,
    });
  }
  for (const { customer, before, pAlive } of [...inputs.fading].sort((a, b) => b.customer.profit_cents - a.customer.profit_cents)) {
    items.push({
      kind: 'valuable_p_alive_fell', customer_id: customer.external_id, name: customer.name, owner: customer.owner,
      why: t(
        `p_alive fell from ${before.pAlive.toFixed(2)} on ${before.as_of} to ${pAlive.toFixed(2)}: by their own buying pace they have probably stopped`,
        `活跃概率从 ${before.as_of} 的 ${before.pAlive.toFixed(2)} 降至 ${pAlive.toFixed(2)}：按其购买节奏很可能已流失`,
      ),
      what_to_do: t('contact them now, while a win-back still works; see crm customer show ' + customer.external_id, `尽快联系挽回；查看：crm customer show ${customer.external_id}`),
      amount: customer.profit_cents,
    });
  }
  for (const debt of inputs.debts) {
    const old = debt.days_61_90_cents + debt.days_over_90_cents;
    items.push({
      kind: 'receivable_over_60_days', customer_id: debt.external_id, name: debt.name, owner: debt.owner,
      why: t(`owes ${formatCents(old)} for over 60 days (oldest unpaid order ${debt.oldest_unpaid})`, `超过 60 天欠款 ${formatCents(old)}（最早未付订单 ${debt.oldest_unpaid}）`),
      what_to_do: t(`ask for payment; record it: crm pay ${debt.external_id} AMOUNT`, `催收；收款后：crm pay ${debt.external_id} 金额`),
      amount: old,
    });
  }
  const notes = [];
  if (inputs.slipping.length || inputs.snapshotDate === null) {
    notes.push(inputs.snapshotDate
      ? t(`valuable customers compared with the snapshot of ${inputs.snapshotDate}`, `高价值客户与 ${inputs.snapshotDate} 的快照比较`)
      : t('no snapshot before today: valuable customers in decline are listed (crm snapshot save each night shows who moved)', '今天之前没有快照：列出处于衰退期的高价值客户（每晚运行 crm snapshot save 可看出变化）'));
  }
  if (inputs.pAliveUnavailable) notes.push(t(`p_alive not checked: ${inputs.pAliveUnavailable}`, `未检查活跃概率：${inputs.pAliveUnavailable}`));
  return {
    name: 'agenda',
    title: t(`Agenda for ${inputs.today}: ${items.length} to do`, `${inputs.today} 待办：${items.length} 项`),
    asOf: inputs.today,
    columns: agendaColumns,
    rows: items.map((item, index) => ({ priority: index + 1, ...item })),
    alertRows: items.flatMap((item, index) => (item.kind === 'followup_overdue' || item.kind === 'complaint_open' ? [index] : [])),
    notes,
  };
}
