import { type OnnxGraphInfo, deriveTask, nonTensorOutputMessage, readOnnxGraph, toServingModel } from '@mlserve/core';
import { createRequire } from 'node:module';
import type { InferenceSession } from 'onnxruntime-node';
import { createStoreError } from './errors';
import type { ModelSignature, TensorSpec } from './types';

type OrtModule = typeof import('onnxruntime-node');
let ortModule: OrtModule | undefined;

/**
 * onnxruntime-node is loaded on first use: reading and listing models never needs its native
 * binding. It is required rather than imported so the CommonJS build (and jest) need no
 * `--experimental-vm-modules`; tsup shims `__filename` in the ESM build.
 */
async function loadOrt(): Promise<OrtModule> {
  ortModule ??= createRequire(__filename)('onnxruntime-node') as OrtModule;
  return ortModule;
}

/** The onnxruntime-node version used to read signatures, recorded in model.json. */
export async function onnxruntimeVersion(): Promise<string> {
  const ort = await loadOrt();
  return ort.env.versions.node ?? ort.env.versions.common;
}

function toSpec(meta: InferenceSession.ValueMetadata, file: string, kind: 'input' | 'output'): TensorSpec {
  if (!meta.isTensor) {
    throw createStoreError('MLS_ERR_STORE_NON_TENSOR_OUTPUT', `${file}: ${nonTensorOutputMessage(kind, [meta.name])}`, { details: { file, [kind]: meta.name } });
  }
  return { name: meta.name, type: meta.type, shape: meta.shape.map((dim) => (dim === '' ? null : dim)) };
}

/** What besides the graph tells a model's task and feature names (see `deriveTask` of @mlserve/core). */
export interface SignatureHints {
  /** metadata.json's `task`: `"classification"` or `"regression"`. */
  task?: unknown;
  /** Class names given by the user, in the order of the probability columns. */
  classes?: Array<string | number> | undefined;
  /** metadata `featureNames` (or `inputs`): names of the columns of a single input [N, D]. */
  featureNames?: unknown;
  /** True when a pipeline.json turns records into the input: feature names then name its inputs, not the model's. */
  hasPipeline?: boolean;
}

/** Feature names that name the D columns of a model's single input [N, D]. */
function featureNamesFor(inputs: TensorSpec[], hints: SignatureHints): string[] | undefined {
  const names = hints.featureNames;
  if (hints.hasPipeline || inputs.length !== 1 || !Array.isArray(names) || !names.every((n) => typeof n === 'string')) return undefined;
  const width = inputs[0]!.shape[1];
  return inputs[0]!.shape.length === 2 && width === names.length && new Set(names).size === names.length ? [...(names as string[])] : undefined;
}

/**
 * Reads the graph (its protobuf fields, see @mlserve/core), loads the model as served in onnxruntime (single-threaded, no
 * graph optimisation: only the signature is read) and returns its inputs, outputs and task. A
 * ZipMap output is served as the probability tensor that feeds it: the signature lists that tensor
 * and records the ZipMap in `zipMaps` (the stored file stays the user's bytes; the runner derives
 * the same serving graph when it loads the model). Rejects with `MLS_ERR_STORE_INVALID_MODEL` when
 * the file is not a loadable ONNX model and `MLS_ERR_STORE_NON_TENSOR_OUTPUT` for other non-tensor
 * inputs or outputs.
 */
export async function readSignature(bytes: Uint8Array, file: string, hints: SignatureHints = {}): Promise<ModelSignature> {
  const ort = await loadOrt();
  let graph: OnnxGraphInfo | undefined;
  try {
    graph = readOnnxGraph(bytes);
  } catch {
    // onnxruntime says why below, in its own words.
  }
  const served = graph && graph.zipMaps.length > 0 ? toServingModel(bytes, graph.zipMaps) : bytes;
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(served, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw createStoreError('MLS_ERR_STORE_INVALID_MODEL', `${file} is not a loadable ONNX model: ${reason}`, {
      cause: err,
      details: { file },
    });
  }
  try {
    const inputs = session.inputMetadata.map((meta) => toSpec(meta, file, 'input'));
    const outputs = session.outputMetadata.map((meta) => toSpec(meta, file, 'output'));
    const signature: ModelSignature = { inputs, outputs };
    const task = deriveTask(outputs, graph, { task: hints.task, classes: hints.classes });
    if (task) signature.task = task;
    if (graph && graph.zipMaps.length > 0) signature.zipMaps = graph.zipMaps;
    const featureNames = featureNamesFor(inputs, hints);
    if (featureNames) signature.featureNames = featureNames;
    return signature;
  } finally {
    await session.release();
  }
}
