import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, posix } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { createStoreError } from './errors';
import { errnoCode, syncFile } from './fs-utils';
import { kModelFiles } from './manifest';
import type { FileDigest } from './types';

type TarModule = typeof import('tar');
let tarModule: TarModule | undefined;

/**
 * tar loads on the first import or export: a process that only serves models never needs it
 * (about 30 ms of start-up). require(), not import(): CommonJS users under jest cannot import().
 */
function loadTar(): TarModule {
  tarModule ??= createRequire(__filename)('tar') as TarModule;
  return tarModule;
}

/** Writes a gzipped tar of `files` (names inside `dir`) to `file`, with portable headers (no uid, user names or mtimes of this machine). */
export async function createArchive(dir: string, files: string[], file: string): Promise<void> {
  const { create } = loadTar();
  await create({ gzip: true, file, cwd: dir, portable: true, noDirRecurse: true }, files);
  await syncFile(file);
}

/** Options of {@link extractArchive}. */
export interface ExtractArchiveOptions {
  /** The most bytes the entries may declare in total; more is refused before any is read. */
  maxBytes?: number;
}

/** model.json is kept in memory (to check the sizes later entries declare): it holds metadata, never weights. */
const kMaxManifestBytes = 16 * 1024 * 1024;
/** pipeline.json is parsed whole to be loaded, so it is held to a size JSON parsing handles in bounded memory. */
const kMaxPipelineBytes = 64 * 1024 * 1024;
/** Headers, pax records and padding a tar stream may add to its entries' bytes. */
const kTarOverheadBytes = 1024 * 1024;

function refusal(file: string, reason: string, entry?: string): Error {
  return createStoreError('MLS_ERR_STORE_INVALID_ARCHIVE', `${file} is not a valid .mlmodel archive: ${reason}`, {
    details: entry === undefined ? { file } : { file, entry },
  });
}

