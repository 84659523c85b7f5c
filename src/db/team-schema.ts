// The rules of a team on PostgreSQL (schema version 17): who sees and changes which rows is decided by the server
// with row-level security, so the same rules hold for crm and for anyone opening the database with psql.
//
// Roles (team_members.role): 'owner' and 'manager' see and change everything; 'sales' sees the customers and
// leads whose owner is their name, and what belongs to them. The login that created the schema owns the tables and
// is not subject to these rules (PostgreSQL exempts a table's owner), as is a superuser. Table privileges go to one
// group role per database (db/team.ts), granted to every member; these policies then narrow them row by row.
// A table added by a later migration needs its own policies here too (docs/storage.md, "A team").

/** The caller's role and name, read past the team table's own policies (SECURITY DEFINER, owned by the schema owner). */
const functions = `
CREATE FUNCTION crm_team_role(who TEXT) RETURNS TEXT LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
  AS $$ SELECT role FROM team_members WHERE login = who $$;
CREATE FUNCTION crm_team_name(who TEXT) RETURNS TEXT LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
  AS $$ SELECT name FROM team_members WHERE login = who $$;
REVOKE ALL ON FUNCTION crm_team_role(TEXT), crm_team_name(TEXT) FROM PUBLIC;
`;

// Each wrapped in a sub-select, so PostgreSQL evaluates it once per statement, not once per row.
export const seesAll = "(SELECT crm_team_role(CAST(current_user AS TEXT))) IN ('owner', 'manager')";
const isOwner = "(SELECT crm_team_role(CAST(current_user AS TEXT))) = 'owner'";
const myName = '(SELECT crm_team_name(CAST(current_user AS TEXT)))';
/** A row of a customer the caller sees (customers' own policy applies inside the sub-select). */
export const ofVisibleCustomer = `${seesAll} OR customer_id IN (SELECT id FROM customers)`;
const mine = `${seesAll} OR created_by = CAST(current_user AS TEXT)`;

/** Row-level security on TABLE: who may read, add, change and remove rows. */
export function policies(table: string, rules: { read: string; add: string; change: string; remove: string }): string {
  return `
ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (${rules.read});
CREATE POLICY ${table}_add ON ${table} FOR INSERT WITH CHECK (${rules.add});
CREATE POLICY ${table}_change ON ${table} FOR UPDATE USING (${rules.change}) WITH CHECK (${rules.change});
CREATE POLICY ${table}_remove ON ${table} FOR DELETE USING (${rules.remove});`;
}

/** Rows of the caller's customers: a salesperson reads and writes them. */
const customerWork = { read: ofVisibleCustomer, add: ofVisibleCustomer, change: ofVisibleCustomer, remove: ofVisibleCustomer };
/** Rows of the caller's customers that only a manager writes (money: orders and payments). */
const customerMoney = { read: ofVisibleCustomer, add: seesAll, change: seesAll, remove: seesAll };

export const teamSchemaPostgres = `
CREATE TABLE team_members (
  login TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('owner', 'manager', 'sales')),
  created_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" DEFAULT current_user
);
${functions}
${policies('team_members', { read: 'true', add: isOwner, change: isOwner, remove: isOwner })}
${policies('customers', {
  read: `${seesAll} OR owner = ${myName}`,
  add: `${seesAll} OR owner = ${myName}`,
  change: `${seesAll} OR owner = ${myName}`,
  remove: seesAll,
})}
${policies('orders', customerMoney)}
${policies('payments', customerMoney)}
${policies('order_lines', { read: `${seesAll} OR order_id IN (SELECT id FROM orders)`, add: seesAll, change: seesAll, remove: seesAll })}
${policies('interactions', customerWork)}
${policies('complaints', customerWork)}
${policies('surveys', customerWork)}
${policies('campaign_members', customerWork)}
${policies('customer_aliases', customerWork)}
${policies('snapshot_customers', customerWork)}
${policies('campaigns', { read: 'true', add: 'true', change: mine, remove: mine })}
${policies('snapshots', { read: 'true', add: 'true', change: mine, remove: mine })}
${policies('import_runs', { read: mine, add: 'true', change: mine, remove: seesAll })}
${policies('import_created', { read: `${seesAll} OR run_id IN (SELECT id FROM import_runs)`, add: `${seesAll} OR run_id IN (SELECT id FROM import_runs)`, change: seesAll, remove: seesAll })}
${policies('import_changes', { read: `${seesAll} OR run_id IN (SELECT id FROM import_runs)`, add: `${seesAll} OR run_id IN (SELECT id FROM import_runs)`, change: seesAll, remove: seesAll })}
${policies('audit_log', {
  read: `${mine} OR customer_id IN (SELECT id FROM customers)`,
  add: `${seesAll} OR created_by = CAST(current_user AS TEXT)`,
  change: seesAll,
  remove: seesAll,
})}
`;
