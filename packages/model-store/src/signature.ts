import { nonTensorOutputMessage } from '@mlserve/core';
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

/**
 * Loads the model in onnxruntime (single-threaded, no graph optimisation: only the graph is read)
 * and returns its inputs and outputs. Rejects with `MLS_ERR_STORE_INVALID_MODEL` when onnxruntime
 * cannot load it and `MLS_ERR_STORE_NON_TENSOR_OUTPUT` for non-tensor inputs or outputs.
 */
export async function readSignature(bytes: Uint8Array, file: string): Promise<ModelSignature> {
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
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
    return {
      inputs: session.inputMetadata.map((meta) => toSpec(meta, file, 'input')),
      outputs: session.outputMetadata.map((meta) => toSpec(meta, file, 'output')),
    };
  } finally {
    await session.release();
  }
}
