import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Item, Job, type Outputs, mergeInputs, sliceRows, splitOutputs } from './batch';
import { BatchQueue } from './batch-queue';
import { PendingJobs } from './pending-jobs';
import { createRunnerError } from './errors';
import { type Executor, InProcessExecutor, PoolExecutor, resolveWorkerFile } from './executor';
import { Histogram, type HistogramSnapshot, kBatchSizeBuckets, kLatencyBucketsMs } from './histogram';
import { type ModelRefLike, type RunnerModelInfo, type RunnerModelSource, type RunnerPipeline, resolveModelSource } from './model-source';
import { type ResolvedRunnerOptions, type RunnerOptions, resolveRunnerOptions } from './options';
import { type Prediction, type PredictPlan, planPredict, recordsToTensor, toPredictions } from './predict';
import type { RunResult } from './session-host';
import { type ModelSignature, type TensorInput, type TensorOutput, type TensorSpec, type WireTensor, normalizeInput } from './tensor';

/** A burst is split over free slots only into batches of at least this many rows. */
const kMinSplitRows = 8;

/** Life cycle of a runner, as `stats().state` reports it. */
export type RunnerState = 'created' | 'starting' | 'ready' | 'failed' | 'closing' | 'closed';

/** Payload of the 'batch' event, emitted once per batch a worker ran (or failed). */
export interface BatchEvent {
  /** Rows in the batch. */
  size: number;
  /** Requests (or chunks of requests) merged into it. */
  requests: number;
  /** Longest time one of its requests waited in the queue. */
  queueWaitMs: number;
  /** Time from posting the batch to its result, worker hop included. */
  inferenceMs: number;
  /** The error code when the batch failed. */
  error?: string;
}

/** A snapshot of a runner's counters and distributions, for metrics. */
export interface RunnerStats {
  name: string;
  state: RunnerState;
  workers: number;
  /** Rows waiting in the queue. */
  queueRows: number;
  /** Requests (or chunks) waiting in the queue. */
  queueRequests: number;
  /** Batches running in workers. */
  inFlightBatches: number;
  inFlightRows: number;
  /** Totals since the runner was created. */
  counters: {
    requests: number;
    rows: number;
    batches: number;
    completed: number;
    failed: number;
    overloaded: number;
    timedOut: number;
    crashed: number;
  };
  /** Rows per batch. */
  batchSize: HistogramSnapshot;
  /** Time each request (or chunk) waited in the queue, ms. */
  queueWaitMs: HistogramSnapshot;
  /** Time each batch took in its worker, hop included, ms. */
  inferenceMs: HistogramSnapshot;
}

/**
 * Runs one ONNX model behind an adaptive batching queue. The moment a worker is free it receives
 * everything queued (up to maxBatchSize rows, concatenated along dim 0); results are split back so
 * each caller gets exactly its rows.
 */
export class Runner extends EventEmitter {
  /** The runner's name (default: the model's name). */
  readonly name: string;
  /** The model this runner serves; `signature` is the session's own once ready. */
  readonly model: RunnerModelInfo;
  /** The options in effect, defaults applied. */
  readonly options: Readonly<ResolvedRunnerOptions>;

  readonly #pipeline: RunnerPipeline | undefined;
  #state: RunnerState = 'created';
  #executor: Executor | undefined;
  #readyPromise: Promise<void> | undefined;
  #closePromise: Promise<void> | undefined;
  #loadError: Error | undefined;
  #specs = new Map<string, TensorSpec>();
  #predictPlan: PredictPlan | string = 'the runner is not ready';

