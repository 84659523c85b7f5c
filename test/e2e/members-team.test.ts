// Members and points on a team's server: who may set levels and rules, add and redeem, and what each login sees,
// through crm and through plain SQL (the row-level security of schema version 20, src/db/migrations.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';
import { postgresAvailable } from '../helpers/engines.js';
import path from 'node:path';
import { samples } from '../helpers/cli.js';
import { sampleFile } from '../helpers/sample-store.js';
import { addMember, teamDatabase, type TeamDb } from '../helpers/team.js';

describe.skipIf(!postgresAvailable)('members and points on a team server', () => {
  let team: TeamDb;
  let wangs: string[];
  let zhangs: string[];

  beforeAll(async () => {
    team = await teamDatabase();
    expect((await runCrm(['--db', await sampleFile(), 'db', 'copy', '--to', team.url('owner')])).code).toBe(0);
    await team.sql('owner', 'DELETE FROM team_members');
    for (const [short, name, role] of [['li', '李娜', 'manager'], ['wang', '王伟', 'sales'], ['zhang', '张强', 'sales']] as const) {
      expect((await addMember(team, short, name, role)).code).toBe(0);
    }
    const owned = async (name: string) => (await team.sql<{ id: string }>('owner', 'SELECT external_id AS id FROM customers WHERE owner = $1 ORDER BY 1', [name])).map((row) => row.id);
    wangs = await owned('王伟');
    zhangs = await owned('张强');
    const levels = await team.crm('li', ['member', 'levels', 'set', '普通=0 银卡=2000 金卡=5000']);
    expect(levels.code, levels.stderr).toBe(0);
    // The sample file is crm demo's: its rule from 2025-01-01 has earned already; a manager adds the next one.
    const rules = await team.crm('li', ['points', 'rules', 'set', '--earn', '2', '--per', '1', '--from', '2030-01-01']);
    expect(rules.code, rules.stderr).toBe(0);
  }, 120_000);

  it('a salesperson may not set levels or rules, nor import points: one line, exit 2', async () => {
    for (const argv of [['member', 'levels', 'set', 'A=0'], ['points', 'rules', 'set', '--earn', '1', '--per', '1', '--from', '2030-01-01'], ['import', 'points', path.join(samples, 'points.csv')]]) {
      const result = await team.crm('wang', argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(result.stderr).toContain('may not');
    }
  });

  it('a salesperson sees and redeems the points of their own customers only', async () => {
    const mine = wangs[0]!;
    const show = await team.crm('wang', ['points', 'show', mine, '--format', 'json']);
    expect(show.code, show.stderr).toBe(0);
    const balance = JSON.parse(show.stdout).balance as number;
    const redeem = await team.crm('wang', ['points', 'redeem', mine, '1', '--for', 'a sample', '--format', 'json']);
    expect(redeem.code, redeem.stderr).toBe(0);
    expect(JSON.parse(redeem.stdout).balance).toBe(balance - 1);
    expect((await team.crm('wang', ['points', 'show', zhangs[0]!])).code).toBe(2);
    const seen = await team.sql<{ id: string }>('wang', 'SELECT DISTINCT c.external_id AS id FROM points_ledger p JOIN customers c ON c.id = p.customer_id ORDER BY 1');
    expect(seen.length).toBeGreaterThan(0);
    for (const row of seen) expect(wangs).toContain(row.id);
    // Plain SQL: no change to ledger rows, no rows for another's customer, no levels.
    const changed = await team.sql<{ n: string }>('wang', 'WITH u AS (UPDATE points_ledger SET points = 999 RETURNING 1) SELECT count(*) AS n FROM u');
    expect(Number(changed[0]!.n)).toBe(0);
    const other = (await team.sql<{ id: string }>('owner', 'SELECT id FROM customers WHERE external_id = $1', [zhangs[0]]))[0]!.id;
    await expect(team.sql('wang', "INSERT INTO points_ledger (customer_id, on_date, points, kind, created_at, updated_at) VALUES ($1, '2026-01-01', 5, 'add', 'x', 'x')", [other])).rejects.toThrow(/row-level security/);
    await expect(team.sql('wang', "INSERT INTO member_levels (name, threshold_cents, basis, created_at, updated_at) VALUES ('X', 1, 'growth', 'x', 'x')")).rejects.toThrow(/row-level security/);
    const stamped = await team.sql<{ created_by: string }>('owner', "SELECT created_by FROM points_ledger WHERE reason = 'a sample'");
    expect(stamped).toEqual([{ created_by: team.login('wang') }]);
  });
});
