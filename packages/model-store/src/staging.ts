import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { judgeLock, takeOverStaleLock } from './lock';
import { isProcessAlive } from './process-alive';

/** A staging directory of another machine (a shared store), or of a reused pid, is judged abandoned after this long. */
const kForeignStagingMs = 24 * 60 * 60 * 1000;
/** Entries of unknown owner (older layouts, a user's own files) are removed once this old. */
const kUnknownStagingMs = 60 * 60 * 1000;

const kHost = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/**
 * Creates `$root/.staging/<host>-<pid>-<random>[-<purpose>]`: the name says which process owns it,
 * so the next store to open can tell a killed import's leftovers from one still running.
 */
export async function createStagingDir(root: string, purpose?: string): Promise<string> {
  const parent = join(root, '.staging');
  await mkdir(parent, { recursive: true });
  const dir = join(parent, `${kHost}-${process.pid}-${randomBytes(6).toString('hex')}${purpose ? `-${purpose}` : ''}`);
  await mkdir(dir);
  return dir;
}

/** Whether a staging entry was left by a process that cannot still be writing it. */
function isAbandoned(entry: string, mtimeMs: number, now: number): boolean {
  const match = /^([0-9a-f]{8})-(\d+)-[0-9a-f]{12}/.exec(entry);
  if (!match) return now - mtimeMs > kUnknownStagingMs;
  // a day-old staging directory is abandoned even if its pid now names another, live process
  if (match[1] !== kHost || now - mtimeMs > kForeignStagingMs) return now - mtimeMs > kForeignStagingMs;
  const pid = Number(match[2]);
  return pid !== process.pid && !isProcessAlive(pid);
}

/**
 * Removes what killed processes left in the store: staging directories of dead processes (their
 * saves, imports and deletes never became visible) and locks whose owner is dead. Best effort: a
 * file another process removes meanwhile is not an error.
 */
export async function removeAbandoned(root: string): Promise<{ staging: string[]; locks: string[] }> {
  const removed = { staging: [] as string[], locks: [] as string[] };
  const now = Date.now();
  const staging = join(root, '.staging');
  for (const entry of await readdir(staging).catch(() => [] as string[])) {
    const info = await stat(join(staging, entry)).catch(() => undefined);
    if (!info || !isAbandoned(entry, info.mtimeMs, now)) continue;
    await rm(join(staging, entry), { recursive: true, force: true }).then(
      () => removed.staging.push(entry),
      () => undefined,
    );
  }
  const locks = join(root, '.locks');
  for (const entry of await readdir(locks).catch(() => [] as string[])) {
    const file = join(locks, entry);
    if (entry.endsWith('.lock')) {
      const state = await judgeLock(file).catch(() => 'live' as const);
      if (state !== undefined && state !== 'live' && (await takeOverStaleLock(file, state.stale, randomBytes(8).toString('hex')).catch(() => false))) {
        removed.locks.push(entry);
      }
    } else if (/\.lock\.(stale-)?[0-9a-f]{16}$/.test(entry)) {
      // a private lock file or a moved-aside stale lock, left by a kill between two system calls
      const info = await stat(file).catch(() => undefined);
      if (info && now - info.mtimeMs > 60_000) await rm(file, { force: true }).catch(() => undefined);
    }
  }
  return removed;
}
