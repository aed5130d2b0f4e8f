import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { finished } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { create, list, type ReadEntry } from 'tar';
import { createStoreError } from './errors';
import { syncFile } from './fs-utils';
import type { FileDigest } from './types';
import { kModelFiles } from './manifest';

/** Writes a gzipped tar of `files` (names inside `dir`) to `file`, with portable headers (no uid, user names or mtimes of this machine). */
export async function createArchive(dir: string, files: string[], file: string): Promise<void> {
  await create({ gzip: true, file, cwd: dir, portable: true, noDirRecurse: true }, files);
  await syncFile(file);
}

function refuse(file: string, reason: string, entry?: string): never {
  throw createStoreError('MLS_ERR_STORE_INVALID_ARCHIVE', `${file} is not a valid .mlmodel archive: ${reason}`, {
    details: entry === undefined ? { file } : { file, entry },
  });
}

/** Why an entry name is unsafe, or undefined when it is one of the files a model holds. */
function checkEntry(entry: ReadEntry): string | undefined {
  // a pax header can override the path of the ustar header: check both names
  for (const raw of new Set([entry.path, entry.header.path ?? entry.path])) {
    if (isAbsolute(raw) || /^[a-zA-Z]:/.test(raw) || raw.startsWith('\\')) return `entry "${raw}" has an absolute path`;
    if (raw.split(/[\\/]/).includes('..')) return `entry "${raw}" contains ".." and would escape the model directory`;
  }
  const raw = entry.path;
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') return `entry "${raw}" is a ${entry.type === 'Link' ? 'hard' : 'symbolic'} link; archives may hold regular files only`;
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') return `entry "${raw}" is a ${entry.type}; archives may hold regular files only`;
  const name = posix.normalize(raw);
  if (!(kModelFiles as readonly string[]).includes(name)) return `unexpected entry "${raw}" (expected only ${kModelFiles.join(', ')})`;
  return undefined;
}

/**
 * Extracts a `.mlmodel` archive into the empty directory `dir`. Only `model.json`, `model.onnx` and
 * `pipeline.json` are accepted, as regular files: absolute paths, `..`, links and anything else
 * reject the whole archive. Files are written under names this code chooses, never the archive's.
 * Returns each extracted file's size and sha256.
 */
export async function extractArchive(file: string, dir: string): Promise<Map<string, FileDigest>> {
  const digests = new Map<string, FileDigest>();
  const writes: Array<Promise<void>> = [];
  let problem: { reason: string; entry?: string } | undefined;
  let writeError: unknown;
  try {
    await list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const reason = problem ? 'skipped' : checkEntry(entry);
        const name = posix.normalize(entry.path);
        if (reason === undefined && digests.has(name)) problem = { reason: `entry "${name}" appears twice`, entry: name };
        if (reason !== undefined || problem) {
          if (reason !== 'skipped') problem ??= { reason: reason ?? 'duplicate entry', entry: entry.path };
          entry.resume();
          return;
        }
        const hash = createHash('sha256');
        const digest: FileDigest = { size: 0, sha256: '' };
        digests.set(name, digest);
        // One consumer hashes and passes on: a 'data' listener beside pipe() would start the flow
        // before the pipe exists, and small entries would reach the hash but never the file.
        const hashing = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            digest.size += chunk.byteLength;
            done(null, chunk);
          },
        });
        const out = createWriteStream(join(dir, name), { flags: 'wx' });
        // a failed write (disk full, a file in the way) is recorded here at once: a rejection left
        // unhandled until list() ends would be reported by Node as unhandled, and could crash the process
        const written = finished(out).then(
          () => {
            digest.sha256 = hash.digest('hex');
          },
          (err: unknown) => {
            writeError ??= err;
            entry.unpipe(hashing);
            entry.resume(); // keep reading, so the parser is not left waiting on a dead stream
          },
        );
        writes.push(written);
        entry.pipe(hashing).pipe(out);
      },
    });
    await Promise.all(writes);
  } catch (err) {
    await Promise.allSettled(writes);
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw createStoreError('MLS_ERR_STORE_NOT_FOUND', `No such archive ${file}`, { cause: err });
    throw createStoreError('MLS_ERR_STORE_INVALID_ARCHIVE', `${file} is not a valid .mlmodel archive (a tar.gz): ${(err as Error).message}`, {
      cause: err,
      details: { file },
    });
  }
  // the store's own disk failed, not the archive: report the system error as is
  if (writeError !== undefined) throw writeError;
  if (problem) refuse(file, problem.reason, problem.entry);
  if (!digests.has('model.json')) refuse(file, 'it holds no model.json');
  for (const name of digests.keys()) await syncFile(join(dir, name));
  return digests;
}
