// Test helpers: run crm in-process with fake streams, or spawn the built binary; temporary folders that clean up.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { testActor } from '../postgres-setup.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const crmBin = path.join(projectRoot, 'bin/crm');
export const samples = path.join(projectRoot, 'samples');

const temporaryDirs: string[] = [];

/** A temporary folder removed after the current test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-test-'));
  temporaryDirs.push(dir);
  return dir;
}

afterEach(() => {
  while (temporaryDirs.length) fs.rmSync(temporaryDirs.pop()!, { recursive: true, force: true });
});

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  now?: Date;
  tty?: boolean;
  /** The terminal's size when tty is set (columns × rows); unset, the size is unknown and nothing is fitted. */
  screen?: { columns: number; rows: number };
  /** Who runs crm in-process (what a SQLite file's rows say wrote them); default testActor, the test server's login. */
  user?: string;
}

/** Runs crm in-process through run(argv, io) with captured output. */
export async function runCrm(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as Readable & { isTTY?: boolean };
  stdin.isTTY = options.tty ?? false;
  const io: Io = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true), isTTY: options.tty ?? false, columns: options.screen?.columns, rows: options.screen?.rows },
    stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: options.tty ?? false },
    stdin,
    // The shop's zone is UTC unless a test sets TZ or CRM_TZ, so "today" and shown times do not depend on the machine.
    env: { NO_COLOR: '1', LANG: 'en_US.UTF-8', TZ: 'UTC', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    now: () => options.now ?? new Date('2026-11-23T09:00:00Z'),
    // As on the test server, whose login writes there: the same commands write the same rows on both engines.
    user: () => options.user ?? testActor,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** Spawns the built bin/crm (proves the shebang, the native module and real exit codes). */
export function spawnCrm(argv: string[], options: RunOptions = {}): RunResult {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [crmBin, ...argv], {
    cwd: options.cwd ?? projectRoot,
    env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8', CRM_DB: undefined, TZ: 'UTC', CRM_TZ: undefined, ...options.env },
    input: options.stdin,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Spawns bin/crm without waiting (for kill and concurrency tests). */
export function spawnCrmAsync(argv: string[], options: RunOptions = {}) {
  return spawn(process.execPath, [crmBin, ...argv], {
    cwd: options.cwd ?? projectRoot,
    env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8', CRM_DB: undefined, TZ: 'UTC', CRM_TZ: undefined, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
