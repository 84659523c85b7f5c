// Duplicate detection: normalisation of e-mail, phone and names, and the groups of linked customers it finds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  groupDuplicates, nameKey, normaliseEmail, normalisePhone, reasonsOf, withinDistance, type DuplicateCandidate,
} from '../../src/analysis/duplicates.js';
import { levenshtein, similarNames } from '../helpers/similar-names.js';
import { duplicatesOf } from '../../src/report/duplicates.js';

describe('normalisation', () => {
  it.each([
    [' Zhang.Wei@Example.COM ', 'zhang.wei@example.com'],
    ['', null],
    [null, null],
    ['ｚｈａｎｇ@example.com', 'zhang@example.com'],
  ])('e-mail %j → %j', (raw, expected) => expect(normaliseEmail(raw)).toBe(expected));

  it.each([
    ['138 0013 8000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['(021) 6234-5678', '02162345678'],
    ['021-62345678 ext 12', '02162345678'],
    ['021-62345678转12', '02162345678'],
    ['1234', null],
    ['', null],
    [null, null],
  ])('phone %j → %j', (raw, expected) => expect(normalisePhone(raw)).toBe(expected));

  it.each([
    ['Oliver Smith', 'oliversmith'],
    ['Smith, Oliver', 'oliversmith'],
    ["Liam O'Brien", 'brienliamo'],
    ['王 伟', '王伟'],
    ['王伟', '王伟'],
    ['ＥＭＭＡ clarke', 'clarkeemma'],
  ])('name key %j → %j', (raw, expected) => expect(nameKey(raw)).toBe(expected));

  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['王伟', '王玮', 1],
    ['same', 'same', 0],
  ])('levenshtein(%j, %j) = %i', (a, b, distance) => expect(levenshtein(a, b)).toBe(distance));

  it.each([
    ['Emma Clarke', 'Emma Clark', true],
    ['Clarke Emma', 'emma  clarke', true],
    ['王伟', '王伟', true],
    ['王伟', '王玮', false],
    ['王秀英', '王秀瑛', false],
    ['Oliver Smith', 'Olivia Smith', false],
    ['Ann', 'Anne', false],
    ['', '', false],
  ])('similarNames(%j, %j) is %s', (a, b, similar) => expect(similarNames(a, b)).toBe(similar));
});

const customer = (id: number, name: string, extra: Partial<DuplicateCandidate> = {}): DuplicateCandidate => ({
  id, external_id: `C${id}`, name, email: null, phone: null, city: null, ...extra,
});

/** The rule spelled out pair by pair (quadratic, for small inputs): the groups are the connected sets of these pairs. */
function naiveGroups(customers: DuplicateCandidate[]): [number[], string][] {
  const city = (value: string | null) => value?.normalize('NFKC').trim().toLowerCase() || null;
  const links: [number, number, string][] = [];
  for (let i = 0; i < customers.length; i += 1) {
    for (let j = i + 1; j < customers.length; j += 1) {
      const [a, b] = [customers[i]!, customers[j]!];
      if (normaliseEmail(a.email) !== null && normaliseEmail(a.email) === normaliseEmail(b.email)) links.push([i, j, 'same e-mail']);
      if (normalisePhone(a.phone) !== null && normalisePhone(a.phone) === normalisePhone(b.phone)) links.push([i, j, 'same phone']);
      const sameBlock = city(a.city) !== null && city(a.city) === city(b.city) && [...nameKey(a.name)][0] === [...nameKey(b.name)][0];
      if (sameBlock && similarNames(a.name, b.name)) links.push([i, j, 'similar name, same city']);
    }
  }
  const group = customers.map((_, index) => index);
  const root = (index: number): number => (group[index] === index ? index : root(group[index]!));
  for (const [i, j] of links) group[root(j)] = root(i);
  const sets = new Map<number, { ids: number[]; reasons: Set<string> }>();
  customers.forEach((customer, index) => {
    const set = sets.get(root(index)) ?? { ids: [], reasons: new Set<string>() };
    sets.set(root(index), set);
    set.ids.push(customer.id);
  });
  for (const [i, , reason] of links) sets.get(root(i))!.reasons.add(reason);
  const order = ['same e-mail', 'same phone', 'similar name, same city'];
  return [...sets.values()]
    .filter((set) => set.ids.length > 1)
    .map((set): [number[], string] => [set.ids.sort((x, y) => x - y), order.filter((reason) => set.reasons.has(reason)).join('; ')])
    .sort((x, y) => x[0][0]! - y[0][0]!);
}

const grouped = (customers: DuplicateCandidate[]) => groupDuplicates(customers).map((group): [number[], string] => [group.members.map((member) => member.id), group.reasons.join('; ')]);

