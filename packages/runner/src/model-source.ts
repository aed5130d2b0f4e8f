import { createRequire } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import type { PipelineJSON } from '@mlserve/pipeline';
import type { ModelSignature } from './tensor';

/**
 * Preprocessing a runner applies in predict(): a fitted @mlserve/pipeline `Pipeline` (or anything
 * with the same `transform`).
 */
export interface RunnerPipeline {
  transform(records: Array<Record<string, unknown>>): { data: Float32Array; shape: [number, number] | number[] };
  /** Optional fast path for a single record. */
  transformOne?(record: Record<string, unknown>): { data: Float32Array; shape: [number, number] | number[] };
}

/**
 * A model to run: a model-store `StoredModel` fits as it is; otherwise a path to an `.onnx` file
 * with, optionally, its pipeline and class names.
 */
export interface RunnerModelSource {
  /** Path to the `.onnx` file. */
  modelPath: string;
  /** Applied by predict() to raw records: a fitted Pipeline, or its JSON (loaded with Pipeline.fromJSON). */
  pipeline?: RunnerPipeline | PipelineJSON | undefined;
  /** Class names in the order of the probability columns (else the graph's own class labels). */
  classes?: ReadonlyArray<string | number> | undefined;
  /** Names of the columns of the model's single input [N, D]: predict() then takes records by name. */
  featureNames?: string[] | undefined;
  name?: string | undefined;
  tag?: string | undefined;
  signature?: ModelSignature | undefined;
}

/**
 * A model-store `ModelRef` (what `save()` and `list()` return): the version directory holding
 * `model.onnx`. It carries no pipeline or classes; `store.get(tag)` gives a StoredModel with both.
 */
export interface ModelRefLike {
  name: string;
  tag?: string | undefined;
  version?: string | undefined;
  /** The version directory; the model is `join(path, 'model.onnx')`. */
  path: string;
}

/** What a runner tells about its model (`runner.model`). */
export interface RunnerModelInfo {
  name: string;
  tag: string | undefined;
  modelPath: string;
  classes: ReadonlyArray<string | number> | undefined;
  /** The columns of the single input, by name, when known. */
  featureNames: string[] | undefined;
  /** From the store when given, replaced by the session's own once ready. */
  signature: ModelSignature | undefined;
}

/** Checks the model argument of createRunner() and reads what the runner needs from it. */
export function resolveModelSource(model: unknown): { info: RunnerModelInfo; pipeline: RunnerPipeline | undefined } {
  if (typeof model === 'string') model = { modelPath: model };
  if (typeof model !== 'object' || model === null) {
    throw new TypeError('model must be a StoredModel, a ModelRef, { modelPath, pipeline?, classes? } or a path to an .onnx file');
  }
  const m = model as Partial<RunnerModelSource> & Partial<ModelRefLike>;
  let file = m.modelPath;
  if (file === undefined && m.path !== undefined) {
    if (typeof m.path !== 'string' || m.path === '') throw new TypeError('model.path must be a non-empty string');
    file = join(m.path, 'model.onnx');
  }
  if (typeof file !== 'string' || file === '') throw new TypeError('model.modelPath must be a non-empty string (or model.path, a model-store version directory)');
  let pipeline: RunnerPipeline | undefined;
  if (m.pipeline !== undefined && m.pipeline !== null) {
    if (typeof (m.pipeline as RunnerPipeline).transform === 'function') pipeline = m.pipeline as RunnerPipeline;
    else if (typeof m.pipeline === 'object' && (m.pipeline as { format?: unknown }).format !== undefined) {
      // Pipeline format errors (MLS_ERR_PIPELINE_FORMAT, naming the JSON path) pass through.
      pipeline = loadPipelineJSON(m.pipeline);
    } else {
      throw new TypeError('model.pipeline must be a fitted @mlserve/pipeline Pipeline (with transform(records)) or its JSON');
    }
  }
  if (m.classes !== undefined && m.classes !== null) {
    if (!Array.isArray(m.classes) || m.classes.length === 0 || !m.classes.every((c) => typeof c === 'string' || typeof c === 'number')) {
      throw new TypeError('model.classes must be a non-empty array of strings or numbers');
    }
  }
  if (m.name !== undefined && typeof m.name !== 'string') throw new TypeError('model.name must be a string');
  if (m.featureNames !== undefined && (!Array.isArray(m.featureNames) || !m.featureNames.every((n) => typeof n === 'string'))) {
    throw new TypeError('model.featureNames must be an array of strings');
  }
  const modelPath = resolve(file);
  return {
    info: {
      name: m.name || basename(modelPath, extname(modelPath)),
      tag: typeof m.tag === 'string' ? m.tag : undefined,
      modelPath,
      classes: m.classes ?? undefined,
      featureNames: m.featureNames ?? m.signature?.featureNames,
      signature: m.signature ?? undefined,
    },
    pipeline,
  };
}

/**
 * Loads a PipelineJSON with @mlserve/pipeline, required only when a runner is given pipeline JSON
 * (a Pipeline instance needs nothing from the package).
 */
function loadPipelineJSON(json: unknown): RunnerPipeline {
  const { Pipeline } = createRequire(__filename)('@mlserve/pipeline') as typeof import('@mlserve/pipeline');
  return Pipeline.fromJSON(json);
}
