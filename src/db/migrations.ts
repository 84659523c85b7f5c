import { postgresDialect } from './engine/dialect.js';
import { ofVisibleCustomer, policies, seesAll, teamSchemaPostgres } from './team-schema.js';

// Numbered schema migrations, applied in order on PRAGMA user_version. Append only: never edit a released step.

export interface Migration {
  version: number;
  description: string;
  /** The step in SQLite's DDL; PostgreSQL runs it through its dialect (db/engine/dialect.ts) unless it has its own. */
  sql: string;
  /** The step as PostgreSQL writes it, where translating the types is not enough (triggers). */
  postgres?: string;
}

/**
 * On PostgreSQL, interactions, payments, surveys and complaints made without an external id get 'crm-<id>' as
 * the SQLite triggers of versions 8 and 11 give them: a BEFORE trigger, so the row is written once.
 */
const postgresExternalIdTrigger = (table: string) => `
CREATE TRIGGER ${table}_external_id BEFORE INSERT ON ${table} FOR EACH ROW WHEN (NEW.external_id IS NULL)
  EXECUTE FUNCTION crm_external_id();`;

// Version 16 (part of that released step: never change these lists; a later table gets its columns in its own step).
/** The tables whose rows people write and change: each carries created_by and updated_by. */
const authoredTables: readonly string[] = ['customers', 'orders', 'interactions', 'payments', 'surveys', 'complaints', 'campaigns', 'snapshots'];
/** Rows written once (the run log, the audit log): created_by only. */
const loggedTables: readonly string[] = ['import_runs', 'audit_log'];
/** crm customer show lists a customer's changes from the audit log on the timeline (db/customer-file.ts). */
const auditIndex = 'CREATE INDEX audit_log_customer ON audit_log(customer_id) WHERE customer_id IS NOT NULL;';

/**
 * Version 18 (crm cadence, db/cadence.ts): one rule per segment (its English name), tier or stage (their keys), or per
 * customer; the interval is a count of days, weeks or months. Nothing per customer is stored: who is due is computed.
 */
const cadenceTable = `
CREATE TABLE cadence_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  selector TEXT NOT NULL CHECK (selector IN ('segment', 'tier', 'stage', 'customer')),
  name TEXT,
  customer_id INTEGER REFERENCES customers(id) ON DELETE CASCADE,
  every_count INTEGER NOT NULL CHECK (every_count > 0),
  every_unit TEXT NOT NULL CHECK (every_unit IN ('d', 'w', 'm')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT,
  updated_by TEXT,
  CHECK (CASE WHEN selector = 'customer' THEN customer_id IS NOT NULL AND name IS NULL ELSE customer_id IS NULL AND name IS NOT NULL END)
);
CREATE UNIQUE INDEX cadence_rules_named ON cadence_rules(selector, name) WHERE customer_id IS NULL;
CREATE UNIQUE INDEX cadence_rules_customer ON cadence_rules(customer_id) WHERE customer_id IS NOT NULL;
`;

