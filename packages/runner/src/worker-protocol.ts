import type { WireTensor } from './tensor';

/** A task the runner posts to a worker. */
export type WorkerTask =
  | { op: 'load'; barrier?: Int32Array; total: number }
  | { op: 'run'; inputs: Record<string, WireTensor> };

/** What the runner passes to every worker as piscina's workerData. */
export interface WorkerData {
  modelPath: string;
  sessionOptions: Record<string, unknown>;
}
