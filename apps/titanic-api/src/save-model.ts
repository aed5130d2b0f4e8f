import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ModelStore, type ModelRef } from '@mlserve/model-store';

/** The `metadata.json` the exporter writes beside model.onnx (format `mlserve.export/v1`). */
export interface ExportMetadata {
  format: string;
  name?: string;
  classes?: Array<string | number>;
  featureNames?: string[];
  inputs?: string[];
  estimator?: string;
  framework?: { name: string; version: string };
  featureImportances?: Record<string, number>;
  metrics?: Record<string, number>;
  labels?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** The exporter's output directory: model.onnx, pipeline.json, metadata.json. */
  artifactsDir: string;
  /** The store name; defaults to metadata.json's `name`. */
  name?: string;
  /** The store; defaults to `new ModelStore()` ($MLSERVE_HOME, then ~/.mlserve). */
  store?: ModelStore;
  /** Skip the save when the latest stored version has the same model.onnx (sha256) and pipeline. */
  ifChanged?: boolean;
}

/** What {@link saveModel} did: the version now latest, and whether it was written by this call. */
export interface SaveModelResult {
  ref: ModelRef;
  saved: boolean;
}

/**
 * Saves an exported model into the store, like the seed's `save_model.py` did with
 * `bentoml.sklearn.save_model`: the ONNX graph, its fitted pipeline, classes, metrics and metadata.
 */
export async function saveModel(options: SaveModelOptions): Promise<SaveModelResult> {
  const store = options.store ?? new ModelStore();
  const exported = JSON.parse(await readFile(join(options.artifactsDir, 'metadata.json'), 'utf8')) as ExportMetadata;
  const name = options.name ?? exported.name;
  if (name === undefined) throw new TypeError('options.name is required when metadata.json has no name');
  const modelPath = join(options.artifactsDir, 'model.onnx');
  const pipelinePath = join(options.artifactsDir, 'pipeline.json');

  if (options.ifChanged === true) {
    const latest = await getLatest(store, name);
    if (latest !== undefined && (await holdsSameModel(latest.path, latest.manifest.files['model.onnx'].sha256, options.artifactsDir))) {
      return { ref: { name: latest.name, version: latest.version, tag: latest.tag, path: latest.path }, saved: false };
    }
  }

  const ref = await store.save(name, {
    model: modelPath,
    pipeline: pipelinePath,
    classes: exported.classes,
    labels: exported.labels,
    metrics: exported.metrics,
    metadata: {
      ...exported.metadata,
      estimator: exported.estimator,
      framework: exported.framework,
      featureNames: exported.featureNames,
      featureImportances: exported.featureImportances,
    },
  });
  return { ref, saved: true };
}

async function getLatest(store: ModelStore, name: string) {
  try {
    return await store.get(`${name}:latest`);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'MLS_ERR_STORE_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * True when a stored version has the artifacts' model.onnx (same sha256) and the same pipeline. The
 * store writes pipeline.json compactly, so pipelines are compared as JSON values, not as bytes.
 */
async function holdsSameModel(versionDir: string, modelDigest: string, artifactsDir: string): Promise<boolean> {
  const bytes = await readFile(join(artifactsDir, 'model.onnx'));
  if (createHash('sha256').update(bytes).digest('hex') !== modelDigest) return false;
  const [stored, exported] = await Promise.all([readJson(join(versionDir, 'pipeline.json')), readJson(join(artifactsDir, 'pipeline.json'))]);
  return isDeepStrictEqual(stored, exported);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw err;
  }
}
