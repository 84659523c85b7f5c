// npm run bench [-- --size 25k|100k|1m|10m|5m] [--runs 3] [--db postgresql://ADMIN@HOST/DB]: crm against the sqlite3 tool
// on the same data, in the same run (and crm clv against crm rfm); with --db, the same on that PostgreSQL server
// against psql (bench/postgres.mjs).
// Every figure is printed next to its baseline and the ratio; results also go to bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { baselineSql } from './baseline-sql.mjs';
import { postgresBench } from './postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const crm = path.join(root, 'bin/crm');
const args = process.argv.slice(2);
const usage = 'usage: npm run bench [-- --size 25k|100k|1m|10m|5m] [--runs N] [--db postgresql://ADMIN@HOST/DB] [--analysis-only] [--postgres-only]';
// Anything else is a mistake, not a run: a full run at the default size takes most of an hour.
const known = new Set(['--size', '--runs', '--db']);
const flags = new Set(['--analysis-only', '--postgres-only']);
for (let at = 0; at < args.length; at += 1) {
  if (args[at] === '--help' || args[at] === '-h') {
    console.log(usage);
    process.exit(0);
  }
  if (known.has(args[at])) at += 1;
  else if (!flags.has(args[at])) {
    console.error(`unknown argument ${args[at]}\n${usage}`);
    process.exit(2);
  }
}
const postgresOnly = args.includes('--postgres-only');
if (postgresOnly && !args.includes('--db')) {
  console.error(`--postgres-only needs --db postgresql://…\n${usage}`);
  process.exit(2);
}
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
// 10m is the size a busy shop reaches after some years: 2M customers, 10M orders (issue 20).
const sizes = { '25k': [25_000, 125_000], '100k': [100_000, 500_000], '1m': [1_000_000, 5_000_000], '10m': [2_000_000, 10_000_000], '5m': [5_000_000, 25_000_000] };
const size = option('size', '1m');
if (!sizes[size]) {
  console.error(`--size must be one of ${Object.keys(sizes).join(', ')}`);
  process.exit(2);
}
const runs = Number(option('runs', 3));
const [customerCount, orderCount] = sizes[size];
const work = path.join(os.tmpdir(), `crm-bench-${size}`);
const asOf = '2026-11-30';
const log = (message) => process.stderr.write(`${message}\n`);

function ensureSqlite3() {
  const found = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim().split(' ')[0];
  if (process.getuid?.() === 0) {
    log('sqlite3 not found: installing it with apt-get …');
    spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq sqlite3'], { stdio: 'ignore' });
    const again = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
    if (again.status === 0) return again.stdout.trim().split(' ')[0];
  }
  log('sqlite3 is NOT installed and could not be installed (run as root: apt-get install -y sqlite3): every sqlite3 baseline is skipped, and the targets measured against one are not judged');
  return null;
}

const hasGnuTime = fs.existsSync('/usr/bin/time');

