// crm pay CUSTOMER AMOUNT: record a payment received (回款); prints the balance that is left.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';

interface PayFlags {
  date?: string;
  order?: string;
  method?: string;
  format: 'table' | 'json';
}

export function registerPay(program: Command, context: CliContext): void {
  program
    .command('pay <customer> <amount>')
    .description('record a payment from a customer; the customer file shows the balance (orders − payments)')
    .option('--date <date>', 'when it was paid (default: today)')
    .option('--order <order_id>', "the order it pays (must be one of the customer's orders)")
    .option('--method <method>', 'how: bank transfer, WeChat Pay, Alipay, cash, …')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ crm pay C0001 1280\n  $ crm pay C0001 "¥1,280.50" --date 2026-11-20 --order O01234 --method "bank transfer"')
    .action(async (reference: string, rawAmount: string, flags: PayFlags) => {
      const { nowIso, requireAmount } = await import('../daily-values.js');
      const { requireDate } = await import('../context.js');
      const amountCents = requireAmount(rawAmount, 'AMOUNT');
      const paidOn = flags.date === undefined ? context.today() : requireDate(flags.date, '--date');
      const db = await context.openStore();
      const { resolveCustomer } = await import('../resolve-customer.js');
      const customer = await resolveCustomer(context, db, reference);
      const { addPayment, orderByExternalId } = await import('../../db/payments.js');
      let orderId: number | null = null;
      if (flags.order !== undefined) {
        const order = await orderByExternalId(db, flags.order.trim());
        if (!order) throw new UsageError(`--order: no order ${flags.order}`);
        if (order.customer_id !== customer.id) throw new UsageError(`--order: order ${order.external_id} belongs to another customer, not ${customer.external_id}`);
        orderId = order.id;
      }
      const id = await addPayment(db, { customer_id: customer.id, order_id: orderId, paid_on: paidOn, amount_cents: amountCents, method: flags.method?.trim() || null }, nowIso(context));
      const { customerMoneyInputs } = await import('../../db/customer-file.js');
      const { customerMoney } = await import('../../analysis/balance.js');
      const { formatCents, centsToUnits } = await import('../../util/money.js');
      const inputs = await customerMoneyInputs(db, customer.id);
      const money = customerMoney(inputs.orders, inputs.paid_cents);
      if (flags.format === 'json') {
        context.io.stdout.write(JSON.stringify({ id, customer_id: customer.external_id, paid_on: paidOn, amount: centsToUnits(amountCents), balance: centsToUnits(money.balance_cents) }) + '\n');
        return;
      }
      const balance = money.balance_cents > 0 ? `${formatCents(money.balance_cents)} still owed` : money.balance_cents < 0 ? `${formatCents(-money.balance_cents)} paid in advance` : 'nothing owed';
      context.say(`recorded payment #${id}: ${formatCents(amountCents)} from ${customer.name} (${customer.external_id}) on ${paidOn}; balance: ${balance}`);
    });
}
