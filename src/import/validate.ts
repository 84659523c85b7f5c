// Turns one CSV record into a typed row for its import kind, or says exactly why it is rejected.
import type { HeaderMapping } from './headers.js';
import type { ImportKind } from './fields.js';
import { complaintRow, type ComplaintRow } from './complaint-row.js';
import { RecordReader, reject, RowRejected, type Rejection, type ValidateOptions } from './record-reader.js';

export { RecordReader, type ReadStats, type Rejection, type ValidateOptions } from './record-reader.js';
export type { ComplaintRow } from './complaint-row.js';

export interface CustomerRow {
  kind: 'customers';
  externalId: string;
  /** Only the fields the file has columns for; null means the cell was empty. */
  values: Record<string, string | number | null>;
}

export interface OrderRow {
  kind: 'orders';
  externalId: string | null;
  customerExternalId: string;
  orderDate: string;
  amountCents: number;
  costCents: number | null;
  product: string | null;
  quantity: number | null;
  /** Line-item files (a unit_price column): the unit price, and the date cell as written (lines without an order id are grouped by customer and this). */
  unitPriceCents: number | null;
  orderDateText: string;
  status: string | null;
  /** Customer columns of the order row, for --create-customers. */
  customer: Record<string, string | null>;
}

export interface InteractionRow {
  kind: 'interactions';
  externalId: string | null;
  customerExternalId: string;
  interactionKind: string;
  occurredAt: string;
  summary: string;
  outcome: string | null;
  owner: string | null;
  followUpAt: string | null;
  /** When the follow-up was done, and its note (optional columns; written only from files that have them). */
  followUpDoneAt: string | null;
  followUpNote: string | null;
  /** The campaign the contact was for, by name (the column is optional). */
  campaign: string | null;
  /** in or out (the direction column, optional; written only from files that have it). */
  direction: 'in' | 'out' | null;
}

export interface PaymentRow {
  kind: 'payments';
  externalId: string | null;
  customerExternalId: string;
  orderExternalId: string | null;
  paidOn: string;
  amountCents: number;
  method: string | null;
}

export interface SurveyRow {
  kind: 'surveys';
  externalId: string | null;
  customerExternalId: string;
  surveyedOn: string;
  expected: number;
  perceived: number;
  wouldRecommend: number | null;
}

export type ImportRow = CustomerRow | OrderRow | InteractionRow | PaymentRow | SurveyRow | ComplaintRow;

export const interactionKinds = ['call', 'visit', 'email', 'message', 'meeting', 'note', 'complaint'] as const;
const interactionKindAliases: Record<string, string> = {
  电话: 'call', 拜访: 'visit', 上门: 'visit', 邮件: 'email', 短信: 'message', 微信: 'message', 消息: 'message',
  会议: 'meeting', 备注: 'note', 投诉: 'complaint', phone: 'call', 'e-mail': 'email', sms: 'message', chat: 'message',
};

function personName(reader: RecordReader): string | null {
  const name = reader.text('name');
  if (name) return name;
  const parts = [reader.text('first_name'), reader.text('last_name')].filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(' ') : null;
}

/** The kinds of contact and the words a file may use for them. */
export const contactKinds = ['customer', 'lead', 'partner'] as const;
export type ContactKind = (typeof contactKinds)[number];
const contactKindAliases: Record<string, ContactKind> = {
  customer: 'customer', client: 'customer', 客户: 'customer', 顾客: 'customer',
  lead: 'lead', prospect: 'lead', 线索: 'lead', 销售线索: 'lead', 潜在客户: 'lead',
  partner: 'partner', 伙伴: 'partner', 合作伙伴: 'partner',
};

/** "Lead", "线索", "prospect" → 'lead'; null for a word that names no kind. */
export function contactKindOf(text: string): ContactKind | null {
  return contactKindAliases[text.trim().toLowerCase()] ?? null;
}

const customerProfileFields: [string, string][] = [
  ['company', 'text'], ['email', 'email'], ['phone', 'phone'], ['city', 'text'], ['region', 'text'],
  ['channel', 'text'], ['owner', 'text'], ['tags', 'text'], ['notes', 'text'], ['status', 'text'], ['created_at', 'datetime'],
];

