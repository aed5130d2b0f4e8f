import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRunnerError } from './errors';
import { recordModelHint } from './model-hint';
import { type LoadResult, type RunResult, SessionHost, type SessionOptions } from './session-host';
import type { WireTensor } from './tensor';
import { kBurstIdleMs } from './burst-policy';
import { takeWarmPool } from './warm-pool';
import { type PoolSpec, WorkerPool } from './worker-pool';
import type { WorkerData } from './worker-protocol';

/**
 * Where batches run: a piscina pool of session-holding workers, or the calling thread. `run`
 * rejects only when the worker itself failed (crashed, or the pool was destroyed).
 */
export interface Executor {
  /** How many batches may be in flight at once. */
  readonly capacity: number;
  /** Resolves once every session exists, with each one's result. */
  load(): Promise<LoadResult[]>;
  run(inputs: Record<string, WireTensor>, transferList: ArrayBuffer[]): Promise<RunResult>;
  /**
   * Runs a small batch on a session of the calling thread, when the executor keeps one (the idle
   * path: no worker hop). Never rejects, like a worker's result.
   */
  runInline?(inputs: Record<string, WireTensor>): Promise<RunResult>;
  /** True once the calling thread's session of runInline() is loaded. */
  readonly inlineReady?: boolean;
  /** Worker threads running now, extra ones included. */
  readonly threads?: number;
  /**
   * Starts the extra workers (`maxWorkers` over `workers`), once; `onBurst('ready')` tells when
   * they take batches (capacity grows), `onBurst('stopped')` when they stopped or failed to start.
   */
  startBurst?(): void;
  /** Stops the extra workers: they finish what they hold, and take nothing more. */
  stopBurst?(): void;
  onBurst?: (event: 'ready' | 'stopped') => void;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * The compiled worker entry. From dist (normal use) it is the sibling `worker.cjs`; when jest runs
 * the TypeScript sources it is the built `../dist/worker.cjs`, so tests run after `pnpm build`.
 * Throws MLS_ERR_RUNNER_MODEL_LOAD (ready() rejects with it) when neither exists.
 */
export function resolveWorkerFile(dir: string = __dirname): string {
  const candidates = [join(dir, 'worker.cjs'), join(dir, '..', 'dist', 'worker.cjs')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) {
    throw createRunnerError('MLS_ERR_RUNNER_MODEL_LOAD', `@mlserve/runner: worker entry not found (looked for ${candidates.join(' and ')}); run \`pnpm build\` first`, {
      details: { workerFile: candidates[0] },
    });
  }
  return found;
}

/** How often a runner just ready looks for a moment without batches to create the idle path's session. */
export const kInlineLoadCheckMs = 50;

/** What the calling thread's session of the idle path is made from. */
type InlineModel = { modelPath: string; sessionOptions: SessionOptions; modelBytes?: Uint8Array | undefined };

/** The extra workers of `maxWorkers`, while they run (see BurstPolicy). */
interface Burst {
  pool: WorkerPool;
  ready: boolean;
  inFlight: number;
  lastUsed: number;
  idleCheck: NodeJS.Timeout | undefined;
}

/** Slot 0 counts the workers whose session is loaded, slot 1 is set when one failed (see worker.ts). */
const newBarrier = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));

/**
 * Sends one load task per worker of `pool` and resolves with each one's result. The tasks meet at
 * a barrier in the workers (see worker.ts), so each worker gets exactly one.
 */
async function loadWorkers(pool: WorkerPool, workers: number, model: WorkerData | undefined, barrier = newBarrier()): Promise<LoadResult[]> {
  const release = (): void => {
    Atomics.store(barrier, 1, 1);
    Atomics.notify(barrier, 0);
  };
  const tasks: Array<Promise<LoadResult>> = [];
  for (let i = 0; i < workers; i++) {
    tasks.push(
      pool.run({ op: 'load', barrier, total: workers, model }).then(
        (result) => {
          if (!(result as LoadResult).ok) release();
          return result as LoadResult;
        },
        (err: unknown) => {
          release();
          throw err;
        },
      ),
    );
  }
  const settled = await Promise.allSettled(tasks);
  return settled.map((s): LoadResult =>
    s.status === 'fulfilled' ? s.value : { ok: false, message: `worker failed while loading: ${(s.reason as Error)?.message ?? String(s.reason)}` },
  );
}

