// Crash safety: an import killed with SIGKILL at random points leaves the database as before and intact.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrm, samples, spawnCrmAsync } from '../helpers/cli.js';
import { fullDump, withDb } from '../helpers/db.js';
import { writeCustomersFile } from '../helpers/generate.js';

const ROWS = 200_000;
const KILLS = 10;
let dir: string;
let db: string;
let big: Buffer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-crash-'));
  db = path.join(dir, 'crm.db');
  await runCrm(['--db', db, 'init']);
  await runCrm(['--db', db, 'import', 'customers', path.join(samples, 'customers.csv')]);
  writeCustomersFile(path.join(dir, 'big.csv'), ROWS);
  big = fs.readFileSync(path.join(dir, 'big.csv'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` to the child's stdin, waiting whenever the pipe is full (so crm is really consuming). */
async function feed(child: ChildProcess, exited: Promise<unknown>, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length && child.exitCode === null; at += 1 << 16) {
    if (!child.stdin!.write(bytes.subarray(at, Math.min(bytes.length, at + (1 << 16))))) {
      await Promise.race([new Promise((resolve) => child.stdin!.once('drain', resolve)), exited]);
    }
  }
}

describe('crash safety', () => {
  it(`an import killed with SIGKILL at ${KILLS} random points leaves the database as it was and intact`, async () => {
    const before = fullDump(db);
    const points: number[] = [];
    for (let attempt = 0; attempt < KILLS; attempt += 1) {
      // The file streams in through stdin, so the kill is certain to land before the end of the file,
      // after crm has written a random share of it into its open transaction (spilled to the WAL).
      const cut = Math.floor(big.length * (0.02 + Math.random() * 0.4));
      points.push(cut);
      const child = spawnCrmAsync(['--db', db, 'import', 'customers', '-'], { cwd: dir });
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      child.stdout!.resume();
      child.stderr!.resume();
      child.stdin!.on('error', () => undefined);
      await feed(child, exited, big.subarray(0, cut));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      expect({ code, signal, cut }).toEqual({ code: null, signal: 'SIGKILL', cut });
      expect(fullDump(db), `killed after ${cut} bytes`).toEqual(before);
      expect(withDb(db, (handle) => handle.pragma('integrity_check', { simple: true }), false)).toBe('ok');
    }
    // And the database is healthy and takes imports afterwards.
    expect((await runCrm(['--db', db, 'doctor'])).code).toBe(0);
    const done = await runCrm(['--db', db, 'import', 'customers', '-', '--format', 'json'], { stdin: big.subarray(0, big.indexOf('\nG1000,') + 1) });
    expect(JSON.parse(done.stdout)).toMatchObject({ rows_read: 1000, new: 1000 });
    expect(new Set(points).size).toBe(KILLS);
  });
});
