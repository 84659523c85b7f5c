// Issue 20: the listings of every customer are written as their rows are read (Report.stream), never all held. The
// text is what the listings printed when they collected their rows first: the golden files under test/golden/lists
// were checked byte for byte against the collecting build (the commit before the streaming ones) on the same data,
// and both engines must print them. On a terminal a listing shows a screenful and says how many more there are.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runCrm } from '../helpers/cli.js';
import { expectGolden, formatExtension } from '../helpers/golden.js';
import { engines } from '../helpers/engines.js';
import { samplesOn } from '../helpers/same-data.js';

export const listsGoldenDir = path.join(projectRoot, 'test/golden/lists');

const asOf = ['--as-of', '2026-11-23'];
const formats = ['table', 'json', 'csv', 'md'] as const;

/** Golden name → the listing's arguments. */
export const streamedListings: Record<string, string[]> = {
  profit: ['report', 'profit', ...asOf],
  'profit-12m-zh': ['report', 'profit', ...asOf, '--period', '12m', '--lang', 'zh'],
  lost: ['report', 'lost', ...asOf],
  'lost-12m': ['report', 'lost', ...asOf, '--period', '12m'],
  customers: ['customer', 'list'],
  'customers-revenue-limit': ['customer', 'list', '--sort', 'revenue', '--limit', '30'],
  leads: ['customer', 'list', '--kind', 'lead', '--lang', 'zh'],
  duplicates: ['customer', 'duplicates'],
  loyalty: ['loyalty', '--customers', ...asOf],
  lifecycle: ['lifecycle', '--customers', ...asOf],
  'lifecycle-decline-zh': ['lifecycle', '--stage', 'decline', ...asOf, '--lang', 'zh'],
  pyramid: ['pyramid', '--customers', ...asOf],
  'pyramid-gold': ['pyramid', '--tier', 'gold', ...asOf],
};

const sampleKinds = ['customers', 'orders', 'payments', 'interactions', 'surveys'];

describe.each(engines)('listings written as they are read, on %s', (engine) => {
  it.each(Object.entries(streamedListings))('%s: every format byte for byte as the collected listing printed it', async (name, args) => {
    const db = await samplesOn(engine, sampleKinds);
    for (const format of formats) {
      const result = await runCrm(['--db', db, ...args, '--format', format]);
      expect(result.code, result.stderr).toBe(0);
      expectGolden(`${name}.${formatExtension[format]}`, result.stdout, listsGoldenDir);
    }
  });

  it('a table on a terminal shows a screenful and says how many more; --limit and CSV show them all', async () => {
    const db = await samplesOn(engine, sampleKinds);
    const screen = { columns: 400, rows: 24 };
    // (24 − 8) / 2 = 8 rows on a 24-line terminal.
    for (const args of Object.values(streamedListings)) {
      const csv = await runCrm(['--db', db, ...args, '--format', 'csv']);
      const count = csv.stdout.split('\r\n').length - 2;
      const shown = await runCrm(['--db', db, ...args], { tty: true, screen });
      expect(shown.code, shown.stderr).toBe(0);
      const more = count - 8;
      if (more > 0) {
        expect(shown.stdout, args.join(' ')).toMatch(args.includes('zh') ? `…… 还有 ${more.toLocaleString('en-US')} 行（用 --limit 或 --format csv 查看）` : `… and ${more.toLocaleString('en-US')} more (use --limit or --format csv)`);
        // The rows it shows are the first eight of the whole listing, in its order: each row's second cell (an id, a name
        // or a count) after the one before's.
        const cells = csv.stdout.split('\r\n').slice(1, 10).map((line) => line.split(',')[1]!.replace(/^"|"$/g, ''));
        let at = 0;
        for (const cell of cells.slice(0, 8)) {
          const found = shown.stdout.indexOf(` ${cell} `, at);
          expect(found, `${args.join(' ')}: ${cell}`).toBeGreaterThanOrEqual(at);
          at = found + cell.length + 1;
        }
        expect(shown.stdout.split('\n').filter((line) => line.startsWith('│')).length, args.join(' ')).toBeLessThanOrEqual(10);
      } else {
        expect(shown.stdout).not.toMatch(/more \(use --limit|还有 .* 行/);
      }
    }
  });
});
