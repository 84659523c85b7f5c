// The fields each import kind knows, with their English and Chinese header aliases (the alias table).

export type FieldType = 'text' | 'email' | 'phone' | 'date' | 'datetime' | 'money' | 'number' | 'integer';

export interface FieldSpec {
  name: string;
  type: FieldType;
  aliases: string[];
}

export type ImportKind = 'customers' | 'orders' | 'interactions' | 'payments' | 'surveys' | 'complaints';
export const importKinds: readonly ImportKind[] = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints'];

export interface KindFields {
  fields: FieldSpec[];
  /** Each inner list is satisfied when at least one of its fields is mapped. */
  required: string[][];
}

const customerProfile: FieldSpec[] = [
  { name: 'company', type: 'text', aliases: ['company', 'company_name', 'organisation', 'organization', '公司', '公司名称', '单位', '企业'] },
  { name: 'email', type: 'email', aliases: ['email', 'e_mail', 'mail', 'email_address', '邮箱', '电子邮件', '电子邮箱', '邮件'] },
  { name: 'phone', type: 'phone', aliases: ['phone', 'mobile', 'tel', 'telephone', 'phone_number', 'cell', '电话', '手机', '手机号', '手机号码', '联系电话', '电话号码'] },
  { name: 'city', type: 'text', aliases: ['city', 'town', '城市', '所在城市'] },
  { name: 'region', type: 'text', aliases: ['region', 'province', 'state', 'area', '地区', '省份', '省', '区域'] },
  { name: 'channel', type: 'text', aliases: ['channel', 'source', 'lead_source', '渠道', '来源', '客户来源', '获客渠道'] },
  { name: 'owner', type: 'text', aliases: ['owner', 'salesperson', 'sales_rep', 'rep', 'account_manager', '负责人', '业务员', '销售员', '销售', '客户经理'] },
  { name: 'tags', type: 'text', aliases: ['tags', 'tag', 'labels', '标签'] },
  { name: 'notes', type: 'text', aliases: ['notes', 'note', 'remarks', 'remark', 'comment', 'comments', '备注', '说明'] },
];

const customersFields: KindFields = {
  fields: [
    { name: 'customer_id', type: 'text', aliases: ['customer_id', 'id', 'customer_no', 'customer_number', 'customer_code', 'client_id', '客户编号', '客户id', '客户代码', '客户号', '编号'] },
    { name: 'name', type: 'text', aliases: ['name', 'customer_name', 'full_name', 'client_name', '姓名', '客户名称', '客户姓名', '客户名', '名称'] },
    { name: 'first_name', type: 'text', aliases: ['first_name', 'given_name', 'firstname', '名'] },
    { name: 'last_name', type: 'text', aliases: ['last_name', 'surname', 'family_name', 'lastname', '姓'] },
    ...customerProfile,
    { name: 'status', type: 'text', aliases: ['status', 'customer_status', '状态', '客户状态'] },
    // Contact kind (customer, lead, partner), lead outcome and the referring partner (issue 11).
    { name: 'kind', type: 'text', aliases: ['kind', 'type', 'contact_kind', 'contact_type', 'customer_type', '类型', '客户类型', '联系人类型'] },
    { name: 'referred_by', type: 'text', aliases: ['referred_by', 'referrer', 'referred_by_partner', 'referral_partner', '推荐人', '推荐伙伴', '介绍人', '推荐方'] },
    { name: 'converted_at', type: 'date', aliases: ['converted_at', 'converted_on', 'conversion_date', '转化日期', '成交转化日期'] },
    { name: 'dropped_at', type: 'date', aliases: ['dropped_at', 'dropped_on', 'drop_date', '放弃日期', '关闭日期'] },
    { name: 'drop_reason', type: 'text', aliases: ['drop_reason', 'dropped_reason', 'lost_reason', '放弃原因', '关闭原因'] },
    { name: 'created_at', type: 'date', aliases: ['created_at', 'created', 'since', 'signup_date', 'join_date', 'first_contact', '创建日期', '建档日期', '注册日期', '加入日期'] },
  ],
  required: [['customer_id'], ['name', 'first_name', 'last_name']],
};

