import { readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseReferenceStats, type ReferenceStats } from '@mlserve/core';
import { createStoreError } from './errors';
import { digestBytes, errnoCode, syncDir, writeFileDurable } from './fs-utils';
import type { FileDigest, ModelInfo } from './types';

/** Turns `input.stats` (the document or a path to stats.json) into the text of stats.json, after validating it. */
export async function readStatsInput(stats: unknown): Promise<string> {
  let source = 'input.stats';
  let value = stats;
  if (typeof stats === 'string') {
    source = resolve(stats);
    try {
      value = JSON.parse(await readFile(source, 'utf8'));
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_INVALID_STATS', `Cannot read the reference statistics ${source}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    return `${JSON.stringify(parseReferenceStats(value, source))}\n`;
  } catch (err) {
    throw createStoreError('MLS_ERR_STORE_INVALID_STATS', (err as Error).message, { cause: err, details: { file: source } });
  }
}

/** Loads a version's stats.json, checked against its sha256 in model.json. */
export async function loadStats(info: ModelInfo, expected: FileDigest): Promise<ReferenceStats> {
  const text = await readFile(join(info.path, 'stats.json')).catch((err: unknown) => {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: stats.json is listed in model.json but cannot be read (${errnoCode(err) ?? (err as Error).message})`, {
      cause: err,
      details: { tag: info.tag, file: 'stats.json' },
    });
  });
  const actual = digestBytes(text);
  if (actual.sha256 !== expected.sha256) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: stats.json does not match its sha256 in model.json; it was modified after it was saved`, {
      details: { tag: info.tag, file: 'stats.json', expected, actual },
    });
  }
  try {
    return parseReferenceStats(JSON.parse(text.toString('utf8')), `${info.tag}: stats.json`);
  } catch (err) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', (err as Error).message, { cause: err, details: { tag: info.tag, file: 'stats.json' } });
  }
}

/**
 * Writes stats.json into a stored version and records its digest in model.json, each by a rename:
 * a reader sees the old pair or the new stats.json beside the old manifest (which `get()` refuses
 * as changed) for the instant between the two renames, never a partial file. Call under the name's lock.
 */
export async function writeStatsFile(info: ModelInfo, text: string): Promise<void> {
  const manifest = { ...info.manifest, files: { ...info.manifest.files, 'stats.json': digestBytes(text) } };
  const tmpStats = join(info.path, '.stats.json.tmp');
  const tmpManifest = join(info.path, '.model.json.tmp');
  try {
    await writeFileDurable(tmpStats, text, 'w');
    await writeFileDurable(tmpManifest, `${JSON.stringify(manifest, null, 2)}\n`, 'w');
    await rename(tmpStats, join(info.path, 'stats.json'));
    await rename(tmpManifest, join(info.path, 'model.json'));
    await syncDir(info.path);
  } finally {
    await rm(tmpStats, { force: true });
    await rm(tmpManifest, { force: true });
  }
}
