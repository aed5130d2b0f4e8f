import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { createRunnerError } from './errors';
import { type LoadResult, type RunResult, SessionHost, type SessionOptions } from './session-host';
import type { WireTensor } from './tensor';
import { trackSessionLoad } from './sessions-loading';
import { type PoolSpec, poolOptions, takeWarmPool } from './warm-pool';
import type { WorkerData, WorkerTask } from './worker-protocol';

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

/** What the calling thread's session of the idle path is made from. */
type InlineModel = { modelPath: string; sessionOptions: SessionOptions; modelBytes?: Uint8Array | undefined };

/** Batches run in worker threads, one ONNX Runtime session each. */
export class PoolExecutor implements Executor {
  readonly capacity: number;
  readonly #workers: number;
  readonly #pool: Piscina<WorkerTask, RunResult | LoadResult>;
  /** The calling thread's own session, for batches run inline when the pool is idle. */
  readonly #inlineModel: InlineModel | undefined;
  #inline: SessionHost | undefined;
  #inlineReady = false;
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
    /** Also keep a session on this thread for `runInline()`. */
    inline?: boolean;
  }) {
    this.#workers = options.workers;
    if (options.inline) this.#inlineModel = options;
    this.capacity = options.workers * options.batchesPerWorker;
    const workerData: WorkerData = { modelPath: options.modelPath, modelBytes: options.modelBytes, sessionOptions: options.sessionOptions as Record<string, unknown> };
    const spec: PoolSpec = { key: options.poolKey, workerFile: options.workerFile, workers: options.workers, batchesPerWorker: options.batchesPerWorker };
    const warm = takeWarmPool(spec);
    if (warm) {
      // Workers started from now on (after a crash) read the model from workerData like any pool's.
      Object.assign(warm.workerData, workerData);
      this.#warmModel = workerData;
    }
    this.#pool = warm?.pool ?? new Piscina(poolOptions(spec, workerData));
    this.#pool.on('error', (err: Error) => this.onWorkerError(err));
  }

  async load(): Promise<LoadResult[]> {
    // Slot 0 counts arrived workers, slot 1 is set when one failed (see worker.ts).
    const barrier = new Int32Array(new SharedArrayBuffer(8));
    const release = (): void => {
      Atomics.store(barrier, 1, 1);
      Atomics.notify(barrier, 0);
    };
    const tasks: Array<Promise<LoadResult>> = [];
    for (let i = 0; i < this.#workers; i++) {
      tasks.push(
        this.#pool.run({ op: 'load', barrier, total: this.#workers, model: this.#warmModel }).then(
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
    const settled = await trackSessionLoad(Promise.allSettled(tasks));
    const results = settled.map((s): LoadResult =>
      s.status === 'fulfilled' ? s.value : { ok: false, message: `worker failed while loading: ${(s.reason as Error)?.message ?? String(s.reason)}` },
    );
    if (this.#inlineModel && results.every((r) => r.ok)) this.#loadInline(this.#inlineModel);
    return results;
  }

  /**
   * The idle path's session on this thread loads after the workers' sessions, not beside them: the
   * runner is ready as soon as its workers are, and the idle path waits until this one exists.
   */
  #loadInline(model: InlineModel): void {
    const host = (this.#inline = new SessionHost(model.modelPath, model.sessionOptions, model.modelBytes));
    void host.loaded.then((r) => {
      if (r.ok && this.#inline === host) this.#inlineReady = true;
    });
  }

  run(inputs: Record<string, WireTensor>, transferList: ArrayBuffer[]): Promise<RunResult> {
    return this.#pool.run({ op: 'run', inputs }, { transferList }) as Promise<RunResult>;
  }

  get runInline(): ((inputs: Record<string, WireTensor>) => Promise<RunResult>) | undefined {
    if (!this.#inlineModel) return undefined;
    return (inputs) => this.#inline!.run(inputs);
  }

  get inlineReady(): boolean {
    return this.#inlineReady;
  }

  async close(): Promise<void> {
    await this.#pool.close();
    await this.#releaseInline();
  }

  async destroy(): Promise<void> {
    await this.#pool.destroy();
    await this.#releaseInline();
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