const ordersFields: KindFields = {
  fields: [
    { name: 'order_id', type: 'text', aliases: ['order_id', 'id', 'order_no', 'order_number', 'invoice', 'invoice_no', 'invoice_id', 'invoice_number', '订单编号', '订单号', '订单id', '单号'] },
    { name: 'customer_id', type: 'text', aliases: ['customer_id', 'customer', 'customer_no', 'customer_number', 'customer_code', 'client_id', '客户编号', '客户id', '客户代码', '客户号'] },
    { name: 'order_date', type: 'date', aliases: ['order_date', 'date', 'purchase_date', 'invoice_date', 'ordered_at', 'order_time', 'invoice_time', '下单日期', '订单日期', '日期', '购买日期', '成交日期'] },
    // No 'price' here: a price is per unit, and taking it for the order's amount silently lost the quantity (issue 17).
    { name: 'amount', type: 'money', aliases: ['amount', 'revenue', 'total', 'sales', 'value', 'order_amount', 'line_total', 'line_amount', '金额', '订单金额', '销售额', '收入', '总额', '实收金额'] },
    // A unit price makes the file a line-item file: one row per product, the rows of one order id one order (docs/rules.md#order-lines).
    { name: 'unit_price', type: 'money', aliases: ['unit_price', 'unitprice', 'price', 'price_each', 'item_price', 'sale_price', '单价', '销售单价', '商品单价'] },
    { name: 'cost', type: 'money', aliases: ['cost', 'cogs', 'cost_amount', '成本', '成本金额'] },
    { name: 'product', type: 'text', aliases: ['product', 'item', 'sku', 'product_name', 'description', 'item_description', 'product_description', '产品', '商品', '产品名称', '商品名称', '品名'] },
    { name: 'quantity', type: 'number', aliases: ['quantity', 'qty', 'units', 'count', '数量', '件数'] },
    { name: 'status', type: 'text', aliases: ['status', 'order_status', '状态', '订单状态'] },
    // Customer columns, used to create unknown customers under --create-customers.
    { name: 'name', type: 'text', aliases: ['name', 'customer_name', 'full_name', 'client_name', '姓名', '客户名称', '客户姓名', '客户名'] },
    { name: 'first_name', type: 'text', aliases: ['first_name', 'given_name', 'firstname'] },
    { name: 'last_name', type: 'text', aliases: ['last_name', 'surname', 'family_name', 'lastname'] },
    ...customerProfile.filter((field) => field.name !== 'notes' && field.name !== 'tags'),
  ],
  required: [['customer_id'], ['order_date'], ['amount', 'unit_price']],
};

const interactionsFields: KindFields = {
  fields: [
    { name: 'interaction_id', type: 'text', aliases: ['interaction_id', 'id', 'contact_id', '记录编号', '编号'] },
    { name: 'customer_id', type: 'text', aliases: ['customer_id', 'customer', 'customer_no', '客户编号', '客户id'] },
    { name: 'kind', type: 'text', aliases: ['kind', 'type', 'channel', 'interaction_type', '类型', '方式', '联系方式'] },
    { name: 'occurred_at', type: 'datetime', aliases: ['occurred_at', 'date', 'at', 'time', 'datetime', 'contact_date', '日期', '时间', '联系日期', '联系时间'] },
    { name: 'summary', type: 'text', aliases: ['summary', 'subject', 'content', 'description', '摘要', '内容', '主题', '记录'] },
    { name: 'outcome', type: 'text', aliases: ['outcome', 'result', '结果'] },
    { name: 'owner', type: 'text', aliases: ['owner', 'salesperson', 'sales_rep', 'rep', '负责人', '业务员', '销售员'] },
    { name: 'follow_up_at', type: 'date', aliases: ['follow_up_at', 'follow_up', 'next_contact', 'follow_up_date', '跟进日期', '下次联系', '下次跟进'] },
    { name: 'campaign', type: 'text', aliases: ['campaign', 'campaign_name', '活动', '营销活动'] },
    // When the follow-up was done (crm followups done) and its note: what crm export writes.
    { name: 'follow_up_done_at', type: 'datetime', aliases: ['follow_up_done_at', 'follow_up_done', 'followed_up_at', '跟进完成时间', '完成跟进时间', '跟进完成日期'] },
    { name: 'follow_up_note', type: 'text', aliases: ['follow_up_note', 'follow_up_result', '跟进备注', '跟进结果'] },
    // Which way it went: in (the customer wrote or called) or out (the shop did); crm import mail sets it on e-mails.
    { name: 'direction', type: 'text', aliases: ['direction', 'in_out', '方向', '收发'] },
  ],
  required: [['customer_id'], ['kind'], ['occurred_at']],
};

