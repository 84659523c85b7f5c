// Customer listings and the customer card as reports.
import type { CustomerListRow, CustomerRecord, CustomerTotals } from '../db/customers.js';
import type { Column, Report } from './types.js';

const listColumns: Column[] = [
  { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
  { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
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
      customer_id: row.external_id, name: row.name, company: row.company, city: row.city, owner: row.owner,
      email: row.email, phone: row.phone, tags: row.tags, orders: row.orders, revenue: row.revenue_cents, last_order: row.last_order,
    })),
  };
}

export function customerCardReport(customer: CustomerRecord, totals: CustomerTotals): Report {
  const profit = totals.cost_cents === null ? null : totals.revenue_cents - totals.cost_cents;
  return {
    name: 'customer',
    title: `${customer.name} (${customer.external_id})`,
    json: 'object',
    vertical: true,
    columns: [
      { key: 'customer_id', label: 'ID', labelZh: '客户编号', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '客户名称', type: 'text' },
      { key: 'company', label: 'Company', labelZh: '公司', type: 'text' },
      { key: 'email', label: 'E-mail', labelZh: '邮箱', type: 'text' },
      { key: 'phone', label: 'Phone', labelZh: '电话', type: 'text' },
      { key: 'city', label: 'City', labelZh: '城市', type: 'text' },
      { key: 'region', label: 'Region', labelZh: '地区', type: 'text' },
      { key: 'channel', label: 'Channel', labelZh: '来源', type: 'text' },
      { key: 'owner', label: 'Owner', labelZh: '负责人', type: 'text' },
      { key: 'tags', label: 'Tags', labelZh: '标签', type: 'text' },
      { key: 'notes', label: 'Notes', labelZh: '备注', type: 'text' },
      { key: 'status', label: 'Status', labelZh: '状态', type: 'text' },
      { key: 'created_at', label: 'Since', labelZh: '建档时间', type: 'datetime' },
      { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'profit', label: 'Profit', labelZh: '利润', type: 'money' },
      { key: 'first_order', label: 'First order', labelZh: '首次下单', type: 'date' },
      { key: 'last_order', label: 'Last order', labelZh: '最近下单', type: 'date' },
    ],
    rows: [
      {
        customer_id: customer.external_id, name: customer.name, company: customer.company, email: customer.email,
        phone: customer.phone, city: customer.city, region: customer.region, channel: customer.channel, owner: customer.owner,
        tags: customer.tags, notes: customer.notes, status: customer.status, created_at: customer.created_at,
        orders: totals.orders, revenue: totals.revenue_cents, profit, first_order: totals.first_order, last_order: totals.last_order,
      },
    ],
  };
}
