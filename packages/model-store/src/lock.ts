import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStoreError } from './errors';
import { errnoCode } from './fs-utils';
import { isProcessAlive } from './process-alive';

/** A lock held longer than this is considered abandoned: the store holds it for milliseconds. */
const kStaleLockMs = 30_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

/**
 * What the lock file holds now: undefined when it was released meanwhile, `live` when its owner may
 * still be using it, otherwise its exact contents (the stale lock, identified by its token).
 * Stat and read go through one handle, so both describe the same lock even if it is replaced meanwhile.
 */
export async function judgeLock(file: string): Promise<'live' | { stale: string } | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const info = await handle.stat();
    const text = await handle.readFile('utf8');
    if (Date.now() - info.mtimeMs > kStaleLockMs) return { stale: text };
    let owner: Partial<LockOwner>;
    try {
      owner = JSON.parse(text) as Partial<LockOwner>;
    } catch {
      return { stale: text }; // not written by this code (the lock never exists half-written): not worth waiting 30 s for
    }
    // a lock of a dead process on this machine can be taken over at once
    const dead = owner.host === hostname() && typeof owner.pid === 'number' && !isProcessAlive(owner.pid);
    return dead ? { stale: text } : 'live';
  } finally {
    await handle.close();
  }
}

/**
 * Removes the lock judged stale, whose contents were `staleText`; `token` names the aside file.
 * rename() is the only way to remove it that one taker alone can win, but it cannot be made
 * conditional: between our judgment and our rename, another process may have taken the same stale
 * lock over and linked its own live lock in its place. So the file moved aside is read back, and if
 * it is not the lock judged stale it is linked back (same inode, same contents) for its owner to keep.
 * Returns whether the stale lock was removed. (Left: a third taker linking its lock in the instant
 * between our rename and our link-back; it needs two takers and a crashed owner at once.)
 */
export async function takeOverStaleLock(file: string, staleText: string, token: string): Promise<boolean> {
  const aside = `${file}.stale-${token}`;
  try {
    await rename(file, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false; // another taker (or the owner) got there first
    throw err;
  }
  try {
    if ((await readFile(aside, 'utf8')) === staleText) return true;
    await link(aside, file).catch((err: unknown) => {
      if (errnoCode(err) !== 'EEXIST') throw err;
    });
    return false;
  } finally {
    await rm(aside, { force: true });
  }
}

/**
 * Runs `fn` while holding an exclusive lock file, shared by every process using the same store.
 * Locks of dead processes, or older than 30 s, are taken over.
 */
export async function withLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    // the owner is written to a private file first, then hard-linked as the lock: link() fails with
    // EEXIST like O_EXCL, and the lock never exists without its owner (a kill cannot leave it empty)
    const mine = `${file}.${owner.token}`;
    await writeFile(mine, JSON.stringify(owner));
    try {
      await link(mine, file);
      break;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    } finally {
      await rm(mine, { force: true });
    }
    const state = await judgeLock(file);
    if (state === undefined) continue; // released meanwhile: try again at once
    if (state !== 'live') {
      await takeOverStaleLock(file, state.stale, owner.token);
      continue;
    }
    if (Date.now() > deadline) {
      throw createStoreError('MLS_ERR_STORE_LOCK_TIMEOUT', `Timed out after ${timeoutMs} ms waiting for the lock ${file}`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    try {
      const text = await readFile(file, 'utf8');
      if ((JSON.parse(text) as LockOwner).token === owner.token) await unlink(file);
    } catch {
      // already taken over as stale: nothing to release
    }
  }
}
