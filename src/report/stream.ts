// Listings made while they are written (Report.stream): rows read from the store a batch at a time and turned into
// report rows batch by batch, so a million customers are never a million row objects (report/render.ts renderChunks).
import type { Row, RowStream } from './types.js';

/**
 * A RowStream of COUNT rows over READ (the store's batches, in the listing's order): each call to batches() reads
 * again from the first (a table for a pipe or a file measures, then draws), and ROWS makes a batch's report rows.
 */
export function streamOf<T>(count: number, read: () => AsyncIterable<readonly T[]>, rows: (batch: readonly T[]) => Row[] | Promise<Row[]>): RowStream {
  return {
    count,
    batches: async function* () {
      if (count === 0) return;
      for await (const batch of read()) if (batch.length > 0) yield await rows(batch);
    },
  };
}

/** Rows of a listing a batch at a time (as rfm's listing makes them: a batch's names are looked up together). */
const listingBatch = 2_000;

/**
 * A listing ranked by KEY, largest first, ties by external id (localeCompare, as the listings always sorted), then in
 * the order the entries came (the stable sort of the rows they replace): entry i is customer IDS[i]. Only the order is
 * held (a typed array); what a row shows of a customer is looked up a chunk at a time (LOOKUP: id → what ROW needs,
 * its external id among it), a chunk never splitting customers of one key, so the ties are ordered as a whole.
 */
export function rankedStream<T>(options: {
  key: ArrayLike<number>;
  ids: ArrayLike<number>;
  lookup: (ids: number[]) => Promise<Map<number, T>>;
  externalId: (found: T) => string;
  row: (entry: number, found: T | undefined) => Row;
  /**
   * How customers of one key are ordered: by external id with localeCompare (the default), or in the order LOOKUP's map
   * holds them (a store that reads them in external id order, as the database sorts: byte order on both engines).
   */
  ties?: 'localeCompare' | 'lookup';
}): RowStream {
  const { key, ids } = options;
  const order = new Uint32Array(key.length);
  for (let at = 0; at < order.length; at++) order[at] = at;
  order.sort((a, b) => key[b]! - key[a]! || a - b);
  return {
    count: order.length,
    batches: async function* () {
      let start = 0;
      while (start < order.length) {
        let end = Math.min(order.length, start + listingBatch);
        while (end < order.length && key[order[end]!] === key[order[end - 1]!]) end++;
        const chunk = Array.from(order.subarray(start, end));
        const found = await options.lookup(chunk.map((entry) => ids[entry]!));
        if (options.ties === 'lookup') {
          const place = new Map<number, number>();
          for (const id of found.keys()) place.set(id, place.size);
          const placeOf = (entry: number): number => place.get(ids[entry]!) ?? place.size;
          chunk.sort((a, b) => key[b]! - key[a]! || placeOf(a) - placeOf(b) || a - b);
        } else {
          const externalIdOf = (entry: number): string => {
            const value = found.get(ids[entry]!);
            return value === undefined ? '' : options.externalId(value);
          };
          chunk.sort((a, b) => key[b]! - key[a]! || externalIdOf(a).localeCompare(externalIdOf(b)) || a - b);
        }
        for (let from = 0; from < chunk.length; from += listingBatch) {
          yield chunk.slice(from, from + listingBatch).map((entry) => options.row(entry, found.get(ids[entry]!)));
        }
        start = end;
      }
    },
  };
}