  readonly #queue = new BatchQueue();
  #inFlight = 0;
  /** When a worker last became free after all were busy: a request that came later never waited for one. */
  #freeSince = 0;
  #inFlightRows = 0;
  #capacity = 1;
  /** True when the signature fixes every dimension but the batch: any two requests can merge. */
  #fixedShapes = false;
  /** maxBatchSize, or less when the model fixes its batch dimension (e.g. [1, d]). */
  #maxRows = 1;
  #waitingForReady = 0;
  #pumpScheduled = false;
  readonly #pending = new PendingJobs();
  #timeoutTimer: NodeJS.Timeout | undefined;
  #latencyTimer: NodeJS.Timeout | undefined;
  #batchTimer: NodeJS.Timeout | undefined;
  #drained: (() => void) | undefined;
  #closeEmitted = false;

  #counters = { requests: 0, rows: 0, batches: 0, completed: 0, failed: 0, overloaded: 0, timedOut: 0, crashed: 0 };
  #batchSize = new Histogram(kBatchSizeBuckets);
  #queueWait = new Histogram(kLatencyBucketsMs);
  #inference = new Histogram(kLatencyBucketsMs);

  /** Use `createRunner()`. */
  constructor(model: StoredModelLike | RunnerModelSource | ModelRefLike | string, options?: RunnerOptions) {
    super();
    const source = resolveModelSource(model);
    this.options = Object.freeze(resolveRunnerOptions(options));
    this.model = source.info;
    this.#pipeline = source.pipeline;
    this.name = this.options.name ?? source.info.name;
  }

  /** True once every worker holds its session. */
  get isReady(): boolean {
    return this.#state === 'ready';
  }

  /**
   * Starts the workers and resolves once each has created its session. Rejects with
   * MLS_ERR_RUNNER_MODEL_LOAD naming the file and the reason when the model cannot be loaded.
   * Called by run() and predict() when needed; calling it again returns the same promise.
   */
  ready(): Promise<void> {
    this.#readyPromise ??= this.#start();
    return this.#readyPromise;
  }

  async #start(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') throw this.#closedError();
    this.#state = 'starting';
    const { modelPath } = this.model;
    try {
      if (!existsSync(modelPath)) throw this.#loadFailure(`file not found: ${modelPath}`);
      const { workerFile } = this.options;
      if (!this.options.inProcess && workerFile !== undefined && !existsSync(workerFile)) {
        throw createRunnerError('MLS_ERR_RUNNER_MODEL_LOAD', `runner "${this.name}" cannot start: options.workerFile not found: ${workerFile}`, { details: { workerFile } });
      }
      const executor = this.options.inProcess
        ? new InProcessExecutor({ modelPath, sessionOptions: this.options.sessionOptions })
        : new PoolExecutor({
            workers: this.options.workers,
            batchesPerWorker: this.options.batchesPerWorker,
            workerFile: workerFile ?? resolveWorkerFile(),
            modelPath,
            sessionOptions: this.options.sessionOptions,
            name: this.name,
          });
      if (executor instanceof PoolExecutor) executor.onWorkerError = () => this.#counters.crashed++;
      this.#executor = executor;
      this.#capacity = executor.capacity;
      const results = await executor.load();
      // destroy() may have run while the sessions loaded.
      if ((this.#state as RunnerState) === 'closed') throw this.#closedError();
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) throw this.#loadFailure(`${modelPath}: ${failed.message}`);
      const signature = (results[0] as { signature: ModelSignature }).signature;
      this.#checkClasses(signature);
      this.model.signature = signature;
      this.#maxRows = this.options.maxBatchSize;
      this.#fixedShapes = signature.inputs.every((spec) => spec.shape.slice(1).every((d) => typeof d === 'number'));
      for (const spec of signature.inputs) {
        this.#specs.set(spec.name, spec);
        const fixed = spec.shape[0];
        if (typeof fixed === 'number' && fixed > 0) this.#maxRows = Math.min(this.#maxRows, fixed);
      }
      this.#predictPlan = planPredict(signature);
      // close() may have been called meanwhile: stay 'closing' so queued callers still get served.
      if (this.#state === 'starting') this.#state = 'ready';
      this.#notify('ready');
    } catch (err) {
      if ((this.#state as RunnerState) !== 'closed') {
        this.#state = 'failed';
        this.#loadError = err as Error;
        const executor = this.#executor;
        this.#executor = undefined;
        await executor?.destroy().catch(() => {});
        this.#failAll(err as Error);
        this.#checkDrained();
      }
      throw err;
    }
  }

  #loadFailure(reason: string): Error {
    return createRunnerError('MLS_ERR_RUNNER_MODEL_LOAD', `cannot load model "${this.model.name}" from ${reason}`, {
      details: { modelPath: this.model.modelPath },
    });
  }

  #checkClasses(signature: ModelSignature): void {
    const classes = this.model.classes;
    const plan = planPredict(signature);
    if (!classes || typeof plan === 'string') return;
    const width = signature.outputs.find((o) => o.name === plan.probabilities)?.shape[1];
    if (typeof width === 'number' && width !== classes.length) {
      throw this.#loadFailure(`${this.model.modelPath}: the model returns ${width} probabilities per row but ${classes.length} classes were given`);
    }
  }

