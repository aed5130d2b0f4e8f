import { EventEmitter, once } from 'node:events';
import { Piscina } from './commonjs-deps';
import { NativeGuard } from './native-guard';
import type { LoadResult, RunResult } from './session-host';
import type { PoolWorkerData, WorkerTask } from './worker-protocol';

/** The pool settings a runner needs; a warm pool is adopted only by a runner that needs the same. */
export interface PoolSpec {
  /** `kOwnWorkerKey` for the package's worker; a custom worker file's own path. */
  key: string;
  workerFile: string;
  workers: number;
  batchesPerWorker: number;
}

/**
 * The piscina pool of a runner's session workers (the same for a warm pool and a runner's own),
 * ended so that no thread is terminated inside ONNX Runtime (see native-guard.ts): piscina's own
 * close() terminates the threads after its closeTimeout even if a batch still runs.
 */
export class WorkerPool {
  readonly piscina: Piscina<WorkerTask, RunResult | LoadResult>;
  /**
   * What every thread reads as it starts: the model (a warm pool's is filled in once a runner
   * adopts it, so a worker that replaces a crashed one loads it at once) and the guard.
   */
  readonly workerData: PoolWorkerData;
  readonly #guard = new NativeGuard();
  #running = 0;
  /** Emits 'flushed' when the last task given to the pool settles. */
  readonly #tasks = new EventEmitter();

  constructor(spec: PoolSpec, model: Omit<PoolWorkerData, 'guard'> = {}) {
    const workerData: PoolWorkerData = { ...model, guard: this.#guard.state };
    this.workerData = workerData;
    this.piscina = new Piscina({
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
    });
  }

  /** Runs a task in a worker; rejects only when the worker failed (crashed, or the pool was destroyed). */
  run(task: WorkerTask, transferList?: ArrayBuffer[]): Promise<RunResult | LoadResult> {
    this.#running++;
    return this.piscina.run(task, transferList && { transferList }).finally(() => {
      if (--this.#running === 0) this.#tasks.emit('flushed');
    });
  }

  /** Waits for the tasks given to it, then ends the threads. */
  async close(): Promise<void> {
    if (this.#running > 0) await once(this.#tasks, 'flushed');
    await this.destroy();
  }

  /** Ends the threads once none is inside ONNX Runtime; the tasks they still hold end in errors. */
  async destroy(): Promise<void> {
    await this.#guard.stop();
    await this.piscina.destroy();
  }
}