/** Runs a command as a whole process; returns wall seconds and peak RSS in MB (GNU time when present). */
function measure(command, commandArgs, { input, env } = {}) {
  const stats = path.join(work, 'time.txt');
  const started = process.hrtime.bigint();
  const result = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', stats, command, ...commandArgs], { input, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(command, commandArgs, { input, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status}): ${result.stderr.slice(0, 500)}`);
  let rssMb = null;
  if (hasGnuTime) {
    const [, kb] = fs.readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ');
    rssMb = Number(kb) / 1024;
  }
  return { seconds: wall, rssMb, stdout: result.stdout };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function repeat(times, fn) {
  const samples = [];
  for (let index = 0; index < times; index += 1) samples.push(fn(index));
  return { seconds: median(samples.map((sample) => sample.seconds)), rssMb: samples[0].rssMb === null ? null : Math.max(...samples.map((sample) => sample.rssMb)) };
}

function freshDb(name) {
  const file = path.join(work, name);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  spawnSync(process.execPath, [crm, '--db', file, 'init'], { stdio: 'ignore' });
  return file;
}

function copyDb(from, name) {
  const file = path.join(work, name);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  fs.copyFileSync(from, file);
  return file;
}

const helpText = spawnSync(process.execPath, [crm, '--help'], { encoding: 'utf8' }).stdout;
/** Whether this build has the command (analysis and reports land in later issues). */
const crmAvailable = (command) => new RegExp(`^  ${command}\\b`, 'm').test(helpText);

const results = [];
function record(name, figure, baseline, target) {
  const ratio = baseline ? figure.seconds / baseline.seconds : null;
  const note = !baseline && target && !sqliteVersion && name.startsWith('import') ? 'no baseline: sqlite3 missing' : undefined;
  results.push({ name, seconds: figure.seconds, rssMb: figure.rssMb, baselineSeconds: baseline?.seconds ?? null, baselineRssMb: baseline?.rssMb ?? null, ratio, target: target?.text ?? '', met: note ? null : target ? target.check(figure, ratio) : null, note });
  const baselineText = baseline ? ` vs ${baseline.seconds.toFixed(3)} s${baseline.rssMb ? `, ${baseline.rssMb.toFixed(0)} MB` : ''} (×${ratio.toFixed(2)})` : '';
  log(`  ${name}: ${figure.seconds.toFixed(3)} s${figure.rssMb ? `, ${figure.rssMb.toFixed(0)} MB peak` : ''}${baselineText}`);
}

const sqliteVersion = ensureSqlite3();
fs.mkdirSync(work, { recursive: true });
const marker = path.join(work, 'generated.json');
const wanted = JSON.stringify({ customerCount, orderCount, seed: 42, version: 1 });
let files;
if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === wanted) {
  files = { customersFile: path.join(work, 'customers.csv'), ordersFile: path.join(work, 'orders.csv') };
  log(`reusing generated data in ${work}`);
} else {
  log(`generating ${customerCount.toLocaleString('en-US')} customers and ${orderCount.toLocaleString('en-US')} orders in ${work} …`);
  files = generate({ customers: customerCount, orders: orderCount, out: work, seed: 42 });
  fs.writeFileSync(marker, wanted);
}

