// crm survey CUSTOMER: record a satisfaction survey; prints C = perceived / expected (docs/rules.md#satisfaction).
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';

interface SurveyFlags {
  expected?: string;
  perceived?: string;
  recommend?: string;
  date?: string;
  format: 'table' | 'json';
}

export function registerSurvey(program: Command, context: CliContext): void {
  program
    .command('survey <customer>')
    .description('record a satisfaction survey: expectation and perceived performance (1-10), would recommend (0-10)')
    .option('--expected <1-10>', 'what the customer expected')
    .option('--perceived <1-10>', 'what the customer got, as they see it')
    .option('--recommend <0-10>', 'how likely they are to recommend us')
    .option('--date <date>', 'when (default: today)')
    .addOption(new Option('-f, --format <format>', 'output as text or JSON').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nSatisfaction C = perceived / expected: above 1 satisfied, 1 acceptable, below 1 dissatisfied.\nExamples:\n  $ crm survey C0001 --expected 8 --perceived 9 --recommend 9\n  $ crm survey 高建国 --expected 7 --perceived 6.5 --date 2026-11-20')
    .action(async (reference: string, flags: SurveyFlags) => {
      const { nowIso, requireScore } = await import('../daily-values.js');
      const { requireDate } = await import('../context.js');
      const missing = [flags.expected === undefined ? '--expected' : null, flags.perceived === undefined ? '--perceived' : null].filter(Boolean);
      if (missing.length) throw new UsageError(`missing ${missing.join(', ')} (scores from 1 to 10)`);
      const expected = requireScore(flags.expected!, '--expected', 1, 10);
      const perceived = requireScore(flags.perceived!, '--perceived', 1, 10);
      const recommend = flags.recommend === undefined ? null : requireScore(flags.recommend, '--recommend', 0, 10, true);
      const surveyedOn = flags.date === undefined ? context.today() : requireDate(flags.date, '--date');
      const db = await context.openStore();
      const { resolveCustomer } = await import('../resolve-customer.js');
      const customer = await resolveCustomer(context, db, reference);
      const { addSurvey } = await import('../../db/payments.js');
      const { satisfactionIndex, satisfactionLevel } = await import('../../analysis/satisfaction.js');
      const id = await addSurvey(db, { customer_id: customer.id, surveyed_on: surveyedOn, expected, perceived, would_recommend: recommend }, nowIso(context));
      const index = satisfactionIndex({ expected, perceived })!;
      const level = satisfactionLevel(index);
      if (flags.format === 'json') {
        context.io.stdout.write(JSON.stringify({ id, customer_id: customer.external_id, surveyed_on: surveyedOn, satisfaction: Math.round(index * 10_000) / 10_000, level }) + '\n');
      } else {
        context.say(`recorded survey #${id} for ${customer.name} (${customer.external_id}): satisfaction C = ${index.toFixed(2)} (${level})\n`);
      }
    });
}
