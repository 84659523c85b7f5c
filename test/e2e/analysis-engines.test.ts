// End-to-end: every analysis command prints the same bytes on a SQLite file and on a PostgreSQL database that hold
// the same data (issue 18): the samples imported into a file, copied into a server database by crm db copy.
import { beforeEach, describe, expect, it } from 'vitest';
import { runCrm } from '../helpers/cli.js';
import { postgresAvailable } from '../helpers/engines.js';
import { samplesOn } from '../helpers/same-data.js';

const asOf = ['--as-of', '2026-10-31'];

/** Each analysis, as a user types it (without --format: each runs as JSON and as a table). */
const analyses: string[][] = [
  ['rfm', ...asOf],
  ['rfm', ...asOf, '--limit', '10'],
  ['rfm', ...asOf, '--segment', 'Champions'],
  ['rfm', ...asOf, '--since', '2026-01-01'],
  ['rfm', ...asOf, '--thresholds', 'r=30,60,90,180 f=2,4,8,16 m=100,500,1000,5000'],
  ['rfm', ...asOf, '--include-partners'],
  ['segment', ...asOf],
  ['segment', ...asOf, '--customers'],
  ['segment', ...asOf, '--scheme', 'cn8'],
  ['segment', ...asOf, '--scheme', 'cn8', '--baseline', 'median', '--bins', '3'],
  ['segment', ...asOf, '--lang', 'zh'],
  ['pyramid', ...asOf],
  ['pyramid', ...asOf, '--customers'],
  ['pyramid', ...asOf, '--tier', 'gold'],
  ['pyramid', ...asOf, '--since', '2026-01-01', '--cuts', '2,10,30'],
  ['pyramid', ...asOf, '--cuts', '0.5,5.5,20'],
  ['pyramid', ...asOf, '--by', 'clv'],
  ['pyramid', ...asOf, '--by', 'clv', '--customers'],
  ['lifecycle', ...asOf],
  ['lifecycle', ...asOf, '--customers'],
  ['lifecycle', ...asOf, '--stage', 'decline'],
  ['lifecycle', ...asOf, '--since', '2026-01-01'],
  ['loyalty', ...asOf],
  ['loyalty', ...asOf, '--customers'],
  ['loyalty', ...asOf, '--window', '180', '--willing-at', '0.9'],
  ['advise', ...asOf],
  ['clv', ...asOf],
  ['clv', ...asOf, '--unit', 'day', '--limit', '20', '--horizon', '90d'],
  ['clv', ...asOf, '--unit', 'month', '--include-partners'],
  ['clv', '--validate', '--calibration-end', '2026-03-31', ...asOf],
  ['snapshot', 'save', '--as-of', '2026-06-30'],
  ['snapshot', 'save', ...asOf],
  ['snapshot', 'save', ...asOf],
  ['snapshot', 'list'],
  ['snapshot', 'diff'],
  ['snapshot', 'diff', '--customers'],
  ['snapshot', 'diff', '2026-06-30', '2026-10-31', '--high', 'Champions,Loyal Customers'],
];

describe.skipIf(!postgresAvailable)('the analyses on SQLite and on PostgreSQL, same data', () => {
  const kinds = ['customers', 'orders', 'interactions', 'payments', 'surveys'];
  let file: string;
  let server: string;
  // Each test gets its own copies (a test's temp folder goes when it ends).
  beforeEach(async () => {
    file = await samplesOn('sqlite', kinds);
    server = await samplesOn('postgres', kinds);
  });

  it('print byte-identical JSON and tables, with the same messages and exit codes', async () => {
    // The server does hold the samples: 200 customers and the converted leads score.
    const scored = JSON.parse((await runCrm(['--db', server, 'rfm', ...asOf, '--format', 'json'])).stdout) as { rows: unknown[] };
    expect(scored.rows.length).toBe(205);
    // One database of each kind for the whole list, in order: snapshot diff compares what snapshot save stored.
    for (const argv of analyses) {
      for (const format of argv[0] === 'snapshot' && argv[1] === 'save' ? [['--format', 'json']] : [['--format', 'json'], ['--format', 'table'], ['--format', 'csv']]) {
        const onFile = await runCrm(['--db', file, ...argv, ...format]);
        const onServer = await runCrm(['--db', server, ...argv, ...format]);
        const shown = `crm ${[...argv, ...format].join(' ')}`;
        expect(onFile.code, `${shown}: ${onFile.stderr}`).toBe(0);
        expect(onServer.stdout, shown).toBe(onFile.stdout);
        expect(onServer.stderr, shown).toBe(onFile.stderr);
        expect(onServer.code, shown).toBe(onFile.code);
      }
    }
  });

  it('count contacts by the shop\'s days in another zone alike (the pyramid cuts instants at its midnights)', async () => {
    for (const argv of [['pyramid', ...asOf, '--format', 'json'], ['pyramid', ...asOf, '--since', '2026-09-01', '--customers', '--format', 'json']]) {
      const env = { TZ: 'Asia/Shanghai' };
      const onFile = await runCrm(['--db', file, ...argv], { env });
      expect(onFile.code, onFile.stderr).toBe(0);
      expect((await runCrm(['--db', server, ...argv], { env })).stdout).toBe(onFile.stdout);
    }
  });
});
