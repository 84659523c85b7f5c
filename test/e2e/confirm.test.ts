// Destructive commands ask on a terminal: "no" changes nothing, "yes" goes ahead.
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { runCrm } from '../helpers/cli.js';
import { fullDump, sampleDb } from '../helpers/db.js';

/** Runs crm in-process on a pretend terminal (real streams, isTTY set), typing `keys` once the question is asked. */
async function onTerminal(argv: string[], keys: string): Promise<{ code: number; screen: string; stderr: string }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  // Like process.stdout, the pretend terminal cannot be ended by the prompt library.
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  stdout.end = (() => stdout) as never;
  let screen = '';
  let stderr = '';
  stdout.on('data', (chunk) => {
    screen += chunk;
    if (screen.includes('?') && keys) {
      const typed = keys;
      keys = '';
      // A moment for the prompt to start listening after its first render.
      setTimeout(() => stdin.write(typed), 50);
    }
  });
  const io: Io = {
    stdin, stdout, stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: true },
    env: { NO_COLOR: '1', LANG: 'en_US.UTF-8' }, cwd: process.cwd(), now: () => new Date('2026-11-23T09:00:00Z'),
  };
  const code = await run(argv, io);
  return { code, screen, stderr };
}

describe('confirmation on a terminal', () => {
  it('customer forget: answering no changes nothing (exit 1), yes erases', async () => {
    const { db } = await sampleDb();
    const before = fullDump(db);
    const declined = await onTerminal(['--db', db, 'customer', 'forget', 'C0001'], 'n\r');
    expect(declined.screen).toContain('Erase the personal data of C0001');
    expect(declined.stderr).toContain('cancelled; nothing was changed');
    expect(declined.code).toBe(1);
    expect(fullDump(db)).toEqual(before);
    const accepted = await onTerminal(['--db', db, 'customer', 'forget', 'C0001'], 'y\r');
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.screen).toContain('forgot customer C0001');
  });

  it.each([
    [['customer', 'rm', 'C0001'], 'Remove C0001', 'cancelled; nothing was removed'],
    [['customer', 'merge', 'C0198', 'C0199'], 'Merge C0199', 'cancelled; nothing was changed'],
  ])('crm %j: answering no changes nothing and exits 1, like every declined confirmation', async (argv, question, message) => {
    const { db } = await sampleDb();
    const before = fullDump(db);
    const declined = await onTerminal(['--db', db, ...argv], 'n\r');
    expect(declined.screen).toContain(question);
    expect(declined.stderr).toContain(message);
    expect(declined.code).toBe(1);
    expect(fullDump(db)).toEqual(before);
  });

  it('restore: answering no (the default) keeps the database', async () => {
    const { dir, db } = await sampleDb();
    const backup = path.join(dir, 'b.db');
    await runCrm(['--db', db, 'backup', backup]);
    const before = fullDump(db);
    const declined = await onTerminal(['--db', db, 'restore', backup], '\r');
    expect(declined.screen).toContain('Replace');
    expect(declined.stderr).toContain('cancelled; nothing was changed');
    expect(fullDump(db)).toEqual(before);
  });
});
