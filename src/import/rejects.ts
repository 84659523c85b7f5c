// Writes rejected rows to a CSV beside the input: the original columns plus line and reason.
// Rejected rows are customer data: the file is written like every output (files/atomic-file.ts: a new
// 0600 file renamed into place) and an existing file is only replaced when crm could have written it.
import fs from 'node:fs';
import path from 'node:path';
import { AtomicFile, checkOutputFile, type OutputTarget } from '../files/atomic-file.js';
import { realTarget, refuseProtectedPath } from '../files/protected-paths.js';
import { UsageError } from '../errors.js';

/**
 * A CSV cell. Text a spreadsheet would run as a formula gets Excel's text prefix ', as crm export does:
 * people open this file in Excel to fix the rows, and crm import takes one such ' off again.
 */
function cell(raw: string): string {
  const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The first line of a rejects file ends with these two columns (after the input's own). */
const HEADER_END = /(^|,)line,reason\r?$/;

function firstLine(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    return ''; // unreadable: not something crm can recognise as its own
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, length).toString('utf8').replace(/^\uFEFF/, '').split('\n')[0]!;
  } catch {
    return '';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Why crm must not replace the existing file FILE with rejected rows, or null: it is replaced only when
 * it is a plain file of the current user, and empty or private (0600) and beginning like a rejects file.
 * A symbolic link is never followed and a file of someone else never touched.
 */
function existingFileProblem(file: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return null; // a new file
  }
  if (stat.isSymbolicLink()) return 'is a symbolic link; crm does not write through links';
  if (stat.isDirectory()) return 'is a directory';
  if (!stat.isFile()) return 'is not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `belongs to another user (uid ${stat.uid}), not a rejects file crm wrote for you`;
  // An empty file of yours holds nothing to lose; the new file replaces it (0600), it is never written in place.
  if (stat.size === 0) return null;
  if ((stat.mode & 0o077) !== 0) return `is readable or writable by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}), not a rejects file crm wrote (0600)`;
  if (!HEADER_END.test(firstLine(file))) return 'is not a rejects file (its first line does not end with line,reason)';
  return null;
}

/**
 * Checks where rejected rows go before anything is read, so a bad path never costs the rejected rows:
 * the folder exists, it is not the input, the database, its journals or a backup, and any file there
 * is one crm may replace (exit 2 otherwise, nothing touched).
 */
export function checkRejectsFile(file: string, shown: string, input: string | null, databaseFile: string | undefined): void {
  const folder = path.dirname(file);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`--rejects ${shown}: folder ${folder} does not exist`);
  if (input !== null && realTarget(file) === realTarget(input)) throw new UsageError(`--rejects ${shown}: is the input file itself; name another file`);
  refuseProtectedPath(file, databaseFile, '--rejects', shown);
  const problem = existingFileProblem(file);
  if (problem) throw new UsageError(`--rejects ${shown}: ${problem}; remove it or name another file (nothing was written)`);
  checkOutputFile(file, { flag: '--rejects', shown, databaseFile });
}

export class RejectsWriter {
  private readonly output: AtomicFile;

  constructor(
    readonly file: string,
    headers: string[],
    target: OutputTarget = { flag: '--rejects' },
  ) {
    this.output = AtomicFile.create(file, target);
    // A BOM so that Excel opens Chinese text correctly; crm import reads it back.
    this.output.write(`\uFEFF${[...headers, 'line', 'reason'].map(cell).join(',')}\r\n`);
  }

  write(record: string[], line: number, reason: string): void {
    this.output.write(`${[...record, String(line), reason].map(cell).join(',')}\r\n`);
  }

  /** Puts the file in place; throws if any write failed (the caller then keeps nothing of the import). */
  async close(): Promise<string> {
    this.output.commit();
    return this.file;
  }

  /** Leaves no trace of this run; an earlier rejects file at the path stays as it was. */
  async discard(): Promise<void> {
    this.output.abort();
  }
}
