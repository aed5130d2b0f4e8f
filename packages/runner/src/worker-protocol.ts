import type { WireTensor } from './tensor';

/** A task the runner posts to a worker. */
export type WorkerTask =
  /** `model` goes to a warm worker, started before the model was known (see warm-pool.ts). */
  { op: 'load'; barrier?: Int32Array; total: number; model?: WorkerData } | { op: 'run'; inputs: Record<string, WireTensor> };

/** What the runner passes to every worker as piscina's workerData. */
export interface WorkerData {
  modelPath: string;
  /** A serving graph derived from the file (ZipMap outputs replaced by their tensors), loaded instead of it. */
  modelBytes?: Uint8Array | undefined;
  sessionOptions: Record<string, unknown>;
}

/**
 * piscina's workerData: the model (empty in a warm worker until a runner adopts it) and the
 * pool's guard around ONNX Runtime calls (see native-guard.ts).
 */
export type PoolWorkerData = Partial<WorkerData> & {
  guard?: Int32Array;
  /** For a warm worker: the model its first load task will most likely bring (see model-hint.ts). */
  hint?: WorkerData | undefined;
};
