// The temporary files a backup or restore writes (.NAME.PID.tmp beside its target, plus the -journal, -wal
// and -shm SQLite may put beside them), removing those a killed run left, and putting a finished copy in place
// without ever replacing a file that is already there.
import fs from 'node:fs';
import path from 'node:path';

const sidecars = ['', '-journal', '-wal', '-shm'];

/** .NAME.PID.tmp, with the PID of the process that writes it; its SQLite sidecar files end in -journal, -wal or -shm. */
const temporaryName = /^\.(.+)\.(\d+)\.tmp(?:-journal|-wal|-shm)?$/;

/** A new empty temporary file (mode 0600) beside `file`, named after it and this process. */
export function temporaryBeside(file: string): string {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  removeTemporary(temporary);
  fs.closeSync(fs.openSync(temporary, 'wx', 0o600));
  return temporary;
}

/** Removes a temporary copy and whatever SQLite left beside it (a rollback journal after a full disk, say). */
export function removeTemporary(temporary: string): void {
  for (const suffix of sidecars) fs.rmSync(`${temporary}${suffix}`, { force: true });
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LeftoverFile {
  file: string;
  bytes: number;
}

/**
 * Removes the temporary files in `folder` for a file named as `ours` accepts whose process is gone (a backup
 * or restore killed half-way) and returns them. Files of running processes stay; so does everything in a
 * folder that cannot be read or written.
 */
export function removeLeftovers(folder: string, ours: (name: string) => boolean): LeftoverFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const removed: LeftoverFile[] = [];
  for (const name of names) {
    const match = temporaryName.exec(name);
    if (!match || !ours(match[1]!) || alive(Number(match[2]))) continue;
    const file = path.join(folder, name);
    try {
      const stat = fs.lstatSync(file);
      if (!stat.isFile()) continue;
      fs.rmSync(file);
      removed.push({ file, bytes: stat.size });
    } catch {
      // Gone already, or a read-only folder: nothing to do here.
    }
  }
  return removed;
}

const linkUnsupported = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);

/**
 * Puts the finished `temporary` at `target` only if no file of that name exists (a hard link fails on an
 * existing name, atomically; two backups to one name cannot overwrite each other). Where hard links are not
 * supported (FAT USB sticks), an exclusively created placeholder is replaced by a rename instead.
 * Returns false when the name is taken; the temporary file stays for the caller to remove.
 */
export function placeExclusively(temporary: string, target: string): boolean {
  try {
    fs.linkSync(temporary, target);
    removeTemporary(temporary);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!linkUnsupported.has(code)) throw error;
  }
  try {
    fs.closeSync(fs.openSync(target, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  fs.renameSync(temporary, target);
  return true;
}
