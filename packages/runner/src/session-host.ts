import { performance } from 'node:perf_hooks';
import { nonTensorOutputMessage } from '@mlserve/core';
import type * as Ort from 'onnxruntime-node';
import { loadOrt } from './commonjs-deps';
import { insideNative } from './native-guard';
import { type ModelSignature, type TensorType, type TypedArray, type WireOutput, type WireTensor, kTransferMinBytes, toWireOutputData } from './tensor';

/** ONNX Runtime session options a runner passes to every session it creates. */
export type SessionOptions = Ort.InferenceSession.SessionOptions;

/** What a session host reports once its session exists. */
export type LoadResult = { ok: true; signature: ModelSignature } | { ok: false; message: string };

/**
 * The result of one batch: outputs by name and how long ONNX Runtime took (`runMs`, which the idle
 * path learns the model's cost from), or the message of ONNX Runtime's error.
 */
/** A batch's result; `extraWorker` is set by the executor when one of the extra workers of `maxWorkers` ran it. */
export type RunResult = ({ ok: true; outputs: Record<string, WireOutput>; runMs: number } | { ok: false; message: string }) & { extraWorker?: true };

/** What a worker answers once its pool is stopping (nobody waits for it: the pool's callers were answered). */
const stopping = (): { ok: false; message: string } => ({ ok: false, message: 'the worker pool is stopping' });
/** What a call the stopping pool skipped gives back where nobody needs an answer. */
const skipped = (): undefined => undefined;

/**
 * One ONNX Runtime session, created once and kept for the life of its thread (session churn leaks
 * memory in onnxruntime-node). Runs in a worker, or on the calling thread with `inProcess`.
 */
export class SessionHost {
  readonly loaded: Promise<LoadResult>;
  #session: Ort.InferenceSession | undefined;
  /** A worker's pool guard (see native-guard.ts); none on the calling thread. */
  readonly #guard: Int32Array | undefined;

  /** Loads `bytes` when given (a serving graph derived from the file), else the file. */
  constructor(modelPath: string, options: SessionOptions, bytes?: Uint8Array, guard?: Int32Array) {
    this.#guard = guard;
    this.loaded = insideNative(guard, () => this.#load(modelPath, options, bytes), stopping);
  }

  async #load(modelPath: string, options: SessionOptions, bytes: Uint8Array | undefined): Promise<LoadResult> {
    try {
      const ort = loadOrt();
      const session = bytes ? await ort.InferenceSession.create(bytes, options) : await ort.InferenceSession.create(modelPath, options);
      const nonTensor = session.outputMetadata.filter((m) => !m.isTensor).map((m) => m.name);
      if (nonTensor.length > 0) {
        await session.release();
        return { ok: false, message: nonTensorOutputMessage('output', nonTensor) };
      }
      this.#session = session;
      return { ok: true, signature: { inputs: session.inputMetadata.map(toSpec), outputs: session.outputMetadata.map(toSpec) } };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }

  /** Runs one (already merged) batch. Never rejects: ONNX Runtime errors come back as results. */
  async run(inputs: Record<string, WireTensor>): Promise<RunResult> {
    const loaded = await this.loaded;
    if (!loaded.ok) return loaded;
    const { Tensor } = loadOrt();
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name in inputs) {
      const t = inputs[name]!;
      feeds[name] = new Tensor(t.type, t.data as Float32Array, t.dims);
    }
    let results: Ort.InferenceSession.ReturnType | undefined;
    const started = performance.now();
    const session = this.#session!;
    try {
      results = await insideNative(this.#guard, () => session.run(feeds), skipped);
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
    if (results === undefined) return stopping();
    const outputs: Record<string, WireOutput> = {};
    for (const name in results) {
      const t = results[name]!;
      outputs[name] = { type: t.type as TensorType, data: toWireOutputData(t.data), dims: t.dims as number[] };
    }
    return { ok: true, outputs, runMs: performance.now() - started };
  }

  /**
   * Frees the native session: an in-process runner's, or a worker's hinted session that the load
   * task did not want (a worker's own session ends with its thread).
   */
  async release(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) await insideNative(this.#guard, () => session.release(), skipped);
  }
}

function toSpec(m: Ort.InferenceSession.ValueMetadata): ModelSignature['inputs'][number] {
  return m.isTensor ? { name: m.name, type: m.type, shape: m.shape.slice() } : { name: m.name, type: 'non-tensor', shape: [] };
}

/** The large ArrayBuffers of a batch's outputs, to transfer them instead of copying. */
export function transferablesOf(outputs: Record<string, WireOutput>): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  for (const name in outputs) {
    const data = outputs[name]!.data;
    if (!Array.isArray(data)) {
      const view = data as TypedArray;
      if (
        view.byteLength >= kTransferMinBytes &&
        view.byteOffset === 0 &&
        view.byteLength === view.buffer.byteLength &&
        view.buffer instanceof ArrayBuffer &&
        !list.includes(view.buffer)
      ) {
        list.push(view.buffer);
      }
    }
  }
  return list;
}
