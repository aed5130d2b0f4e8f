import { createStoreError } from './errors';
import { isValidName } from './tag';
import type { FileDigest, ModelManifest, ModelSignature, ModelTask, TensorSpec } from './types';
import { isKnownVersion } from './version';

/** The `format` of model.json. */
export const kModelManifestFormat = 'mlserve.model/v1';

/** The only files a version directory (and an archive) may hold. */
export const kModelFiles = ['model.json', 'model.onnx', 'pipeline.json', 'stats.json'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkDigest(value: unknown, path: string, fail: (msg: string) => never): FileDigest {
  if (!isObject(value)) fail(`${path} must be an object { size, sha256 }`);
  if (!Number.isSafeInteger(value.size) || (value.size as number) < 0) fail(`${path}.size must be a non-negative integer`);
  if (typeof value.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(value.sha256)) fail(`${path}.sha256 must be 64 lowercase hex characters`);
  return { size: value.size as number, sha256: value.sha256 };
}

function checkSpecs(value: unknown, path: string, fail: (msg: string) => never): TensorSpec[] {
  if (!Array.isArray(value)) fail(`${path} must be an array`);
  return value.map((spec, i) => {
    if (!isObject(spec) || typeof spec.name !== 'string' || typeof spec.type !== 'string' || !Array.isArray(spec.shape)) {
      fail(`${path}[${i}] must be { name, type, shape }`);
    }
    return spec as unknown as TensorSpec;
  });
}

/**
 * Checks a parsed model.json field by field and returns it typed. `source` names the file in
 * error messages; errors are `MLS_ERR_STORE_CORRUPT` unless `code` says otherwise (archives).
 */
export function parseManifest(value: unknown, source: string, code: 'MLS_ERR_STORE_CORRUPT' | 'MLS_ERR_STORE_INVALID_ARCHIVE' = 'MLS_ERR_STORE_CORRUPT'): ModelManifest {
  const fail = (msg: string): never => {
    throw createStoreError(code, `${source} is not a valid ${kModelManifestFormat} manifest: ${msg}`, { details: { file: source } });
  };
  if (!isObject(value)) fail('expected a JSON object');
  const m = value as Record<string, unknown>;
  if (m.format !== kModelManifestFormat) fail(`format must be "${kModelManifestFormat}", got ${JSON.stringify(m.format)}`);
  if (!isValidName(m.name)) fail(`name ${JSON.stringify(m.name)} is not a valid model name`);
  if (!isKnownVersion(m.version)) {
    fail(`version ${JSON.stringify(m.version)} is not a version the store generates (16 characters of lowercase Crockford base32) ` + 'nor a chosen version such as v1.0.0');
  }
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) fail('createdAt must be an ISO date string');
  if (typeof m.mlserveVersion !== 'string') fail('mlserveVersion must be a string');
  if (typeof m.onnxruntimeVersion !== 'string') fail('onnxruntimeVersion must be a string');
  if (!isObject(m.files)) fail('files must be an object');
  const files = m.files as Record<string, unknown>;
  for (const key of Object.keys(files)) {
    // file names come from this list only, so a crafted manifest cannot point outside the version dir
    if (key !== 'model.onnx' && key !== 'pipeline.json' && key !== 'stats.json') fail(`files.${key} is not a file a model may hold`);
  }
  const digests: ModelManifest['files'] = { 'model.onnx': checkDigest(files['model.onnx'], 'files["model.onnx"]', fail) };
  if (files['pipeline.json'] !== undefined) digests['pipeline.json'] = checkDigest(files['pipeline.json'], 'files["pipeline.json"]', fail);
  if (files['stats.json'] !== undefined) digests['stats.json'] = checkDigest(files['stats.json'], 'files["stats.json"]', fail);
  if (!isObject(m.signature)) fail('signature must be an object { inputs, outputs }');
  const sig = m.signature as Record<string, unknown>;
  const signature: ModelSignature = { inputs: checkSpecs(sig.inputs, 'signature.inputs', fail), outputs: checkSpecs(sig.outputs, 'signature.outputs', fail) };
  // What save() derived from the graph (task, ZipMaps, feature names): kept when well-formed.
  if (isObject(sig.task) && (sig.task.kind === 'classification' || sig.task.kind === 'regression')) signature.task = sig.task as unknown as ModelTask;
  if (Array.isArray(sig.zipMaps)) signature.zipMaps = sig.zipMaps as ModelSignature['zipMaps'];
  if (Array.isArray(sig.featureNames) && sig.featureNames.every((n) => typeof n === 'string')) signature.featureNames = sig.featureNames as string[];
  if (m.classes !== undefined && (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'string' || typeof c === 'number'))) {
    fail('classes must be an array of strings or numbers');
  }
  if (!isObject(m.labels) || !Object.values(m.labels).every((v) => typeof v === 'string')) fail('labels must be an object of strings');
  if (!isObject(m.metadata)) fail('metadata must be an object');
  if (!isObject(m.metrics) || !Object.values(m.metrics).every((v) => typeof v === 'number')) fail('metrics must be an object of numbers');
  return { ...(m as unknown as ModelManifest), files: digests, signature };
}