let customersDb;
let bigDb = path.join(work, 'big.db');
// --postgres-only (with --db): only the PostgreSQL part, on the generated files; the SQLite figures are another run's.
if (!postgresOnly) {
  // --analysis-only: reuse the database of the last full run in the same folder (imports are not measured).
  const analysisOnly = args.includes('--analysis-only') && fs.existsSync(path.join(work, 'big.db'));
  if (!analysisOnly) log(`import (median of ${runs}):`);
  // issue 20: orders at ≥ 250,000 rows/s and within 1.3× of the sqlite3 tool's .import of the same rows into a typed table
  // with a text primary key; customers within 1.3× of their baseline (sqlite3 into crm's own schema). The other baseline of
  // each is printed beside it. crm and its baselines take turns, run by run, so a busy machine weighs on all alike.
  const rowsPerSecond = (rows) => ({ text: `≥ 250,000 rows/s, ≤ 1.3× sqlite3 .import, < 150 MB`, check: (figure, ratio) => rows / figure.seconds >= 250_000 && ratio !== null && ratio <= 1.3 && (figure.rssMb === null || figure.rssMb < 150) });
  const importTarget = { text: '≤ 1.3× sqlite3, < 150 MB', check: (figure, ratio) => ratio !== null && ratio <= 1.3 && (figure.rssMb === null || figure.rssMb < 150) };
  const reported = { text: 'reported', check: () => null };
  const plainDb = () => {
    const file = path.join(work, 'baseline-plain.db');
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    return file;
  };
  /** RUNS rounds of each measure in turn; the median (and peak RSS) of each. */
  function alternate(measures) {
    const samples = measures.map(() => []);
    for (let run = 0; run < runs; run += 1) measures.forEach((fn, index) => fn && samples[index].push(fn()));
    return samples.map((list) => (list.length === 0 ? null : { seconds: median(list.map((sample) => sample.seconds)), rssMb: list[0].rssMb === null ? null : Math.max(...list.map((sample) => sample.rssMb)) }));
  }
  if (!analysisOnly) {
    const [crmCustomers, sqliteCustomers, plainCustomers] = alternate([
      () => {
        customersDb = freshDb('customers-only.db');
        return measure(process.execPath, [crm, '--db', customersDb, 'import', 'customers', files.customersFile]);
      },
      sqliteVersion && (() => measure('sqlite3', [freshDb('baseline-customers.db')], { input: baselineSql.importCustomers(files.customersFile) })),
      sqliteVersion && (() => measure('sqlite3', [plainDb()], { input: baselineSql.importCustomersPlain(files.customersFile) })),
    ]);
    record('import customers', crmCustomers, sqliteCustomers, importTarget);
    if (plainCustomers) record('import customers (baseline: sqlite3 .import, text key)', crmCustomers, plainCustomers, reported);
    const [crmOrders, plainOrders, sqliteOrders, floorOrders] = alternate([
      () => {
        bigDb = copyDb(customersDb, 'big.db');
        return measure(process.execPath, [crm, '--db', bigDb, 'import', 'orders', files.ordersFile]);
      },
      sqliteVersion && (() => measure('sqlite3', [plainDb()], { input: baselineSql.importOrdersPlain(files.ordersFile) })),
      sqliteVersion && (() => measure('sqlite3', [copyDb(customersDb, 'baseline-orders.db')], { input: baselineSql.importOrders(files.ordersFile) })),
      // The floor under any importer into crm's schema with these libraries (bench/floor-orders.mjs: no crm code).
      () => measure(process.execPath, [path.join(root, 'bench/floor-orders.mjs'), copyDb(customersDb, 'floor-orders.db'), files.ordersFile]),
    ]);
    record('import orders', crmOrders, plainOrders, rowsPerSecond(orderCount));
    log(`    ${Math.round(orderCount / crmOrders.seconds).toLocaleString('en-US')} rows/s`);
    if (sqliteOrders) record('import orders (baseline: sqlite3 into crm schema)', crmOrders, sqliteOrders, reported);
    record('import orders (baseline: the floor, better-sqlite3 and csv-parse with no crm code)', crmOrders, floorOrders, reported);
    if (plainOrders) record('the floor (baseline: sqlite3 .import)', floorOrders, plainOrders, reported);
    fs.rmSync(path.join(work, 'floor-orders.db'), { force: true });
  }

  log('analysis (median of 3):');
  const analysisTarget = { text: '≤ 1.3× its SQL in sqlite3', check: (_figure, ratio) => ratio === null || ratio <= 1.3 };
  const out = path.join(work, 'out.csv');
  for (const [name, crmArgs, sql] of [
    ['rfm', ['rfm', '--as-of', asOf, '--format', 'csv', '--output', out], baselineSql.rfm(asOf, out)],
    ['segment', ['segment', '--as-of', asOf, '--format', 'csv', '--output', out], baselineSql.segment(asOf, out)],
    ['pyramid', ['pyramid', '--as-of', asOf, '--format', 'csv', '--output', out], baselineSql.pyramid(asOf, out)],
    ['report summary', ['report', 'summary', '--as-of', asOf, '--format', 'csv', '--output', out], baselineSql.summary(asOf, out)],
  ]) {
    if (!crmAvailable(crmArgs[0])) {
      log(`  ${name}: not available in this build`);
      results.push({ name, seconds: null, note: 'not available in this build' });
      continue;
    }
    const figure = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, ...crmArgs]));
    const baseline = sqliteVersion ? repeat(3, () => measure('sqlite3', ['-readonly', bigDb], { input: sql })) : null;
    record(name, figure, baseline, analysisTarget);
  }

  // issue 9: crm clv must finish within 3× crm rfm on the same database; both are timed here, in the same run.
  log('clv against crm rfm (median of 3):');
  if (crmAvailable('clv')) {
    const rfmFigure = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, 'rfm', '--as-of', asOf, '--format', 'csv', '--output', out]));
    const clvFigure = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, 'clv', '--as-of', asOf, '--format', 'csv', '--output', out]));
    record('clv (baseline: crm rfm)', clvFigure, rfmFigure, { text: '≤ 3× crm rfm, < 300 MB', check: (figure, ratio) => ratio !== null && ratio <= 3 && (figure.rssMb === null || figure.rssMb < 300) });
    // issue 20: the summary within 2× crm rfm on the same database.
    const summaryFigure = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, 'report', 'summary', '--as-of', asOf, '--format', 'csv', '--output', out]));
    record('report summary (baseline: crm rfm)', summaryFigure, rfmFigure, { text: '≤ 2× crm rfm, < 300 MB', check: (figure, ratio) => ratio !== null && ratio <= 2 && (figure.rssMb === null || figure.rssMb < 300) });
  } else {
    log('  clv: not available in this build');
    results.push({ name: 'clv (baseline: crm rfm)', seconds: null, note: 'not available in this build' });
  }

  // issue 20: every command peaks under 300 MB at size 1m, and flat from 100k: the agenda and the dashboard (no baseline;
  // their SQL is dozens of statements) by peak RSS.
  log('memory of the whole-shop commands (median of 3):');
  const flatMemory = { text: '< 300 MB peak RSS', check: (figure) => figure.rssMb === null || figure.rssMb < 300 };
  for (const [name, crmArgs] of [
    ['agenda', ['agenda', '--as-of', asOf, '--format', 'csv', '--output', out]],
    ['dashboard', ['dashboard', '--as-of', asOf, '--output', path.join(work, 'dashboard.html')]],
  ]) {
    if (!crmAvailable(crmArgs[0])) continue;
    // The dashboard at size 1m also under 20 s (issue 20), i.e. 2 s per 100,000 customers at any size.
    const target = name === 'dashboard'
      ? { text: `< 300 MB, < ${((20 * customerCount) / 1_000_000).toLocaleString('en-US')} s`, check: (figure) => flatMemory.check(figure) && figure.seconds < (20 * customerCount) / 1_000_000 }
      : flatMemory;
    record(name, repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, ...crmArgs])), null, target);
  }

  // issue 17, big lists out: the table drawn for every customer (not a terminal, so every row), with the CSV of the same
  // rows as its baseline, both in this run; and customer duplicates, whose groups must keep memory bounded.
  log('big lists (median of 3):');
  if (crmAvailable('rfm')) {
    const text = path.join(work, 'out.txt');
    const rfmCsv = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, 'rfm', '--as-of', asOf, '--format', 'csv', '--output', out]));
    const rfmTable = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, 'rfm', '--as-of', asOf, '--format', 'table', '--output', text]));
    // Under 5 s for 25,000 customers (issue 17), and as much more per customer at any size: linear.
    const limit = (5 * customerCount) / 25_000;
    record('rfm as a table (baseline: rfm CSV)', rfmTable, rfmCsv, { text: `< ${limit.toLocaleString('en-US')} s (5 s per 25,000 customers)`, check: (figure) => figure.seconds < limit });
  }
  const duplicates = repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, 'customer', 'duplicates', '--format', 'csv', '--output', out]));
  const duplicateGroups = fs.readFileSync(out, 'utf8').trimEnd().split('\n').length - 1;
  log(`  customer duplicates: ${duplicateGroups.toLocaleString('en-US')} groups`);
  // issue 20: the customers are read a pass at a time, only those in a group held: under 300 MB like every command.
  record('customer duplicates (groups)', duplicates, null, flatMemory);

  // issue 20: the listings of every customer are written as their rows are read (never all held): each under 300 MB at
  // size 1m, and about as much at 100k. CSV to a file, as a nightly export would take them.
  log('listings of every customer (median of 3):');
  for (const [name, crmArgs] of [
    ['report profit', ['report', 'profit', '--as-of', asOf]],
    ['report lost', ['report', 'lost', '--as-of', asOf]],
    ['customer list', ['customer', 'list']],
    ['loyalty --customers', ['loyalty', '--customers', '--as-of', asOf]],
    ['lifecycle --customers', ['lifecycle', '--customers', '--as-of', asOf]],
    ['pyramid --customers', ['pyramid', '--customers', '--as-of', asOf]],
    ['agenda --all', ['agenda', '--all', '--as-of', asOf]],
    ['export contacts', ['export', 'contacts']],
    // Last: it writes a snapshot into the database, which a later crm agenda on it compares with.
    ['snapshot save', ['snapshot', 'save', '--as-of', asOf]],
  ]) {
    if (!crmAvailable(crmArgs[0])) continue;
    record(name, repeat(3, () => measure(process.execPath, [crm, '--db', bigDb, ...crmArgs, '--format', 'csv', '--output', out])), null, flatMemory);
  }
}

