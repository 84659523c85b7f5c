// Small tmpfs mounts for tests of a full disk and a read-only folder (needs root and a sandbox that allows mount).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const mounted: string[] = [];

function mountCommand(args: string[]): string | null {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  if (result.error) return result.error.message;
  return result.status === 0 ? null : (result.stderr.trim() || `mount exited ${result.status}`);
}

/** Null when this process may mount a tmpfs and remount it read-only, else why not (the tests that need it skip). */
export function mountProblem(): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-mount-probe-'));
  try {
    const problem = mountCommand(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    if (problem) return `mount is not permitted here (${problem})`;
    const readOnly = mountCommand(['-o', 'remount,ro', dir]);
    spawnSync('umount', [dir]);
    return readOnly ? `remounting read-only is not permitted here (${readOnly})` : null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh tmpfs of `size` (e.g. "1m"), unmounted after the current test. */
export function tmpfs(size: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-tmpfs-'));
  const problem = mountCommand(['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  if (problem) throw new Error(`mount tmpfs on ${dir}: ${problem}`);
  mounted.push(dir);
  return dir;
}

/** Makes a tmpfs from tmpfs() read-only. */
export function remountReadOnly(dir: string): void {
  const problem = mountCommand(['-o', 'remount,ro', dir]);
  if (problem) throw new Error(`remount ${dir} read-only: ${problem}`);
}

afterEach(() => {
  while (mounted.length) {
    const dir = mounted.pop()!;
    spawnSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
