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
  const links = new DuplicateLinks(customers.length);
  links.add(customers, 0);
  links.compareNames();
  const found = links.groupIndex();
  return Array.from({ length: found.groups }, (_, group) => ({
    members: Array.from(found.members.subarray(found.starts[group]!, found.starts[group + 1]!), (index) => customers[index]!).sort((x, y) => x.id - y.id),
    reasons: reasonsOf(found.reasons[group]!),
  })).sort((x, y) => x.members[0]!.id - y.members[0]!.id);
}

/** The reasons of a group's bits (EMAIL, PHONE, NAME), in the order same e-mail, same phone, similar name. */
export const reasonsOf = (bits: number): DuplicateReason[] => reasonOrder.filter((_, bit) => bits & (1 << bit));

/**
 * The groups as a few typed arrays (DuplicateLinks.groupIndex): group g's members are the customers at indexes
 * members[starts[g]] … members[starts[g + 1] − 1], in index order; groups are ordered by their first member.
 */
export interface DuplicateGroupIndex {
  groups: number;
  members: Int32Array;
  starts: Int32Array;
  /** Per group, the reasons as bits (reasonsOf). */
  reasons: Uint8Array;
  /** The customer id at each index. */
  ids: Float64Array;
}

/**
 * One of PARTS shares of the keys (e-mails, phones, blocks of names), by a hash of the key: a key is always in the same
 * part, so the links found part by part are those found all at once, with a PARTS-th of the keys held at a time.
 */
export interface Part {
  index: number;
  parts: number;
}

const wholePart: Part = { index: 0, parts: 1 };

/** Whether KEY is in PART (FNV-1a over its UTF-16 code units). */
function inPart(key: string, part: Part): boolean {
  if (part.parts === 1) return true;
  let hash = 0x811c9dc5;
  for (let at = 0; at < key.length; at++) hash = Math.imul(hash ^ key.charCodeAt(at), 0x01000193);
  return (hash >>> 0) % part.parts === part.index;
}

/**
 * groupDuplicates over customers fed a batch at a time in id order (index = place in that order), so a million are
 * never all held: only their ids and the union-find (typed arrays), and the keys of one part at a time (Part: a pass
 * over the customers per part, each part's e-mails, phones and names let go before the next). The groups are
 * groupDuplicates' exactly: a union-find ends in the same sets and reasons whatever order the links come in.
 */
export class DuplicateLinks {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  private readonly reasons: Uint8Array;
  /** The first customer of each e-mail and of each phone seen (two maps: one pass may feed both). */
  private first = { [EMAIL]: new Map<string, number>(), [PHONE]: new Map<string, number>() } as Record<number, Map<string, number>>;
  private blocks = new Map<string, Map<string, number>>();

  /** The customer id at each index (every batch fed records its customers'). */
  private readonly ids: Float64Array;

  constructor(readonly count: number) {
    this.ids = new Float64Array(count);
    this.parent = new Int32Array(count);
    this.size = new Int32Array(count).fill(1);
    this.reasons = new Uint8Array(count);
    for (let index = 0; index < count; index += 1) this.parent[index] = index;
  }

