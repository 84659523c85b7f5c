// Drives the built crm in a real pseudo-terminal through tmux (send-keys / capture-pane), as a person meets its prompts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crmBin } from './cli.js';

export const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

let sessions = 0;

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export class Terminal {
  // A server of its own on a socket of its own, removed by close(): tests never touch a user's tmux.
  private readonly socket = path.join(os.tmpdir(), `crm-test-tmux-${process.pid}-${++sessions}.sock`);

  /** Starts `crm ARGV` in a fresh tmux server of its own; the pane stays open and prints "[exit N]" at the end. */
  constructor(argv: string[], env: Record<string, string>) {
    const assignments = Object.entries({ NO_COLOR: '1', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...env }).map(([key, value]) => `${key}=${quote(value)}`);
    const command = `env ${assignments.join(' ')} ${quote(process.execPath)} ${quote(crmBin)} ${argv.map(quote).join(' ')}; echo "[exit $?]"; sleep 120`;
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '-s', 'crm', command);
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-u', '-S', this.socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'crm');
  }

  /** Waits until the screen shows `expected`; fails with the screen when it does not within the timeout. */
  async waitFor(expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof expected === 'string' ? screen.includes(expected) : expected.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; the screen shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Named keys: Enter, Down, Up, BSpace, C-u, … */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'crm', ...keys);
  }

  /** Types text literally. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'crm', '-l', text);
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
    fs.rmSync(this.socket, { force: true });
  }
}
