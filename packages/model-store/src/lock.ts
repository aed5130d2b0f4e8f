import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStoreError } from './errors';
import { errnoCode } from './fs-utils';

/** A lock held longer than this is considered abandoned: the store holds it for milliseconds. */
const kStaleLockMs = 30_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

async function isStale(file: string): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
    if (Date.now() - info.mtimeMs > kStaleLockMs) return true;
    const owner = JSON.parse(text) as Partial<LockOwner>;
    // a lock of a dead process on this machine can be taken over at once
    return owner.host === hostname() && typeof owner.pid === 'number' && !isProcessAlive(owner.pid);
  } catch (err) {
    // released meanwhile (ENOENT), or not written by this code: not worth waiting 30 s for
    return errnoCode(err) === 'ENOENT' || err instanceof SyntaxError;
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
    if (await isStale(file)) {
      // rename first: of several processes stealing the same stale lock, only one rename succeeds
      const aside = `${file}.stale-${owner.token}`;
      await rename(file, aside).then(() => rm(aside, { force: true }), () => undefined);
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