  private find(index: number): number {
    const parent = this.parent;
    let root = index;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[index] !== root) {
      const next = parent[index]!;
      parent[index] = root;
      index = next;
    }
    return root;
  }

  private union(x: number, y: number, reason: number): void {
    let left = this.find(x);
    let right = this.find(y);
    if (left === right) {
      this.reasons[left]! |= reason;
      return;
    }
    if (this.size[left]! < this.size[right]!) [left, right] = [right, left];
    this.parent[right] = left;
    this.size[left]! += this.size[right]!;
    this.reasons[left] = this.reasons[left]! | this.reasons[right]! | reason;
  }

  private byKey(customers: readonly DuplicateCandidate[], start: number, key: (customer: DuplicateCandidate) => string | null, reason: number, part: Part): void {
    customers.forEach((customer, offset) => {
      const index = start + offset;
      if (index >= this.count) return;
      const value = key(customer);
      if (value === null || !inPart(value, part)) return;
      const first = this.first[reason]!;
      const seen = first.get(value);
      if (seen === undefined) first.set(value, index);
      else this.union(seen, index, reason);
    });
  }

  /** A batch of customers, the first at index START: linked by e-mail, phone and name (only the keys in PART). */
  add(customers: readonly DuplicateCandidate[], start: number, part: Part = wholePart): void {
    customers.forEach((customer, offset) => {
      if (start + offset < this.count) this.ids[start + offset] = customer.id;
    });
    this.emails(customers, start, part);
    this.phones(customers, start, part);
    this.names(customers, start, part);
  }

  /** A batch of customers, the first at index START: linked by e-mail (only the e-mails in PART). */
  emails(customers: readonly DuplicateCandidate[], start: number, part: Part = wholePart): void {
    this.byKey(customers, start, (customer) => normaliseEmail(customer.email), EMAIL, part);
  }

  /** A batch of customers: linked by phone (only the phones in PART). */
  phones(customers: readonly DuplicateCandidate[], start: number, part: Part = wholePart): void {
    this.byKey(customers, start, (customer) => normalisePhone(customer.phone), PHONE, part);
  }

  /** The e-mails and phones (of a part) are all in: their keys are let go. */
  endKey(): void {
    this.first = { [EMAIL]: new Map<string, number>(), [PHONE]: new Map<string, number>() };
  }

  /**
   * A batch of customers: names, equal keys in one city linked through a map, the distinct keys kept per city and
   * first letter (only the blocks of city and first letter in PART).
   */
  names(customers: readonly DuplicateCandidate[], start: number, part: Part = wholePart): void {
    customers.forEach((customer, offset) => {
      const index = start + offset;
      if (index >= this.count) return;
      const city = cityKey(customer.city);
      const key = nameKey(customer.name);
      if (city === null || key === '') return;
      const block = `${city}\u0000${String.fromCodePoint(key.codePointAt(0)!)}`;
      if (!inPart(block, part)) return;
      const keys = this.blocks.get(block) ?? new Map<string, number>();
      this.blocks.set(block, keys);
      const seen = keys.get(key);
      if (seen === undefined) keys.set(key, index);
      else this.union(seen, index, NAME);
    });
  }

  /** Every name is in: distinct long keys compared within their city and first letter; then the keys are let go. */
  compareNames(): void {
    for (const keys of this.blocks.values()) {
      const long = [...keys].map(([key, index]) => ({ points: [...key].map((char) => char.codePointAt(0)!), index })).filter((key) => key.points.length >= MIN_FUZZY_LENGTH);
      for (let i = 0; i < long.length; i += 1) {
        for (let j = i + 1; j < long.length; j += 1) {
          const a = long[i]!;
          const b = long[j]!;
          const root = this.find(a.index);
          if (root === this.find(b.index) && this.reasons[root]! & NAME) continue;
          if (withinDistance(a.points, b.points, allowedDistance(Math.max(a.points.length, b.points.length)))) this.union(a.index, b.index, NAME);
        }
      }
    }
    this.blocks = new Map();
  }

  /** The groups of two or more linked customers, ordered by their first (lowest index) customer. */
  groupIndex(): DuplicateGroupIndex {
    const groupOfRoot = new Int32Array(this.count).fill(-1);
    const groupOf = new Int32Array(this.count).fill(-1);
    let groups = 0;
    for (let index = 0; index < this.count; index++) {
      const root = this.find(index);
      if (this.size[root]! < 2) continue;
      if (groupOfRoot[root] === -1) groupOfRoot[root] = groups++;
      groupOf[index] = groupOfRoot[root]!;
    }
    const starts = new Int32Array(groups + 1);
    const reasons = new Uint8Array(groups);
    for (let index = 0; index < this.count; index++) if (groupOf[index]! >= 0) starts[groupOf[index]! + 1]! += 1;
    for (let group = 0; group < groups; group++) starts[group + 1]! += starts[group]!;
    const members = new Int32Array(starts[groups]!);
    const next = starts.slice(0, groups);
    for (let index = 0; index < this.count; index++) {
      const group = groupOf[index]!;
      if (group < 0) continue;
      members[next[group]!++] = index;
      reasons[group] = this.reasons[this.find(index)]!;
    }
    return { groups, members, starts, reasons, ids: this.ids };
  }
}
