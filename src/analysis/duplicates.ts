// Which customers are probably the same person: same e-mail or phone after normalisation, or very similar names in one city.

export interface DuplicateCandidate {
  id: number;
  external_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  city: string | null;
}

export type DuplicateReason = 'same e-mail' | 'same phone' | 'similar name, same city';

/** Lower case, trimmed; null when empty. (No provider-specific rules such as Gmail dots: too clever to be safe.) */
export function normaliseEmail(email: string | null): string | null {
  const value = email?.normalize('NFKC').trim().toLowerCase() ?? '';
  return value === '' ? null : value;
}

/** Digits only, without an extension or the China country code (+86, 0086); null below 5 digits. */
export function normalisePhone(phone: string | null): string | null {
  if (!phone) return null;
  const main = phone.normalize('NFKC').split(/\s*(?:ext\.?|x|转)\s*\d+\s*$/i)[0]!;
  let digits = main.replace(/\D/g, '');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (/^\s*\+86/.test(main) || (digits.length === 13 && digits.startsWith('86'))) digits = digits.slice(2);
  return digits.length >= 5 ? digits : null;
}

/**
 * Name key: width-folded, lower case, no spaces or punctuation; word order ignored for Latin names
 * ("Smith, Oliver" = "oliver smith"), kept for Chinese ones (王 伟 = 王伟, surname first).
 */
export function nameKey(name: string): string {
  const words = name.normalize('NFKC').toLowerCase().split(/[\s,.'’·\-_/]+/u).filter(Boolean);
  const ordered = /\p{Script=Han}/u.test(name) ? words : words.sort();
  return ordered.join('').replace(/[\p{P}\p{S}]/gu, '');
}

// Below this length a one-letter difference is a different name (王伟 / 王玮 are two people), so only equal keys count.
// Two names are similar when their keys are equal, or both are at least MIN_FUZZY_LENGTH characters long and
// 1 − edit distance / longer length ≥ MIN_SIMILARITY (exported for the tests' pair-by-pair statement of the rule).
export const MIN_FUZZY_LENGTH = 6;
export const MIN_SIMILARITY = 0.85;

function cityKey(city: string | null): string | null {
  const value = city?.normalize('NFKC').trim().toLowerCase() ?? '';
  return value === '' ? null : value;
}

export interface DuplicateGroup {
  /** Two or more customers, lowest internal id (the oldest record) first. */
  members: DuplicateCandidate[];
  /** Every reason that links two of them, in the order same e-mail, same phone, similar name. */
  reasons: DuplicateReason[];
}

const reasonOrder: DuplicateReason[] = ['same e-mail', 'same phone', 'similar name, same city'];
const EMAIL = 1;
const PHONE = 2;
const NAME = 4;

/**
 * The largest edit distance at which two keys, the longer `longest` characters long, are still similar
 * (1 − distance / longest ≥ MIN_SIMILARITY).
 */
function allowedDistance(longest: number): number {
  let distance = 0;
  while (1 - (distance + 1) / longest >= MIN_SIMILARITY) distance += 1;
  return distance;
}

/** Whether the edit distance of A and B (code points) is at most MAX: a band of 2·MAX + 1 cells per row, stopped early. */
export function withinDistance(a: readonly number[], b: readonly number[], max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  const wide = b.length + 1;
  let previous = new Array<number>(wide);
  let current = new Array<number>(wide);
  for (let j = 0; j < wide; j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    current[from - 1] = from === 1 ? i : max + 1;
    let best = current[from - 1]!;
    for (let j = from; j <= to; j += 1) {
      const above = j <= i - 1 + max ? previous[j]! : max + 1;
      const cell = Math.min(above + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current[j] = cell;
      if (cell < best) best = cell;
    }
    if (to < b.length) current[to + 1] = max + 1;
    if (best > max) return false;
    [previous, current] = [current, previous];
  }
  return previous[b.length]! <= max;
}

/**
 * Probable duplicates as groups: the customers linked to each other, directly or through others, by a shared
 * e-mail or phone or a similar name in the same city, one group per set of linked
 * customers. A union-find over the customers' indexes: memory grows with the number of customers, never with the
 * number of pairs (200,000 customers whose names all look alike are one group, not millions of pairs). E-mails,
 * phones and exact name keys are matched through one map each; only distinct name keys of 6 or more characters are
 * compared with each other, within one city and first letter, and two keys already in one group that is already
 * linked by a name are not compared again. Groups are ordered by their first customer.
 */
export function groupDuplicates(customers: readonly DuplicateCandidate[]): DuplicateGroup[] {
  const count = customers.length;
  const parent = new Int32Array(count);
  const size = new Int32Array(count).fill(1);
  const reasons = new Uint8Array(count);
  for (let index = 0; index < count; index += 1) parent[index] = index;
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[index] !== root) {
      const next = parent[index]!;
      parent[index] = root;
      index = next;
    }
    return root;
  };
  const union = (x: number, y: number, reason: number): void => {
    let left = find(x);
    let right = find(y);
    if (left === right) {
      reasons[left]! |= reason;
      return;
    }
    if (size[left]! < size[right]!) [left, right] = [right, left];
    parent[right] = left;
    size[left]! += size[right]!;
    reasons[left] = reasons[left]! | reasons[right]! | reason;
  };
  const byKey = (key: (customer: DuplicateCandidate) => string | null, reason: number): void => {
    const first = new Map<string, number>();
    customers.forEach((customer, index) => {
      const value = key(customer);
      if (value === null) return;
      const seen = first.get(value);
      if (seen === undefined) first.set(value, index);
      else union(seen, index, reason);
    });
  };
  byKey((customer) => normaliseEmail(customer.email), EMAIL);
  byKey((customer) => normalisePhone(customer.phone), PHONE);
  // Names: equal keys in one city through a map; distinct long keys compared within their city and first letter.
  const blocks = new Map<string, Map<string, number>>();
  customers.forEach((customer, index) => {
    const city = cityKey(customer.city);
    const key = nameKey(customer.name);
    if (city === null || key === '') return;
    const block = `${city}\u0000${String.fromCodePoint(key.codePointAt(0)!)}`;
    const keys = blocks.get(block) ?? new Map<string, number>();
    blocks.set(block, keys);
    const seen = keys.get(key);
    if (seen === undefined) keys.set(key, index);
    else union(seen, index, NAME);
  });
  for (const keys of blocks.values()) {
    const long = [...keys].map(([key, index]) => ({ points: [...key].map((char) => char.codePointAt(0)!), index })).filter((key) => key.points.length >= MIN_FUZZY_LENGTH);
    for (let i = 0; i < long.length; i += 1) {
      for (let j = i + 1; j < long.length; j += 1) {
        const a = long[i]!;
        const b = long[j]!;
        const root = find(a.index);
        if (root === find(b.index) && reasons[root]! & NAME) continue;
        if (withinDistance(a.points, b.points, allowedDistance(Math.max(a.points.length, b.points.length)))) union(a.index, b.index, NAME);
      }
    }
  }
  const members = new Map<number, DuplicateCandidate[]>();
  customers.forEach((customer, index) => {
    const root = find(index);
    if (size[root]! < 2) return;
    const group = members.get(root) ?? [];
    members.set(root, group);
    group.push(customer);
  });
  return [...members]
    .map(([root, group]) => ({
      members: group.sort((x, y) => x.id - y.id),
      reasons: reasonOrder.filter((_, bit) => reasons[root]! & (1 << bit)),
    }))
    .sort((x, y) => x.members[0]!.id - y.members[0]!.id);
}
