// The similar-name rule of analysis/duplicates.ts spelled out directly (full edit distance, pair by pair): the
// reference the tests hold withinDistance and groupDuplicates to.
import { MIN_FUZZY_LENGTH, MIN_SIMILARITY, nameKey } from '../../src/analysis/duplicates.js';

/** Edit distance between A and B, counted in code points. */
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

/** Whether two names are similar: equal keys, or long keys at least MIN_SIMILARITY alike. */
export function similarNames(a: string, b: string): boolean {
  const left = nameKey(a);
  const right = nameKey(b);
  if (left === '' || right === '') return false;
  if (left === right) return true;
  const longest = Math.max([...left].length, [...right].length);
  if (Math.min([...left].length, [...right].length) < MIN_FUZZY_LENGTH) return false;
  return 1 - levenshtein(left, right) / longest >= MIN_SIMILARITY;
}
