// Prompts as a person meets them: the real crm binary in a tmux pseudo-terminal (skipped where tmux is missing).
import { afterEach, describe, expect, it } from 'vitest';
import { dailyDb } from '../helpers/daily.js';
import { engines } from '../helpers/engines.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';

const terminals: Terminal[] = [];
afterEach(() => {
  while (terminals.length) terminals.pop()!.close();
});

function open(argv: string[], db: string): Terminal {
  const terminal = new Terminal(['--db', db, ...argv], {});
  terminals.push(terminal);
  return terminal;
}

/** Real time in the spawned binary: "+3d" counts from today's date (UTC), as crm does. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!hasTmux)(`prompts in a terminal${hasTmux ? '' : ' (skipped: tmux is not installed, so no pseudo-terminal to drive)'}`, () => {
  describe.each(engines)('on %s', (engine) => {
    it('crm log with an ambiguous name and no flags: pick the customer, the kind from a list, type summary and follow-up', async () => {
      const t = await dailyDb(['customers'], engine);
      const terminal = open(['log', '李芳'], t.db);
      const pick = await terminal.waitFor('"李芳" matches 2 customers; which one?');
      expect(pick).toContain('C0002  李芳  (宁波鼎盛餐饮管理有限公司, 宁波, 13336342408)');
      expect(pick).toContain('C0146  李芳  (上海华美商贸行, 上海, 13095406045)');
      terminal.press('Down', 'Enter');
      const kinds = await terminal.waitFor('Kind of contact');
      for (const kind of ['call', 'visit', 'email', 'message', 'meeting', 'note']) expect(kinds).toContain(kind);
      terminal.press('Down', 'Enter');
      await terminal.waitFor('Summary');
      terminal.type('tasting at the shop');
      terminal.press('Enter');
      await terminal.waitFor('Follow-up date');
      terminal.type('someday');
      terminal.press('Enter');
      await terminal.waitFor('use 2026-12-01, today, tomorrow, +3d, +2w, +1m or next-monday');
      for (let i = 0; i < 'someday'.length; i += 1) terminal.press('BSpace');
      terminal.type('+3d');
      terminal.press('Enter');
      const done = await terminal.waitFor('[exit 0]');
      expect(done).toContain(`logged visit #1 with 李芳 (C0146); follow-up due ${inDays(3)}`);
      expect(await t.rows('SELECT c.external_id, i.kind, i.summary, i.follow_up_at FROM interactions i JOIN customers c ON c.id = i.customer_id'))
        .toEqual([{ external_id: 'C0146', kind: 'visit', summary: 'tasting at the shop', follow_up_at: inDays(3) }]);
    });

    it('crm log with no customer at all asks for it first; an empty follow-up means none', async () => {
      const t = await dailyDb(['customers'], engine);
      const terminal = open(['log', '--kind', 'call'], t.db);
      await terminal.waitFor('Customer (id, name, e-mail or phone)');
      terminal.type('gao1@example.cn');
      terminal.press('Enter');
      await terminal.waitFor('Summary');
      terminal.type('asked for prices');
      terminal.press('Enter');
      await terminal.waitFor('Follow-up date');
      terminal.press('Enter');
      const done = await terminal.waitFor('[exit 0]');
      expect(done).toContain('logged call #1 with 高建国 (C0001)\n');
      expect(done).not.toContain('Kind of contact');
      expect(await t.value('SELECT count(*) FROM interactions WHERE follow_up_at IS NULL')).toBe(1);
    });

    it('--no-input on a terminal never prompts: the missing value is an error (exit 2)', async () => {
      const t = await dailyDb(['customers'], engine);
      const terminal = open(['--no-input', 'log', 'C0001'], t.db);
      const done = await terminal.waitFor('[exit 2]');
      expect(done).toContain('crm: missing --kind, --summary (give them, or run on a terminal to be asked)');
    });

    it('crm customer rm asks before removing: "n" keeps the customer, "y" removes it', async () => {
      const t = await dailyDb(['customers'], engine);
      const keep = open(['customer', 'rm', 'C0001'], t.db);
      await keep.waitFor('Remove C0001 高建国 with 0 orders, 0 interactions, 0 payments, 0 surveys, 0 complaints? This cannot be undone.');
      keep.type('n');
      keep.press('Enter');
      // A declined confirmation is exit 1 (README "Exit codes"), as for forget, restore and undo.
      expect(await keep.waitFor('[exit 1]')).toContain('crm: cancelled; nothing was removed');
      expect(await t.value("SELECT count(*) FROM customers WHERE external_id = 'C0001'")).toBe(1);
      const remove = open(['customer', 'rm', 'C0001'], t.db);
      await remove.waitFor('This cannot be undone.');
      remove.type('y');
      remove.press('Enter');
      expect(await remove.waitFor('[exit 0]')).toContain('removed C0001 高建国 with 0 orders');
      expect(await t.value("SELECT count(*) FROM customers WHERE external_id = 'C0001'")).toBe(0);
    });

    it('crm customer edit without flags: pick a field, type the new value, clear another, save', async () => {
      const t = await dailyDb(['customers'], engine);
      const terminal = open(['customer', 'edit', 'C0001'], t.db);
      await terminal.waitFor('Edit 高建国 (C0001): which field?');
      terminal.press('Down', 'Down', 'Down', 'Enter'); // name, company, email, phone
      await terminal.waitFor('phone (Enter keeps it, "-" clears it) (13616420445)');
      terminal.type('139 0013 9000');
      terminal.press('Enter');
      await terminal.waitFor('phone    139 0013 9000   (changed)');
      terminal.press('Down', 'Enter'); // company
      await terminal.waitFor('company (Enter keeps it, "-" clears it)');
      terminal.type('-');
      terminal.press('Enter');
      await terminal.waitFor(/company\s+\(changed\)/);
      terminal.press('Up', 'Up', 'Enter'); // the list starts at the top again; up wraps to cancel, then save
      const done = await terminal.waitFor('[exit 0]');
      expect(done).toContain('updated C0001 高建国: company, phone');
      expect(await t.rows("SELECT company, phone FROM customers WHERE external_id = 'C0001'")).toEqual([{ company: null, phone: '139 0013 9000' }]);
    });

    it('crm customer merge asks first, saying what it will move', async () => {
      const t = await dailyDb(['customers', 'orders'], engine);
      const terminal = open(['customer', 'merge', 'C0198', 'C0199'], t.db);
      await terminal.waitFor(/Merge C0199 吴涛 into C0198 吴涛: moves \d+ orders?, 0 interactions, 0 payments, 0 surveys, 0 complaints.*then deletes C0199\?/);
      terminal.type('y');
      terminal.press('Enter');
      expect(await terminal.waitFor('[exit 0]')).toContain('merged C0199 into C0198');
      expect(await t.value("SELECT count(*) FROM customers WHERE external_id = 'C0199'")).toBe(0);
    });
  });
});