function tooLarge(file: string, reason: string, maxBytes: number): Error {
  return createStoreError('MLS_ERR_STORE_TOO_LARGE', `${file}: ${reason}, more than the maximum model size of ${maxBytes} bytes (options.maxModelSize)`, {
    details: { file, maxModelSize: maxBytes },
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
  if (entry.type === 'SymbolicLink' || entry.type === 'Link')
    return `entry "${raw}" is a ${entry.type === 'Link' ? 'hard' : 'symbolic'} link; archives may hold regular files only`;
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') return `entry "${raw}" is a ${entry.type}; archives may hold regular files only`;
  const name = posix.normalize(raw);
  if (!(kModelFiles as readonly string[]).includes(name)) return `unexpected entry "${raw}" (expected only ${kModelFiles.join(', ')})`;
  return undefined;
}

/** The sizes model.json records, when it parses; judged later, with a better message, by the manifest check. */
function recordedSizes(manifest: Buffer): Map<string, number> {
  const sizes = new Map<string, number>();
  try {
    const files = (JSON.parse(manifest.toString('utf8')) as { files?: Record<string, { size?: unknown }> }).files ?? {};
    for (const [name, digest] of Object.entries(files)) if (typeof digest?.size === 'number') sizes.set(name, digest.size);
  } catch {
    // not JSON: no sizes to hold entries to
  }
  return sizes;
}

/**
 * Extracts a `.mlmodel` archive into the empty directory `dir`, streaming: the file is read,
 * inflated and written in small chunks with backpressure, so memory stays bounded whatever the
 * entries' sizes or compression ratio. Only `model.json`, `model.onnx` and `pipeline.json` are
 * accepted, as regular files: absolute paths, `..`, links and anything else reject the whole
 * archive. Declared sizes are checked against `options.maxBytes`, and against model.json when it
 * comes first (as `exportModel` writes it), before any byte of an entry is read. Files are written
 * under names this code chooses, never the archive's. Rejects on the first problem (a truncated or
 * corrupt stream included) once every file it opened is closed; returns each file's size and sha256.
 */
export async function extractArchive(file: string, dir: string, options: ExtractArchiveOptions = {}): Promise<Map<string, FileDigest>> {
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const digests = new Map<string, FileDigest>();
  const outputs: WriteStream[] = [];
  let manifest: Buffer | undefined;
  let recorded: Map<string, number> | undefined;
  let expectedTotal = maxBytes;
  let declared = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const fail = (err: unknown): void => {
    failure ??= err;
    wake?.();
  };

  const { Parser } = loadTar();
  const parser = new Parser({ strict: true, maxMetaEntrySize: 64 * 1024 });
  parser.on('error', (err: Error) => fail(refusal(file, err.message)));
  parser.on('entry', (entry: ReadEntry) => {
    const name = posix.normalize(entry.path);
    const reason = failure === undefined ? (checkEntry(entry) ?? (digests.has(name) ? `entry "${name}" appears twice` : undefined)) : 'skipped';
    if (reason !== undefined) {
      if (reason !== 'skipped') fail(refusal(file, reason, entry.path));
      entry.resume();
      return;
    }
    const size = entry.size ?? 0;
    declared += size;
    const expected = recorded?.get(name);
    if (declared > maxBytes) fail(tooLarge(file, `its entries declare ${declared} bytes`, maxBytes));
    else if (name === 'model.json' && size > kMaxManifestBytes) fail(refusal(file, `model.json declares ${size} bytes (at most ${kMaxManifestBytes})`, name));
    else if ((name === 'pipeline.json' || name === 'stats.json') && size > kMaxPipelineBytes)
      fail(refusal(file, `${name} declares ${size} bytes (at most ${kMaxPipelineBytes})`, name));
    else if (expected !== undefined && expected !== size) fail(refusal(file, `entry "${name}" declares ${size} bytes but model.json records ${expected}`, name));
    // a large entry is only read once model.json vouches for its size: a bomb is refused unread
    else if (expected === undefined && size > kMaxManifestBytes)
      fail(refusal(file, `entry "${name}" declares ${size} bytes but model.json, which must come first, records no such size`, name));
    if (failure !== undefined) {
      entry.resume();
      return;
    }
    const hash = createHash('sha256');
    const digest: FileDigest = { size: 0, sha256: '' };
    digests.set(name, digest);
    const chunks: Buffer[] = [];
    const out = name === 'model.json' ? undefined : createWriteStream(join(dir, name), { flags: 'wx' });
    if (out) {
      outputs.push(out);
      out.on('error', fail);
    }
    entry.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      digest.size += chunk.byteLength;
      if (!out) chunks.push(chunk);
      else if (!out.write(chunk) && failure === undefined) {
        // the parser stops handing out data while the entry is paused: the disk sets the pace
        entry.pause();
        out.once('drain', () => entry.resume());
      }
    });
    entry.on('end', () => {
      digest.sha256 = hash.digest('hex');
      if (out) out.end();
      else {
        manifest = Buffer.concat(chunks);
        recorded = recordedSizes(manifest);
        if (recorded.size > 0)
          expectedTotal = Math.min(
            maxBytes,
            [...recorded.values()].reduce((sum, n) => sum + n, manifest.byteLength),
          );
      }
    });
  });

  const parsed = new Promise<void>((resolve) => parser.on('end', resolve));
  let inflated = 0;
  try {
    await pipeline(createReadStream(file), createGunzip({ chunkSize: 64 * 1024 }), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        inflated += chunk.byteLength;
        if (inflated > expectedTotal + kTarOverheadBytes) {
          fail(
            expectedTotal < maxBytes
              ? refusal(file, `it inflates to more than the ${expectedTotal} bytes its model.json records`)
              : tooLarge(file, `it inflates to more than ${inflated} bytes`, maxBytes),
          );
        }
        if (failure !== undefined) throw failure;
        if (!parser.write(chunk)) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            parser.once('drain', resolve);
          });
          wake = undefined;
        }
      }
      parser.end();
      await Promise.race([parsed, new Promise<void>((resolve) => (wake = resolve))]);
      if (failure !== undefined) throw failure;
    });
  } catch (err) {
    if (failure === undefined) {
      if (errnoCode(err) === 'ENOENT') failure = createStoreError('MLS_ERR_STORE_NOT_FOUND', `No such archive ${file}`, { cause: err });
      else if ((err as { code?: string }).code?.startsWith('Z_')) failure = refusal(file, `it is not a complete tar.gz (${(err as Error).message})`);
      else failure = err;
    }
  } finally {
    await closeAll(outputs);
  }
  if (failure === undefined && !digests.has('model.json')) failure = refusal(file, 'it holds no model.json');
  if (failure === undefined && manifest !== undefined) {
    await writeFile(join(dir, 'model.json'), manifest, { flag: 'wx' }).catch(fail);
  }
  if (failure !== undefined) throw failure;
  for (const name of digests.keys()) await syncFile(join(dir, name));
  return digests;
}

/** Ends or destroys every output, and waits until each file is closed: nothing is left writing into the staging directory. */
async function closeAll(outputs: WriteStream[]): Promise<void> {
  await Promise.allSettled(
    outputs.map((out) => {
      if (!out.writableEnded) out.destroy();
      return finished(out);
    }),
  );
}
