// node bench/floor-orders.mjs DB ORDERS.CSV: the floor under crm import orders on SQLite, with no crm code at all.
// The CSV read by csv-parse (the parser crm uses), each order written with better-sqlite3 into crm's own orders table
// (DB: a copy of a database with the customers imported), 128 rows to a statement, the customer found in the
// statement by its id, the secondary indexes dropped first and built again before the one commit: how crm writes a
// first import, without checking a single value, converting an amount or recording the run. run.mjs times it beside
// the sqlite3 tool's .import of the same rows, so the ratio says how close to .import any importer into this schema
// can come on this machine.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';

const [dbFile, ordersFile] = process.argv.slice(2);
if (!dbFile || !ordersFile) {
  console.error('usage: node bench/floor-orders.mjs DB ORDERS.CSV');
  process.exit(2);
}
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('BEGIN IMMEDIATE');
const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'").all();
for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
const perStatement = 128;
const row = "(?, (SELECT id FROM customers WHERE external_id = ?), ?, ?, ?, ?, ?, ?, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z', 'bench', 'bench')";
const head = 'INSERT INTO orders (external_id, customer_id, order_date, product, quantity, amount_cents, cost_cents, status, created_at, updated_at, created_by, updated_by) VALUES ';
const many = db.prepare(head + Array.from({ length: perStatement }, () => row).join(', '));
const one = db.prepare(head + row);
const cents = (text) => (text === '' ? null : Math.round(Number(text) * 100));
let params = [];
let rows = 0;
// order_id, customer_id, order_date, product, quantity, amount, cost, status
for await (const record of fs.createReadStream(ordersFile, { highWaterMark: 1 << 16 }).pipe(parse({ from_line: 2 }))) {
  params.push(record[0], record[1], record[2], record[3] || null, record[4] === '' ? null : Number(record[4]), cents(record[5]), cents(record[6]), record[7] || null);
  rows += 1;
  if (params.length === perStatement * 8) {
    many.run(params);
    params = [];
  }
}
for (let at = 0; at < params.length; at += 8) one.run(params.slice(at, at + 8));
for (const index of indexes) db.exec(index.sql);
db.exec('COMMIT');
db.close();
console.log(`${rows} orders`);
