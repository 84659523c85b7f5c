// What a customer owes (orders − payments) and what they were worth so far; pure arithmetic on integer cents.

/** Order totals grouped by status, as the db layer returns them. */
export interface OrderStatusTotal {
  status: string | null;
  orders: number;
  amount_cents: number;
  /** Sum of cost over the orders whose cost is known. */
  cost_cents: number;
  /** Sum of amount over the orders whose cost is unknown. */
  amount_without_cost_cents: number;
}

// Orders in these states were never owed (or were given back): they count neither in the balance nor in value.
export const notBilledStatuses: readonly string[] = ['refunded', 'refund', 'cancelled', 'canceled', 'void', 'returned', '退款', '已退款', '取消', '已取消', '退货'];
const notBilled = new Set(notBilledStatuses);

export function isBilled(status: string | null): boolean {
  return status === null || !notBilled.has(status.trim().toLowerCase());
}

export interface CustomerMoney {
  /** Orders that count (not refunded or cancelled). */
  billed_cents: number;
  paid_cents: number;
  /** billed − paid: positive means the customer owes, negative means paid in advance. */
  balance_cents: number;
  /** Profit over billed orders: revenue − cost, revenue where an order's cost is unknown (docs/rules.md#money). */
  value_cents: number;
}

export function customerMoney(orders: OrderStatusTotal[], paidCents: number): CustomerMoney {
  let billed = 0;
  let value = 0;
  for (const group of orders) {
    if (!isBilled(group.status)) continue;
    billed += group.amount_cents;
    const withCost = group.amount_cents - group.amount_without_cost_cents;
    value += withCost - group.cost_cents + group.amount_without_cost_cents;
  }
  return { billed_cents: billed, paid_cents: paidCents, balance_cents: billed - paidCents, value_cents: value };
}
