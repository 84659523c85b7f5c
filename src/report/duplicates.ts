// Probable duplicate customers as a report: one row per group of linked customers, with why they look alike.
import { DuplicateLinks, reasonsOf, type DuplicateCandidate, type DuplicateGroup, type DuplicateGroupIndex } from '../analysis/duplicates.js';
import { duplicateReasonLabels } from './codes.js';
import { say } from './sales-reports.js';
import type { Lang, Report } from './types.js';
import { streamOf } from './stream.js';

/** What a row shows of a member: its external id, name and city. */
export type DuplicateMember = Pick<DuplicateCandidate, 'id' | 'external_id' | 'name' | 'city'>;

/**
 * The groups of FOUND a batch at a time (about 2,000 members), each with its place in the list, their members read
 * by MEMBERSOF (customer id → member) when the batch is made.
 */
async function* groupBatches(
  found: DuplicateGroupIndex,
  membersOf: (ids: number[]) => Promise<Map<number, DuplicateMember>>,
): AsyncIterable<{ group: { members: DuplicateMember[]; reasons: string[] }; index: number }[]> {
  let first = 0;
  while (first < found.groups) {
    let end = first + 1;
    while (end < found.groups && found.starts[end + 1]! - found.starts[first]! <= 2_000) end++;
    const indexes = found.members.subarray(found.starts[first]!, found.starts[end]!);
    const members = await membersOf(Array.from(indexes, (index) => found.ids[index]!));
    const batch = [];
    for (let group = first; group < end; group++) {
      const ids = Array.from(found.members.subarray(found.starts[group]!, found.starts[group + 1]!), (index) => found.ids[index]!);
      batch.push({ group: { members: ids.map((id) => members.get(id)!), reasons: reasonsOf(found.reasons[group]!) }, index: group });
    }
    yield batch;
    first = end;
  }
}

/** A group this large is a chain of look-alikes (A like B, B like C, …) more than one person: look before merging. */
export const largeGroup = 10;

/**
 * One row per group: GROUPS, or the groups of a DuplicateGroupIndex written as they are made (Report.stream), their
 * members read a batch at a time by MEMBERSOF, so a million customers in groups are never all held.
 */
export function duplicatesReport(
  groups: DuplicateGroup[] | { found: DuplicateGroupIndex; membersOf: (ids: number[]) => Promise<Map<number, DuplicateMember>> },
  lang: Lang = 'en',
): Report {
  const sizes = Array.isArray(groups)
    ? groups.map((group) => group.members.length)
    : Array.from({ length: groups.found.groups }, (_, group) => groups.found.starts[group + 1]! - groups.found.starts[group]!);
  const customers = sizes.reduce((sum, size) => sum + size, 0);
  const large = sizes.filter((size) => size > largeGroup).length;
  const count = sizes.length;
  const batches = Array.isArray(groups)
    ? async function* () {
        yield groups.map((group, index) => ({ group, index }));
      }
    : () => groupBatches(groups.found, groups.membersOf);
  const distinct = (values: (string | null)[]): string => [...new Set(values.filter((value): value is string => value !== null && value !== ''))].join('; ');
  return {
    name: 'duplicates',
    title: `Probable duplicates (${count.toLocaleString('en-US')} groups, ${customers.toLocaleString('en-US')} customers)`,
    titleZh: `疑似重复客户（${count.toLocaleString('en-US')} 组，${customers.toLocaleString('en-US')} 位客户）`,
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
    // One row per group, made as the rows are written (Report.stream): the groups are held, their rows are not.
    rows: [],
    stream: streamOf(count, batches, (batch) => batch.map(({ group: { members, reasons }, index }) => ({
      group: index + 1,
      customers: members.length,
      keep: members[0]!.external_id,
      others: members.slice(1).map((member) => member.external_id).join(' '),
      names: distinct(members.map((member) => member.name)),
      cities: distinct(members.map((member) => member.city)),
      reasons: reasons.join('; '),
    }))),
    notes: count
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

/**
 * The groups groupDuplicates finds among COUNT customers read in id order by READ (a fresh read each call), a pass per
 * part of the keys (DuplicateLinks): a million customers are never all held, only their ids and the union-find in
 * typed arrays, and the keys of about KEYSPERPASS customers at a time.
 */
export async function duplicatesOf(count: number, read: () => AsyncIterable<readonly DuplicateCandidate[]>, keysPerPass = 250_000): Promise<DuplicateGroupIndex> {
  const links = new DuplicateLinks(count);
  const parts = Math.max(1, Math.ceil(count / keysPerPass));
  for (let index = 0; index < parts; index++) {
    let start = 0;
    for await (const batch of read()) {
      links.add(batch, start, { index, parts });
      start += batch.length;
    }
    links.endKey();
    links.compareNames();
  }
  return links.groupIndex();
}
