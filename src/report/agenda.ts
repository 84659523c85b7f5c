// crm agenda: today's to-do for the owner in one list, each item with why it is there and what to do. Gathered, then built purely.
import { agendaKindLabels, codeWords, severityLabels, stageName } from './codes.js';
import { daysOverdue } from '../analysis/follow-ups.js';
import { listComplaints, type ComplaintListRow } from '../db/complaints.js';
import { listFollowUps, type FollowUpRow } from '../db/interactions.js';
import type { Sql } from '../db/engine/sql.js';
import { paymentsRecorded, receivablesOver60, type Receivable } from '../db/receivables.js';
import { customerValues, valuableColumnsInLastSnapshot, type CustomerValue } from '../db/report-customers.js';
import { formatCents } from '../util/money.js';
import { addDays, daysBetween } from '../util/dates.js';
import { localDayOf } from '../util/zone.js';
import { customerStandings, defaultHighValueSegments, pAliveNow, tierByCustomer, tiers, type Stage } from './analysis-inputs.js';
import { dueCustomers, ruleWords, type DueCustomer } from './cadence.js';
import { say } from './sales-reports.js';
import type { Column, Lang, Report, Row } from './types.js';

/**
 * docs/rules.md#agenda: complaints open a week or more, receivables older than 60 days; at most `perKind` items of
 * each kind (`crm agenda --all` lists every one).
 */
export const agendaRules = { complaintDays: 7, receivableDays: 60, valuableTier: 1, pAliveBelow: 0.5, perKind: 20 } as const;

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
  /** Empty when the shop records no payments (then `paymentsRecorded` is false): every order would look owed. */
  debts: Receivable[];
  paymentsRecorded: boolean;
  snapshotDate: string | null;
  fading: FadingCustomer[];
  /** Why p_alive could not be checked today (too little data for the model), or null. */
  pAliveUnavailable: string | null;
  /** Customers due for a contact by their cadence (crm cadence), most overdue first (the first perKind; the rest in omitted). */
  contactDue?: DueCustomer[];
  /** Items of a kind the gathering already left out beyond the cap (gatherAgenda's perKind): counted, not listed. */
  omitted?: Readonly<Record<string, number>>;
}

const omittedCount = (inputs: AgendaInputs): number => Object.values(inputs.omitted ?? {}).reduce((sum, count) => sum + count, 0);

const slippingStages = new Set(['decline', 'lost']);

/** A lifecycle stage's name in LANG inside the why-text: "decline", "衰退期". */
const stageWords = (key: string, lang: Lang): string => (lang === 'zh' ? stageName(key, lang) : stageName(key, lang).toLowerCase());

/** Customers whose values are read at a time while the most profitable are picked. */
const valueBatch = 5_000;

/**
 * The items of LIST with their values, keeping of each kind only the PERKIND most profitable (ties: the earlier in
 * LIST, as the agenda's stable sort by profit orders them), in LIST's order, and how many of each kind were left out:
 * a shop with 100,000 valuable customers in decline reads their values a batch at a time and keeps twenty.
 */
async function mostProfitable<T extends { id: number }>(
  sql: Sql,
  list: readonly T[],
  today: string,
  perKind: number | null,
  kindOf: (item: T) => string,
): Promise<{ kept: (T & { customer: CustomerValue })[]; omitted: Map<string, number> }> {
  const omitted = new Map<string, number>();
  const chosen = new Map<string, { index: number; item: T; customer: CustomerValue }[]>();
  for (let start = 0; start < list.length; start += perKind === null ? list.length : valueBatch) {
    const part = perKind === null ? list : list.slice(start, start + valueBatch);
    const values = new Map((await customerValues(sql, part.map((item) => item.id), today)).map((value) => [value.customer_id, value]));
    part.forEach((item, offset) => {
      const kind = kindOf(item);
      const candidates = chosen.get(kind) ?? [];
      chosen.set(kind, candidates);
      candidates.push({ index: start + offset, item, customer: values.get(item.id)! });
    });
    if (perKind === null) continue;
    for (const [kind, candidates] of chosen) {
      if (candidates.length <= perKind) continue;
      candidates.sort((a, b) => b.customer.profit_cents - a.customer.profit_cents || a.index - b.index);
      omitted.set(kind, (omitted.get(kind) ?? 0) + candidates.length - perKind);
      candidates.length = perKind;
    }
  }
  const kept = [...chosen.values()].flat().sort((a, b) => a.index - b.index);
  return { kept: kept.map(({ item, customer }) => ({ ...item, customer })), omitted };
}

