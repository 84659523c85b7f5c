// The database overview as a report.
import type { Overview } from '../db/overview.js';
import type { Report } from './types.js';

export function overviewReport(data: Overview): Report {
  return {
    name: 'overview',
    title: 'What is in the database',
    titleZh: '数据概览',
    json: 'object',
    vertical: true,
    columns: [
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'open_leads', label: 'Open leads', labelZh: '未结线索', type: 'integer' },
      { key: 'partners', label: 'Partners', labelZh: '合作伙伴', type: 'integer' },
      { key: 'customers_with_orders', label: 'Contacts who bought', labelZh: '有订单的联系人', type: 'integer' },
      { key: 'orders', label: 'Orders', labelZh: '订单数', type: 'integer' },
      { key: 'revenue', label: 'Revenue', labelZh: '销售额', type: 'money' },
      { key: 'profit', label: 'Profit (revenue − cost)', labelZh: '利润', type: 'money' },
      { key: 'first_order', label: 'First order', labelZh: '最早订单', type: 'date' },
      { key: 'last_order', label: 'Last order', labelZh: '最近订单', type: 'date' },
    ],
    rows: [
      {
        customers: data.customers, open_leads: data.open_leads, partners: data.partners, customers_with_orders: data.customers_with_orders, orders: data.orders,
        revenue: data.revenue_cents, profit: data.revenue_cents - data.cost_cents,
        first_order: data.first_order, last_order: data.last_order,
      },
    ],
    notes: data.orders_without_cost > 0 ? [`cost missing for ${data.orders_without_cost} orders: their profit counts as revenue`] : [],
  };
}