const postgresUrl = option('db', null);
if (postgresUrl) {
  postgresBench({ adminUrl: postgresUrl, files, crm, measure, repeat, record, runs, asOf, work, log, customerCount, orderCount });
}

if (!postgresOnly) {
  log('start-up (median of 10):');
  const bare = repeat(10, () => measure(process.execPath, ['-e', '']));
  const help = repeat(10, () => measure(process.execPath, [crm, '--help']));
  results.push({ name: 'crm --help', seconds: help.seconds, rssMb: help.rssMb, baselineSeconds: bare.seconds, ratio: help.seconds / bare.seconds, target: 'within 60 ms of node -e ""', met: help.seconds - bare.seconds <= 0.06 });
  log(`  crm --help: ${help.seconds.toFixed(3)} s vs node -e "" ${bare.seconds.toFixed(3)} s (+${((help.seconds - bare.seconds) * 1000).toFixed(0)} ms)`);
  const show = repeat(10, () => measure(process.execPath, [crm, '--db', bigDb, 'customer', 'show', 'C00000001']));
  results.push({ name: 'crm customer show', seconds: show.seconds, rssMb: show.rssMb, baselineSeconds: bare.seconds, ratio: show.seconds / bare.seconds, target: 'under 150 ms', met: show.seconds < 0.15 });
  log(`  crm customer show: ${show.seconds.toFixed(3)} s (node -e "" ${bare.seconds.toFixed(3)} s)`);
}

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, sqlite3: sqliteVersion, loadAverage: os.loadavg() };
const report = { date: new Date().toISOString(), size, customers: customerCount, orders: orderCount, runs, machine, results };
fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const resultsFile = postgresOnly ? 'latest-postgres.json' : 'latest.json';
fs.writeFileSync(path.join(root, 'bench/results', resultsFile), JSON.stringify(report, null, 2) + '\n');

