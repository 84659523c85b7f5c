// The codes the agenda, campaign, lead list and customer file reports keep in their rows are shown as words in the
// chosen language in tables and Markdown (report/codes.ts), while CSV and JSON keep what they always wrote.
import { describe, expect, it } from 'vitest';
import { agendaReport, type AgendaInputs } from '../../src/report/agenda.js';
import { campaignMembersReport } from '../../src/report/campaign-reports.js';
import { customerFileReport } from '../../src/report/customer-file.js';
import { customerListReport } from '../../src/report/customers.js';
import { render } from '../../src/report/render.js';
import type { CampaignMember, CampaignRecord } from '../../src/db/campaigns.js';
import type { ComplaintListRow } from '../../src/db/complaints.js';
import type { CustomerListRow } from '../../src/db/customers.js';
import type { CustomerFile } from '../../src/analysis/customer-file.js';

describe('agenda: a complaint’s severity in the why-text', () => {
  const complaint = {
    id: 7, customer_id: 1, opened_at: '2026-11-01T09:00:00Z', severity: 'high', summary: 'late', status: 'open', resolved_at: null, resolution: null, owner: null,
    customer_external_id: 'C1', customer_name: 'Ann',
  } as ComplaintListRow;
  const inputs: AgendaInputs = {
    today: '2026-11-23', followUps: [], complaints: [complaint], slipping: [], debts: [], paymentsRecorded: false, snapshotDate: null, fading: [], pAliveUnavailable: null,
  };
  it('is a word in the chosen language', () => {
    expect(agendaReport(inputs, 'zh').rows[0]!.why).toBe('投诉 #7（高）已 22 天未解决：late');
    expect(agendaReport(inputs, 'en').rows[0]!.why).toBe('complaint #7 (high) open 22 days: late');
  });
});

describe('campaign members: the group column', () => {
  const campaign = { id: 1, name: 'autumn', started_on: '2026-09-01', segment: null, tier: null, stage: null, holdout_percent: 20, seed: 1, window_days: 30, created_at: '' } as CampaignRecord;
  const members: CampaignMember[] = [
    { customer_id: 'C1', name: 'Ann', group: 'treated', contacts: 1 },
    { customer_id: 'C2', name: 'Bo', group: 'control', contacts: 0 },
  ];
  it('shows 接触组 / 对照组 in Chinese; CSV keeps treated / control', () => {
    const report = campaignMembersReport(campaign, members);
    const table = render(report, 'table', { lang: 'zh' });
    expect(table).toContain('接触组');
    expect(table).toContain('对照组');
    expect(table).not.toMatch(/│ (treated|control) /);
    expect(render(report, 'md', { lang: 'zh' })).toContain('| C2 | Bo | 对照组 | 0 |');
    expect(render(report, 'csv', { lang: 'zh' })).toBe('customer_id,name,group,contacts\r\nC1,Ann,treated,1\r\nC2,Bo,control,0\r\n');
  });
});

describe('lead list: the state column', () => {
  const lead = (external_id: string, dropped_at: string | null): CustomerListRow => ({
    id: 1, external_id, name: 'Lead', company: null, email: null, phone: null, city: null, owner: null, tags: null, status: 'active', kind: 'lead',
    channel: null, created_at: '2026-04-01T00:00:00Z', dropped_at, drop_reason: dropped_at ? 'no budget' : null, orders: 0, revenue_cents: 0, last_order: null,
  });
  const report = customerListReport([lead('L1', null), lead('L2', '2026-05-01')], 'Leads', { leads: true, lang: 'zh' });
  it('shows open and dropped with its date in the chosen language', () => {
    const zh = render(report, 'md', { lang: 'zh' });
    expect(zh).toContain('| 跟进中 |');
    expect(zh).toContain('| 已放弃 2026-05-01 |');
    const en = render(report, 'md', { lang: 'en' });
    expect(en).toContain('| open |');
    expect(en).toContain('| dropped 2026-05-01 |');
  });
  it('CSV and JSON write what they always wrote: open, dropped 2026-05-01', () => {
    expect(render(report, 'csv', { lang: 'zh' }).split('\r\n').slice(1, 3).map((line) => line.split(',')[10])).toEqual(['open', 'dropped 2026-05-01']);
    expect((JSON.parse(render(report, 'json', { lang: 'zh' })) as { state: string }[]).map((row) => row.state)).toEqual(['open', 'dropped 2026-05-01']);
  });
});

describe('customer file: status and the timeline’s kinds', () => {
  const file = {
    customer: { external_id: 'C1', name: 'Ann', status: 'active', kind: 'customer', dropped_at: null, created_at: '2026-01-01T00:00:00Z' },
    totals: { orders: 1, revenue_cents: 100, cost_cents: null, first_order: '2026-02-01', last_order: '2026-02-01', returns: 0 },
    money: { value_cents: 0, billed_cents: 100, paid_cents: 100, balance_cents: 0 },
    satisfaction: { latest: null, average: null, surveys: 0, level: null },
    history: { interactions: 1, orders: 1, payments: 1 },
    openComplaints: [], followUps: [], today: '2026-11-23', referrer: null, campaigns: [],
    timeline: [
      { at: '2026-02-03', type: 'payment', ref: 'P1', detail: 'cash', amount_cents: 100, owner: null },
      { at: '2026-02-02T10:00:00Z', type: 'call', ref: '#1', detail: 'thanks', amount_cents: null, owner: 'Li' },
      { at: '2026-02-01', type: 'order', ref: 'O1', detail: 'tea', amount_cents: 100, owner: null },
    ],
    timelineTotal: 3,
  } as unknown as CustomerFile;
  it('shows words in Chinese in the table and Markdown; JSON keeps the codes', () => {
    const report = customerFileReport(file, '2026-11-23T09:00:00Z', 'zh');
    const table = render(report, 'table', { lang: 'zh' });
    for (const word of ['回款', '电话', '订单']) expect(table).toContain(`│ ${word} `);
    expect(table).not.toMatch(/│ (payment|call|order) /);
    expect(table).toMatch(/状态\s+│ 正常/);
    expect(render(report, 'md', { lang: 'zh' })).toContain('| 订单 | O1 |');
    const json = JSON.parse(render(report, 'json', { lang: 'zh' })) as { status: string; timeline: { type: string }[] };
    expect(json.status).toBe('active');
    expect(json.timeline.map((entry) => entry.type)).toEqual(['payment', 'call', 'order']);
  });
});