  /**
   * Runs the model on named input tensors whose first dimension is the batch. Requests are merged
   * with others into batches; the result holds exactly this request's rows.
   */
  run(inputs: Record<string, TensorInput>): Promise<Record<string, TensorOutput>> {
    // Not an async function: the hot path saves a promise and its ticks per request.
    if (this.#state !== 'ready') return this.#runAfterReady(inputs);
    let normalized: { tensors: Record<string, WireTensor>; rows: number };
    try {
      normalized = this.#normalize(inputs);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#submit(normalized.tensors, normalized.rows);
  }

  async #runAfterReady(inputs: Record<string, TensorInput>): Promise<Record<string, TensorOutput>> {
    await this.#awaitReady();
    try {
      const { tensors, rows } = this.#normalize(inputs);
      return this.#submit(tensors, rows);
    } finally {
      this.#leaveReadyWait();
    }
  }

  /**
   * Predicts one record (or an array of records): applies the model's pipeline, runs the model and
   * returns the label of argmax(probabilities), mapped through the model's classes. Pipeline
   * errors pass through unchanged (their codes map to HTTP 400).
   */
  predict(record: Record<string, unknown> | number[]): Promise<Prediction>;
  predict(records: Array<Record<string, unknown> | number[]>): Promise<Prediction[]>;
  predict(input: Record<string, unknown> | number[] | Array<Record<string, unknown> | number[]>): Promise<Prediction | Prediction[]>;
  predict(input: unknown): Promise<Prediction | Prediction[]> {
    // Not an async function, like run().
    const many = Array.isArray(input) && (input.length === 0 || typeof input[0] === 'object');
    const records = many ? (input as unknown[]) : [input];
    if (this.#state !== 'ready') return this.#predictAfterReady(records, many);
    try {
      return this.#predict(records, many);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #predictAfterReady(records: unknown[], many: boolean): Promise<Prediction | Prediction[]> {
    await this.#awaitReady();
    try {
      return this.#predict(records, many);
    } finally {
      this.#leaveReadyWait();
    }
  }

  /** Throws what the pipeline throws; rejects with what the batch fails with. */
  #predict(records: unknown[], many: boolean): Promise<Prediction | Prediction[]> {
    const plan = this.#predictPlan;
    if (typeof plan === 'string') throw createRunnerError('MLS_ERR_RUNNER_NOT_CLASSIFIER', plan);
    if (records.length === 0) return Promise.resolve([]);
    const tensor = normalizeInput(plan.input.name, recordsToTensor(records, this.#pipeline, plan.input), plan.input);
    return this.#submit({ [plan.input.name]: tensor }, records.length).then((outputs) => {
      const predictions = toPredictions(outputs[plan.probabilities]!, this.model.classes);
      return many ? predictions : predictions[0]!;
    });
  }

  /**
   * Waits for ready() on behalf of a caller that arrived before close(): it stays counted (so
   * close() waits for its request) until the caller calls #leaveReadyWait() after queueing.
   */
  async #awaitReady(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') throw this.#closedError();
    if (this.#state === 'failed') throw this.#loadError!;
    this.#waitingForReady++;
    try {
      await this.ready();
    } catch (err) {
      this.#leaveReadyWait();
      throw err;
    }
  }

  #leaveReadyWait(): void {
    this.#waitingForReady--;
    this.#checkDrained();
  }

  #normalize(inputs: Record<string, TensorInput>): { tensors: Record<string, WireTensor>; rows: number } {
    if (typeof inputs !== 'object' || inputs === null) throw createRunnerError('MLS_ERR_RUNNER_INPUT', 'inputs must be an object of named tensors');
    const tensors: Record<string, WireTensor> = {};
    let rows = -1;
    for (const name in inputs) {
      const spec = this.#specs.get(name);
      if (!spec) {
        throw createRunnerError('MLS_ERR_RUNNER_INPUT', `unknown input "${name}"; the model takes ${[...this.#specs.keys()].map((n) => `"${n}"`).join(', ')}`, {
          details: { input: name },
        });
      }
      const t = normalizeInput(name, inputs[name], spec);
      if (rows === -1) rows = t.dims[0]!;
      else if (t.dims[0] !== rows) {
        throw createRunnerError('MLS_ERR_RUNNER_INPUT', `input "${name}" has ${t.dims[0]} rows, other inputs have ${rows}`, { details: { input: name } });
      }
      tensors[name] = t;
    }
    for (const name of this.#specs.keys()) {
      if (!(name in tensors)) throw createRunnerError('MLS_ERR_RUNNER_INPUT', `missing input "${name}"`, { details: { input: name } });
    }
    if (rows < 1) throw createRunnerError('MLS_ERR_RUNNER_INPUT', 'inputs must hold at least one row (dims[0] >= 1)');
    return { tensors, rows };
  }