/**
 * includePartners (`--include-partners`): partners count as customers for the slipping and p_alive checks. perKind
 * (default agendaRules.perKind; null for `--all`): of the valuable customers slipping or fading, only the most
 * profitable of each kind are gathered, the rest counted in `omitted` (agendaReport with the same cap lists the same).
 */
export async function gatherAgenda(sql: Sql, today: string, includePartners = false, zone = 'UTC', perKind: number | null = agendaRules.perKind): Promise<AgendaInputs> {
  // The valuable customers of the last snapshot in columns (a quarter of a million of them at a million customers).
  const valuable = await valuableColumnsInLastSnapshot(sql, today, agendaRules.valuableTier, defaultHighValueSegments);
  // p_alive: only when the last snapshot stored it for valuable customers who were then more likely alive than not. The
  // model is fitted before the standings are read: its memory is free again (but for p_alive) by then.
  const wereAlive: number[] = [];
  for (let at = 0; at < valuable.count; at++) {
    const pAlive = valuable.pAlive(at);
    if (pAlive !== null && pAlive >= agendaRules.pAliveBelow) wereAlive.push(at);
  }
  const aliveNow = wereAlive.length ? await pAliveNow(sql, today, includePartners) : null;
  const standings = await customerStandings(sql, today, includePartners);
  let slipping: { id: number; stage: Stage; before: Slipping['before'] }[] = [];
  if (valuable.count) {
    for (let at = 0; at < valuable.count; at++) {
      const id = valuable.customerId(at);
      const now = standings.stageOf(id);
      if (slippingStages.has(valuable.stage(at)) || !slippingStages.has(now ?? '')) continue;
      const was = valuable.standingAt(at);
      slipping.push({ id, stage: now!, before: { as_of: was.as_of, stage: was.stage, tier: was.tier, segment: was.segment } });
    }
  } else {
    const declining = standings.atStage('decline').map((at) => standings.idAt(at));
    const tierOf = await tierByCustomer(sql, { since: null, asOf: today, includePartners }, new Set(declining));
    slipping = declining
      .filter((id) => (tierOf.get(id) ?? 9) <= agendaRules.valuableTier)
      .map((id) => ({ id, stage: 'decline' as Stage, before: null }));
  }
  const listed = new Set(slipping.map((customer) => customer.id));
  const fading: { id: number; before: FadingCustomer['before']; pAlive: number }[] = [];
  let pAliveUnavailable: string | null = null;
  if (aliveNow !== null && 'unavailable' in aliveNow) pAliveUnavailable = aliveNow.unavailable;
  else if (aliveNow !== null) {
    for (const at of wereAlive) {
      const id = valuable.customerId(at);
      const pAlive = aliveNow.get(id);
      if (listed.has(id) || !((pAlive ?? 1) < agendaRules.pAliveBelow)) continue;
      fading.push({ id, before: { as_of: valuable.asOf!, pAlive: valuable.pAlive(at)! }, pAlive: pAlive! });
    }
  }
  const slippingKept = await mostProfitable(sql, slipping, today, perKind, (customer) => (customer.stage === 'lost' ? 'valuable_went_quiet' : 'valuable_in_decline'));
  const fadingKept = await mostProfitable(sql, fading, today, perKind, () => 'valuable_p_alive_fell');
  const weekAgo = addDays(today, -agendaRules.complaintDays);
  const recorded = await paymentsRecorded(sql);
  // Only the first perKind debts are read; the rest are counted.
  const over60 = recorded ? await receivablesOver60(sql, today, perKind) : { rows: [], count: 0 };
  const debts = over60.rows;
  // crm cadence: the stages are the standings above (one pass over the orders); only the first perKind are kept.
  const due = await dueCustomers(sql, today, { standings });
  const contactDue = await due.slice(0, perKind ?? due.count);
  return {
    today,
    zone,
    followUps: await listFollowUps(sql, { from: null, to: today }),
    complaints: (await listComplaints(sql, { openOnly: true })).filter((complaint) => localDayOf(complaint.opened_at, zone) <= weekAgo),
    slipping: slippingKept.kept.map((customer) => ({ customer: customer.customer, stage: customer.stage, before: customer.before })),
    debts,
    paymentsRecorded: recorded,
    snapshotDate: valuable.count > 0 ? valuable.asOf : null,
    fading: fadingKept.kept.map((customer) => ({ customer: customer.customer, before: customer.before, pAlive: customer.pAlive })),
    pAliveUnavailable,
    contactDue,
    omitted: Object.fromEntries([
      ...slippingKept.omitted, ...fadingKept.omitted,
      ...(over60.count > debts.length ? [['receivable_over_60_days', over60.count - debts.length] as const] : []),
      ...(due.count > contactDue.length ? [['contact_due', due.count - contactDue.length] as const] : []),
    ]),
  };
}

