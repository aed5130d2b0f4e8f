import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createStoreError } from './errors';
import { errnoCode, writeFileAtomic } from './fs-utils';
import { checkSize, listVersions, makeRef, nameDir, notFound, orderVersions, readInfo, readPipelineFile } from './stored-version';
import { parseTag } from './tag';
import type { ModelRef } from './types';

/** The most recently saved version of a name (by model.json's createdAt, then version). */
export async function newestVersion(root: string, name: string): Promise<string | undefined> {
  return (await orderVersions(root, name, await listVersions(root, name)))[0];
}

/** Points `latest` at `version`, or removes the name when there is none. Caller holds the name's lock. */
export async function pointLatest(root: string, name: string, version: string | undefined): Promise<void> {
  if (version !== undefined) {
    await writeFileAtomic(join(nameDir(root, name), 'latest'), `${version}\n`);
    return;
  }
  await rm(join(nameDir(root, name), 'latest'), { force: true });
  await removeName(root, name);
}

/** Removes a name's directory once it holds no version (and its temporary files). */
export async function removeName(root: string, name: string): Promise<void> {
  const dir = nameDir(root, name);
  for (const entry of await readdir(dir).catch(() => [])) {
    if (entry.endsWith('.tmp')) await rm(join(dir, entry), { force: true });
  }
  await rmdir(dir).catch(() => undefined);
}

/** Resolves `name`, `name:latest`, `name:version` or `name:<unique version prefix>` to one stored version. */
export async function resolveTag(root: string, tag: string): Promise<{ name: string; version: string }> {
  const parsed = parseTag(tag);
  const { name } = parsed;
  const versions = await listVersions(root, name);
  if (versions.length === 0) throw notFound(root, name);
  if (parsed.version === 'latest') {
    let pointer: string;
    try {
      pointer = (await readFile(join(nameDir(root, name), 'latest'), 'utf8')).trim();
    } catch (err) {
      // no latest file: a save was killed between its rename and its latest update
      if (errnoCode(err) === 'ENOENT') return { name, version: (await orderVersions(root, name, versions))[0]! };
      throw err;
    }
    if (!versions.includes(pointer)) {
      const newest = (await orderVersions(root, name, versions))[0];
      throw createStoreError(
        'MLS_ERR_STORE_DANGLING_LATEST',
        `${name}:latest points to version ${JSON.stringify(pointer)}, which is not in the store (newest stored: ${newest}). ` +
          `Use an explicit version, or save, import or delete a version of "${name}" to repoint latest`,
        { details: { name, latest: pointer, newest } },
      );
    }
    return { name, version: pointer };
  }
  if (versions.includes(parsed.version)) return { name, version: parsed.version };
  const matches = versions
    .filter((v) => v.startsWith(parsed.version))
    .sort()
    .reverse();
  if (matches.length === 1) return { name, version: matches[0]! };
  if (matches.length > 1) {
    throw createStoreError(
      'MLS_ERR_STORE_AMBIGUOUS_TAG',
      `${tag} matches ${matches.length} versions (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', ...' : ''}); give more characters of the version`,
      { details: { tag, matches } },
    );
  }
  throw notFound(root, name, parsed.version);
}

/**
 * The latest version of `name` when it holds a model.onnx with this sha256 and a pipeline equal
 * to this one (compared as JSON values, so formatting does not count). Caller holds the lock.
 */
export async function findUnchangedLatest(root: string, name: string, modelSha256: string, pipelineText: string | undefined): Promise<ModelRef | undefined> {
  let latest: { name: string; version: string };
  try {
    latest = await resolveTag(root, name);
  } catch (err) {
    // no version yet, or latest points nowhere: saving is what fixes it
    const code = (err as { code?: unknown }).code;
    if (code === 'MLS_ERR_STORE_NOT_FOUND' || code === 'MLS_ERR_STORE_DANGLING_LATEST') return undefined;
    throw err;
  }
  const info = await readInfo(root, latest.name, latest.version);
  const { 'model.onnx': model, 'pipeline.json': pipeline } = info.manifest.files;
  if (model.sha256 !== modelSha256 || (pipeline === undefined) !== (pipelineText === undefined)) return undefined;
  await checkSize(info, 'model.onnx', model);
  if (pipeline !== undefined && pipelineText !== undefined) {
    const stored: unknown = JSON.parse((await readPipelineFile(info, pipeline)).toString('utf8'));
    if (!isDeepStrictEqual(stored, JSON.parse(pipelineText))) return undefined;
  }
  return makeRef(root, latest.name, latest.version);
}
