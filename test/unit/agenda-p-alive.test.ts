// crm agenda's p_alive item (issue 9), built purely from gathered inputs.
import { describe, expect, it } from 'vitest';
import { agendaReport, type AgendaInputs } from '../../src/report/agenda.js';

const customer = (id: number, external: string, profitCents: number) => ({
  customer_id: id, external_id: external, name: `Customer ${external}`, owner: 'Wang', orders: 9, revenue_cents: profitCents, profit_cents: profitCents,
  last_contact_at: null, last_contact: null,
});

const inputs = (extra: Partial<AgendaInputs>): AgendaInputs => ({
  today: '2026-11-23', followUps: [], complaints: [], slipping: [], debts: [], paymentsRecorded: true, snapshotDate: '2026-11-01', fading: [], pAliveUnavailable: null, ...extra,
});

describe('agenda: valuable customers whose p_alive fell below 0.5', () => {
  it('lists them, most valuable first, with both p_alive figures and the snapshot date', () => {
    const report = agendaReport(
      inputs({
        fading: [
          { customer: customer(1, 'C1', 50_000), before: { as_of: '2026-11-01', pAlive: 0.8123 }, pAlive: 0.4049 },
          { customer: customer(2, 'C2', 90_000), before: { as_of: '2026-11-01', pAlive: 0.5 }, pAlive: 0.1 },
        ],
      }),
      'en',
    );
    expect(report.rows.map((row) => [row.priority, row.kind, row.customer_id, row.amount])).toEqual([
      [1, 'valuable_p_alive_fell', 'C2', 90_000],
      [2, 'valuable_p_alive_fell', 'C1', 50_000],
    ]);
    expect(report.rows[1]!.why).toBe('p_alive fell from 0.81 on 2026-11-01 to 0.40: by their own buying pace they have probably stopped');
  });

  it('says when p_alive could not be checked', () => {
    const report = agendaReport(inputs({ pAliveUnavailable: 'too little data for a CLV model: 3 customers with repeat purchases (of 9); at least 30 are needed' }), 'en');
    expect(report.rows).toHaveLength(0);
    expect(report.notes).toContain('p_alive not checked: too little data for a CLV model: 3 customers with repeat purchases (of 9); at least 30 are needed');
  });
});