const paymentsFields: KindFields = {
  fields: [
    { name: 'payment_id', type: 'text', aliases: ['payment_id', 'id', 'receipt', 'receipt_no', '付款编号', '回款编号', '收据号'] },
    { name: 'customer_id', type: 'text', aliases: ['customer_id', 'customer', 'customer_no', '客户编号', '客户id'] },
    { name: 'order_id', type: 'text', aliases: ['order_id', 'order', 'order_no', 'invoice', 'invoice_no', '订单编号', '订单号'] },
    { name: 'paid_on', type: 'date', aliases: ['paid_on', 'date', 'payment_date', 'paid_at', '日期', '付款日期', '回款日期'] },
    { name: 'amount', type: 'money', aliases: ['amount', 'paid', 'payment', '金额', '付款金额', '回款金额'] },
    { name: 'method', type: 'text', aliases: ['method', 'payment_method', '方式', '付款方式'] },
  ],
  required: [['customer_id'], ['paid_on'], ['amount']],
};

const surveysFields: KindFields = {
  fields: [
    { name: 'survey_id', type: 'text', aliases: ['survey_id', 'id', 'response_id', '问卷编号', '编号'] },
    { name: 'customer_id', type: 'text', aliases: ['customer_id', 'customer', 'customer_no', '客户编号', '客户id'] },
    { name: 'surveyed_on', type: 'date', aliases: ['surveyed_on', 'date', 'survey_date', '日期', '调查日期'] },
    { name: 'expected', type: 'number', aliases: ['expected', 'expectation', '期望', '期望值', '预期'] },
    { name: 'perceived', type: 'number', aliases: ['perceived', 'perception', 'performance', '感知', '感知值', '实际感受'] },
    { name: 'would_recommend', type: 'integer', aliases: ['would_recommend', 'recommend', 'nps', '推荐', '推荐意愿'] },
  ],
  required: [['customer_id'], ['surveyed_on'], ['expected'], ['perceived']],
};

// Complaints (客户投诉), as crm complaint open/resolve records them and crm export writes them.
const complaintsFields: KindFields = {
  fields: [
    { name: 'complaint_id', type: 'text', aliases: ['complaint_id', 'id', 'complaint_no', 'ticket', 'ticket_id', '投诉编号', '投诉单号', '编号'] },
    { name: 'customer_id', type: 'text', aliases: ['customer_id', 'customer', 'customer_no', '客户编号', '客户id'] },
    { name: 'opened_at', type: 'datetime', aliases: ['opened_at', 'opened', 'date', 'complaint_date', 'received_at', '投诉日期', '投诉时间', '日期'] },
    { name: 'severity', type: 'text', aliases: ['severity', 'priority', 'level', '严重程度', '紧急程度', '级别'] },
    { name: 'summary', type: 'text', aliases: ['summary', 'complaint', 'description', 'content', '投诉内容', '内容', '摘要', '问题'] },
    { name: 'status', type: 'text', aliases: ['status', 'state', '状态', '处理状态'] },
    { name: 'resolved_at', type: 'datetime', aliases: ['resolved_at', 'resolved', 'resolved_on', 'closed_at', '解决日期', '解决时间', '处理日期'] },
    { name: 'resolution', type: 'text', aliases: ['resolution', 'solution', 'outcome', '处理结果', '解决办法', '处理方式'] },
    { name: 'owner', type: 'text', aliases: ['owner', 'salesperson', 'handler', '负责人', '业务员', '处理人'] },
  ],
  required: [['customer_id'], ['opened_at'], ['summary']],
};

export const kindFields: Record<ImportKind, KindFields> = {
  customers: customersFields,
  orders: ordersFields,
  interactions: interactionsFields,
  payments: paymentsFields,
  surveys: surveysFields,
  complaints: complaintsFields,
};
