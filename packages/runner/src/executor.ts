import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { createRunnerError } from './errors';
import { type LoadResult, type RunResult, SessionHost, type SessionOptions } from './session-host';
import type { WireTensor } from './tensor';
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

/** Batches run in worker threads, one ONNX Runtime session each. */
export class PoolExecutor implements Executor {
  readonly capacity: number;
  readonly #workers: number;
  readonly #pool: Piscina<WorkerTask, RunResult | LoadResult>;
  /** The calling thread's own session, for batches run inline when the pool is idle. */
  readonly #inline: SessionHost | undefined;
  /** Called when a worker fails outside of any task (piscina's 'error'). */
  onWorkerError: (err: Error) => void = () => {};

  constructor(options: {
    workers: number;
    batchesPerWorker: number;
    workerFile: string;
    modelPath: string;
    modelBytes?: Uint8Array | undefined;
    sessionOptions: SessionOptions;
    name: string;
    /** Also keep a session on this thread for `runInline()`. */
    inline?: boolean;
  }) {
    this.#workers = options.workers;
    if (options.inline) this.#inline = new SessionHost(options.modelPath, options.sessionOptions, options.modelBytes);
    this.capacity = options.workers * options.batchesPerWorker;
    const workerData: WorkerData = { modelPath: options.modelPath, modelBytes: options.modelBytes, sessionOptions: options.sessionOptions as Record<string, unknown> };
    this.#pool = new Piscina({
      filename: options.workerFile,
      name: 'default',
      minThreads: options.workers,
      maxThreads: options.workers,
      // Sessions are created once per worker and never recycled: workers never idle out.
      idleTimeout: Infinity,
      // A worker runs its batches one after the other; the next one waits in its message port.
      concurrentTasksPerWorker: options.batchesPerWorker,
      recordTiming: false,
      workerData,
    });
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
        this.#pool.run({ op: 'load', barrier, total: this.#workers }).then(
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
    if (this.#inline) tasks.push(this.#inline.loaded);
    const settled = await Promise.allSettled(tasks);
    return settled.map((s) => (s.status === 'fulfilled' ? s.value : { ok: false, message: `worker failed while loading: ${(s.reason as Error)?.message ?? String(s.reason)}` }));
  }

  run(inputs: Record<string, WireTensor>, transferList: ArrayBuffer[]): Promise<RunResult> {
    return this.#pool.run({ op: 'run', inputs }, { transferList }) as Promise<RunResult>;
  }

  get runInline(): ((inputs: Record<string, WireTensor>) => Promise<RunResult>) | undefined {
    const inline = this.#inline;
    return inline && ((inputs) => inline.run(inputs));
  }

  async close(): Promise<void> {
    await this.#pool.close();
    await this.#inline?.release();
  }

  async destroy(): Promise<void> {
    await this.#pool.destroy();
    await this.#inline?.release();
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