export const agendaColumns: Column[] = [
  { key: 'priority', label: '#', type: 'integer' },
  { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text', labels: agendaKindLabels },
  { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'why', label: 'Why', labelZh: '原因', type: 'text' },
  { key: 'what_to_do', label: 'What to do', labelZh: '建议', type: 'text' },
  { key: 'amount', label: 'Amount', labelZh: '金额', type: 'money' },
];

/**
 * The kinds of item in their order on the list, each with what the rest are called (one, several, Chinese) and where
 * to see all of them when the agenda shows only the first.
 */
const agendaKinds: readonly { kind: string; one: string; many: string; zh: string; see: string }[] = [
  { kind: 'followup_overdue', one: 'overdue follow-up', many: 'overdue follow-ups', zh: '项逾期跟进', see: 'crm followups --overdue' },
  { kind: 'followup_due', one: 'follow-up due today', many: 'follow-ups due today', zh: '项今日跟进', see: 'crm followups --today' },
  { kind: 'complaint_open', one: 'complaint open a week or more', many: 'complaints open a week or more', zh: '项超过一周未解决的投诉', see: 'crm complaint list --open' },
  { kind: 'valuable_in_decline', one: 'valuable customer in decline', many: 'valuable customers in decline', zh: '位处于衰退期的高价值客户', see: 'crm agenda --all' },
  { kind: 'valuable_went_quiet', one: 'valuable customer gone quiet', many: 'valuable customers gone quiet', zh: '位已流失的高价值客户', see: 'crm agenda --all' },
  { kind: 'valuable_p_alive_fell', one: 'valuable customer whose p_alive fell', many: 'valuable customers whose p_alive fell', zh: '位活跃概率下降的高价值客户', see: 'crm agenda --all' },
  { kind: 'receivable_over_60_days', one: 'customer owing for over 60 days', many: 'customers owing for over 60 days', zh: '位欠款超过 60 天的客户', see: 'crm report receivables' },
  { kind: 'contact_due', one: 'customer due for a contact', many: 'customers due for a contact', zh: '位到期应联系的客户', see: 'crm followups --due' },
];

/** "… and 1,230 more overdue follow-ups (crm followups --overdue)". */
function moreLine(kind: (typeof agendaKinds)[number], left: number, lang: Lang): string {
  const count = left.toLocaleString('en-US');
  return say(lang, `… and ${count} more ${left === 1 ? kind.one : kind.many} (${kind.see})`, `…… 还有 ${count} ${kind.zh}（${kind.see}）`);
}

/** Every item the agenda has, listed or left out by the caps (`crm agenda --check` counts them). */
export function agendaItemCount(inputs: AgendaInputs): number {
  return inputs.followUps.length + inputs.complaints.length + inputs.slipping.length + inputs.fading.length + inputs.debts.length + (inputs.contactDue?.length ?? 0) + omittedCount(inputs);
}

export interface AgendaOptions {
  /** Items shown of each kind (default agendaRules.perKind); null shows every item (`--all`). */
  perKind?: number | null;
}

export function agendaReport(inputs: AgendaInputs, lang: Lang, options: AgendaOptions = {}): Report {
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
    const severity = codeWords(severityLabels, complaint.severity, lang);
    items.push({
      kind: 'complaint_open', customer_id: complaint.customer_external_id, name: complaint.customer_name, owner: complaint.owner,
      why: t(`complaint #${complaint.id} (${severity}) open ${days} days: ${complaint.summary}`, `投诉 #${complaint.id}（${severity}）已 ${days} 天未解决：${complaint.summary}`),
      what_to_do: t(`settle it, then: crm complaint resolve ${complaint.id} --resolution "…"`, `处理后：crm complaint resolve ${complaint.id} --resolution "…"`),
      amount: null,
    });
  }
  for (const { customer, stage, before } of [...inputs.slipping].sort((a, b) => b.customer.profit_cents - a.customer.profit_cents)) {
    const tier = before ? (lang === 'zh' ? tiers[before.tier]!.nameZh : tiers[before.tier]!.name) : null;
    items.push({
      kind: stage === 'lost' ? 'valuable_went_quiet' : 'valuable_in_decline', customer_id: customer.external_id, name: customer.name, owner: customer.owner,
      why: before
        ? t(
            `was ${tier} / ${before.segment} (${stageWords(before.stage, lang)}) on ${before.as_of}, now ${stageWords(stage, lang)}`,
            `${before.as_of} 为${tier}/${before.segment}（${stageWords(before.stage, lang)}），现为${stageWords(stage, lang)}`,
          )
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
  for (const due of inputs.contactDue ?? []) {
    const rule = ruleWords(due.rule, lang);
    const late = due.daysOverdue ? t(`, ${due.daysOverdue} days late`, `，逾期 ${due.daysOverdue} 天`) : '';
    items.push({
      kind: 'contact_due', customer_id: due.externalId, name: due.name, owner: due.owner,
      why: due.lastContactAt === null
        ? t(`never contacted in ${due.daysSince} days as a customer (${rule}; due ${due.dueOn}${late})`, `成为客户 ${due.daysSince} 天从未联系（${rule}；应于 ${due.dueOn} 联系${late}）`)
        : t(`no contact for ${due.daysSince} days (${rule}; due ${due.dueOn}${late})`, `${due.daysSince} 天未联系（${rule}；应于 ${due.dueOn} 联系${late}）`),
      what_to_do: t(`get in touch${due.phone ? ` (${due.phone})` : ''}, then: crm log ${due.externalId} --kind call --summary "…"`, `联系客户${due.phone ? `（${due.phone}）` : ''}，然后：crm log ${due.externalId} --kind call --summary "…"`),
      amount: null,
    });
  }
  // Each kind keeps its first items (the list's own order: most overdue, most valuable, oldest debt first); a line says how many more.
  const perKind = options.perKind === undefined ? agendaRules.perKind : options.perKind;
  const seen = new Map<string, number>();
  const kept = items.filter((item) => {
    const count = (seen.get(item.kind as string) ?? 0) + 1;
    seen.set(item.kind as string, count);
    return perKind === null || count <= perKind;
  });
  for (const [kind, count] of Object.entries(inputs.omitted ?? {})) seen.set(kind, (seen.get(kind) ?? 0) + count);
  const total = items.length + omittedCount(inputs);
  const notes = [];
  for (const kind of agendaKinds) {
    const left = (seen.get(kind.kind) ?? 0) - (perKind ?? Infinity);
    if (left > 0) notes.push(moreLine(kind, left, lang));
  }
  if (!inputs.paymentsRecorded) {
    notes.push(t('no payments are recorded, so no debts are listed: record payments (crm pay, crm import payments) to see who owes', '没有任何回款记录，因此不列出欠款：记录回款（crm pay、crm import payments）后才能看到谁欠款'));
  }
  if (inputs.slipping.length || inputs.snapshotDate === null) {
    notes.push(inputs.snapshotDate
      ? t(`valuable customers compared with the snapshot of ${inputs.snapshotDate}`, `高价值客户与 ${inputs.snapshotDate} 的快照比较`)
      : t('no snapshot before today: valuable customers in decline are listed (crm snapshot save each night shows who moved)', '今天之前没有快照：列出处于衰退期的高价值客户（每晚运行 crm snapshot save 可看出变化）'));
  }
  if (inputs.pAliveUnavailable) notes.push(t(`p_alive not checked: ${inputs.pAliveUnavailable}`, `未检查活跃概率：${inputs.pAliveUnavailable}`));
  return {
    name: 'agenda',
    title: kept.length < total
      ? t(`Agenda for ${inputs.today}: ${total.toLocaleString('en-US')} to do (the first ${perKind} of each kind)`, `${inputs.today} 待办：${total.toLocaleString('en-US')} 项（每类显示前 ${perKind} 项）`)
      : t(`Agenda for ${inputs.today}: ${total} to do`, `${inputs.today} 待办：${total} 项`),
    asOf: inputs.today,
    columns: agendaColumns,
    rows: kept.map((item, index) => ({ priority: index + 1, ...item })),
    alertRows: kept.flatMap((item, index) => (item.kind === 'followup_overdue' || item.kind === 'complaint_open' ? [index] : [])),
    notes,
  };
}