  #submit(tensors: Record<string, WireTensor>, rows: number): Promise<Outputs> {
    if (this.#state !== 'ready' && this.#state !== 'closing') return Promise.reject(this.#closedError());
    const { maxQueue, timeoutMs, maxLatencyMs } = this.options;
    const maxBatchSize = this.#maxRows;
    this.#counters.requests++;
    if (this.#queue.rows + rows > maxQueue) {
      this.#counters.failed++;
      if (rows > maxQueue) {
        // Waiting would not help: not retryable, unlike a full queue.
        return Promise.reject(
          createRunnerError('MLS_ERR_RUNNER_TOO_LARGE', `runner "${this.name}" cannot take a request of ${rows} rows: more than maxQueue ${maxQueue}; split it`, {
            details: { rows, maxQueue },
          }),
        );
      }
      this.#counters.overloaded++;
      return Promise.reject(
        createRunnerError('MLS_ERR_RUNNER_OVERLOADED', `runner "${this.name}" is overloaded: ${this.#queue.rows} rows queued, ${rows} more would exceed maxQueue ${maxQueue}`, {
          details: { queueRows: this.#queue.rows, maxQueue },
        }),
      );
    }
    this.#counters.rows += rows;
    const now = performance.now();
    let key = '';
    if (!this.#fixedShapes) {
      for (const name in tensors) {
        const t = tensors[name]!;
        key += t.dims.length === 2 ? `${name}:${t.dims[1]};` : `${name}:${t.dims.slice(1).join('x')};`;
      }
    }
    let job!: Job;
    const promise = new Promise<Outputs>((resolve, reject) => {
      job = new Job(rows, now, resolve, reject);
    });
    if (rows <= maxBatchSize) {
      this.#queue.push(job.add(tensors, rows, key, now));
    } else {
      const chunks: Array<[Record<string, WireTensor>, number]> = [];
      for (let start = 0; start < rows; start += maxBatchSize) {
        const end = Math.min(rows, start + maxBatchSize);
        const chunk: Record<string, WireTensor> = {};
        for (const name in tensors) chunk[name] = sliceRows(tensors[name]!, start, end);
        chunks.push([chunk, end - start]);
      }
      // Slicing thousands of chunks takes milliseconds: not time spent waiting in the queue.
      const enqueuedAt = performance.now();
      for (const [chunk, chunkRows] of chunks) this.#queue.push(job.add(chunk, chunkRows, key, enqueuedAt));
    }
    this.#pending.add(job);
    if (timeoutMs !== Infinity && this.#timeoutTimer === undefined) this.#armTimeout(now + timeoutMs);
    if (maxLatencyMs !== Infinity && this.#latencyTimer === undefined) this.#armLatency(now + maxLatencyMs);
    if (!this.#pumpScheduled) {
      // Callers of this event-loop turn join one batch: an HTTP server reads each socket in a
      // callback of its own, and a microtask would send the first request of a turn alone (half
      // the batch size under load, twice the worker round trips). setImmediate runs right after
      // the turn's I/O callbacks, never later like a timer.
      this.#pumpScheduled = true;
      setImmediate(this.#pumpTask);
    }
    return promise;
  }

  readonly #pumpTask = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
  };

  /** Sends queued work to free workers until either runs out. */
  #pump(): void {
    const { batchWaitMs, maxLatencyMs } = this.options;
    const maxBatchSize = this.#maxRows;
    const queue = this.#queue;
    while (this.#inFlight < this.#capacity && queue.size > 0 && this.#executor) {
      const now = performance.now();
      if (batchWaitMs > 0 && queue.rows < maxBatchSize) {
        const due = queue.peek()!.enqueuedAt + batchWaitMs;
        if (now < due) {
          this.#batchTimer ??= setTimeout(() => {
            this.#batchTimer = undefined;
            this.#pumpTask();
          }, Math.max(1, Math.ceil(due - now)));
          return;
        }
      }
      // Requests that waited for a worker longer than maxLatencyMs are refused on the way, even if
      // the timer is late; one that arrived while a worker was free only waited for the event loop.
      // A burst is spread over the free slots (never below kMinSplitRows rows a batch): the first
      // part's answers go out while the worker runs the next, instead of the main thread waiting
      // for one large batch.
      const free = this.#capacity - this.#inFlight;
      const limit = free > 1 ? Math.min(maxBatchSize, Math.max(kMinSplitRows, Math.ceil(queue.rows / free))) : maxBatchSize;
      const batch = queue.take(limit, Math.min(now, this.#freeSince) - maxLatencyMs, this.#expire);
      if (batch.length === 0) break;
      this.#dispatch(batch);
    }
  }

  readonly #expire = (item: Item): void => this.#overload(item.job);

  #dispatch(batch: Item[]): void {
    const started = performance.now();
    let rows = 0;
    let maxWait = 0;
    for (const item of batch) {
      rows += item.rows;
      const wait = started - item.enqueuedAt;
      if (wait > maxWait) maxWait = wait;
      this.#queueWait.observe(wait);
    }
    this.#inFlight++;
    this.#inFlightRows += rows;
    let merged: ReturnType<typeof mergeInputs>;
    try {
      merged = mergeInputs(batch, rows);
    } catch (err) {
      this.#finish(batch, rows, started, maxWait, undefined, err);
      return;
    }
    this.#executor!.run(merged.inputs, merged.transferList).then(
      (result) => this.#finish(batch, rows, started, maxWait, result, undefined),
      (err: unknown) => this.#finish(batch, rows, started, maxWait, undefined, err),
    );
  }

