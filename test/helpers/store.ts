// A fresh, migrated crm database on either engine as the connection type, for unit tests of store functions.
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore } from '../../src/db/open-store.js';
import type { Engine, Sql } from '../../src/db/engine/sql.js';
import { tempDir } from './cli.js';
import { newPostgresDatabase, testActor } from './engines.js';

const open: Sql[] = [];

afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/** An empty crm database on ENGINE (closed after the test); it writes as testActor on both engines. */
export async function newStore(engine: Engine): Promise<Sql> {
  const sql =
    engine === 'sqlite'
      ? await openStore({ engine: 'sqlite', file: path.join(tempDir(), 'crm.db') }, { create: true, actor: testActor })
      : await openStore({ engine: 'postgres', url: await newPostgresDatabase() }, { create: true });
  open.push(sql);
  return sql;
}
