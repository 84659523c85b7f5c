// The files no path option may write over: the database, its -wal/-shm/-journal and its backups.
// Paths are compared as the file system resolves them (symbolic links, "./", "..", hard links),
// so another spelling of the database's path is still the database.
import fs from 'node:fs';
import path from 'node:path';
import { backupFolder } from '../db/backup-files.js';
import { UsageError } from '../errors.js';

const MAX_LINKS = 40;

/**
 * Where writing FILE would land: the real path of an existing file, else the real path of its folder plus
 * its name; a dangling symbolic link counts as the file it points to.
 */
export function realTarget(file: string, depth = 0): string {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync.native(absolute);
  } catch {
    // Missing (or a dangling link): resolve what exists.
  }
  if (depth < MAX_LINKS) {
    try {
      if (fs.lstatSync(absolute).isSymbolicLink()) {
        return realTarget(path.resolve(path.dirname(absolute), fs.readlinkSync(absolute)), depth + 1);
      }
    } catch {
      // Not there at all.
    }
  }
  const parent = path.dirname(absolute);
  if (parent === absolute || depth >= MAX_LINKS) return absolute;
  return path.join(realTarget(parent, depth + 1), path.basename(absolute));
}

/** Case-insensitive file systems (the default on macOS and Windows) treat CRM.DB as crm.db. */
const foldCase = process.platform === 'darwin' || process.platform === 'win32';
const key = (file: string): string => (foldCase ? file.toLowerCase() : file);

function sameInode(a: string, b: string): boolean {
  try {
    const first = fs.statSync(a);
    const second = fs.statSync(b);
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}

const companions = [
  ['', 'the database'],
  ['-wal', "the database's write-ahead log"],
  ['-shm', "the database's shared-memory file"],
  ['-journal', "the database's rollback journal"],
] as const;

export interface ProtectedOptions {
  /** The backups folder is a fair target (crm backup writes its copies there on purpose); the database's own files never are. */
  intoBackups?: boolean;
}

/**
 * What is wrong with writing FILE when the database is DATABASE ("would overwrite the database crm.db"), or null.
 * The database's path is taken both as spelled and as resolved: SQLite keeps -wal beside the real file.
 */
export function protectedReason(file: string, databaseFile: string | undefined, options: ProtectedOptions = {}): string | null {
  if (!databaseFile || databaseFile === ':memory:') return null;
  const target = realTarget(file);
  const spellings = [path.resolve(databaseFile), realTarget(databaseFile)];
  for (const database of spellings) {
    for (const [suffix, what] of companions) {
      const companion = `${database}${suffix}`;
      if (key(realTarget(companion)) === key(target) || sameInode(companion, target)) return `would overwrite ${what} ${databaseFile}${suffix}`;
    }
  }
  if (options.intoBackups) return null;
  for (const folder of new Set(spellings.map((database) => realTarget(backupFolder(database))))) {
    if (key(target) === key(folder) || key(target).startsWith(key(folder) + path.sep)) return `would write into the database's backups folder ${folder}`;
    if (!fs.existsSync(target)) continue;
    // A hard link to a backup elsewhere is the backup too.
    let names: string[] = [];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    if (names.some((name) => sameInode(path.join(folder, name), target))) return `would overwrite a backup in ${folder}`;
  }
  return null;
}

/** Throws a usage error (exit 2) when FLAG's path FILE is the database, one of its companions or a backup. */
export function refuseProtectedPath(file: string, databaseFile: string | undefined, flag: string, shown: string = file): void {
  const reason = protectedReason(file, databaseFile);
  if (reason) throw new UsageError(`${flag} ${shown}: ${reason}; name another file (nothing was written)`);
}
