// The campaign reports as values: list, show (both groups) and the check against the control group. Pure.
import { campaignGroupLabels, campaignStateLabels, verdictLabels } from './codes.js';
import type { CampaignCheck } from '../analysis/campaign-stats.js';
import type { CampaignListRow, CampaignMember, CampaignRecord } from '../db/campaigns.js';
import { say } from './sales-reports.js';
import type { Column, Lang, Report, Row } from './types.js';

/**
 * "segment At Risk, tier gold, stage decline", or "all customers". Each criterion is named: "lead" alone would read as
 * the leads (who are never in a campaign) rather than the pyramid's lowest tier.
 */
export function criteriaText(campaign: Pick<CampaignRecord, 'segment' | 'tier' | 'stage'>): string {
  const named: [string, string | null][] = [['segment', campaign.segment], ['tier', campaign.tier], ['stage', campaign.stage]];
  return named.filter(([, value]) => value).map(([label, value]) => `${label} ${value}`).join(', ') || 'all customers';
}

/** The crm campaign create command that makes this campaign again (the same groups from the same data). */
export function campaignCreateCommand(campaign: Pick<CampaignRecord, 'name' | 'segment' | 'tier' | 'stage' | 'started_on' | 'holdout_percent' | 'seed' | 'window_days'>): string {
  const quote = (text: string) => (/^[\w.:@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
  return [
    'crm campaign create', quote(campaign.name),
    ...(campaign.segment ? ['--segment', quote(campaign.segment)] : []),
    ...(campaign.tier ? ['--tier', quote(campaign.tier)] : []),
    ...(campaign.stage ? ['--stage', quote(campaign.stage)] : []),
    '--as-of', campaign.started_on, '--holdout', `${campaign.holdout_percent}%`, '--seed', String(campaign.seed), '--window', `${campaign.window_days}d`,
  ].join(' ');
}

export interface CampaignWindow {
  /** The last day counted: start + window, or the as-of day while the campaign is still running. */
  until: string;
  ends: string;
  running: boolean;
}

const listColumns: Column[] = [
  { key: 'campaign', label: 'Campaign', labelZh: '活动', type: 'text' },
  { key: 'started_on', label: 'Start', labelZh: '开始', type: 'date' },
  { key: 'ends_on', label: 'Window ends', labelZh: '观察期结束', type: 'date' },
  { key: 'state', label: 'State', labelZh: '状态', type: 'text', labels: campaignStateLabels },
  { key: 'criteria', label: 'Customers chosen', labelZh: '选取条件', type: 'text' },
  { key: 'treated', label: 'Treated', labelZh: '接触组', type: 'integer' },
  { key: 'control', label: 'Control', labelZh: '对照组', type: 'integer' },
  { key: 'holdout_percent', label: 'Holdout', labelZh: '对照比例', type: 'percent' },
  { key: 'seed', label: 'Seed', labelZh: '随机种子', type: 'text' },
  { key: 'contacts', label: 'Contacts logged', labelZh: '已记录联系', type: 'integer' },
];

export function campaignListReport(rows: (CampaignListRow & { ends_on: string; state: string })[]): Report {
  return {
    name: 'campaigns',
    title: `Campaigns (${rows.length})`,
    titleZh: `营销活动（${rows.length}）`,
    columns: listColumns,
    rows: rows.map((row) => ({
      campaign: row.name, started_on: row.started_on, ends_on: row.ends_on, state: row.state, criteria: criteriaText(row), treated: row.treated,
      control: row.control, holdout_percent: row.holdout_percent, seed: row.seed, contacts: row.contacts,
    })),
    notes: rows.length ? [] : ['no campaigns yet: crm campaign create NAME --segment "At Risk" --holdout 20%'],
  };
}

const memberColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'group', label: 'Group', labelZh: '分组', type: 'text', labels: campaignGroupLabels },
  { key: 'contacts', label: 'Contacts logged', labelZh: '已记录联系', type: 'integer' },
];

