// crm import mail finds the customers a message names by looking their addresses up (db/mail-store.ts
// CustomersByEmail), never by reading every customer's e-mail: the same customers, in id order, on both engines.
import { describe, expect, it } from 'vitest';
import { CustomersByEmail } from '../../src/db/mail-store.js';
import { engines } from '../helpers/engines.js';
import { importSandboxOn } from '../helpers/import-sandbox.js';

describe.each(engines)('customers by e-mail on %s', (engine) => {
  it('finds each address without case, two records with one address both, a field of several addresses by each, and nobody for the rest', async () => {
    const { sql } = await importSandboxOn(engine);
    const add = (externalId: string, email: string | null) =>
      sql.run("INSERT INTO customers (external_id, name, email, status, created_at, updated_at) VALUES (?, ?, ?, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')", [externalId, externalId, email]);
    await add('C1', 'Ann@Example.CN');
    await add('C2', 'bob@example.cn');
    await add('C3', 'c1@example.cn; C2@example.cn,c3@example.cn c4@example.cn');
    await add('C4', 'ann@example.cn');
    await add('C5', null);
    await add('C6', 'c2@example.cn');
    const customers = await CustomersByEmail.open(sql);
    // More addresses than one statement takes (500): the ones that name customers are among them.
    const others = Array.from({ length: 1200 }, (_, index) => `nobody${index}@example.cn`);
    await customers.load([...others.slice(0, 700), 'ann@example.cn', 'c2@example.cn', 'c4@example.cn', ...others.slice(700), 'bob@example.cn']);
    const ids = (address: string) => customers.get(address).map((customer) => customer.externalId);
    expect(ids('ann@example.cn')).toEqual(['C1', 'C4']);
    expect(ids('c2@example.cn')).toEqual(['C3', 'C6']);
    expect(ids('c4@example.cn')).toEqual(['C3']);
    expect(ids('bob@example.cn')).toEqual(['C2']);
    expect(customers.has('nobody3@example.cn')).toBe(false);
    expect(customers.has('nobody1100@example.cn')).toBe(false);
    // Not looked up: nobody, until it is.
    expect(customers.has('c1@example.cn')).toBe(false);
    await customers.load(['c1@example.cn', 'ann@example.cn']);
    expect(ids('c1@example.cn')).toEqual(['C3']);
    expect(ids('ann@example.cn')).toEqual(['C1', 'C4']);
    await sql.close();
  });
});
