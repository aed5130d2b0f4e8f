import { Piscina } from './commonjs-deps';
import type { WorkerData, WorkerTask } from './worker-protocol';
import type { LoadResult, RunResult } from './session-host';

/**
 * The key of warm pools of the package's own worker. Any copy of this package (a bento bundles its
 * own beside the CLI's) may take them: what has to match is what the load task tells the worker,
 * so bump the number when worker-protocol.ts changes.
 */
export const kOwnWorkerKey = '@mlserve/runner worker, protocol 1';

/** The pool settings a runner needs; a warm pool is adopted only by a runner that needs the same. */
export interface PoolSpec {
  /** `kOwnWorkerKey` for the package's worker; a custom worker file's own path. */
  key: string;
  workerFile: string;
  workers: number;
  batchesPerWorker: number;
}

/** A worker pool started before any runner knows its model, with the workerData its workers read. */
export interface WarmPool {
  pool: Piscina<WorkerTask, RunResult | LoadResult>;
  /** Empty until adopted; then holds the model, so a worker started after a crash loads it at once. */
  workerData: Partial<WorkerData>;
}

// Process-wide: the CLI that serves a bento and the bento's own code hold two copies of this module.
const kWarmPools = Symbol.for('@mlserve/runner:warm-pools');
type RegistryEntry = { warm: WarmPool; spec: PoolSpec; timer: NodeJS.Timeout };
type Registry = Map<string, RegistryEntry>;
const registry = ((globalThis as Record<symbol, Registry | undefined>)[kWarmPools] ??= new Map());

/** The piscina options of a runner's pool: the same for a warm pool and a runner's own. */
export function poolOptions(spec: PoolSpec, workerData: Partial<WorkerData>): ConstructorParameters<typeof Piscina>[0] {
  return {
    filename: spec.workerFile,
    name: 'default',
    minThreads: spec.workers,
    maxThreads: spec.workers,
    // Sessions are created once per worker and never recycled: workers never idle out.
    idleTimeout: Infinity,
    // A worker runs its batches one after the other; the next one waits in its message port.
    concurrentTasksPerWorker: spec.batchesPerWorker,
    recordTiming: false,
    workerData,
  };
}

/**
 * Starts the worker threads of a runner not created yet (`mlserve serve` does, through
 * MLSERVE_RUNNER_START=eager, as soon as this package loads): thread start-up and loading
 * onnxruntime-node then overlap with loading the rest of the service, and the first runner with
 * the same pool settings only has to create its session. The threads create no session of their
 * own ahead of it: a process that exits while a thread is inside session creation aborts
 * (onnxruntime-node throws from native code). A pool nobody takes within `releaseAfterMs` is
 * destroyed. One warm pool per key: returns the pool started, or the one already waiting.
 */
export function startWarmPool(spec: PoolSpec, releaseAfterMs = 30_000): WarmPool['pool'] {
  const waiting = registry.get(spec.key);
  if (waiting) return waiting.warm.pool;
  const workerData: Partial<WorkerData> = {};
  const pool = new Piscina<WorkerTask, RunResult | LoadResult>(poolOptions(spec, workerData));
  // A warm worker holds no session, so an error of its own is not anybody's failure yet.
  pool.on('error', () => {});
  const timer = setTimeout(() => releaseWarmPool(spec.key), releaseAfterMs).unref();
  registry.set(spec.key, { warm: { pool, workerData }, spec, timer });
  return pool;
}

/**
 * Takes the warm pool of `spec.key` when its settings are `spec`'s; the caller owns it from then
 * on. A pool of other settings is destroyed: the first runner decides, and a pool nobody can take
 * only costs memory.
 */
export function takeWarmPool(spec: PoolSpec): WarmPool | undefined {
  const entry = registry.get(spec.key);
  if (!entry) return undefined;
  if (entry.spec.workers !== spec.workers || entry.spec.batchesPerWorker !== spec.batchesPerWorker) {
    releaseWarmPool(spec.key);
    return undefined;
  }
  forget(spec.key);
  entry.warm.pool.removeAllListeners('error');
  return entry.warm;
}

/** Destroys the warm pool of `key`, if one is still waiting. */
export function releaseWarmPool(key: string): void {
  void forget(key)
    ?.warm.pool.destroy()
    .catch(() => {});
}

/** Takes the entry of `key` out of the registry, its release timer stopped. */
function forget(key: string): RegistryEntry | undefined {
  const entry = registry.get(key);
  if (!entry) return undefined;
  registry.delete(key);
  clearTimeout(entry.timer);
  return entry;
}

/** True while a warm pool of `key` waits to be taken. */
export function hasWarmPool(key: string): boolean {
  return registry.has(key);
}
