import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createStoreError } from './errors';
import { isPicklePath, pickleRefused } from './save-input';
import { assertDerivedName } from './tag';
import type { ImportModelOptions, SaveModelInput } from './types';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the scikit-learn exporter's output directory (model.onnx, optional pipeline.json and
 * metadata.json in format `mlserve.export/v1`) into the name and input of a save, with `options`
 * replacing (`pipeline`, `classes`) or merged over (`labels`, `metadata`) what the directory holds.
 */
export async function readExportDirectory(dir: string, options: ImportModelOptions): Promise<{ name: string; input: SaveModelInput }> {
  const entries = await readdir(dir);
  if (!entries.includes('model.onnx')) {
    const pickle = entries.find((e) => isPicklePath(e));
    if (pickle) throw pickleRefused(join(dir, pickle));
    throw createStoreError(
      'MLS_ERR_STORE_INVALID_MODEL',
      `${dir} holds no model.onnx: expected the scikit-learn exporter's output directory (model.onnx, pipeline.json, metadata.json)`,
      { details: { file: dir } },
    );
  }
  let meta: Record<string, unknown> = {};
  if (entries.includes('metadata.json')) {
    const file = join(dir, 'metadata.json');
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (!isPlainObject(parsed)) throw new Error('expected a JSON object');
      meta = parsed;
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_INVALID_INPUT', `${file} is not valid: ${(err as Error).message}`, { cause: err });
    }
    if (meta.format !== undefined && meta.format !== 'mlserve.export/v1') {
      throw createStoreError('MLS_ERR_STORE_INVALID_INPUT', `${file} has format ${JSON.stringify(meta.format)}; expected "mlserve.export/v1"`);
    }
  }
  const name = options.name ?? (typeof meta.name === 'string' ? meta.name : basename(dir));
  assertDerivedName(name, dir);
  const metadata: Record<string, unknown> = { ...(isPlainObject(meta.metadata) ? meta.metadata : {}) };
  for (const key of ['estimator', 'framework', 'task', 'featureNames', 'featureImportances'] as const) {
    if (meta[key] !== undefined) metadata[key] = meta[key];
  }
  const input: SaveModelInput = {
    model: join(dir, 'model.onnx'),
    pipeline: options.pipeline ?? (entries.includes('pipeline.json') ? join(dir, 'pipeline.json') : undefined),
    classes: options.classes ?? (meta.classes as SaveModelInput['classes']),
    labels: options.labels === undefined ? (meta.labels as SaveModelInput['labels']) : { ...(meta.labels as SaveModelInput['labels']), ...options.labels },
    metrics: meta.metrics as SaveModelInput['metrics'],
    stats: options.stats ?? (entries.includes('stats.json') ? join(dir, 'stats.json') : undefined),
    metadata: { ...metadata, ...options.metadata },
  };
  return { name, input };
}
