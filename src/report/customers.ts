// Customer listings (crm customer list / search) as reports; the customer file is report/customer-file.ts.
import type { CustomerListRow } from '../db/customers.js';
import type { Column, Report } from './types.js';

const listColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
  { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text' },
  { key: 'company', label: 'Company', labelZh: '公司', type: 'text' },
  { key: 'city', label: 'City', labelZh: '城市', type: 'text' },
  { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
  { key: 'email', label: 'E-mail', labelZh: '邮箱', type: 'text' },
  { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
  { key: 'tags', label: 'Tags', labelZh: '标签', type: 'text' },
  { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
  { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
  { key: 'last_order', label: 'Last order', labelZh: '最近下单', type: 'date' },
];

export function customerListReport(rows: CustomerListRow[], title = 'Customers'): Report {
  return {
    name: 'customers',
    title: `${title} (${rows.length})`,
    titleZh: `客户（${rows.length}）`,
    json: 'array',
    columns: listColumns,
    rows: rows.map((row) => ({
      customer_id: row.external_id, name: row.name, kind: row.kind, company: row.company, city: row.city, owner: row.owner,
      email: row.email, phone: row.phone, tags: row.tags, orders: row.orders, revenue: row.revenue_cents, last_order: row.last_order,
    })),
  };
}