export function campaignMembersReport(campaign: CampaignRecord, members: CampaignMember[]): Report {
  const control = members.filter((member) => member.group === 'control').length;
  const spoilt = members.filter((member) => member.group === 'control' && member.contacts > 0).length;
  return {
    name: 'campaign',
    title: `Campaign ${campaign.name} (${criteriaText(campaign)}, as of ${campaign.started_on}): ${members.length - control} treated, ${control} control`,
    titleZh: `营销活动 ${campaign.name}（${criteriaText(campaign)}，截至 ${campaign.started_on}）：接触组 ${members.length - control}，对照组 ${control}`,
    json: 'array',
    columns: memberColumns,
    rows: members.map((member) => ({ customer_id: member.customer_id, name: member.name, group: member.group, contacts: member.contacts })),
    alertRows: members.flatMap((member, index) => (member.group === 'control' && member.contacts > 0 ? [index] : [])),
    notes: [
      'treated: contact these customers (crm log CUSTOMER … --campaign ' + campaign.name + '); control: do NOT contact them, they show what happens without the campaign',
      ...(spoilt ? [`${spoilt} control customer${spoilt === 1 ? ' was' : 's were'} contacted for this campaign: the comparison is weaker`] : []),
    ],
  };
}

const reportColumns: Column[] = [
  { key: 'group', label: 'Group', labelZh: '分组', type: 'text' },
  { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
  { key: 'contacted_percent', label: 'Contacted', labelZh: '已联系', type: 'percent' },
  { key: 'bought_percent', label: 'Bought', labelZh: '购买比例', type: 'percent' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'revenue_per_customer', label: 'Revenue / customer', labelZh: '人均销售额', type: 'money' },
];

const upliftColumns: Column[] = [
  { key: 'measure', label: 'Measure', labelZh: '指标', type: 'text' },
  { key: 'uplift', label: 'Uplift', labelZh: '提升', type: 'number' },
  { key: 'ci_low', label: '95% CI from', labelZh: '95% 区间下限', type: 'number' },
  { key: 'ci_high', label: 'to', labelZh: '上限', type: 'number' },
  { key: 'p_value', label: 'p', labelZh: 'p 值', type: 'probability' },
  { key: 'test', label: 'Test', labelZh: '检验', type: 'text' },
];

const points = (fraction: number): string => `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)} points`;
const share = (part: number, whole: number): string => `${whole ? ((100 * part) / whole).toFixed(0) : '0'} %`;
const pText = (p: number | null): string => (p === null ? 'no p-value' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** The plain-words line: worked, did not, or too small to tell (the "check" of PDCA). */
export function verdictText(check: CampaignCheck, windowDays: number, running: boolean, lang: Lang = 'en'): string {
  const { treated, control, buying } = check;
  // Nobody bought in either group (or everybody did): the interval has no width, and "anything from +0.0 to +0.0"
  // would read as a precise zero.
  const flat = buying !== null && treated.customers > 0 && control.customers > 0 &&
    ((treated.buyers === 0 && control.buyers === 0) || (treated.buyers === treated.customers && control.buyers === control.customers));
  if (lang === 'zh') {
    const pointsZh = (fraction: number): string => `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)} 个百分点`;
    const pZh = (p: number | null): string => (p === null ? '无 p 值' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
    const factsZh = `接触组 ${treated.customers} 位客户中 ${share(treated.buyers, treated.customers)} 在 ${windowDays} 天内下单，对照组 ${control.customers} 位中 ${share(control.buyers, control.customers)}`;
    const rangeZh = buying ? (buying.low === buying.high ? '无法计算（每组要么全部下单，要么无人下单）' : `${pointsZh(buying.low)} 至 ${pointsZh(buying.high)}`) : '';
    const prefixZh = running ? '目前（观察期未结束）：' : '';
    switch (check.verdict) {
      case 'worked':
        return `${prefixZh}有效：${factsZh}，提升 ${pointsZh(buying!.difference)}（95% 置信区间 ${rangeZh}，${pZh(buying!.pValue)}）。差异大到不可能是偶然：继续这样做。`;
      case 'harmed':
        return `${prefixZh}适得其反：${factsZh}，${pointsZh(buying!.difference)}（95% 置信区间 ${rangeZh}，${pZh(buying!.pValue)}）。被联系的客户买得更少：停止并查明原因。`;
      case 'no_effect':
        return `${prefixZh}无效：${factsZh}；差异（${buying ? pointsZh(buying.difference) : '无'}，95% 置信区间 ${rangeZh}，${pZh(buying?.pValue ?? null)}）不超过偶然波动，即使有提升也很小：换个办法。`;
      case 'too_small':
        if (flat) return `${prefixZh}无法判断：${factsZh}；${treated.buyers === 0 ? '两组都还没有人下单' : '两组的客户全部下单'}，看不出差异。${running ? '等观察期结束再看。' : '扩大客户范围或延长观察期后再下结论。'}`;
        return `${prefixZh}样本太小，无法判断：${factsZh}${buying ? (buying.low === buying.high ? `（${pZh(buying.pValue)}）` : `；真实提升可能在 ${rangeZh} 之间（${pZh(buying.pValue)}）`) : ''}。扩大客户范围或延长观察期后再下结论。`;
    }
  }
  const facts = `${share(treated.buyers, treated.customers)} of the ${treated.customers} treated customers bought within ${windowDays} days, against ${share(control.buyers, control.customers)} of the ${control.customers} held back`;
  // An interval without width (each group bought all or nothing) is no range: the words leave it out.
  const range = buying ? (buying.low === buying.high ? 'not computable when each group bought all or nothing' : `${points(buying.low)} to ${points(buying.high)}`) : '';
  const prefix = running ? 'So far (the window is not over): ' : '';
  switch (check.verdict) {
    case 'worked':
      return `${prefix}It worked: ${facts}, ${points(buying!.difference)} (95 % CI ${range}, ${pText(buying!.pValue)}). The difference is too large to be chance: keep doing it.`;
    case 'harmed':
      return `${prefix}It backfired: ${facts}, ${points(buying!.difference)} (95 % CI ${range}, ${pText(buying!.pValue)}). The contacted customers bought less: stop it and find out why.`;
    case 'no_effect':
      return `${prefix}It did not work: ${facts}; the difference (${buying ? points(buying.difference) : 'none'}, 95 % CI ${range}, ${pText(buying?.pValue ?? null)}) is no more than chance and any real uplift is small: try something else.`;
    case 'too_small':
      if (flat) return `${prefix}Too small to tell: ${facts}; ${treated.buyers === 0 ? 'nobody in either group has bought yet' : 'every customer in both groups bought'}, so the groups cannot be told apart. ${running ? 'Look again when the window is over.' : 'Run it on more customers or a longer window before deciding.'}`;
      return `${prefix}Too small to tell: ${facts}${buying ? (buying.low === buying.high ? ` (${pText(buying.pValue)})` : `; the true uplift could be anything from ${range} (${pText(buying.pValue)})`) : ''}. Run it on more customers or a longer window before deciding.`;
  }
}

export interface CampaignReportInput {
  campaign: CampaignRecord;
  check: CampaignCheck;
  window: CampaignWindow;
  windowDays: number;
  asOf: string;
  lang: Lang;
}

export function campaignCheckReport(input: CampaignReportInput): Report {
  const { campaign, check, window, windowDays } = input;
  const percent = (part: number, whole: number) => (whole ? (100 * part) / whole : null);
  const groupRow = (name: string, group: CampaignCheck['treated']): Row => ({
    group: name, customers: group.customers, contacted_percent: percent(group.contacted, group.customers), bought_percent: percent(group.buyers, group.customers),
    revenue: group.revenueCents, revenue_per_customer: group.customers ? Math.round(group.revenueCents / group.customers) : null,
  });
  const { buying, revenue } = check;
  // Percentage points and currency units: each row says which in its measure.
  const upliftRows: Row[] = [
    {
      measure: say(input.lang, 'bought (percentage points)', '购买比例（百分点）'), uplift: buying ? buying.difference * 100 : null,
      ci_low: buying ? buying.low * 100 : null, ci_high: buying ? buying.high * 100 : null, p_value: buying?.pValue ?? null,
      test: say(input.lang, 'two-proportion z test', '两比例 z 检验'),
    },
    {
      measure: say(input.lang, 'revenue per customer', '人均销售额'), uplift: revenue ? revenue.difference / 100 : null,
      ci_low: revenue ? revenue.low / 100 : null, ci_high: revenue ? revenue.high / 100 : null, p_value: revenue?.pValue ?? null,
      test: say(input.lang, "Welch's t-interval", 'Welch t 区间'),
    },
  ];
  const says = verdictText(check, windowDays, window.running, input.lang);
  const lang = input.lang;
  const notes = [
    says,
    say(lang,
      `bought: at least one order (not refunded or cancelled) from ${campaign.started_on} (exclusive) to ${window.until}; revenue per customer counts every customer of the group, buyers or not`,
      `购买：${campaign.started_on}（不含）至 ${window.until} 之间至少有一笔订单（不含退款、取消）；人均销售额按组内全部客户计算，未购买的也算在内`),
    say(lang,
      'each group is compared as drawn (contacted or not): the uplift table below gives the difference with the range it very likely lies in',
      '两组按抽签时的分组比较（无论是否实际联系）：下方提升表给出差异及其很可能所在的区间'),
  ];
  if (window.running) notes.push(say(lang, `still running: the ${windowDays}-day window ends on ${window.ends}; the figures may change`, `仍在进行：${windowDays} 天的观察期到 ${window.ends} 结束，数字还会变化`));
  if (check.treated.customers > 0 && check.treated.contacted < check.treated.customers / 2) {
    notes.push(say(lang,
      `only ${share(check.treated.contacted, check.treated.customers)} of the treated customers were contacted for this campaign (crm log … --campaign ${campaign.name}): the uplift measures the campaign as it was carried out`,
      `接触组只有 ${share(check.treated.contacted, check.treated.customers)} 的客户被记录为因本活动联系过（crm log … --campaign ${campaign.name}）：提升衡量的是活动的实际执行效果`));
  }
  if (check.control.contacted > 0) {
    notes.push(say(lang,
      `${check.control.contacted} control customer${check.control.contacted === 1 ? ' was' : 's were'} contacted for this campaign: the comparison is weaker`,
      `对照组有 ${check.control.contacted} 位客户因本活动被联系：比较的可信度降低`));
  }
  return {
    name: 'campaign-report',
    title: `Campaign ${campaign.name} (${criteriaText(campaign)}): ${campaign.started_on} … ${window.until}`,
    titleZh: `营销活动 ${campaign.name}（${criteriaText(campaign)}）：${campaign.started_on} … ${window.until}`,
    asOf: input.asOf,
    columns: reportColumns,
    rows: [groupRow(say(input.lang, 'treated', '接触组'), check.treated), groupRow(say(input.lang, 'control', '对照组'), check.control)],
    notes,
    sections: [
      {
        name: 'uplift',
        title: say(input.lang, 'Uplift (treated − control) with its 95 % confidence interval', '提升（接触组 − 对照组）及 95% 置信区间'),
        columns: upliftColumns,
        rows: upliftRows,
      },
      {
        name: 'verdict',
        title: say(input.lang, 'Verdict', '结论'),
        // The machine-readable verdict (worked, harmed, no_effect, too_small); the words are the first note.
        columns: [{ key: 'verdict', label: 'Verdict', labelZh: '结论', type: 'text', labels: verdictLabels }],
        rows: [{ verdict: check.verdict }],
      },
    ],
  };
}