describe('groupDuplicates', () => {
  it('finds nothing in no customers or one', () => {
    expect(groupDuplicates([])).toEqual([]);
    expect(groupDuplicates([customer(1, 'A', { email: 'a@x.cn', phone: '13800138000', city: '上海' })])).toEqual([]);
  });

  it('one group per set of linked customers, with every reason that links two of them', () => {
    const customers = [
      customer(1, '李芳', { email: 'LI@x.cn', phone: '138 0013 8000', city: '上海' }),
      customer(2, '李 芳', { email: 'li@x.cn', phone: '+86 13800138000', city: '上海' }),
      customer(3, 'Emma Clarke', { city: 'Hangzhou' }),
      customer(4, 'Emma Clark', { city: 'hangzhou ' }),
      customer(5, 'Emma Clark', { city: 'Beijing' }),
      customer(6, '王伟', { city: '北京' }),
      customer(7, '王伟', { city: null }),
      customer(8, 'Someone', { phone: '13800138000' }),
    ];
    // 1–2 by e-mail, phone and name, 8 through the phone it shares with both; 3–4 by name; 5, 6, 7 alone.
    expect(grouped(customers)).toEqual([
      [[1, 2, 8], 'same e-mail; same phone; similar name, same city'],
      [[3, 4], 'similar name, same city'],
    ]);
    expect(grouped(customers)).toEqual(naiveGroups(customers));
  });

  it('a chain of look-alikes is one group (A like B, B like C, A not like C)', () => {
    const customers = [customer(1, 'Person 1000000', { city: 'X' }), customer(2, 'Person 1000009', { city: 'X' }), customer(3, 'Person 1000099', { city: 'X' })];
    expect(similarNames('Person 1000000', 'Person 1000099')).toBe(false);
    expect(grouped(customers)).toEqual([[[1, 2, 3], 'similar name, same city']]);
  });

  it('a link by e-mail first still records that the names are alike too', () => {
    const customers = [customer(1, 'Oliver Smithson', { email: 'o@x.cn', city: 'X' }), customer(2, 'Oliver Smithsen', { email: 'O@x.cn', city: 'x' })];
    expect(grouped(customers)).toEqual([[[1, 2], 'same e-mail; similar name, same city']]);
  });

  it('agrees with the pair-by-pair rule on random customers', () => {
    const names = ['Emma Clarke', 'Emma Clark', 'Clarke Emma', 'Oliver Smith', 'Olivia Smith', '王伟', '王玮', '王 伟', 'Generated Person 12', 'Generated Person 13', 'Generated Person 912'];
    const arbitrary = fc.array(
      fc.record({
        name: fc.constantFrom(...names),
        email: fc.option(fc.constantFrom('a@x.cn', 'A@x.cn', 'b@x.cn'), { nil: null }),
        phone: fc.option(fc.constantFrom('13800138000', '+86 138 0013 8000', '021-62345678'), { nil: null }),
        city: fc.option(fc.constantFrom('上海', 'Hangzhou', 'hangzhou'), { nil: null }),
      }),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(arbitrary, (records) => {
        const customers = records.map((record, index) => customer(index + 1, record.name, record));
        expect(grouped(customers)).toEqual(naiveGroups(customers));
      }),
      { numRuns: 300 },
    );
  });

  it('read a pass at a time, the keys a share at a time (crm customer duplicates on a big shop), the same groups', async () => {
    const names = ['Emma Clarke', 'Emma Clark', 'Clarke Emma', 'Oliver Smith', 'Olivia Smith', '王伟', '王玮', '王 伟', 'Generated Person 12', 'Generated Person 13'];
    const arbitrary = fc.array(
      fc.record({
        name: fc.constantFrom(...names),
        email: fc.option(fc.constantFrom('a@x.cn', 'A@x.cn', 'b@x.cn', 'c@x.cn'), { nil: null }),
        phone: fc.option(fc.constantFrom('13800138000', '+86 138 0013 8000', '021-62345678', '021 6234 5679'), { nil: null }),
        city: fc.option(fc.constantFrom('上海', 'Hangzhou', 'hangzhou', 'Beijing'), { nil: null }),
      }),
      { maxLength: 30 },
    );
    // Batches of 4 customers, keys in shares of 1,000 (one pass for all keys), 3 and 7 customers' worth.
    const read = (customers: DuplicateCandidate[]) => async function* () {
      for (let start = 0; start < customers.length; start += 4) yield customers.slice(start, start + 4);
    };
    await fc.assert(
      fc.asyncProperty(arbitrary, fc.constantFrom(1_000, 3, 7), async (records, keysPerPass) => {
        const customers = records.map((record, index) => customer(index + 1, record.name, record));
        const found = await duplicatesOf(customers.length, read(customers), keysPerPass);
        const groups = Array.from({ length: found.groups }, (_, group) => [
          Array.from(found.members.subarray(found.starts[group]!, found.starts[group + 1]!), (index) => found.ids[index]!),
          reasonsOf(found.reasons[group]!).join('; '),
        ]);
        expect(groups).toEqual(grouped(customers));
      }),
      { numRuns: 200 },
    );
  });
});

describe('withinDistance', () => {
  it('says whether the edit distance is at most the bound, as levenshtein computes it', () => {
    const points = (text: string) => [...text].map((char) => char.codePointAt(0)!);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '王'), maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c', '王'), maxLength: 12 }), fc.integer({ min: 0, max: 5 }), (a, b, max) => {
        expect(withinDistance(points(a), points(b), max)).toBe(levenshtein(a, b) <= max);
      }),
      { numRuns: 2000 },
    );
  });
});
