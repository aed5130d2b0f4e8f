import { type PoolSpec, WorkerPool } from './worker-pool';
import type { WorkerData } from './worker-protocol';

/**
 * The key of warm pools of the package's own worker. Any copy of this package (a bento bundles its
 * own beside the CLI's) may take them: what has to match is what the load task tells the worker,
 * so bump the number when worker-protocol.ts changes.
 */
export const kOwnWorkerKey = '@mlserve/runner worker, protocol 2';

// Process-wide: the CLI that serves a bento and the bento's own code hold two copies of this module.
const kWarmPools = Symbol.for('@mlserve/runner:warm-pools');
type RegistryEntry = { pool: WorkerPool; spec: PoolSpec; timer: NodeJS.Timeout };
type Registry = Map<string, RegistryEntry>;
const registry = ((globalThis as Record<symbol, Registry | undefined>)[kWarmPools] ??= new Map());

/**
 * Starts the worker threads of a runner not created yet (`mlserve serve` does, through
 * MLSERVE_RUNNER_START=eager, as soon as this package loads): thread start-up and loading
 * onnxruntime-node then overlap with loading the rest of the service, and the first runner with
 * the same pool settings only has to create its session: the threads do not know the model before,
 * unless `hint` names the one it most likely is (see model-hint.ts). A pool nobody takes within
 * `releaseAfterMs` is destroyed. One warm pool per key: returns the pool started, or the one already waiting.
 */
export function startWarmPool(spec: PoolSpec, options: { hint?: WorkerData | undefined; releaseAfterMs?: number } = {}): WorkerPool {
  const waiting = registry.get(spec.key);
  if (waiting) return waiting.pool;
  const pool = new WorkerPool(spec, { hint: options.hint });
  // A warm worker holds no session, so an error of its own is not anybody's failure yet.
  pool.piscina.on('error', () => {});
  const timer = setTimeout(() => releaseWarmPool(spec.key), options.releaseAfterMs ?? 30_000).unref();
  registry.set(spec.key, { pool, spec, timer });
  return pool;
}

/**
 * Takes the warm pool of `spec.key` when its settings are `spec`'s; the caller owns it from then
 * on. A pool of other settings is destroyed: the first runner decides, and a pool nobody can take
 * only costs memory.
 */
export function takeWarmPool(spec: PoolSpec): WorkerPool | undefined {
  const entry = registry.get(spec.key);
  if (!entry) return undefined;
  if (entry.spec.workers !== spec.workers || entry.spec.batchesPerWorker !== spec.batchesPerWorker) {
    releaseWarmPool(spec.key);
    return undefined;
  }
  forget(spec.key);
  entry.pool.piscina.removeAllListeners('error');
  return entry.pool;
}

/** Destroys the warm pool of `key`, if one is still waiting. */
export function releaseWarmPool(key: string): void {
  void forget(key)
    ?.pool.destroy()
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