/** Batches run in worker threads, one ONNX Runtime session each. */
export class PoolExecutor implements Executor {
  readonly #workers: number;
  readonly #batchesPerWorker: number;
  readonly #extraWorkers: number;
  readonly #spec: PoolSpec;
  readonly #workerData: WorkerData;
  readonly #pool: WorkerPool;
  #inFlight = 0;
  #burst: Burst | undefined;
  onBurst: (event: 'ready' | 'stopped') => void = () => {};
  /** The calling thread's own session, for batches run inline when the pool is idle. */
  readonly #inlineModel: InlineModel | undefined;
  #inline: SessionHost | undefined;
  #inlineTimer: NodeJS.Timeout | undefined;
  #inlineReady = false;
  #loaded = false;
  /** The model the load tasks bring, when the pool was a warm one started without it. */
  #warmModel: WorkerData | undefined;
  /** Called when a worker fails outside of any task (piscina's 'error'). */
  onWorkerError: (err: Error) => void = () => {};

  constructor(options: {
    workers: number;
    batchesPerWorker: number;
    workerFile: string;
    /** Which warm pool it may take (see warm-pool.ts). */
    poolKey: string;
    modelPath: string;
    modelBytes?: Uint8Array | undefined;
    sessionOptions: SessionOptions;
    name: string;
    /** Also keep a session on this thread for `runInline()`, with these options. */
    inlineSessionOptions?: SessionOptions | undefined;
    /** Most threads, the extra ones of startBurst() included. Default: `workers`. */
    maxWorkers?: number;
  }) {
    this.#workers = options.workers;
    this.#batchesPerWorker = options.batchesPerWorker;
    this.#extraWorkers = Math.max(0, (options.maxWorkers ?? options.workers) - options.workers);
    if (options.inlineSessionOptions) this.#inlineModel = { modelPath: options.modelPath, modelBytes: options.modelBytes, sessionOptions: options.inlineSessionOptions };
    const workerData: WorkerData = { modelPath: options.modelPath, modelBytes: options.modelBytes, sessionOptions: options.sessionOptions as Record<string, unknown> };
    const spec: PoolSpec = { key: options.poolKey, workerFile: options.workerFile, workers: options.workers, batchesPerWorker: options.batchesPerWorker };
    this.#spec = spec;
    this.#workerData = workerData;
    const warm = takeWarmPool(spec);
    if (warm) {
      // Workers started from now on (after a crash) read the model from workerData like any pool's.
      Object.assign(warm.workerData, workerData);
      this.#warmModel = workerData;
    }
    this.#pool = warm ?? new WorkerPool(spec, workerData);
    this.#pool.piscina.on('error', (err: Error) => this.onWorkerError(err));
  }

