// Every file crm writes at a path the user names (--output, crm export, --rejects, the dashboard) goes
// through here: a new temporary file beside the target, created exclusively (O_EXCL, never through a
// symbolic link) and readable by the owner only, renamed over the target when complete. Any failure
// removes the temporary file and is one line naming the file and the reason.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CrmError, ExitCode, UsageError } from '../errors.js';
import { fileErrorReason } from './file-errors.js';
import { refuseProtectedPath } from './protected-paths.js';

/** Which flag named the file, for messages, and the database whose files must never be written over. */
export interface OutputTarget {
  flag: string;
  /** The path as the user wrote it (default: the resolved path). */
  shown?: string;
  databaseFile?: string;
}

/** A file could not be written (exit 1); the message is one line. */
export class FileWriteError extends CrmError {
  constructor(target: OutputTarget, file: string, error: unknown) {
    super(`${target.flag} ${target.shown ?? file}: cannot write the file: ${fileErrorReason(error)}; nothing was written`, ExitCode.failure);
  }
}

/** Usage checks before anything is written: the folder exists, the target is no folder and not the database's. */
export function checkOutputFile(file: string, target: OutputTarget): void {
  const shown = target.shown ?? file;
  const folder = path.dirname(file);
  let folderStat: fs.Stats | null = null;
  try {
    folderStat = fs.statSync(folder);
  } catch {
    // reported below
  }
  if (!folderStat?.isDirectory()) throw new UsageError(`${target.flag}: folder ${folder} does not exist`);
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(file);
  } catch {
    // a new file (or a dangling link, which the rename replaces)
  }
  if (stat?.isDirectory()) throw new UsageError(`${target.flag} ${shown}: is a folder; name a file`);
  refuseProtectedPath(file, target.databaseFile, target.flag, shown);
}

const noFollow = fs.constants.O_NOFOLLOW ?? 0;
const exclusive = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | noFollow;

/** Creates a new file beside FILE that nobody else can have prepared: O_EXCL, no links followed, 0600. */
function createTemporary(file: string): { fd: number; temporary: string } {
  for (let attempt = 0; ; attempt += 1) {
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return { fd: fs.openSync(temporary, exclusive, 0o600), temporary };
    } catch (error) {
      // Someone planted a file or link at this name: never use it, pick another.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 20) throw error;
    }
  }
}

const FLUSH_AT = 64 * 1024;

/** A file being written: text goes to the temporary file; commit() renames it over the target. */
export class AtomicFile {
  private fd: number | null;
  private pending: string[] = [];
  private pendingLength = 0;
  private done = false;

  private constructor(
    readonly file: string,
    private readonly target: OutputTarget,
    fd: number,
    readonly temporary: string,
  ) {
    this.fd = fd;
  }

  /** Checks the target (usage errors, exit 2) and creates the temporary file (FileWriteError, exit 1). */
  static create(file: string, target: OutputTarget): AtomicFile {
    checkOutputFile(file, target);
    let created: { fd: number; temporary: string };
    try {
      created = createTemporary(file);
    } catch (error) {
      throw new FileWriteError(target, file, error);
    }
    return new AtomicFile(file, target, created.fd, created.temporary);
  }

  write(text: string): void {
    if (this.done) throw new Error(`${this.file}: written after commit or abort`);
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_AT) this.guard(() => this.flush());
  }

  /** Writes the rest, syncs it to disk and renames it over the target. */
  commit(): void {
    this.guard(() => {
      this.flush();
      fs.fsyncSync(this.fd!);
      fs.closeSync(this.fd!);
      this.fd = null;
      fs.renameSync(this.temporary, this.file);
      this.done = true;
    });
  }

  /** Leaves nothing behind; never throws. */
  abort(): void {
    this.done = true;
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // closing is best effort
      }
      this.fd = null;
    }
    fs.rmSync(this.temporary, { force: true });
  }

  private flush(): void {
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(this.fd!, bytes, offset, bytes.length - offset);
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.abort();
      throw error instanceof CrmError ? error : new FileWriteError(this.target, this.file, error);
    }
  }
}

/** Writes TEXT to FILE whole or not at all (see AtomicFile). */
export function writeFileSafely(file: string, text: string, target: OutputTarget): void {
  const output = AtomicFile.create(file, target);
  try {
    output.write(text);
    output.commit();
  } catch (error) {
    output.abort();
    throw error;
  }
}

/** mkdir -p for an output folder (0700), with a one-line error. */
export function makeOutputFolder(folder: string, target: OutputTarget): void {
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CrmError(`${target.flag} ${target.shown ?? folder}: cannot create the folder: ${fileErrorReason(mkdirCause(folder, error))}`, ExitCode.failure);
  }
}

/** mkdir -p reports ENOENT for a read-only parent: the first missing folder's own mkdir tells the real reason. */
function mkdirCause(folder: string, error: unknown): unknown {
  let missing = path.resolve(folder);
  while (path.dirname(missing) !== missing && !fs.existsSync(path.dirname(missing))) missing = path.dirname(missing);
  try {
    fs.mkdirSync(missing);
    fs.rmdirSync(missing);
  } catch (cause) {
    return cause;
  }
  return error;
}
