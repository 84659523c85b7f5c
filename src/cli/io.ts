// The streams and environment a command runs with; tests pass fakes, entry.ts passes the real ones.
import { operatingSystemUser } from '../util/os-user.js';

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The clock, injectable so tests of "today" are stable. Only the CLI layer reads it. */
  now: () => Date;
  /**
   * Who runs crm: what rows written to a SQLite file say as created_by / updated_by (a server names its login itself).
   * The operating-system user when absent; injectable like the clock.
   */
  user?: () => string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    user: () => operatingSystemUser(process.env),
  };
}