  /** Batches in flight at once: the workers', and the extra workers' while they take batches. */
  get capacity(): number {
    return (this.#workers + (this.#burst?.ready ? this.#extraWorkers : 0)) * this.#batchesPerWorker;
  }

  get threads(): number {
    return this.#workers + (this.#burst ? this.#extraWorkers : 0);
  }

  async load(): Promise<LoadResult[]> {
    const model = this.#inlineModel;
    const barrier = newBarrier();
    // The workers count themselves in the barrier as their sessions load, before their answers are read.
    if (model) this.#inlineTimer = setTimeout(() => Atomics.load(barrier, 0) < this.#workers && this.#loadInline(model), 0).unref();
    const results = await loadWorkers(this.#pool, this.#workers, this.#warmModel, barrier);
    clearTimeout(this.#inlineTimer);
    this.#loaded = results.every((r) => r.ok);
    if (!this.#loaded) {
      await this.#releaseInline();
      return results;
    }
    if (this.#warmModel) recordModelHint(this.#warmModel);
    if (model && !this.#inline) this.#loadInlineWhenIdle(model);
    return results;
  }

  startBurst(): void {
    if (this.#burst || this.#extraWorkers === 0 || !this.#loaded) return;
    const pool = new WorkerPool({ ...this.#spec, workers: this.#extraWorkers }, this.#workerData);
    pool.piscina.on('error', (err: Error) => this.onWorkerError(err));
    const burst: Burst = { pool, ready: false, inFlight: 0, lastUsed: performance.now(), idleCheck: undefined };
    this.#burst = burst;
    void loadWorkers(pool, this.#extraWorkers, undefined).then((results) => {
      if (this.#burst !== burst) return;
      if (!results.every((r) => r.ok)) return this.stopBurst();
      burst.ready = true;
      burst.lastUsed = performance.now();
      burst.idleCheck = setInterval(() => {
        if (burst.inFlight === 0 && performance.now() - burst.lastUsed >= kBurstIdleMs) this.stopBurst();
      }, kBurstIdleMs / 4).unref();
      this.onBurst('ready');
    });
  }

  stopBurst(): void {
    const burst = this.#takeBurst();
    if (!burst) return;
    // Its batches in flight still finish and answer.
    void burst.pool.close().catch(() => {});
    this.onBurst('stopped');
  }

  /**
   * The idle path's session on this thread. ONNX Runtime builds it synchronously, on this thread
   * (~20-40 ms for a forest), so it is created when this thread would otherwise wait: on the turn
   * after load() (the service built) if the workers are still creating theirs, else once ready, at
   * the first check (every `kInlineLoadCheckMs`) that finds no batch in a worker. Created before
   * the service was built, it delayed the first `/readyz`; on the idle path's first batch, it
   * stalled that request (bench/NOTES.md). Until it exists the idle path sends batches to the workers.
   */
  #loadInlineWhenIdle(model: InlineModel): void {
    const attempt = (): void => {
      if (this.#inFlight > 0 || this.#burst) {
        this.#inlineTimer = setTimeout(attempt, kInlineLoadCheckMs).unref();
        return;
      }
      this.#loadInline(model);
    };
    this.#inlineTimer = setTimeout(attempt, kInlineLoadCheckMs).unref();
  }

  #loadInline(model: InlineModel): void {
    this.#inlineTimer = undefined;
    const host = (this.#inline = new SessionHost(model.modelPath, model.sessionOptions, model.modelBytes));
    void host.loaded.then((r) => {
      if (r.ok && this.#inline === host) this.#inlineReady = true;
    });
  }

  /** The workers take batches first; the extra workers only what the workers' slots cannot hold. */
  run(inputs: Record<string, WireTensor>, transferList: ArrayBuffer[]): Promise<RunResult> {
    const burst = this.#burst;
    if (burst?.ready && this.#inFlight >= this.#workers * this.#batchesPerWorker) {
      burst.inFlight++;
      burst.lastUsed = performance.now();
      const done = (): void => {
        burst.inFlight--;
        burst.lastUsed = performance.now();
      };
      return (burst.pool.run({ op: 'run', inputs }, transferList) as Promise<RunResult>).then(
        (result) => {
          done();
          result.extraWorker = true;
          return result;
        },
        (err: unknown) => {
          done();
          throw err;
        },
      );
    }
    this.#inFlight++;
    return (this.#pool.run({ op: 'run', inputs }, transferList) as Promise<RunResult>).finally(() => this.#inFlight--);
  }

  get runInline(): ((inputs: Record<string, WireTensor>) => Promise<RunResult>) | undefined {
    if (!this.#inlineModel) return undefined;
    return (inputs) => this.#inline!.run(inputs);
  }

  get inlineReady(): boolean {
    return this.#inlineReady;
  }

  async close(): Promise<void> {
    clearTimeout(this.#inlineTimer);
    const burst = this.#takeBurst();
    await Promise.all([this.#pool.close(), burst?.pool.close()]);
    await this.#releaseInline();
  }

  async destroy(): Promise<void> {
    clearTimeout(this.#inlineTimer);
    const burst = this.#takeBurst();
    await Promise.all([this.#pool.destroy(), burst?.pool.destroy()]);
    await this.#releaseInline();
  }

  #takeBurst(): Burst | undefined {
    const burst = this.#burst;
    this.#burst = undefined;
    clearInterval(burst?.idleCheck);
    return burst;
  }

  async #releaseInline(): Promise<void> {
    const host = this.#inline;
    this.#inline = undefined;
    this.#inlineReady = false;
    // A session still loading is released once it exists.
    await host?.loaded;
    await host?.release();
  }
}

/** Batches run on the calling thread: no worker hop, but inference blocks the event loop. */
export class InProcessExecutor implements Executor {
  readonly capacity = 1;
  readonly #host: SessionHost;

  constructor(options: { modelPath: string; modelBytes?: Uint8Array | undefined; sessionOptions: SessionOptions }) {
    this.#host = new SessionHost(options.modelPath, options.sessionOptions, options.modelBytes);
  }

  async load(): Promise<LoadResult[]> {
    return [await this.#host.loaded];
  }

  run(inputs: Record<string, WireTensor>): Promise<RunResult> {
    return this.#host.run(inputs);
  }

  close(): Promise<void> {
    return this.#host.release();
  }

  destroy(): Promise<void> {
    return this.#host.release();
  }
}