  #finish(batch: Item[], rows: number, started: number, queueWaitMs: number, result: RunResult | undefined, err: unknown): void {
    const now = performance.now();
    if (this.#inFlight === this.#capacity) this.#freeSince = now;
    this.#inFlight--;
    this.#inFlightRows -= rows;
    const inferenceMs = now - started;
    this.#counters.batches++;
    this.#batchSize.observe(rows);
    this.#inference.observe(inferenceMs);
    let failure: Error | undefined;
    if (result === undefined) {
      if (this.#state === 'closed') failure = this.#closedError();
      else {
        this.#counters.crashed++;
        failure = createRunnerError('MLS_ERR_RUNNER_WORKER_CRASHED', `a worker of runner "${this.name}" died while running a batch of ${rows} rows: ${(err as Error)?.message ?? String(err)}`, {
          cause: err,
        });
      }
    } else if (!result.ok) {
      failure = createRunnerError('MLS_ERR_RUNNER_INFERENCE', `ONNX Runtime failed on a batch of ${rows} rows: ${result.message}`);
    } else {
      try {
        const parts = splitOutputs(batch, rows, result.outputs);
        for (let i = 0; i < batch.length; i++) {
          const item = batch[i]!;
          if (item.job.complete(item, parts[i]!)) this.#settled(item.job, true);
        }
      } catch (splitError) {
        failure = splitError as Error;
      }
    }
    if (failure) {
      for (const item of batch) this.#fail(item.job, failure);
    }
    this.#pump();
    this.#checkDrained();
    if (this.listenerCount('batch') > 0) {
      const event: BatchEvent = { size: rows, requests: batch.length, queueWaitMs, inferenceMs };
      if (failure) event.error = (failure as { code?: string }).code;
      this.#notify('batch', event);
    }
  }

  /**
   * Emits an event from inside the runner's own callbacks (often a promise chain): what a listener
   * throws is emitted as 'error' on the next tick, as EventEmitter's captureRejections does, so it
   * never becomes an unhandled rejection or a failed ready(). With no 'error' listener, that makes
   * it an uncaught exception.
   */
  #notify(event: 'batch' | 'ready' | 'close', payload?: BatchEvent): void {
    try {
      if (payload === undefined) this.emit(event);
      else this.emit(event, payload);
    } catch (err) {
      process.nextTick(() => this.emit('error', err));
    }
  }

