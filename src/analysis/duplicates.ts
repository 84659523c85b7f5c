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

export interface DuplicatePair {
  a: DuplicateCandidate;
  b: DuplicateCandidate;
  reasons: DuplicateReason[];
}

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

export function levenshtein(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length]!;
}

// Below this length a one-letter difference is a different name (王伟 / 王玮 are two people), so only equal keys count.
const MIN_FUZZY_LENGTH = 6;
const MIN_SIMILARITY = 0.85;

export function similarNames(a: string, b: string): boolean {
  const left = nameKey(a);
  const right = nameKey(b);
  if (left === '' || right === '') return false;
  if (left === right) return true;
  const longest = Math.max([...left].length, [...right].length);
  if (Math.min([...left].length, [...right].length) < MIN_FUZZY_LENGTH) return false;
  return 1 - levenshtein(left, right) / longest >= MIN_SIMILARITY;
}

function cityKey(city: string | null): string | null {
  const value = city?.normalize('NFKC').trim().toLowerCase() ?? '';
  return value === '' ? null : value;
}

/** Every pair once (lower id first), with all its reasons, ordered by the first customer then the second. */
export function findDuplicates(customers: DuplicateCandidate[]): DuplicatePair[] {
  const pairs = new Map<string, DuplicatePair>();
  const add = (x: DuplicateCandidate, y: DuplicateCandidate, reason: DuplicateReason): void => {
    const [a, b] = x.id < y.id ? [x, y] : [y, x];
    const key = `${a.id}:${b.id}`;
    const pair = pairs.get(key) ?? { a, b, reasons: [] };
    if (!pair.reasons.includes(reason)) pair.reasons.push(reason);
    pairs.set(key, pair);
  };
  const groupPairs = (key: (customer: DuplicateCandidate) => string | null, reason: DuplicateReason): void => {
    const groups = new Map<string, DuplicateCandidate[]>();
    for (const customer of customers) {
      const value = key(customer);
      if (value !== null) groups.set(value, [...(groups.get(value) ?? []), customer]);
    }
    for (const group of groups.values()) for (let i = 0; i < group.length; i += 1) for (let j = i + 1; j < group.length; j += 1) add(group[i]!, group[j]!, reason);
  };
  groupPairs((customer) => normaliseEmail(customer.email), 'same e-mail');
  groupPairs((customer) => normalisePhone(customer.phone), 'same phone');
  // Names: compared only within one city and one first letter of the name key (blocking keeps this near linear).
  const blocks = new Map<string, DuplicateCandidate[]>();
  for (const customer of customers) {
    const city = cityKey(customer.city);
    const first = [...nameKey(customer.name)][0];
    if (city === null || first === undefined) continue;
    const block = `${city}\u0000${first}`;
    blocks.set(block, [...(blocks.get(block) ?? []), customer]);
  }
  for (const block of blocks.values()) {
    for (let i = 0; i < block.length; i += 1) {
      for (let j = i + 1; j < block.length; j += 1) if (similarNames(block[i]!.name, block[j]!.name)) add(block[i]!, block[j]!, 'similar name, same city');
    }
  }
  const order: DuplicateReason[] = ['same e-mail', 'same phone', 'similar name, same city'];
  return [...pairs.values()]
    .map((pair) => ({ ...pair, reasons: order.filter((reason) => pair.reasons.includes(reason)) }))
    .sort((x, y) => x.a.id - y.a.id || x.b.id - y.b.id);
}