// Version 20: members and points (会员积分; db/members.ts, db/points.ts). Levels and points rules are the shop's settings
// (a manager's); the ledger is one row per change of a customer's points, never rewritten: earning and reversing rows
// are keyed by the order (order_id, order_seq), so re-importing orders never earns twice.
const membersTables = `
-- A customer's level is derived from their sales (growth: the last 12 months, or lifetime), never stored per customer.
-- crm member levels set replaces the whole ladder; basis is the same on every row.
CREATE TABLE member_levels (
  name TEXT PRIMARY KEY,
  threshold_cents INTEGER NOT NULL UNIQUE CHECK (threshold_cents >= 0),
  basis TEXT NOT NULL CHECK (basis IN ('growth', 'lifetime')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT,
  updated_by TEXT
) WITHOUT ROWID;
-- The points rule in force from a day on (the latest effective_from not after an order's date earns that order).
-- A new rule is a new row: the rows already earned keep their points.
CREATE TABLE points_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  effective_from TEXT NOT NULL UNIQUE,
  earn INTEGER NOT NULL CHECK (earn > 0),
  per_cents INTEGER NOT NULL CHECK (per_cents > 0),
  expire TEXT NOT NULL,
  level_bonus TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT,
  updated_by TEXT
);
CREATE TABLE points_ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  on_date TEXT NOT NULL,
  points INTEGER NOT NULL CHECK (points <> 0),
  kind TEXT NOT NULL CHECK (kind IN ('earn', 'reverse', 'add', 'redeem', 'expire', 'adjust')),
  order_id INTEGER REFERENCES orders(id) ON DELETE CASCADE,
  order_seq INTEGER,
  rule_id INTEGER REFERENCES points_rules(id),
  level TEXT,
  bonus_permille INTEGER,
  expires_on TEXT,
  reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT,
  updated_by TEXT
);
CREATE UNIQUE INDEX points_ledger_order ON points_ledger(order_id, order_seq) WHERE order_id IS NOT NULL;
CREATE INDEX points_ledger_customer ON points_ledger(customer_id, on_date);
CREATE INDEX points_ledger_date ON points_ledger(on_date);
-- crm snapshot diff shows who moved between levels: the level each customer held at the snapshot's date.
ALTER TABLE snapshot_customers ADD COLUMN level TEXT;
`;
const membersAuthored = ['member_levels', 'points_rules', 'points_ledger'];

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'customers, orders, interactions, complaints, payments, surveys, import runs',
    sql: `
CREATE TABLE customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  company TEXT,
  email TEXT,
  phone TEXT,
  city TEXT,
  region TEXT,
  channel TEXT,
  owner TEXT,
  tags TEXT,
  notes TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX customers_owner ON customers(owner);
CREATE INDEX customers_city ON customers(city);
CREATE INDEX customers_email ON customers(email);
CREATE INDEX customers_phone ON customers(phone);

CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  order_date TEXT NOT NULL,
  product TEXT,
  quantity REAL,
  amount_cents INTEGER NOT NULL,
  cost_cents INTEGER,
  status TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Covering index for the per-customer aggregates (RFM, pyramid): see db/analysis.ts.
CREATE INDEX orders_customer_date ON orders(customer_id, order_date, amount_cents, cost_cents);
CREATE INDEX orders_date ON orders(order_date);

CREATE TABLE interactions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('call','visit','email','message','meeting','note','complaint')),
  occurred_at TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  outcome TEXT,
  owner TEXT,
  follow_up_at TEXT,
  follow_up_done_at TEXT,
  follow_up_note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX interactions_customer ON interactions(customer_id, occurred_at);
CREATE INDEX interactions_follow_up ON interactions(follow_up_at) WHERE follow_up_at IS NOT NULL AND follow_up_done_at IS NULL;

CREATE TABLE complaints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  opened_at TEXT NOT NULL,
  severity TEXT NOT NULL DEFAULT 'normal' CHECK (severity IN ('low','normal','high')),
  summary TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
  resolved_at TEXT,
  resolution TEXT,
  owner TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX complaints_customer ON complaints(customer_id);

CREATE TABLE payments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  order_id INTEGER REFERENCES orders(id) ON DELETE SET NULL,
  paid_on TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  method TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX payments_customer ON payments(customer_id, paid_on);

CREATE TABLE surveys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  surveyed_on TEXT NOT NULL,
  expected REAL NOT NULL CHECK (expected > 0),
  perceived REAL NOT NULL CHECK (perceived >= 0),
  would_recommend INTEGER CHECK (would_recommend BETWEEN 0 AND 10),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX surveys_customer ON surveys(customer_id, surveyed_on);

CREATE TABLE import_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_new INTEGER NOT NULL,
  rows_changed INTEGER NOT NULL,
  rows_unchanged INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  customers_created INTEGER NOT NULL DEFAULT 0,
  options TEXT
);

-- What each import run did, so that a run can be taken back (crm import undo).
-- Rows a run created: ids are AUTOINCREMENT and a run is the only writer inside its transaction,
-- so they are exactly one id range per table.
CREATE TABLE import_created (
  run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  table_name TEXT NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  PRIMARY KEY (run_id, table_name)
) WITHOUT ROWID;
-- Rows a run changed, with their values from before the run as JSON.
CREATE TABLE import_changes (
  run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  table_name TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  before TEXT NOT NULL,
  PRIMARY KEY (run_id, table_name, row_id)
) WITHOUT ROWID;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  customer_id INTEGER,
  detail TEXT
);
`,
  },
  {
    version: 2,
    description: 'analysis snapshots: every customer\'s scores, segment, tier and stage per analysis date',
    sql: `
CREATE TABLE snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  as_of TEXT NOT NULL UNIQUE,
  since TEXT,
  bins INTEGER NOT NULL,
  rules TEXT NOT NULL,
  cuts TEXT NOT NULL,
  customers INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
-- tier: 0 platinum, 1 gold, 2 iron, 3 lead (lower is better); segment: the English segment name.
CREATE TABLE snapshot_customers (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  recency_days INTEGER NOT NULL,
  frequency INTEGER NOT NULL,
  monetary_cents INTEGER NOT NULL,
  profit_cents INTEGER NOT NULL,
  r_score INTEGER NOT NULL,
  f_score INTEGER NOT NULL,
  m_score INTEGER NOT NULL,
  segment TEXT NOT NULL,
  tier INTEGER NOT NULL,
  stage TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX snapshot_customers_customer ON snapshot_customers(customer_id);
`,
  },
  // Version 2 is the analysis snapshots; 3 and 5 were set aside for other work; numbers are never reused.
  {
    version: 4,
    description: 'import undo: the timestamp a run wrote, and when a run was taken back',
    sql: `
-- The updated_at value a run gave every row it wrote: a row still carrying it was not touched since.
ALTER TABLE import_runs ADD COLUMN written_at TEXT;
-- Set by crm import undo; an undone run keeps its line in the log.
ALTER TABLE import_runs ADD COLUMN undone_at TEXT;
`,
  },
  {
    version: 6,
    description: 'indexes to find a customer by e-mail (any case) and by phone digits',
    sql: `
-- These replace the plain e-mail and phone indexes, which no query could use (lookups ignore case and punctuation).
DROP INDEX customers_email;
DROP INDEX customers_phone;
CREATE INDEX customers_email_lower ON customers(lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_phone_digits ON customers(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')) WHERE phone IS NOT NULL;
`,
  },
  {
    version: 7,
    description: 'the per-customer orders index also covers status, so billed-only aggregates never read the table',
    sql: `
-- The reports count billed orders only (db/report-sales.ts: status not refunded or cancelled). Without status
-- in the index, every per-customer aggregate over billed orders read the table row of each order; with it,
-- receivables at 100k customers / 500k orders went from 3.3 s to 1.7 s before any rewrite (perf branch).
-- Same name and leading columns, so every query that scanned the old index scans this one.
DROP INDEX orders_customer_date;
CREATE INDEX orders_customer_date ON orders(customer_id, order_date, amount_cents, cost_cents, status);
`,
  },
  {
    version: 8,
    description: 'a stable external id for interactions, payments and surveys made in the CLI',
    sql: `
-- Rows made in the CLI (crm log, complaint, pay, survey) had no external_id, so an export of them
-- imported back as new rows and two exports differed. Each such row now gets 'crm-<id>' when it is
-- created: imports never derive keys like that (theirs start with o:, i:, p:, s:), and if a file
-- already brought the same text as its own id, a random suffix keeps the key unique.
-- The key is written once and never changes, so exports are stable and re-import as 'unchanged'.
UPDATE interactions SET external_id = 'crm-' || id
  WHERE external_id IS NULL AND NOT EXISTS (SELECT 1 FROM interactions AS taken WHERE taken.external_id = 'crm-' || interactions.id);
UPDATE interactions SET external_id = 'crm-' || id || '-' || lower(hex(randomblob(6))) WHERE external_id IS NULL;
CREATE TRIGGER interactions_external_id AFTER INSERT ON interactions WHEN NEW.external_id IS NULL
BEGIN
  UPDATE interactions SET external_id = CASE
      WHEN EXISTS (SELECT 1 FROM interactions AS taken WHERE taken.external_id = 'crm-' || NEW.id) THEN 'crm-' || NEW.id || '-' || lower(hex(randomblob(6)))
      ELSE 'crm-' || NEW.id END
    WHERE id = NEW.id;
END;
UPDATE payments SET external_id = 'crm-' || id
  WHERE external_id IS NULL AND NOT EXISTS (SELECT 1 FROM payments AS taken WHERE taken.external_id = 'crm-' || payments.id);
UPDATE payments SET external_id = 'crm-' || id || '-' || lower(hex(randomblob(6))) WHERE external_id IS NULL;
CREATE TRIGGER payments_external_id AFTER INSERT ON payments WHEN NEW.external_id IS NULL
BEGIN
  UPDATE payments SET external_id = CASE
      WHEN EXISTS (SELECT 1 FROM payments AS taken WHERE taken.external_id = 'crm-' || NEW.id) THEN 'crm-' || NEW.id || '-' || lower(hex(randomblob(6)))
      ELSE 'crm-' || NEW.id END
    WHERE id = NEW.id;
END;
UPDATE surveys SET external_id = 'crm-' || id
  WHERE external_id IS NULL AND NOT EXISTS (SELECT 1 FROM surveys AS taken WHERE taken.external_id = 'crm-' || surveys.id);
UPDATE surveys SET external_id = 'crm-' || id || '-' || lower(hex(randomblob(6))) WHERE external_id IS NULL;
CREATE TRIGGER surveys_external_id AFTER INSERT ON surveys WHEN NEW.external_id IS NULL
BEGIN
  UPDATE surveys SET external_id = CASE
      WHEN EXISTS (SELECT 1 FROM surveys AS taken WHERE taken.external_id = 'crm-' || NEW.id) THEN 'crm-' || NEW.id || '-' || lower(hex(randomblob(6)))
      ELSE 'crm-' || NEW.id END
    WHERE id = NEW.id;
END;
`,
    // A PostgreSQL database starts at the latest version: there are no rows without an external id to fill.
    postgres: `
CREATE FUNCTION crm_external_id() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken boolean;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE external_id = $1)', TG_TABLE_NAME) INTO taken USING 'crm-' || NEW.id;
  NEW.external_id := CASE WHEN taken THEN 'crm-' || NEW.id || '-' || substr(md5(random()::text), 1, 12) ELSE 'crm-' || NEW.id END;
  RETURN NEW;
END;
$$;
${postgresExternalIdTrigger('interactions')}
${postgresExternalIdTrigger('payments')}
${postgresExternalIdTrigger('surveys')}
`,
  },
  {
    version: 9,
    description: "snapshots keep each customer's p_alive and CLV (crm clv), so the agenda can say whose p_alive fell",
    sql: `
-- NULL where the snapshot could not fit the CLV model (too little data) and in snapshots saved before version 9.
ALTER TABLE snapshot_customers ADD COLUMN p_alive REAL;
ALTER TABLE snapshot_customers ADD COLUMN clv_cents INTEGER;
`,
  },
  {
    version: 10,
    description: 'contact kinds (customer, lead, partner), lead conversion and drop, referrals, campaigns with a control group',
    sql: `
-- A contact is a customer (default), a lead (not bought yet) or a partner (kept out of customer analyses).
ALTER TABLE customers ADD COLUMN kind TEXT NOT NULL DEFAULT 'customer' CHECK (kind IN ('customer', 'lead', 'partner'));
-- A lead's conversion day (its first order, or crm lead convert); stays when the lead becomes a customer.
ALTER TABLE customers ADD COLUMN converted_at TEXT;
-- crm lead drop: when and why a lead was given up.
ALTER TABLE customers ADD COLUMN dropped_at TEXT;
ALTER TABLE customers ADD COLUMN drop_reason TEXT;
-- The partner who referred this customer.
ALTER TABLE customers ADD COLUMN referred_by INTEGER REFERENCES customers(id) ON DELETE SET NULL;
-- Almost every contact is a customer: the index holds only leads and partners. Queries name the index's
-- condition (kind <> 'customer') so SQLite can use it.
CREATE INDEX customers_kind ON customers(kind) WHERE kind <> 'customer';
CREATE INDEX customers_referred_by ON customers(referred_by) WHERE referred_by IS NOT NULL;

-- A campaign: the customers matching the criteria as of started_on, split once, reproducibly from the seed,
-- into a treated group (to contact) and a control group (not to contact).
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  started_on TEXT NOT NULL,
  segment TEXT,
  tier TEXT,
  stage TEXT,
  holdout_percent REAL NOT NULL CHECK (holdout_percent > 0 AND holdout_percent < 100),
  seed INTEGER NOT NULL,
  window_days INTEGER NOT NULL CHECK (window_days > 0),
  created_at TEXT NOT NULL
);
CREATE TABLE campaign_members (
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  arm TEXT NOT NULL CHECK (arm IN ('treated', 'control')),
  PRIMARY KEY (campaign_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX campaign_members_customer ON campaign_members(customer_id);
-- A contact made for a campaign (crm log --campaign NAME).
ALTER TABLE interactions ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL;
CREATE INDEX interactions_campaign ON interactions(campaign_id) WHERE campaign_id IS NOT NULL;
`,
  },
  {
    version: 11,
    description: 'complaints get a stable external id, so crm export writes them and crm import complaints reads them back',
    sql: `
-- As interactions, payments and surveys in version 8: 'crm-<id>' for complaints made in the CLI, a file's own
-- complaint_id for imported ones (derived keys start with k:), a random suffix if a file already took the text.
ALTER TABLE complaints ADD COLUMN external_id TEXT;
UPDATE complaints SET external_id = 'crm-' || id;
CREATE UNIQUE INDEX complaints_external_id ON complaints(external_id);
CREATE TRIGGER complaints_external_id AFTER INSERT ON complaints WHEN NEW.external_id IS NULL
BEGIN
  UPDATE complaints SET external_id = CASE
      WHEN EXISTS (SELECT 1 FROM complaints AS taken WHERE taken.external_id = 'crm-' || NEW.id) THEN 'crm-' || NEW.id || '-' || lower(hex(randomblob(6)))
      ELSE 'crm-' || NEW.id END
    WHERE id = NEW.id;
END;
`,
    postgres: `
ALTER TABLE complaints ADD COLUMN external_id TEXT COLLATE "C";
CREATE UNIQUE INDEX complaints_external_id ON complaints(external_id);
${postgresExternalIdTrigger('complaints')}
`,
  },
  {
    version: 12,
    description: 'order lines: the products of an order imported from a line-item file (one row per product)',
    sql: `
-- A shop export has one row per product; the rows of one order id are one order (docs/rules.md#order-lines).
-- orders keeps the order's totals, which every analysis reads; its lines are kept here, in file order, for
-- crm customer show, crm report products and crm export. An order imported one row per order has no lines.
CREATE TABLE order_lines (
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  line INTEGER NOT NULL,
  product TEXT,
  quantity REAL,
  unit_price_cents INTEGER,
  amount_cents INTEGER NOT NULL,
  cost_cents INTEGER,
  PRIMARY KEY (order_id, line)
) WITHOUT ROWID;
`,
  },
  {
    version: 13,
    description: 'a merged customer id stays an alias of the customer it was merged into, so re-imports land there',
    sql: `
-- crm customer merge KEEP OTHER: OTHER's external id names KEEP from then on (imports, crm customer show, log, pay),
-- so importing the unchanged files again does not bring OTHER back. Removed with KEEP.
CREATE TABLE customer_aliases (
  external_id TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  merged_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX customer_aliases_customer ON customer_aliases(customer_id);
`,
  },
  {
    version: 14,
    description: 'returns (orders below zero) found without reading every order',
    sql: `
-- The analyses note how many returns they netted (db/analysis.ts returnsNetted): with this partial index that is a
-- read of the returns alone, not a second scan of every order. It holds only orders below zero, so it costs
-- nothing in a shop without returns.
CREATE INDEX orders_returns ON orders(customer_id) WHERE amount_cents < 0;
`,
  },
  {
    version: 15,
    description: 'import undo: the rows a run created may be several id ranges per table',
    sql: `
-- An import on PostgreSQL no longer keeps other writers out of the tables it writes (crm log goes on during a nightly
-- import), so the ids a run created may have another session's rows between them: a run records each range of ids
-- that are all its own. SQLite's single writer still gives one range per table. The table is rebuilt for its new
-- primary key (WITHOUT ROWID: the key is the table), through a temporary copy; every recorded range stays.
CREATE TEMP TABLE import_created_before_v15 AS SELECT run_id, table_name, first_id, last_id FROM import_created;
DROP TABLE import_created;
CREATE TABLE import_created (
  run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  table_name TEXT NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  PRIMARY KEY (run_id, table_name, first_id)
) WITHOUT ROWID;
INSERT INTO import_created (run_id, table_name, first_id, last_id) SELECT run_id, table_name, first_id, last_id FROM import_created_before_v15;
DROP TABLE import_created_before_v15;
`,
    postgres: `
ALTER TABLE import_created DROP CONSTRAINT import_created_pkey, ADD PRIMARY KEY (run_id, table_name, first_id);
`,
  },
  {
    version: 16,
    description: 'who wrote each row: created_by and updated_by (the login on PostgreSQL, the operating-system user on SQLite)',
    sql: `
-- crm writes both with every INSERT and UPDATE it makes (db/engine/sql.ts actor); rows from before stay NULL (unknown).
${authoredTables.map((table) => `ALTER TABLE ${table} ADD COLUMN created_by TEXT;\nALTER TABLE ${table} ADD COLUMN updated_by TEXT;`).join('\n')}
${loggedTables.map((table) => `ALTER TABLE ${table} ADD COLUMN created_by TEXT;`).join('\n')}
${auditIndex}
`,
    // On a server the server vouches for the name: a row written by anything (psql too) gets the login by default once
    // the columns exist (rows from before stay NULL), and every UPDATE is stamped with the login that made it, whatever
    // the statement said, so nobody changes a row under another's name.
    postgres: `
${[...authoredTables, ...loggedTables].map((table) => {
  const columns = authoredTables.includes(table) ? ['created_by', 'updated_by'] : ['created_by'];
  return `ALTER TABLE ${table} ${columns.map((column) => `ADD COLUMN ${column} TEXT COLLATE "C"`).join(', ')};
ALTER TABLE ${table} ${columns.map((column) => `ALTER COLUMN ${column} SET DEFAULT CAST(current_user AS TEXT)`).join(', ')};`;
}).join('\n')}
CREATE FUNCTION crm_updated_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_by := CAST(current_user AS TEXT);
  RETURN NEW;
END;
$$;
${authoredTables.map((table) => `CREATE TRIGGER ${table}_updated_by BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION crm_updated_by();`).join('\n')}
${auditIndex}
`,
  },
  {
    version: 17,
    description: 'a team: logins mapped to salesperson names and roles; on PostgreSQL, who sees which rows',
    sql: `
-- crm team add LOGIN --name NAME --role owner|manager|sales (db/team.ts). A team needs a shared PostgreSQL database;
-- on a SQLite file the table stays empty, and crm db copy carries it both ways.
CREATE TABLE team_members (
  login TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'sales')),
  created_at TEXT NOT NULL,
  created_by TEXT
) WITHOUT ROWID;
`,
    // The row-level security that makes the roles hold on the server (db/team-schema.ts).
    postgres: teamSchemaPostgres,
  },
  {
    version: 18,
    description: 'keeping in touch: how often a segment, tier, stage or one customer should hear from the shop (crm cadence)',
    sql: cadenceTable,
    // Rules are the shop's: everyone reads them (a rule naming one customer only those who see that customer), a
    // manager or the owner writes them; the server stamps who changed a rule as on the other tables (version 16).
    postgres: `
${postgresDialect.ddl(cadenceTable)}
ALTER TABLE cadence_rules ALTER COLUMN created_by SET DEFAULT CAST(current_user AS TEXT), ALTER COLUMN updated_by SET DEFAULT CAST(current_user AS TEXT);
CREATE TRIGGER cadence_rules_updated_by BEFORE UPDATE ON cadence_rules FOR EACH ROW EXECUTE FUNCTION crm_updated_by();
${policies('cadence_rules', { read: `customer_id IS NULL OR ${ofVisibleCustomer}`, add: seesAll, change: seesAll, remove: seesAll })}
`,
  },
  {
    version: 19,
    description: 'e-mail on the customer file: which way an interaction went (in: the customer wrote; out: the shop wrote)',
    sql: `
-- crm import mail (import/mail-run.ts) sets it on the e-mails it files; crm log and older rows leave it NULL (not known).
-- A row's own rules (row-level security on the server) already cover the new column.
ALTER TABLE interactions ADD COLUMN direction TEXT CHECK (direction IN ('in', 'out'));
`,
  },
  {
    version: 20,
    description: 'members and points: levels by growth value, points rules from a date, the points ledger; snapshots keep the level',
    sql: membersTables,
    // Who wrote a row as in version 16; who sees and writes which rows as in version 17 (db/team-schema.ts): everyone
    // reads the levels and rules and a manager sets them; a salesperson reads and adds ledger rows of their own
    // customers (crm points add, redeem, and the earning their orders bring); changing or removing a ledger row is a manager's.
    postgres: `
${postgresDialect.ddl(membersTables)}
${membersAuthored.map((table) => `ALTER TABLE ${table} ALTER COLUMN created_by SET DEFAULT CAST(current_user AS TEXT), ALTER COLUMN updated_by SET DEFAULT CAST(current_user AS TEXT);
CREATE TRIGGER ${table}_updated_by BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION crm_updated_by();`).join('\n')}
${policies('member_levels', { read: 'true', add: seesAll, change: seesAll, remove: seesAll })}
${policies('points_rules', { read: 'true', add: seesAll, change: seesAll, remove: seesAll })}
${policies('points_ledger', { read: ofVisibleCustomer, add: ofVisibleCustomer, change: seesAll, remove: seesAll })}
`,
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1]!.version;