function customerRow(reader: RecordReader): CustomerRow {
  const externalId = reader.requiredId('customer_id');
  if (externalId.length > 200) reject('customer_id', externalId, 'longer than 200 characters');
  const name = personName(reader);
  if (!name) reject(reader.has('name') ? 'name' : 'first_name', '', 'required value is empty');
  const values: Record<string, string | number | null> = { name };
  for (const [field, type] of customerProfileFields) {
    const value = reader.typed(field, type);
    if (value !== undefined) values[field] = value;
  }
  if ('status' in values && values.status === null) delete values.status;
  if (reader.has('kind')) {
    const raw = reader.text('kind');
    const kind = raw ? contactKindOf(raw) : 'customer';
    if (!kind) reject('kind', raw!, `not one of ${contactKinds.join(', ')} (or 客户, 线索, 合作伙伴)`);
    values.kind = kind;
  }
  for (const [field, type] of [['referred_by', 'text'], ['converted_at', 'date'], ['dropped_at', 'date'], ['drop_reason', 'text']] as const) {
    const value = field === 'referred_by' ? reader.id(field) : reader.typed(field, type);
    if (value !== undefined) values[field] = value;
  }
  if (values.referred_by !== undefined && values.referred_by === externalId) reject('referred_by', externalId, 'a contact cannot refer itself');
  return { kind: 'customers', externalId, values };
}

/**
 * The amount of an order row: the amount column when the file has one and the cell is filled, else quantity × unit
 * price rounded to the cent (half away from zero), for line-item files (docs/rules.md#order-lines).
 */
function lineAmount(reader: RecordReader, quantity: number | null, unitPriceCents: number | null): number {
  const amount = reader.text('amount');
  if (amount !== null && amount !== undefined) return reader.money('amount', amount)!;
  if (!reader.has('unit_price')) return reader.money('amount', reader.required('amount'))!;
  if (unitPriceCents === null) reject(reader.has('amount') ? 'amount' : 'unit_price', '', 'required value is empty (an amount, or a unit price and a quantity)');
  if (quantity === null) reject('quantity', '', `required with a unit price (amount = quantity × unit price)${reader.has('quantity') ? '' : '; the file has no quantity column'}`);
  const cents = lineCents(quantity, unitPriceCents);
  // Money is whole cents: a product beyond what a double holds exactly would be stored as an approximate real.
  if (!Number.isSafeInteger(cents)) reject('quantity', reader.text('quantity') ?? '', 'quantity × unit price is too large to be an amount');
  return cents;
}

/** quantity × unit price in cents, rounded half away from zero; exact for the usual 0-3 decimals of a quantity. */
export function lineCents(quantity: number, unitPriceCents: number): number {
  const product = Math.round(quantity * unitPriceCents * 1000) / 1000;
  return Math.sign(product) * Math.round(Math.abs(product));
}

function orderRow(reader: RecordReader): OrderRow {
  const customerExternalId = reader.requiredId('customer_id');
  const orderDateText = reader.required('order_date');
  const orderDate = reader.date('order_date', orderDateText)!;
  const quantity = reader.number('quantity', reader.text('quantity'));
  const unitPriceCents = reader.money('unit_price', reader.text('unit_price'));
  const amountCents = lineAmount(reader, quantity, unitPriceCents);
  const costCents = reader.money('cost', reader.text('cost'));
  const customer: Record<string, string | null> = { name: personName(reader) };
  for (const [field, type] of customerProfileFields) {
    if (!reader.has(field) || type === 'datetime') continue;
    customer[field] = reader.typed(field, type) as string | null;
  }
  return {
    kind: 'orders',
    externalId: reader.id('order_id') ?? null,
    customerExternalId,
    orderDate,
    amountCents,
    costCents,
    product: reader.text('product') ?? null,
    quantity,
    unitPriceCents,
    orderDateText,
    status: reader.text('status') ?? null,
    customer,
  };
}

