// crm on either engine: init on a file and on a server; connection problems in one line that never shows a password.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../src/db/migrations.js';
import { runCrm, spawnCrm, spawnCrmAsync, tempDir } from '../helpers/cli.js';
import { engines, newDatabase, postgresAvailable, postgresUrl, scalar, tableCounts } from '../helpers/engines.js';

describe.each(engines)('crm init on %s', (engine) => {
  it('creates the schema once; a second init changes nothing', async () => {
    const db = await newDatabase(engine);
    const first = await runCrm(['--db', db, 'init']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^created .* \(schema version \d+\)\n$/);
    const second = spawnCrm(['--db', db, 'init']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/database already exists: .* \(schema version \d+\); nothing changed/);
    const table = engine === 'sqlite' ? 'sqlite_master' : 'pg_tables';
    expect(await scalar<number>(db, `SELECT count(*) FROM ${table} WHERE ${engine === 'sqlite' ? 'name' : 'tablename'} = 'customers'`)).toBe(1);
  });
});

describe.runIf(postgresAvailable)('connecting to PostgreSQL', () => {
  it('a wrong password is one line naming the server, exit 4, and the password never shows', async () => {
    const url = new URL(postgresUrl('postgres'));
    url.password = 'S3cret-not-this';
    const result = spawnCrm(['--db', url.toString(), 'init']);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(`crm: cannot connect to postgresql://${url.username}@${url.hostname}:${url.port || 5432}/postgres: the server refused the password for ${url.username}\n`);
    expect(result.stdout + result.stderr).not.toContain('S3cret');
  });

  it('a server that is down and a missing database are one line each, exit 4', async () => {
    const down = spawnCrm(['--db', 'postgresql://someone:pw-xyz@127.0.0.1:1/crm', 'init']);
    expect(down.code).toBe(4);
    expect(down.stderr).toBe('crm: cannot connect to postgresql://someone@127.0.0.1:1/crm: no server is answering there (is PostgreSQL running?)\n');
    const missing = spawnCrm(['--db', postgresUrl('crm_no_such_database'), 'init']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^crm: cannot connect to postgresql:\/\/.*\/crm_no_such_database: there is no database crm_no_such_database on that server/);
    expect(missing.stderr).not.toContain(new URL(postgresUrl('x')).password);
  });

  it('takes the password from PGPASSWORD and the rest of the URL from PGHOST, PGPORT, PGUSER, PGDATABASE', async () => {
    const db = new URL(await newDatabase('postgres'));
    const result = spawnCrm(['--db', 'postgresql://', 'init'], {
      env: { PGHOST: db.hostname, PGPORT: db.port || '5432', PGUSER: db.username, PGPASSWORD: db.password, PGDATABASE: db.pathname.slice(1) },
    });
    expect(result.stderr).toMatch(/^created postgresql:\/\/.*\(schema version \d+\)\n$/);
    expect(result.code).toBe(0);
  });

  it('a URL is never taken for a file name', async () => {
    const result = spawnCrm(['--db', 'mysql://root@localhost/crm', 'init']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('is not a database crm can open');
  });
});

/** Runs bin/crm to its end; resolves with its exit code and output. */
function finish(child: ReturnType<typeof spawnCrmAsync>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe.runIf(postgresAvailable)('migrations on a PostgreSQL server', () => {
  it('two crm processes setting up one database at once end with one schema, made once', async () => {
    const db = await newDatabase('postgres');
    const results = await Promise.all([1, 2, 3].map(() => finish(spawnCrmAsync(['--db', db, 'init']))));
    expect(results.map((result) => result.code), results.map((result) => result.stderr).join('')).toEqual([0, 0, 0]);
    expect(results.filter((result) => result.stderr.startsWith('created ')).length).toBe(1);
    expect(await scalar<number>(db, 'SELECT count(*) FROM crm_schema')).toBe(1);
    expect(await scalar<number>(db, 'SELECT version FROM crm_schema')).toBe(latestSchemaVersion);
  });

  it('a newer schema is refused with exit 4 and nothing changed', async () => {
    const db = await newDatabase('postgres');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    await scalar(db, 'UPDATE crm_schema SET version = ?', [latestSchemaVersion + 1]);
    const before = await tableCounts(db);
    const result = spawnCrm(['--db', db, 'init']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/schema version \d+ is newer than this crm understands/);
    expect(await tableCounts(db)).toEqual(before);
    expect(await scalar<number>(db, 'SELECT version FROM crm_schema')).toBe(latestSchemaVersion + 1);
  });

  it('a database that holds another program\'s tables is refused, untouched', async () => {
    const db = await newDatabase('postgres');
    await scalar(db, 'CREATE TABLE invoices (id integer)');
    const result = spawnCrm(['--db', db, 'init']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('not a crm database');
    expect(await scalar<string | null>(db, "SELECT to_regclass('customers')::text")).toBeNull();
  });

});

describe.runIf(postgresAvailable)('the password file', () => {
  it('takes the password from ~/.pgpass (or PGPASSFILE) when it is the owner\'s alone, and ignores it otherwise', async () => {
    const db = new URL(await newDatabase('postgres'));
    const password = decodeURIComponent(db.password);
    db.password = '';
    const home = tempDir();
    const file = path.join(home, '.pgpass');
    fs.writeFileSync(file, `# crm test\n${db.hostname}:*:${db.pathname.slice(1)}:${db.username}:${password}\n`, { mode: 0o600 });
    const env = { HOME: home, PGPASSWORD: undefined, PGPASSFILE: undefined };
    const ok = spawnCrm(['--db', db.toString(), 'init'], { env });
    expect(ok.stderr).toMatch(/^created postgresql:\/\//);
    expect(ok.code).toBe(0);
    fs.chmodSync(file, 0o644);
    const refused = spawnCrm(['--db', db.toString(), 'init'], { env });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`cannot connect to postgresql://${db.username}@`);
    expect(refused.stderr).not.toContain(password);
    const elsewhere = path.join(tempDir(), 'pass');
    fs.writeFileSync(elsewhere, `*:*:*:${db.username}:${password}\n`, { mode: 0o600 });
    const named = spawnCrm(['--db', db.toString(), 'init'], { env: { ...env, PGPASSFILE: elsewhere } });
    expect(named.code).toBe(0);
    expect(named.stderr).toContain('database already exists');
  });
});

describe.runIf(postgresAvailable)('a server that goes away during a command', () => {
  it('is one line naming the database, exit 4, and the import it cut off left nothing', async () => {
    const db = await newDatabase('postgres');
    expect((await runCrm(['--db', db, 'init'])).code).toBe(0);
    const file = path.join(tempDir(), 'many.csv');
    const lines = ['customer_id,name,email'];
    for (let i = 0; i < 150_000; i++) lines.push(`K${i},Customer ${i},k${i}@example.com`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const child = spawnCrmAsync(['--db', db, 'import', 'customers', file]);
    const done = finish(child);
    const name = new URL(db).pathname.slice(1);
    // Wait until the import is writing, then end its session from the server's side (as a restart would).
    let ended = 0;
    for (let tries = 0; tries < 100 && ended === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ended = (await scalar<number>(
        postgresUrl('postgres'),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ? AND application_name = 'crm' AND state <> 'idle'",
        [name],
      )) ?? 0;
    }
    expect(ended).toBe(1);
    const result = await done;
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(new RegExp(`^crm: lost the connection to postgresql://[^ ]+/${name} \\(the server stopped, restarted or went out of reach\\)`));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await scalar<number>(db, 'SELECT count(*) FROM customers')).toBe(0);
  });
});
