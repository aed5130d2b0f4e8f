import { existsSync } from 'node:fs';
import { createRunnerError } from './errors';
import { type Executor, InProcessExecutor, PoolExecutor, resolveWorkerFile } from './executor';
import type { RunnerModelInfo } from './model-source';
import type { ResolvedRunnerOptions } from './options';
import type { Scheduler } from './scheduler';
import { kOwnWorkerKey } from './warm-pool';
import type { RunnerMetrics, RunnerState } from './stats';
import type { ModelSignature } from './tensor';

/** What the lifecycle needs from the runner that owns it. */
export interface LifecycleHost {
  readonly name: string;
  readonly model: RunnerModelInfo;
  readonly options: Readonly<ResolvedRunnerOptions>;
  readonly metrics: RunnerMetrics;
  /** Model bytes to load instead of the file (a derived serving graph), read before the workers start (synchronously: see `start`). */
  servingModel(): Uint8Array | undefined;
  /** Takes the session's signature once every worker loaded it; throws to fail the start. */
  loaded(signature: ModelSignature): void;
  /** Emits 'ready' or 'close'. */
  notify(event: 'ready' | 'close'): void;
}

/**
 * Start, close and destroy of one runner: starts the workers, keeps the state, and on close waits
 * until everything queued, running or still waiting for ready() is answered.
 */
export class Lifecycle {
  readonly #host: LifecycleHost;
  readonly #scheduler: Scheduler;
  #state: RunnerState = 'created';
  #readyPromise: Promise<void> | undefined;
  #closePromise: Promise<void> | undefined;
  #loadError: Error | undefined;
  #waitingForReady = 0;
  #drained: (() => void) | undefined;
  #closeEmitted = false;

  constructor(host: LifecycleHost, scheduler: Scheduler) {
    this.#host = host;
    this.#scheduler = scheduler;
  }

  get state(): RunnerState {
    return this.#state;
  }

  /** True while new work may be queued: ready, or closing with callers still being served. */
  accepting(): boolean {
    return this.#state === 'ready' || this.#state === 'closing';
  }

  /** True once closed or destroyed. */
  closed(): boolean {
    return this.#state === 'closed';
  }

  /** Starts once; every call returns the same promise. */
  ready(): Promise<void> {
    this.#readyPromise ??= this.#start();
    return this.#readyPromise;
  }

  async #start(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') throw this.closedError();
    this.#state = 'starting';
    const host = this.#host;
    const { modelPath } = host.model;
    try {
      if (!existsSync(modelPath)) throw this.loadFailure(`file not found: ${modelPath}`);
      const { workerFile, inProcess, sessionOptions } = host.options;
      if (!inProcess && workerFile !== undefined && !existsSync(workerFile)) {
        throw createRunnerError('MLS_ERR_RUNNER_MODEL_LOAD', `runner "${host.name}" cannot start: options.workerFile not found: ${workerFile}`, { details: { workerFile } });
      }
      // No await before the executor exists: a runner started eagerly spawns its workers within
      // its constructor, so they load the session while the service is still being built.
      const modelBytes = host.servingModel();
      const executor: Executor = inProcess
        ? new InProcessExecutor({ modelPath, modelBytes, sessionOptions })
        : new PoolExecutor({
            workers: host.options.workers,
            batchesPerWorker: host.options.batchesPerWorker,
            workerFile: workerFile ?? resolveWorkerFile(),
            poolKey: workerFile ?? kOwnWorkerKey,
            modelPath,
            modelBytes,
            sessionOptions,
            name: host.name,
            inlineSessionOptions: host.options.inlineMaxRows > 0 ? { ...sessionOptions, intraOpNumThreads: host.options.inlineThreads } : undefined,
            maxWorkers: host.options.maxWorkers,
          });
      if (executor instanceof PoolExecutor) executor.onWorkerError = () => host.metrics.counters.crashed++;
      this.#scheduler.attach(executor);
      const results = await executor.load();
      // destroy() may have run while the sessions loaded.
      if ((this.#state as RunnerState) === 'closed') throw this.closedError();
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) throw this.loadFailure(`${modelPath}: ${failed.message}`);
      const signature = (results[0] as { signature: ModelSignature }).signature;
      host.loaded(signature);
      this.#scheduler.configure(signature);
      // close() may have been called meanwhile: stay 'closing' so queued callers still get served.
      if (this.#state === 'starting') this.#state = 'ready';
      host.notify('ready');
    } catch (err) {
      if ((this.#state as RunnerState) !== 'closed') {
        this.#state = 'failed';
        this.#loadError = err as Error;
        await this.#scheduler
          .detach()
          ?.destroy()
          .catch(() => {});
        this.#scheduler.failAll(err as Error);
        this.checkDrained();
      }
      throw err;
    }
  }

  /** MLS_ERR_RUNNER_MODEL_LOAD naming the model and the reason. */
  loadFailure(reason: string): Error {
    return createRunnerError('MLS_ERR_RUNNER_MODEL_LOAD', `cannot load model "${this.#host.model.name}" from ${reason}`, {
      details: { modelPath: this.#host.model.modelPath },
    });
  }

  /**
   * Waits for ready() on behalf of a caller that arrived before close(): it stays counted (so
   * close() waits for its request) until the caller calls leaveReadyWait() after queueing.
   */
  async awaitReady(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') throw this.closedError();
    if (this.#state === 'failed') throw this.#loadError!;
    this.#waitingForReady++;
    try {
      await this.ready();
    } catch (err) {
      this.leaveReadyWait();
      throw err;
    }
  }

  /** See awaitReady(). */
  leaveReadyWait(): void {
    this.#waitingForReady--;
    this.checkDrained();
  }

  /** Closes once; every call returns the same promise. */
  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    if (this.#state === 'closed') return;
    if (this.#state === 'created') {
      await this.#shutdown(async () => {});
      return;
    }
    const starting = this.#readyPromise;
    this.#state = 'closing';
    await starting?.catch(() => {});
    if (!this.#scheduler.idle || this.#waitingForReady > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        this.checkDrained();
      });
    }
    await this.#shutdown((executor) => executor.close());
  }

  /** Rejects everything queued and in flight with MLS_ERR_RUNNER_CLOSED and ends the workers at once. */
  async destroy(): Promise<void> {
    if (this.#state === 'closed' && !this.#scheduler.attached) return;
    this.#state = 'closed';
    this.#scheduler.failAll(this.closedError('destroyed'));
    await this.#shutdown((executor) => executor.destroy());
  }

  async #shutdown(end: (executor: Executor) => Promise<void>): Promise<void> {
    this.#state = 'closed';
    const executor = this.#scheduler.detach();
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
    if (executor) await end(executor);
    if (!this.#closeEmitted) {
      this.#closeEmitted = true;
      this.#host.notify('close');
    }
  }

  /** Resolves a waiting close() once nothing is queued, running or waiting for ready(). */
  checkDrained(): void {
    if (this.#drained && this.#scheduler.idle && this.#waitingForReady === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
  }

  /** MLS_ERR_RUNNER_CLOSED. */
  closedError(how = 'closed'): Error {
    return createRunnerError('MLS_ERR_RUNNER_CLOSED', `runner "${this.#host.name}" is ${how}`);
  }
}
