import { readStatsInput } from './stats-file';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractArchive } from './archive';
import { createStoreError } from './errors';
import { syncDir, writeFileDurable } from './fs-utils';
import { parseManifest } from './manifest';
import { readPipelineInput } from './save-input';
import { readSignature } from './signature';
import type { FileDigest, ModelSignature, TensorSpec } from './types';

/** Models up to this size are loaded in onnxruntime at import, to check their signature. */
export const kMaxLoadCheckBytes = 16 * 1024 * 1024;

/** How far ahead of this machine's clock an archive's createdAt may be (another machine's clock). */
const kClockSkewMs = 24 * 60 * 60 * 1000;

/** Compares signatures field by field: key order in a model.json written elsewhere does not matter. */
function sameSignature(a: ModelSignature, b: ModelSignature): boolean {
  const key = (specs: TensorSpec[]) => JSON.stringify(specs.map((s) => [s.name, s.type, s.shape]));
  return key(a.inputs) === key(b.inputs) && key(a.outputs) === key(b.outputs);
}

/**
 * Extracts the `.mlmodel` archive `file` into the empty directory `staging` and checks it the way
 * `importModel` promises: a valid model.json, every file's size and sha256, no unlisted file, a model
 * (up to {@link kMaxLoadCheckBytes}) that loads with the recorded signature, and a pipeline that loads. With `name`, model.json is
 * rewritten to that name. Resolves to the name and version to store it as, once fsynced.
 */
export async function unpackArchive(file: string, staging: string, options: { name?: string; maxModelSize: number }): Promise<{ name: string; version: string }> {
  const digests = await extractArchive(file, staging, { maxBytes: options.maxModelSize });
  const { name } = options;
  const invalid = (message: string, details?: unknown): Error =>
    createStoreError('MLS_ERR_STORE_INVALID_ARCHIVE', `${file}: ${message}`, { details: { file, ...(details as object) } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(staging, 'model.json'), 'utf8'));
  } catch (err) {
    throw invalid(`model.json is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = parseManifest(parsed, `${file}: model.json`, 'MLS_ERR_STORE_INVALID_ARCHIVE');
  // latest follows save times: a time in the future would keep every later save from becoming latest
  if (Date.parse(manifest.createdAt) > Date.now() + kClockSkewMs) throw invalid(`model.json's createdAt ${manifest.createdAt} is in the future`);
  for (const [entry, expected] of Object.entries(manifest.files) as Array<[string, FileDigest]>) {
    const actual = digests.get(entry);
    if (!actual) throw invalid(`${entry} is listed in model.json but missing from the archive`, { entry });
    if (actual.size !== expected.size || actual.sha256 !== expected.sha256) {
      throw invalid(`${entry} does not match model.json (sha256 ${actual.sha256}, ${actual.size} bytes; expected ${expected.sha256}, ${expected.size} bytes)`, {
        entry,
        expected,
        actual,
      });
    }
  }
  for (const entry of digests.keys()) {
    if (entry !== 'model.json' && !(entry in manifest.files)) throw invalid(`${entry} is not listed in model.json`, { entry });
  }
  // the hashes only prove the archive is what its model.json says: the model itself must still load.
  // Loading costs a few times the model's size in memory, so a large model is left to the runner,
  // which loads it anyway; its bytes are still bound to model.json by their sha256.
  let signature = manifest.signature;
  if (manifest.files['model.onnx'].size <= kMaxLoadCheckBytes) {
    signature = await readSignature(await readFile(join(staging, 'model.onnx')), `${file}: model.onnx`);
    if (!sameSignature(signature, manifest.signature)) throw invalid('the signature in model.json does not match model.onnx');
  }
  if (manifest.files['pipeline.json']) await readPipelineInput(join(staging, 'pipeline.json'), signature);
  if (manifest.files['stats.json']) await readStatsInput(join(staging, 'stats.json'));
  const stored = name ?? manifest.name;
  if (stored !== manifest.name) {
    await writeFileDurable(join(staging, 'model.json'), `${JSON.stringify({ ...manifest, name: stored }, null, 2)}\n`, 'w');
  }
  await syncDir(staging);
  return { name: stored, version: manifest.version };
}
