// Probable duplicate customers as a report: one row per pair, with why they look alike.
import type { DuplicatePair } from '../analysis/duplicates.js';
import type { Report } from './types.js';

export function duplicatesReport(pairs: DuplicatePair[]): Report {
  return {
    name: 'duplicates',
    title: `Probable duplicates (${pairs.length} pairs)`,
    titleZh: `疑似重复客户（${pairs.length} 对）`,
    json: 'array',
    columns: [
      { key: 'customer_id', label: 'Customer', labelZh: '客户编号', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
      { key: 'other_customer_id', label: 'Other', labelZh: '另一客户', type: 'text' },
      { key: 'other_name', label: 'Other name', labelZh: '另一名称', type: 'text' },
      { key: 'city', label: 'City', labelZh: '城市', type: 'text' },
      { key: 'other_city', label: 'Other city', labelZh: '另一城市', type: 'text' },
      { key: 'reasons', label: 'Why', labelZh: '原因', type: 'text' },
    ],
    rows: pairs.map(({ a, b, reasons }) => ({
      customer_id: a.external_id, name: a.name, other_customer_id: b.external_id, other_name: b.name, city: a.city, other_city: b.city, reasons: reasons.join('; '),
    })),
    notes: pairs.length ? ['look at both with `crm customer show`, then: crm customer merge KEEP OTHER'] : [],
  };
}
