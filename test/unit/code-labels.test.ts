// Stable codes in rows, words in tables and Markdown (issue 17): one label map per column, rendered by render.ts.
import { describe, expect, it } from 'vitest';
import { agendaKindLabels, campaignGroupLabels, checkStatusLabels, codeWords, customerStatusLabels, duplicateReasonLabels, leadStateLabels, stageLabels, stageName, timelineTypeLabels, verdictLabels } from '../../src/report/codes.js';
import { displayValue, render } from '../../src/report/render.js';
import type { Column, Report } from '../../src/report/types.js';

const kind: Column = { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text', labels: agendaKindLabels };
const report: Report = {
  name: 'agenda',
  title: 'Agenda',
  columns: [kind, { key: 'amount', label: 'Amount', type: 'money' }],
  rows: [
    { kind: 'followup_overdue', amount: null },
    { kind: 'receivable_over_60_days', amount: 12_345 },
    { kind: 'something_new', amount: null },
  ],
};

describe('code columns', () => {
  it('a table and Markdown show the words in the chosen language; a code the map does not know stays as it is', () => {
    expect(displayValue(kind, 'followup_overdue')).toBe('overdue follow-up');
    expect(displayValue(kind, 'followup_overdue', { lang: 'zh' })).toBe('逾期跟进');
    expect(displayValue(kind, 'something_new', { lang: 'zh' })).toBe('something_new');
    // An inherited property name is no code.
    expect(displayValue(kind, 'toString')).toBe('toString');
    const table = render(report, 'table');
    expect(table).toContain('│ overdue follow-up     │');
    expect(table).toContain('│ owes for over 60 days │');
    expect(table).not.toContain('followup_overdue');
    const markdown = render(report, 'md', { lang: 'zh' });
    expect(markdown).toContain('| 逾期跟进 |  |');
    expect(markdown).toContain('| 欠款超过60天 | 123.45 |');
  });

  it('lifecycle stages have one name helper, used by the agenda and the snapshot reports', () => {
    expect(stageName('decline', 'zh')).toBe('衰退期');
    expect(stageName('decline', 'en')).toBe('Decline');
    expect(stageName('someday', 'zh')).toBe('someday');
  });

  it('a known code, a space and a detail shows the words and the same detail; other text stays as it is', () => {
    expect(codeWords(leadStateLabels, 'dropped 2026-05-01', 'zh')).toBe('已放弃 2026-05-01');
    expect(codeWords(leadStateLabels, 'dropped 2026-05-01', 'en')).toBe('dropped 2026-05-01');
    expect(codeWords(leadStateLabels, 'gone 2026-05-01', 'zh')).toBe('gone 2026-05-01');
    expect(codeWords(leadStateLabels, ' dropped', 'zh')).toBe(' dropped');
    expect(codeWords(leadStateLabels, 'toString x', 'zh')).toBe('toString x');
  });

  it('CSV and JSON keep the stable codes whatever the language', () => {
    expect(render(report, 'csv', { lang: 'zh' })).toBe('kind,amount\r\nfollowup_overdue,\r\nreceivable_over_60_days,123.45\r\nsomething_new,\r\n');
    const json = JSON.parse(render(report, 'json', { lang: 'zh' })) as { rows: { kind: string }[]; columns: { type: string }[] };
    expect(json.rows.map((row) => row.kind)).toEqual(['followup_overdue', 'receivable_over_60_days', 'something_new']);
    expect(json.columns[0]!.type).toBe('text');
  });

  it('every map has English and Chinese words for each code, and no two codes share words', () => {
    expect(Object.keys(agendaKindLabels).sort()).toEqual(
      ['complaint_open', 'contact_due', 'followup_due', 'followup_overdue', 'receivable_over_60_days', 'valuable_in_decline', 'valuable_p_alive_fell', 'valuable_went_quiet'],
    );
    expect(Object.keys(verdictLabels).sort()).toEqual(['harmed', 'no_effect', 'too_small', 'worked']);
    expect(Object.keys(checkStatusLabels).sort()).toEqual(['fail', 'info', 'ok', 'warn']);
    for (const labels of [agendaKindLabels, verdictLabels, checkStatusLabels, campaignGroupLabels, customerStatusLabels, leadStateLabels, timelineTypeLabels, stageLabels]) {
      for (const index of [0, 1]) {
        const words = Object.values(labels).map((pair) => pair[index]);
        expect(new Set(words).size).toBe(words.length);
        for (const word of words) expect(word).toMatch(/\S/);
      }
    }
  });

  it('duplicate reasons: each of the seven combinations, in the order the report joins them', () => {
    expect(Object.keys(duplicateReasonLabels)).toHaveLength(7);
    expect(duplicateReasonLabels['same e-mail; similar name, same city']).toEqual(['same e-mail; similar name, same city', '相同邮箱；同城且姓名相似']);
    expect(duplicateReasonLabels['same e-mail; same phone; similar name, same city']![1]).toBe('相同邮箱；相同电话；同城且姓名相似');
  });
});
