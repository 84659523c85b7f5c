// Duplicate detection: normalisation of e-mail, phone and names, and the pairs it finds.
import { describe, expect, it } from 'vitest';
import { findDuplicates, levenshtein, nameKey, normaliseEmail, normalisePhone, similarNames, type DuplicateCandidate } from '../../src/analysis/duplicates.js';

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

describe('findDuplicates', () => {
  it('finds nothing in no customers or one', () => {
    expect(findDuplicates([])).toEqual([]);
    expect(findDuplicates([customer(1, 'A', { email: 'a@x.cn', phone: '13800138000', city: '上海' })])).toEqual([]);
  });

  it('pairs by e-mail, phone and similar names in the same city, each pair once with all reasons', () => {
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
    const pairs = findDuplicates(customers).map((pair) => [pair.a.id, pair.b.id, pair.reasons.join('; ')]);
    expect(pairs).toEqual([
      [1, 2, 'same e-mail; same phone; similar name, same city'],
      [1, 8, 'same phone'],
      [2, 8, 'same phone'],
      [3, 4, 'similar name, same city'],
    ]);
  });
});
