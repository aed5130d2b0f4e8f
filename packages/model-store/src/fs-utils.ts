import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileDigest } from './types';

/**
 * Writes `data` to a file (new unless `flag` is 'w') and fsyncs it, so a crash after the rename
 * that publishes it never exposes a short file.
 */
export async function writeFileDurable(file: string, data: Uint8Array | string, flag: 'wx' | 'w' = 'wx'): Promise<void> {
  const handle = await open(file, flag);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a file written by a stream. */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a directory so renames and creations inside it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // some file systems refuse fsync on directories; the rename itself is still atomic
  } finally {
    await handle.close();
  }
}

/** Replaces `file` atomically: readers see the old or the new contents, never a mix. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFileDurable(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dirname(file));
}

/** Size and sha256 of bytes in memory. */
export function digestBytes(data: Uint8Array | string): FileDigest {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return { size: buf.byteLength, sha256: createHash('sha256').update(buf).digest('hex') };
}

/** Size and sha256 of a file, streamed so large models are not held in memory. */
export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

/** The `code` of a Node.js system error, if any. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
