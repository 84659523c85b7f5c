// Probable duplicate customers as a report: one row per group of linked customers, with why they look alike.
import type { DuplicateGroup } from '../analysis/duplicates.js';
import { duplicateReasonLabels } from './codes.js';
import { say } from './sales-reports.js';
import type { Lang, Report } from './types.js';

/** A group this large is a chain of look-alikes (A like B, B like C, …) more than one person: look before merging. */
export const largeGroup = 10;

export function duplicatesReport(groups: DuplicateGroup[], lang: Lang = 'en'): Report {
  const customers = groups.reduce((sum, group) => sum + group.members.length, 0);
  const large = groups.filter((group) => group.members.length > largeGroup).length;
  const distinct = (values: (string | null)[]): string => [...new Set(values.filter((value): value is string => value !== null && value !== ''))].join('; ');
  return {
    name: 'duplicates',
    title: `Probable duplicates (${groups.length.toLocaleString('en-US')} groups, ${customers.toLocaleString('en-US')} customers)`,
    titleZh: `疑似重复客户（${groups.length.toLocaleString('en-US')} 组，${customers.toLocaleString('en-US')} 位客户）`,
    json: 'array',
    columns: [
      { key: 'group', label: '#', type: 'integer' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'keep', label: 'Keep', labelZh: '保留', type: 'text' },
      { key: 'others', label: 'Merge into it', labelZh: '并入', type: 'text' },
      { key: 'names', label: 'Names', labelZh: '客户名称', type: 'text' },
      { key: 'cities', label: 'Cities', labelZh: '城市', type: 'text' },
      { key: 'reasons', label: 'Why', labelZh: '原因', type: 'text', labels: duplicateReasonLabels },
    ],
    rows: groups.map(({ members, reasons }, index) => ({
      group: index + 1,
      customers: members.length,
      keep: members[0]!.external_id,
      others: members.slice(1).map((member) => member.external_id).join(' '),
      names: distinct(members.map((member) => member.name)),
      cities: distinct(members.map((member) => member.city)),
      reasons: reasons.join('; '),
    })),
    notes: groups.length
      ? [
          say(
            lang,
            'keep is the group\'s record entered first; look at them with crm customer show, then for each other: crm customer merge KEEP OTHER',
            '保留每组中最先录入的客户；先用 crm customer show 查看，再逐个合并：crm customer merge 保留 其他',
          ),
          ...(large
            ? [say(
                lang,
                `${large} group${large === 1 ? ' has' : 's have'} more than ${largeGroup} customers: a chain of look-alikes (A like B, B like C) rather than one person; merge only the pairs that are`,
                `${large} 组超过 ${largeGroup} 位客户：多为相似名称连成的链（甲似乙、乙似丙），未必是同一人；只合并确属同一人的`,
              )]
            : []),
        ]
      : [],
  };
}
