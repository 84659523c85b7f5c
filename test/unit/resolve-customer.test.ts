// Reference resolution: external id, internal id, e-mail, phone, part of the name; ambiguity and no match.
import { beforeEach, describe, expect, it } from 'vitest';
import { addCustomer } from '../../src/db/customers.js';
import type { Sql } from '../../src/db/engine/sql.js';
import { resolveCustomer } from '../../src/cli/resolve-customer.js';
import { UsageError } from '../../src/errors.js';
import type { Io } from '../../src/cli/io.js';
import { engines } from '../helpers/engines.js';
import { newStore } from '../helpers/store.js';

const script = { interactive: false, io: {} as Io, info: () => {} };
describe.each(engines)('on %s', (engine) => {
  let db: Sql;

  beforeEach(async () => {
    db = await newStore(engine);
    const now = '2026-11-23T09:00:00Z';
    await addCustomer(db, { external_id: 'C0001', name: '高建国', email: 'Gao1@Example.cn', phone: '136 1642 0445' }, now); // id 1
    await addCustomer(db, { external_id: '2', name: 'Emma Clarke', email: 'emma@example.com' }, now); // id 2, external id "2"
    await addCustomer(db, { external_id: 'C0003', name: '李芳', phone: '(021) 6234-5678' }, now); // id 3
    await addCustomer(db, { external_id: 'C0004', name: '李芳芳' }, now); // id 4
    for (let i = 0; i < 25; i += 1) await addCustomer(db, { external_id: `W${i}`, name: `王${i}号` }, now); // ids 5-29
    await addCustomer(db, { external_id: '1', name: 'Imported as one' }, now); // id 30, external id '1'
  });

  const resolved = async (reference: string) => (await resolveCustomer(script, db, reference)).external_id;
  const failure = async (reference: string) => {
    try {
      await resolveCustomer(script, db, reference);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return [(error as UsageError).message, ...(error as UsageError).details];
    }
    throw new Error(`"${reference}" resolved`);
  };

  describe('resolveCustomer', () => {
    it.each([
      ['C0001', 'C0001'],
      [' C0001 ', 'C0001'],
      ['gao1@example.CN', 'C0001'],
      ['13616420445', 'C0001'],
      ['136-1642-0445', 'C0001'],
      ['02162345678', 'C0003'],
      ['建国', 'C0001'],
      ['emma', '2'],
      ['3', 'C0003'], // internal id
      ['芳芳', 'C0004'],
      ['EMMA@example.COM', '2'],
      ['CLARKE', '2'],
    ])('%j → %s', async (reference, externalId) => {
      expect(await resolved(reference)).toBe(externalId);
    });

    it('prefers the external id over an internal id with the same digits', async () => {
      // "1" is the internal id of 高建国 and the external id of another customer: the external id wins.
      expect(await resolved('1')).toBe('1');
      expect(await resolved('2')).toBe('2');
    });

    it('lists the candidates when the reference is ambiguous', async () => {
      expect(await failure('李芳')).toEqual(['"李芳" matches 2 customers; name one by its id', 'C0003  李芳  ((021) 6234-5678)', 'C0004  李芳芳']);
    });

    it('says when there are more candidates than it lists', async () => {
      const lines = await failure('王');
      expect(lines[0]).toBe('"王" matches more than 20 customers; name one by its id (the first 20 are listed)');
      expect(lines).toHaveLength(21);
    });

    it.each([
      ['nobody', 'no customer matches "nobody" (try `crm customer search "nobody"`)'],
      ['  ', 'the customer reference is empty (give an id, e-mail, phone or part of the name)'],
    ])('%j is a usage error', async (reference, message) => {
      expect((await failure(reference))[0]).toBe(message);
    });
  });

  describe('the note about a merged id', () => {
    it('goes through the message channel: an escape sequence in what was typed is shown, not obeyed', async () => {
      await db.run("INSERT INTO customer_aliases (external_id, customer_id, merged_at) VALUES (?, 1, '2026-11-23T09:00:00Z')", ['OLD\u001b[2J']);
      let stderr = '';
      const io = { stderr: { write: (chunk: string) => ((stderr += chunk), true) } } as unknown as Io;
      const info = (message: string) => void (stderr += message.replace(/\u001b/g, '\\x1b') + '\n');
      expect((await resolveCustomer({ interactive: false, io, info }, db, 'OLD\u001b[2J')).external_id).toBe('C0001');
      expect(stderr).toBe('note: OLD\\x1b[2J was merged into C0001\n');
    });
  });
});
