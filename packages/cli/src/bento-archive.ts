import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { create, extract, type ReadEntry } from 'tar';
import { createCliError } from './errors';

/** Limits `extractBentoArchive` enforces, so an archive cannot fill the disk or the inode table. */
export interface BentoArchiveLimits {
  /** Total bytes of all files. */
  maxBytes?: number;
  /** Number of entries (files and directories). */
  maxEntries?: number;
}

/** Defaults: 4 GiB and 100 000 entries, far above a bento (its models and bundled code) and far below harm. */
export const kDefaultBentoArchiveLimits: Required<BentoArchiveLimits> = { maxBytes: 4 * 1024 ** 3, maxEntries: 100_000 };

/** What a bento directory holds that is not part of it: dependencies installed where it was served. */
const kNotArchived = new Set(['node_modules']);

/** Writes the bento directory `dir` as a gzipped tar at `file`, with portable headers (no owners, user names or this machine's modes). */
export async function createBentoArchive(dir: string, file: string): Promise<void> {
  const entries = (await readdir(dir)).filter((name) => !kNotArchived.has(name)).sort();
  const partial = `${file}.partial-${process.pid}`;
  try {
    await create({ gzip: true, file: partial, cwd: dir, portable: true }, entries);
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Why an entry may not be extracted, or undefined when it is a plain file or directory inside the bento. */
function checkEntry(entry: ReadEntry): string | undefined {
  // A pax header can override the ustar header's path: both names are checked.
  for (const raw of new Set([entry.path, entry.header.path ?? entry.path])) {
    if (path.posix.isAbsolute(raw) || /^[a-zA-Z]:/.test(raw) || raw.startsWith('\\')) return `entry "${raw}" has an absolute path`;
    if (raw.split(/[\\/]/).includes('..')) return `entry "${raw}" contains ".." and would escape the bento directory`;
  }
  if (entry.type === 'SymbolicLink' || entry.type === 'Link')
    return `entry "${entry.path}" is a ${entry.type === 'Link' ? 'hard' : 'symbolic'} link; bento archives hold regular files and directories only`;
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory')
    return `entry "${entry.path}" is a ${entry.type}; bento archives hold regular files and directories only`;
  if (((entry.mode ?? 0) & 0o7000) !== 0) return `entry "${entry.path}" has setuid, setgid or sticky bits`;
  return undefined;
}

/**
 * Extracts a bento archive into the directory `dir` (created, must not exist). Absolute paths,
 * `..`, links, devices, setuid bits and archives past the limits reject the whole archive and
 * leave nothing behind; owners in the archive are never applied.
 */
export async function extractBentoArchive(file: string, dir: string, limits: BentoArchiveLimits = {}): Promise<void> {
  const { maxBytes, maxEntries } = { ...kDefaultBentoArchiveLimits, ...limits };
  const invalid = (reason: string, cause?: unknown): Error =>
    createCliError('MLS_ERR_CLI_INVALID_ARCHIVE', `${file} is not a valid bento archive: ${reason}`, { cause, details: { file } });
  let problem: string | undefined;
  let bytes = 0;
  let count = 0;
  if (
    !(await stat(file).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such archive ${file}`);
  await mkdir(dir);
  try {
    await extract({
      file,
      cwd: dir,
      strict: true,
      preserveOwner: false,
      noMtime: true,
      filter: (_path, entry) => {
        if (problem || !('header' in entry)) return false;
        count += 1;
        bytes += entry.size ?? 0;
        problem = checkEntry(entry);
        if (!problem && count > maxEntries) problem = `it holds more than ${maxEntries} entries`;
        if (!problem && bytes > maxBytes) problem = `its files add up to more than ${maxBytes} bytes`;
        return problem === undefined;
      },
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw invalid(problem ?? `not a readable tar.gz (${(err as Error).message})`, err);
  }
  if (problem) {
    await rm(dir, { recursive: true, force: true });
    throw invalid(problem);
  }
}
