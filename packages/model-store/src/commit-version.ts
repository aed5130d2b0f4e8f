import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createStoreError } from './errors';
import { errnoCode, syncDir, writeFileDurable } from './fs-utils';
import { pointLatest } from './latest';
import { kModelManifestFormat } from './manifest';
import { listVersions, makeRef, nameDir, versionDir } from './stored-version';
import { formatTag } from './tag';
import type { ModelManifest } from './types';
import { createVersion, kVersionPattern } from './version';

/** What a save records in model.json besides its name, version and time. */
export type ManifestBase = Omit<ModelManifest, 'format' | 'name' | 'version' | 'createdAt'>;

/** MLS_ERR_STORE_ALREADY_EXISTS for `name:version`. */
export function alreadyExists(name: string, version: string, hint: string): Error {
  const tag = formatTag(name, version);
  return createStoreError('MLS_ERR_STORE_ALREADY_EXISTS', `${tag} is already in the store; ${hint}`, { details: { tag } });
}

/**
 * Turns a filled staging directory into the next version of `name` and points `latest` at it. Runs
 * under the name's lock: a generated version comes after the newest generated one, so versions of a
 * name strictly increase in save order even across processes and clock steps.
 */
export async function commitVersion(root: string, name: string, staging: string, base: ManifestBase, chosen: string | undefined): Promise<ReturnType<typeof makeRef>> {
  const existing = await listVersions(root, name);
  if (chosen !== undefined && existing.includes(chosen)) throw alreadyExists(name, chosen, 'choose another version');
  const newestGenerated = existing
    .filter((v) => kVersionPattern.test(v))
    .sort()
    .at(-1);
  let version = chosen ?? createVersion(newestGenerated);
  for (let attempt = 0; ; attempt++) {
    const manifest: ModelManifest = { format: kModelManifestFormat, name, version, createdAt: new Date().toISOString(), ...base };
    await writeFileDurable(join(staging, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`, 'w');
    await syncDir(staging);
    await mkdir(nameDir(root, name), { recursive: true });
    try {
      await rename(staging, versionDir(root, name, version));
      break;
    } catch (err) {
      // a version directory written by something not holding the lock: take the next version
      if ((errnoCode(err) !== 'ENOTEMPTY' && errnoCode(err) !== 'EEXIST') || attempt > 5) throw err;
      if (chosen !== undefined) throw alreadyExists(name, version, 'choose another version');
      version = createVersion(version);
    }
  }
  await syncDir(nameDir(root, name));
  // the last save is latest, whatever times imported versions carry
  await pointLatest(root, name, version);
  return makeRef(root, name, version);
}
