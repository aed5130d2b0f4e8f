import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Pipeline } from '@mlserve/pipeline';
import { createStoreError } from './errors';
import { digestBytes, digestFile, errnoCode } from './fs-utils';
import { parseManifest } from './manifest';
import { formatTag, isValidName } from './tag';
import type { FileDigest, ModelInfo, ModelRef } from './types';
import { versionTime } from './version';

/** `$root/models/<name>`. */
export const nameDir = (root: string, name: string): string => join(root, 'models', name);

/** `$root/models/<name>/<version>`. */
export const versionDir = (root: string, name: string, version: string): string => join(root, 'models', name, version);

/** The reference of one version of a store. */
export function makeRef(root: string, name: string, version: string): ModelRef {
  return { name, version, tag: formatTag(name, version), path: versionDir(root, name, version) };
}

/** `MLS_ERR_STORE_NOT_FOUND` for a name, or one version of it. */
export function notFound(root: string, name: string, version?: string): Error {
  const what = version === undefined ? `No model named "${name}"` : `No version "${version}" of model "${name}"`;
  return createStoreError('MLS_ERR_STORE_NOT_FOUND', `${what} in the store ${root}`, { details: version === undefined ? { name } : { name, version } });
}

/** The version directories of a name, in no particular order. */
export async function listVersions(root: string, name: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(nameDir(root, name), { withFileTypes: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isDirectory() && isValidName(e.name) && e.name !== 'latest').map((e) => e.name);
}

/** When a version was saved: model.json's `createdAt`, else the time a generated version encodes, else never. */
async function savedAt(root: string, name: string, version: string): Promise<string> {
  try {
    const { createdAt } = JSON.parse(await readFile(join(versionDir(root, name, version), 'model.json'), 'utf8')) as { createdAt?: unknown };
    if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt))) return new Date(createdAt).toISOString();
  } catch {
    // a damaged version still takes its place in the order
  }
  return versionTime(version)?.toISOString() ?? '';
}

/**
 * A name's versions, newest first: by save time, then by version. Chosen versions (`v1.0.0`)
 * carry no time of their own, so "newest" is when a version was saved, never how it sorts.
 */
export async function orderVersions(root: string, name: string, versions: string[]): Promise<string[]> {
  const keyed = await Promise.all(versions.map(async (version) => ({ version, at: await savedAt(root, name, version) })));
  return keyed.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.version < b.version ? 1 : a.version > b.version ? -1 : 0)).map((k) => k.version);
}

/** Reads and checks one version's model.json. */
export async function readInfo(root: string, name: string, version: string): Promise<ModelInfo> {
  const dir = versionDir(root, name, version);
  const file = join(dir, 'model.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') {
      // deleted by another process since it was resolved
      if (
        !(await stat(dir).then(
          () => true,
          () => false,
        ))
      )
        throw notFound(root, name, version);
      throw createStoreError('MLS_ERR_STORE_CORRUPT', `${formatTag(name, version)} has no model.json (${file}); delete this version and save it again`, {
        details: { tag: formatTag(name, version), file },
      });
    }
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${file} is not valid JSON (${(err as Error).message}); it was edited or damaged`, {
      cause: err,
      details: { tag: formatTag(name, version), file },
    });
  }
  const manifest = parseManifest(parsed, file);
  if (manifest.name !== name || manifest.version !== version) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${file} describes ${formatTag(manifest.name, manifest.version)} but is stored as ${formatTag(name, version)}`, {
      details: { tag: formatTag(name, version), file },
    });
  }
  const size = Object.values(manifest.files).reduce((sum, d) => sum + (d as FileDigest).size, 0);
  return { ...makeRef(root, name, version), createdAt: manifest.createdAt, size, manifest };
}

/** A file of a version is missing: deleted with its version since it was resolved, or damaged. */
async function missing(info: ModelInfo, file: string, err: unknown): Promise<Error> {
  if (
    !(await stat(info.path).then(
      () => true,
      () => false,
    ))
  ) {
    return createStoreError('MLS_ERR_STORE_NOT_FOUND', `${info.tag} was deleted while it was being read`, { cause: err, details: { name: info.name, version: info.version } });
  }
  return createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: ${file} is missing (${join(info.path, file)}); delete this version and save it again`, {
    cause: err,
    details: { tag: info.tag, file },
  });
}

/** Rejects with `MLS_ERR_STORE_CORRUPT` unless the file exists with its recorded size. */
export async function checkSize(info: ModelInfo, file: string, expected: FileDigest): Promise<void> {
  const path = join(info.path, file);
  const actual = await stat(path).catch(async (err: unknown) => {
    throw await missing(info, file, err);
  });
  if (!actual.isFile() || actual.size !== expected.size) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: ${file} is ${actual.size} bytes but model.json records ${expected.size}; the file was truncated or replaced`, {
      details: { tag: info.tag, file, expected: expected.size, actual: actual.size },
    });
  }
}

function mismatch(info: ModelInfo, file: string, expected: FileDigest, actual: FileDigest): Error {
  return createStoreError(
    'MLS_ERR_STORE_CORRUPT',
    `${info.tag}: ${file} has sha256 ${actual.sha256} but model.json records ${expected.sha256}; the file was modified after it was saved. ` +
      'Delete this version and save or import it again',
    { details: { tag: info.tag, file, expected, actual } },
  );
}

/** Re-hashes one file (streamed) and rejects with `MLS_ERR_STORE_CORRUPT` unless it matches model.json. */
export async function checkDigest(info: ModelInfo, file: string, expected: FileDigest): Promise<void> {
  await checkSize(info, file, expected);
  const actual = await digestFile(join(info.path, file)).catch(async (err: unknown) => {
    throw errnoCode(err) === 'ENOENT' ? await missing(info, file, err) : err;
  });
  if (actual.sha256 !== expected.sha256 || actual.size !== expected.size) throw mismatch(info, file, expected, actual);
}

/** The bytes of a version's pipeline.json, checked against its sha256 in model.json. */
export async function readPipelineFile(info: ModelInfo, expected: FileDigest): Promise<Buffer> {
  const text = await readFile(join(info.path, 'pipeline.json')).catch(async (err: unknown) => {
    throw errnoCode(err) === 'ENOENT' ? await missing(info, 'pipeline.json', err) : err;
  });
  const actual = digestBytes(text);
  if (actual.sha256 !== expected.sha256) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: pipeline.json does not match its sha256 in model.json; it was modified after it was saved`, {
      details: { tag: info.tag, file: 'pipeline.json', expected, actual },
    });
  }
  return text;
}

/** Loads a version's pipeline.json, checked against its sha256. */
export async function loadPipeline(info: ModelInfo, expected: FileDigest): Promise<Pipeline> {
  const text = await readPipelineFile(info, expected);
  try {
    return Pipeline.fromJSON(JSON.parse(text.toString('utf8')));
  } catch (err) {
    throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: pipeline.json cannot be loaded: ${(err as Error).message}`, {
      cause: err,
      details: { tag: info.tag, file: 'pipeline.json' },
    });
  }
}