const fmt = (value, digits = 3) => (value === null || value === undefined ? '—' : value.toFixed(digits));
const rows = results.map((result) => [
  result.name, fmt(result.seconds), result.rssMb ? result.rssMb.toFixed(0) : '—', fmt(result.baselineSeconds), result.ratio ? `×${result.ratio.toFixed(2)}` : '—', result.target ?? '', result.met === null || result.met === undefined ? (result.note ?? '') : result.met ? 'met' : 'NOT met',
]);
const header = ['measure', 'crm s', 'crm MB', 'baseline s', 'ratio', 'target', 'status'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
console.log(`crm benchmark, size ${size}: ${customerCount.toLocaleString('en-US')} customers, ${orderCount.toLocaleString('en-US')} orders; ${machine.cpus} cores, ${machine.memoryGb} GiB, Node ${machine.node}, sqlite3 ${sqliteVersion ?? 'absent'}`);
if (!sqliteVersion) console.log('sqlite3 is not installed: no sqlite3 baselines in this run (apt-get install -y sqlite3)');
console.log('baselines: the sqlite3 tool on the same CSV and the same database (import orders: .import into a typed table with a text primary key; import customers: .import into a staging table then INSERT … SELECT into the same schema in one transaction, each with the other beside it; analysis: the equivalent SQL); start-up: node -e ""');
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line(row));
console.log(`\nwritten to bench/results/${resultsFile}; data in ${work} (delete it when done)`);
