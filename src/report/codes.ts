// The words a table or Markdown shows for the stable codes reports keep in their rows (CSV and JSON keep the codes):
// a column with `labels` names one of these maps, and render.ts displays the word in the chosen language.
import { stages } from '../analysis/lifecycle.js';
import type { CodeLabels, Lang } from './types.js';

/**
 * The words for CODE in LANG. A code the map does not know is returned as it is, unless it is a known code, a space and
 * a detail ("dropped 2026-05-01"): then the code's words and the same detail ("已放弃 2026-05-01").
 */
export function codeWords(labels: CodeLabels, code: string, lang: Lang): string {
  const index = lang === 'zh' ? 1 : 0;
  if (Object.hasOwn(labels, code)) return labels[code]![index];
  const space = code.indexOf(' ');
  const head = space > 0 ? code.slice(0, space) : '';
  return head && Object.hasOwn(labels, head) ? `${labels[head]![index]}${code.slice(space)}` : code;
}

/** crm agenda's item kinds (docs/rules.md#agenda). */
export const agendaKindLabels: CodeLabels = {
  followup_overdue: ['overdue follow-up', '逾期跟进'],
  followup_due: ['follow-up due today', '今日跟进'],
  complaint_open: ['open complaint', '未解决投诉'],
  valuable_in_decline: ['valuable customer in decline', '高价值客户衰退'],
  valuable_went_quiet: ['valuable customer gone quiet', '高价值客户已流失'],
  valuable_p_alive_fell: ['valuable customer probably stopped', '高价值客户可能已停购'],
  receivable_over_60_days: ['owes for over 60 days', '欠款超过60天'],
  contact_due: ['due for a contact', '到期应联系'],
};

/** crm campaign report's verdict. */
export const verdictLabels: CodeLabels = {
  worked: ['it worked', '有效'],
  harmed: ['it backfired', '适得其反'],
  no_effect: ['no effect', '无效'],
  too_small: ['too small to tell', '样本太小，无法判断'],
};

/** crm doctor's check results. */
export const checkStatusLabels: CodeLabels = {
  ok: ['ok', '正常'],
  info: ['info', '信息'],
  warn: ['warning', '警告'],
  fail: ['failed', '失败'],
};

/** A contact's kind. */
export const contactKindLabels: CodeLabels = {
  customer: ['customer', '客户'],
  lead: ['lead', '线索'],
  partner: ['partner', '合作伙伴'],
};

/** A customer record's status: forgotten is a customer whose personal data was erased (crm customer forget). */
export const customerStatusLabels: CodeLabels = {
  active: ['active', '正常'],
  forgotten: ['forgotten', '已清除个人信息'],
};

/** A lead in the lead list: still worked, or dropped (the code is followed by the day: "dropped 2026-05-01"). */
export const leadStateLabels: CodeLabels = {
  open: ['open', '跟进中'],
  dropped: ['dropped', '已放弃'],
};

/** A campaign member's group. */
export const campaignGroupLabels: CodeLabels = {
  treated: ['treated', '接触组'],
  control: ['control', '对照组'],
};

/** What a customer file's timeline entry is: an order, a return, a payment, or a contact of one of the interaction kinds. */
export const timelineTypeLabels: CodeLabels = {
  order: ['order', '订单'],
  return: ['return', '退货'],
  payment: ['payment', '回款'],
  call: ['call', '电话'],
  visit: ['visit', '拜访'],
  email: ['email', '邮件'],
  // An e-mail crm import mail filed: the customer wrote (in) or was written to (out).
  'email-in': ['email in', '收到邮件'],
  'email-out': ['email out', '发出邮件'],
  message: ['message', '消息'],
  meeting: ['meeting', '会议'],
  note: ['note', '备注'],
  complaint: ['complaint', '投诉'],
  // Changes to the record, from the audit log.
  edit: ['edit', '修改'],
  merge: ['merge', '合并'],
  'lead-convert': ['lead converted', '线索转化'],
  'lead-drop': ['lead dropped', '放弃线索'],
  'customer-forget': ['forgotten', '个人信息已删除'],
};

/** A lifecycle stage (analysis/lifecycle.ts): "decline" → Decline, 衰退期. */
export const stageLabels: CodeLabels = Object.fromEntries(stages.map((stage) => [stage.key, [stage.name, stage.nameZh] as const]));

/** A lifecycle stage's name in LANG; an unknown key as it is. */
export function stageName(key: string, lang: Lang): string {
  return codeWords(stageLabels, key, lang);
}

export const severityLabels: CodeLabels = {
  low: ['low', '低'],
  normal: ['normal', '一般'],
  high: ['high', '高'],
};

export const complaintStatusLabels: CodeLabels = {
  open: ['open', '未解决'],
  resolved: ['resolved', '已解决'],
};

/** A follow-up against today. */
export const followUpStateLabels: CodeLabels = {
  overdue: ['overdue', '逾期'],
  today: ['due today', '今日到期'],
  upcoming: ['upcoming', '未到期'],
};

export const campaignStateLabels: CodeLabels = {
  running: ['running', '进行中'],
  finished: ['finished', '已结束'],
};

/** The group_by column of the funnel and satisfaction reports. */
export const groupByLabels: CodeLabels = {
  all: ['all', '全部'],
  source: ['by source', '按来源'],
  owner: ['by owner', '按负责人'],
  tier: ['by tier', '按等级'],
};

/** Why customers are probable duplicates: every combination of the three reasons as the report joins them ("; "). */
export const duplicateReasonLabels: CodeLabels = (() => {
  const reasons: [string, string][] = [
    ['same e-mail', '相同邮箱'],
    ['same phone', '相同电话'],
    ['similar name, same city', '同城且姓名相似'],
  ];
  const labels: Record<string, readonly [string, string]> = {};
  for (let mask = 1; mask < 1 << reasons.length; mask += 1) {
    const chosen = reasons.filter((_, bit) => mask & (1 << bit));
    labels[chosen.map(([code]) => code).join('; ')] = [chosen.map(([code]) => code).join('; '), chosen.map(([, zh]) => zh).join('；')];
  }
  return labels;
})();

/** What an import run read (crm import log). */
export const importKindLabels: CodeLabels = {
  customers: ['customers', '客户'],
  orders: ['orders', '订单'],
  interactions: ['interactions', '联系记录'],
  payments: ['payments', '回款'],
  surveys: ['surveys', '满意度调查'],
  complaints: ['complaints', '投诉'],
};