const directionAliases: Record<string, 'in' | 'out'> = {
  in: 'in', incoming: 'in', inbound: 'in', 收: 'in', 收到: 'in', 来: 'in',
  out: 'out', outgoing: 'out', outbound: 'out', 发: 'out', 发出: 'out', 去: 'out',
};

/** The direction column: in, out (or incoming/outgoing, 收/发), empty for not known. */
function interactionDirection(raw: string | null): 'in' | 'out' | null {
  if (raw === null) return null;
  const direction = directionAliases[raw.toLowerCase()];
  if (direction === undefined) reject('direction', raw, 'not in or out');
  return direction;
}

function interactionRow(reader: RecordReader): InteractionRow {
  const rawKind = reader.required('kind');
  const kind = interactionKindAliases[rawKind] ?? rawKind.toLowerCase();
  if (!(interactionKinds as readonly string[]).includes(kind)) {
    reject('kind', rawKind, `not one of ${interactionKinds.join(', ')}`);
  }
  const followUpAt = reader.date('follow_up_at', reader.text('follow_up_at'));
  const followUpDoneAt = reader.dateTime('follow_up_done_at', reader.text('follow_up_done_at'));
  if (followUpDoneAt !== null && followUpAt === null) reject('follow_up_done_at', reader.text('follow_up_done_at')!, 'a follow-up done date needs follow_up_at');
  return {
    kind: 'interactions',
    externalId: reader.id('interaction_id') ?? null,
    customerExternalId: reader.requiredId('customer_id'),
    interactionKind: kind,
    occurredAt: reader.dateTime('occurred_at', reader.required('occurred_at'))!,
    summary: reader.text('summary') ?? '',
    outcome: reader.text('outcome') ?? null,
    owner: reader.text('owner') ?? null,
    followUpAt,
    followUpDoneAt,
    followUpNote: reader.text('follow_up_note') ?? null,
    campaign: reader.text('campaign') ?? null,
    direction: interactionDirection(reader.text('direction') ?? null),
  };
}

function paymentRow(reader: RecordReader): PaymentRow {
  return {
    kind: 'payments',
    externalId: reader.id('payment_id') ?? null,
    customerExternalId: reader.requiredId('customer_id'),
    orderExternalId: reader.id('order_id') ?? null,
    paidOn: reader.date('paid_on', reader.required('paid_on'))!,
    amountCents: reader.money('amount', reader.required('amount'))!,
    method: reader.text('method') ?? null,
  };
}

function score(reader: RecordReader, field: string, min: number, max: number, value: string | null): number | null {
  const number = reader.number(field, value);
  if (number !== null && (number < min || number > max)) reject(field, value ?? '', `must be between ${min} and ${max}`);
  return number;
}

function surveyRow(reader: RecordReader): SurveyRow {
  const recommend = score(reader, 'would_recommend', 0, 10, reader.text('would_recommend') ?? null);
  if (recommend !== null && !Number.isInteger(recommend)) reject('would_recommend', String(recommend), 'must be a whole number 0-10');
  return {
    kind: 'surveys',
    externalId: reader.id('survey_id') ?? null,
    customerExternalId: reader.requiredId('customer_id'),
    surveyedOn: reader.date('surveyed_on', reader.required('surveyed_on'))!,
    expected: score(reader, 'expected', 1, 10, reader.required('expected'))!,
    perceived: score(reader, 'perceived', 1, 10, reader.required('perceived'))!,
    wouldRecommend: recommend,
  };
}

const builders: Record<ImportKind, (reader: RecordReader) => ImportRow> = {
  customers: customerRow,
  orders: orderRow,
  interactions: interactionRow,
  payments: paymentRow,
  surveys: surveyRow,
  complaints: complaintRow,
};

/** Validates one record: a typed row, or the first problem found in it. */
export function validateRecord(
  kind: ImportKind,
  record: string[],
  mapping: HeaderMapping,
  options: ValidateOptions = {},
): ImportRow | Rejection {
  try {
    return builders[kind](new RecordReader(record, mapping, options));
  } catch (error) {
    if (error instanceof RowRejected) return error.rejection;
    throw error;
  }
}
