// crm agenda at real sizes (issue 17): at most 20 items of each kind with a line for the rest, and no debts for a
// shop that records no payments.
import { describe, expect, it } from 'vitest';
import { agendaItemCount, agendaReport, gatherAgenda, type AgendaInputs } from '../../src/report/agenda.js';
import { importFile } from '../../src/import/run.js';
import { engines } from '../helpers/engines.js';
import { importSandboxOn } from '../helpers/import-sandbox.js';
import type { FollowUpRow } from '../../src/db/interactions.js';
import type { Receivable } from '../../src/db/receivables.js';

const followUp = (id: number, due: string): FollowUpRow => ({
  id, follow_up_at: due, customer_id: id, customer_external_id: `C${id}`, customer_name: `Customer ${id}`, phone: null, owner: null, reason: 'call back',
  last_contact_at: null, last_contact_kind: null, last_contact_summary: null,
});

const debt = (id: number): Receivable => ({
  customer_id: id, external_id: `D${id}`, name: `Debtor ${id}`, owner: null, owed_cents: 10_000, oldest_unpaid: '2026-01-01',
  days_0_30_cents: 0, days_31_60_cents: 0, days_61_90_cents: 0, days_over_90_cents: 10_000,
});

const inputs = (extra: Partial<AgendaInputs>): AgendaInputs => ({
  today: '2026-11-23', followUps: [], complaints: [], slipping: [], debts: [], paymentsRecorded: true, snapshotDate: '2026-11-01', fading: [], pAliveUnavailable: null, ...extra,
});

// 1,250 overdue follow-ups (due 2026-10-01 plus one a day … all before today), 3 due today, 21 debts.
const many = inputs({
  followUps: [
    ...Array.from({ length: 1250 }, (_, index) => followUp(index + 1, index % 2 ? '2026-10-01' : '2026-11-20')),
    ...Array.from({ length: 3 }, (_, index) => followUp(5000 + index, '2026-11-23')),
  ],
  debts: Array.from({ length: 21 }, (_, index) => debt(index + 1)),
});

describe('agenda caps', () => {
  it('shows the first 20 of each kind, in the list order, and says how many more of each and where to see them', () => {
    const report = agendaReport(many, 'en');
    const kinds = report.rows.map((row) => row.kind);
    expect(kinds.filter((kind) => kind === 'followup_overdue')).toHaveLength(20);
    expect(kinds.filter((kind) => kind === 'followup_due')).toHaveLength(3);
    expect(kinds.filter((kind) => kind === 'receivable_over_60_days')).toHaveLength(20);
    expect(report.rows).toHaveLength(43);
    // The first 20 overdue follow-ups as listed (ids 1…20), priorities 1…43 without gaps.
    expect(report.rows.slice(0, 20).map((row) => row.customer_id)).toEqual(Array.from({ length: 20 }, (_, index) => `C${index + 1}`));
    expect(report.rows.map((row) => row.priority)).toEqual(Array.from({ length: 43 }, (_, index) => index + 1));
    expect(report.title).toBe('Agenda for 2026-11-23: 1,274 to do (the first 20 of each kind)');
    expect(agendaItemCount(many)).toBe(1274);
    expect(report.notes!.slice(0, 2)).toEqual([
      '… and 1,230 more overdue follow-ups (crm followups --overdue)',
      '… and 1 more customer owing for over 60 days (crm report receivables)',
    ]);
    expect(agendaReport(many, 'zh').notes![0]).toBe('…… 还有 1,230 项逾期跟进（crm followups --overdue）');
  });

  it('--all (perKind null) lists every item; a list within the caps has no extra line', () => {
    const all = agendaReport(many, 'en', { perKind: null });
    expect(all.rows).toHaveLength(1274);
    expect(all.title).toBe('Agenda for 2026-11-23: 1274 to do');
    expect(all.notes!.some((note) => note.startsWith('…'))).toBe(false);
    const few = agendaReport(inputs({ followUps: [followUp(1, '2026-11-01')] }), 'en');
    expect(few.title).toBe('Agenda for 2026-11-23: 1 to do');
    expect(few.notes!.some((note) => note.startsWith('…'))).toBe(false);
  });

  it('a shop that records no payments: no debts, and a note saying why', () => {
    const report = agendaReport(inputs({ paymentsRecorded: false }), 'en');
    expect(report.rows).toEqual([]);
    expect(report.notes![0]).toBe('no payments are recorded, so no debts are listed: record payments (crm pay, crm import payments) to see who owes');
    expect(agendaReport(inputs({}), 'en').notes!.join('\n')).not.toContain('no payments');
  });
});

describe.each(engines)('agenda debts gathered on %s', (engine) => {
  it('reads only the first 20 customers owing for over 60 days, oldest debt first, and counts the rest', async () => {
    const { sql, write } = await importSandboxOn(engine);
    const now = () => new Date('2026-11-23T10:00:00Z');
    // 23 customers, each with an order in 2026 (day i of June: older first), unpaid; one payment, so payments are recorded.
    const ids = Array.from({ length: 23 }, (_, index) => index + 1);
    await importFile(sql, { kind: 'customers', file: write('c.csv', `customer_id,name\n${ids.map((id) => `C${id},Customer ${id}`).join('\n')}\nC99,Payer\n`), now });
    await importFile(sql, { kind: 'orders', file: write('o.csv', `order_id,customer_id,order_date,amount\n${ids.map((id) => `O${id},C${id},2026-06-${String(id).padStart(2, '0')},100`).join('\n')}\nO99,C99,2026-06-01,50\n`), now });
    await importFile(sql, { kind: 'payments', file: write('p.csv', 'payment_id,customer_id,paid_on,amount\nP1,C99,2026-06-02,50\n'), now });
    const capped = await gatherAgenda(sql, '2026-11-23');
    expect(capped.debts.map((debt) => debt.external_id)).toEqual(ids.slice(0, 20).map((id) => `C${id}`));
    expect(capped.omitted).toMatchObject({ receivable_over_60_days: 3 });
    expect(agendaReport(capped, 'en').notes).toContain('… and 3 more customers owing for over 60 days (crm report receivables)');
    const all = await gatherAgenda(sql, '2026-11-23', false, 'UTC', null);
    expect(all.debts).toHaveLength(23);
    expect(all.omitted?.receivable_over_60_days).toBeUndefined();
    await sql.close();
  });
});