  #settled(job: Job, ok: boolean): void {
    this.#pending.delete(job);
    if (ok) this.#counters.completed++;
    else this.#counters.failed++;
  }

  /** Rejects a job and takes its chunks that are still queued out of the counts. */
  #fail(job: Job, err: Error): void {
    if (job.done) return;
    job.fail(err);
    this.#settled(job, false);
    for (const item of job.items) this.#queue.drop(item);
  }

  #overload(job: Job): void {
    this.#counters.overloaded++;
    this.#fail(
      job,
      createRunnerError('MLS_ERR_RUNNER_OVERLOADED', `runner "${this.name}" is overloaded: the request waited more than maxLatencyMs (${this.options.maxLatencyMs} ms) in the queue`, {
        details: { maxLatencyMs: this.options.maxLatencyMs },
      }),
    );
  }

  // Every request has the same timeoutMs, so the oldest pending job always has the earliest
  // deadline: one timer for the head replaces one timer per request.
  #armTimeout(due: number): void {
    this.#timeoutTimer = setTimeout(this.#onTimeout, Math.max(1, Math.ceil(due - performance.now())));
    this.#timeoutTimer.unref();
  }

  readonly #onTimeout = (): void => {
    this.#timeoutTimer = undefined;
    const now = performance.now();
    const { timeoutMs } = this.options;
    for (let job = this.#pending.oldest, next; job !== undefined; job = next) {
      if (job.createdAt + timeoutMs > now) {
        this.#armTimeout(job.createdAt + timeoutMs);
        break;
      }
      next = job.nextPending;
      this.#counters.timedOut++;
      this.#fail(job, createRunnerError('MLS_ERR_RUNNER_TIMEOUT', `runner "${this.name}" did not answer within timeoutMs (${timeoutMs} ms)`, { details: { timeoutMs } }));
    }
    this.#checkDrained();
  };

  #armLatency(due: number): void {
    this.#latencyTimer = setTimeout(this.#onLatency, Math.max(1, Math.ceil(due - performance.now())));
    this.#latencyTimer.unref();
  }

  readonly #onLatency = (): void => {
    this.#latencyTimer = undefined;
    const { maxLatencyMs } = this.options;
    const next = this.#queue.expire(performance.now() - maxLatencyMs, this.#expire);
    if (next !== undefined) this.#armLatency(next + maxLatencyMs);
    this.#checkDrained();
  };

  /**
   * A snapshot for metrics: queue rows, batches in flight, counters and the batch-size, queue-wait
   * and inference-time histograms.
   */
  stats(): RunnerStats {
    return {
      name: this.name,
      state: this.#state,
      workers: this.options.inProcess ? 0 : this.options.workers,
      queueRows: this.#queue.rows,
      queueRequests: this.#queue.size,
      inFlightBatches: this.#inFlight,
      inFlightRows: this.#inFlightRows,
      counters: { ...this.#counters },
      batchSize: this.#batchSize.snapshot(),
      queueWaitMs: this.#queueWait.snapshot(),
      inferenceMs: this.#inference.snapshot(),
    };
  }

  /**
   * Stops taking work (new calls reject with MLS_ERR_RUNNER_CLOSED), finishes everything queued and
   * in flight, then ends the workers. Calling it again returns the same promise.
   */
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
    if (this.#queue.size > 0 || this.#inFlight > 0 || this.#waitingForReady > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        this.#checkDrained();
      });
    }
    await this.#shutdown((executor) => executor.close());
  }

  /**
   * Aborts: rejects everything queued and in flight with MLS_ERR_RUNNER_CLOSED and terminates the
   * workers at once.
   */
  async destroy(): Promise<void> {
    if (this.#state === 'closed' && !this.#executor) return;
    this.#state = 'closed';
    this.#failAll(this.#closedError('destroyed'));
    await this.#shutdown((executor) => executor.destroy());
  }

  async #shutdown(end: (executor: Executor) => Promise<void>): Promise<void> {
    this.#state = 'closed';
    for (const timer of [this.#timeoutTimer, this.#latencyTimer, this.#batchTimer]) clearTimeout(timer);
    this.#timeoutTimer = this.#latencyTimer = this.#batchTimer = undefined;
    const executor = this.#executor;
    this.#executor = undefined;
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
    if (executor) await end(executor);
    if (!this.#closeEmitted) {
      this.#closeEmitted = true;
      this.#notify('close');
    }
  }

  #failAll(err: Error): void {
    for (const job of this.#pending.toArray()) this.#fail(job, err);
    this.#queue.clear();
  }

  #checkDrained(): void {
    if (this.#drained && this.#queue.size === 0 && this.#inFlight === 0 && this.#waitingForReady === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
  }

  #closedError(how = 'closed'): Error {
    return createRunnerError('MLS_ERR_RUNNER_CLOSED', `runner "${this.name}" is ${how}`);
  }
}

/** The shape of a model-store StoredModel the runner reads (kept structural: no dependency). */
export interface StoredModelLike extends RunnerModelSource {
  name: string;
  tag: string;
}

/**
 * Creates a runner for a model: a model-store StoredModel, a ModelRef (its directory's model.onnx,
 * without pipeline or classes), `{ modelPath, pipeline?, classes? }`, or a path to an `.onnx` file.
 * Bad options throw a TypeError or RangeError naming the option; the workers start at `ready()`
 * (or the first run()).
 */
export function createRunner(model: StoredModelLike | RunnerModelSource | ModelRefLike | string, options?: RunnerOptions): Runner {
  return new Runner(model, options);
}
