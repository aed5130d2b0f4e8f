import { DeadlineQueue } from '@mlserve/core';
import { performance } from 'node:perf_hooks';
import { type Item, Job, type Outputs, chunkRows, mergeInputs, mergeKey, splitOutputs } from './batch';
import { BatchQueue } from './batch-queue';
import { BurstPolicy } from './burst-policy';
import { IdlePath } from './idle-path';
import { Reruns } from './reruns';
import { createRunnerError } from './errors';
import type { Executor } from './executor';
import type { ResolvedRunnerOptions } from './options';
import type { RunResult } from './session-host';
import type { BatchEvent, QueueGauges, RunnerMetrics } from './stats';
import type { ModelSignature, WireTensor } from './tensor';

/** A burst is split over free slots only into batches of at least this many rows. */
const kMinSplitRows = 8;

/**
 * Queued rows of small requests that go to a worker at once, while another slot stays free for
 * the rest of the event-loop turn. Under load one turn reads dozens of single-row requests; sending
 * only after all of them were parsed kept the worker idle during the parse and the main thread
 * idle during the inference. Larger requests still wait for the turn's end and merge.
 */
const kEarlySendRows = 16;

/** What the scheduler needs from the runner that owns it. */
export interface SchedulerHost {
  readonly name: string;
  readonly options: Readonly<ResolvedRunnerOptions>;
  readonly metrics: RunnerMetrics;
  /** True while new work may be queued (ready, or closing with callers still being served). */
  accepting(): boolean;
  /** True once the runner is closed or destroyed. */
  closed(): boolean;
  closedError(): Error;
  /** Called whenever the queue or the workers may have emptied. */
  checkDrained(): void;
  /** Emits the 'batch' event; `wantsBatchEvents()` saves building it when nobody listens. */
  wantsBatchEvents(): boolean;
  emitBatch(event: BatchEvent): void;
}

/**
 * The batching queue of one runner: takes requests, sends queued rows to free worker slots in
 * batches, splits the results back, and refuses what waits past maxLatencyMs or timeoutMs (one
 * deadline queue each: one timer for the oldest deadline, not one per request).
 */
export class Scheduler {
  readonly #host: SchedulerHost;
  readonly #queue = new BatchQueue();
  /** Every pending job, oldest first, with its timeoutMs deadline. */
  readonly #timeouts: DeadlineQueue<Job>;
  /** Jobs whose rows have not reached a worker yet, with their maxLatencyMs deadline. */
  readonly #latency: DeadlineQueue<Job> | undefined;
  #executor: Executor | undefined;
  /** Decides when a batch takes the idle path (on the executor's calling-thread session, once loaded). */
  #idlePath: IdlePath | undefined;
  /** Decides when the executor's extra workers (maxWorkers) start and stop. */
  #burst: BurstPolicy | undefined;
  #inFlight = 0;
  /** When a worker last became free after all were busy: a request that came later never waited for one. */
  #freeSince = 0;
  #inFlightRows = 0;
  #capacity = 1;
  /** True when the signature fixes every dimension but the batch: any two requests can merge. */
  #fixedShapes = false;
  /** maxBatchSize, or less when the model fixes its batch dimension (e.g. [1, d]). */
  #maxRows = 1;
  #pumpScheduled = false;
  #batchTimer: NodeJS.Timeout | undefined;
  readonly #reruns = new Reruns();

  constructor(host: SchedulerHost) {
    this.#host = host;
    this.#timeouts = new DeadlineQueue<Job>(host.options.timeoutMs);
    this.#latency = host.options.maxLatencyMs === Infinity ? undefined : new DeadlineQueue<Job>(host.options.maxLatencyMs);
  }

  /** True when nothing is queued or running. */
  get idle(): boolean {
    return this.#queue.size === 0 && this.#inFlight === 0 && this.#reruns.size === 0;
  }

  /** Rows and requests queued, batches and rows in workers. */
  gauges(): QueueGauges {
    return { queueRows: this.#queue.rows, queueRequests: this.#queue.size, inFlightBatches: this.#inFlight, inFlightRows: this.#inFlightRows };
  }

  /** True from attach() to detach(). */
  get attached(): boolean {
    return this.#executor !== undefined;
  }

  /** Takes the executor batches go to (still loading: nothing is queued before configure()). */
  attach(executor: Executor): void {
    this.#executor = executor;
    this.#capacity = executor.capacity;
    const { inlineMaxRows, maxWorkers, workers } = this.#host.options;
    this.#idlePath = inlineMaxRows > 0 && executor.runInline ? new IdlePath(inlineMaxRows) : undefined;
    this.#burst = maxWorkers > workers && executor.startBurst ? new BurstPolicy((mark) => performance.eventLoopUtilization(mark)) : undefined;
    executor.onBurst = (event) => {
      this.#capacity = executor.capacity;
      if (event === 'stopped') this.#burst?.stopped(performance.now());
      else this.#pump();
    };
  }

  /** Worker threads running now (the executor's extra ones included), when it has any. */
  get threads(): number | undefined {
    return this.#executor?.threads;
  }

  /** Sizes batches for the model's signature, once the sessions are loaded. */
  configure(signature: ModelSignature): void {
    this.#maxRows = this.#host.options.maxBatchSize;
    this.#fixedShapes = signature.inputs.every((spec) => spec.shape.slice(1).every((d) => typeof d === 'number'));
    for (const spec of signature.inputs) {
      const fixed = spec.shape[0];
      if (typeof fixed === 'number' && fixed > 0) this.#maxRows = Math.min(this.#maxRows, fixed);
    }
  }

  /** Stops every timer and hands back the executor (the caller ends it). */
  detach(): Executor | undefined {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    this.#timeouts.clear();
    this.#latency?.clear();
    const executor = this.#executor;
    this.#executor = undefined;
    this.#idlePath = undefined;
    this.#burst = undefined;
    return executor;
  }

  /** Queues a request of `rows` rows (already checked against the signature); resolves with its rows of every output. */
  submit(tensors: Record<string, WireTensor>, rows: number): Promise<Outputs> {
    const host = this.#host;
    if (!host.accepting()) return Promise.reject(host.closedError());
    const { maxQueue } = host.options;
    const counters = host.metrics.counters;
    const maxBatchSize = this.#maxRows;
    counters.requests++;
    if (this.#queue.rows + rows > maxQueue) {
      counters.failed++;
      if (rows > maxQueue) {
        // Waiting would not help: not retryable, unlike a full queue.
        return Promise.reject(
          createRunnerError('MLS_ERR_RUNNER_TOO_LARGE', `runner "${host.name}" cannot take a request of ${rows} rows: more than maxQueue ${maxQueue}; split it`, {
            details: { rows, maxQueue },
          }),
        );
      }
      counters.overloaded++;
      return Promise.reject(
        createRunnerError('MLS_ERR_RUNNER_OVERLOADED', `runner "${host.name}" is overloaded: ${this.#queue.rows} rows queued, ${rows} more would exceed maxQueue ${maxQueue}`, {
          details: { queueRows: this.#queue.rows, maxQueue },
        }),
      );
    }
    counters.rows += rows;
    const now = performance.now();
    this.#idlePath?.arrived(now, this.#timeouts.size > 0);
    const key = this.#fixedShapes ? '' : mergeKey(tensors);
    let job!: Job;
    const promise = new Promise<Outputs>((resolve, reject) => {
      job = new Job(rows, now, resolve, reject);
    });
    let enqueuedAt = now;
    if (rows <= maxBatchSize) {
      this.#queue.push(job.add(tensors, rows, key, now));
    } else {
      const chunks = chunkRows(tensors, rows, maxBatchSize);
      // Slicing thousands of chunks takes milliseconds: not time spent waiting in the queue.
      enqueuedAt = performance.now();
      for (const [chunk, chunkRows] of chunks) this.#queue.push(job.add(chunk, chunkRows, key, enqueuedAt));
    }
    job.timeout = this.#timeouts.add(now, this.#onTimeout, job);
    if (this.#latency) job.latency = this.#latency.add(enqueuedAt, this.#onLatency, job);
    if (rows < kEarlySendRows && this.#queue.rows >= kEarlySendRows && this.#capacity - this.#inFlight >= 2) this.#sendEarly(now);
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

  /** Rejects every pending job with `err` and empties the queue. */
  failAll(err: Error): void {
    for (const job of this.#timeouts.values()) this.#fail(job, err);
    this.#queue.clear();
    this.#reruns.clear();
  }

  readonly #pumpTask = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
  };

  /** Sends queued work to free workers, and tells the burst policy whether every worker holds a batch. */
  #pump(): void {
    this.#send();
    if (this.#burst && this.#executor) {
      const busy = this.#inFlight * this.#host.options.batchesPerWorker >= this.#capacity;
      const verdict = this.#burst.observe(performance.now(), busy, this.#executor.threads! > this.#host.options.workers);
      if (verdict === 'start') this.#executor.startBurst!();
      else if (verdict === 'stop') this.#executor.stopBurst!();
    }
  }

  /** Sends queued work to free workers until either runs out. */
  #send(): void {
    const { batchWaitMs } = this.#host.options;
    const maxBatchSize = this.#maxRows;
    const queue = this.#queue;
    for (let rerun; this.#inFlight < this.#capacity && this.#executor && (rerun = this.#reruns.take(this.#inFlight));) this.#dispatch(rerun.items, rerun.afterCrash);
    if (this.#reruns.holding) return;
    while (this.#inFlight < this.#capacity && queue.size > 0 && this.#executor) {
      const now = performance.now();
      if (batchWaitMs > 0 && queue.rows < maxBatchSize) {
        const due = queue.peek()!.enqueuedAt + batchWaitMs;
        if (now < due) {
          this.#batchTimer ??= setTimeout(
            () => {
              this.#batchTimer = undefined;
              this.#pumpTask();
            },
            Math.max(1, Math.ceil(due - now)),
          );
          return;
        }
      }
      // Idle: nothing runs, no caller overlapped another lately, and the few rows queued would wait
      // for a worker to wake up longer than their inference takes here (see IdlePath). Under load
      // callers overlap, so requests batch to the workers.
      if (this.#idlePath && this.#inFlight === 0 && this.#executor!.inlineReady && this.#idlePath.admits(queue.rows, now)) {
        const batch = this.#take(maxBatchSize, now);
        if (batch.length === 0) break;
        this.#dispatch(batch, false, true);
        continue;
      }
      // Requests that waited for a worker longer than maxLatencyMs are refused on the way (#take),
      // even if their deadline's timer is late. A burst is spread over the free slots (never below kMinSplitRows rows a
      // batch): the first part's answers go out while the worker runs the next, instead of the
      // main thread waiting for one large batch.
      const free = this.#capacity - this.#inFlight;
      const limit = free > 1 ? Math.min(maxBatchSize, Math.max(kMinSplitRows, Math.ceil(queue.rows / free))) : maxBatchSize;
      const batch = this.#take(limit, now);
      if (batch.length === 0) break;
      this.#dispatch(batch);
    }
  }

  /** Sends what is queued as one batch, before the turn ends (see kEarlySendRows). */
  #sendEarly(now: number): void {
    if (this.#host.options.batchWaitMs > 0 || this.#reruns.size > 0 || this.#executor === undefined) return;
    const batch = this.#take(this.#maxRows, now);
    if (batch.length > 0) this.#dispatch(batch);
  }

  /**
   * Takes up to `limit` queued rows, refusing on the way what waited for a worker longer than
   * maxLatencyMs (one that arrived while a worker was free only waited for the event loop).
   */
  #take(limit: number, now: number): Item[] {
    return this.#queue.take(limit, Math.min(now, this.#freeSince) - this.#host.options.maxLatencyMs, this.#expire);
  }

  readonly #expire = (item: Item): void => this.#overload(item.job);

  #dispatch(batch: Item[], afterCrash = false, inline = false): void {
    const metrics = this.#host.metrics;
    const started = performance.now();
    let rows = 0;
    let maxWait = 0;
    for (const item of batch) {
      rows += item.rows;
      const wait = started - item.enqueuedAt;
      if (wait > maxWait) maxWait = wait;
      metrics.queueWait.observe(wait);
      const { job } = item;
      if (job.latency !== undefined) {
        // Its rows reached a worker: the rest of a chunked request waits only its turn.
        this.#latency!.delete(job.latency);
        job.latency = undefined;
      }
    }
    this.#inFlight++;
    this.#inFlightRows += rows;
    let merged: ReturnType<typeof mergeInputs>;
    try {
      merged = mergeInputs(batch, rows);
    } catch (err) {
      this.#finish(batch, rows, started, maxWait, undefined, err, afterCrash, inline);
      return;
    }
    const running = inline ? this.#executor!.runInline!(merged.inputs) : this.#executor!.run(merged.inputs, merged.transferList);
    running.then(
      (result) => this.#finish(batch, rows, started, maxWait, result, undefined, afterCrash, inline),
      (err: unknown) => this.#finish(batch, rows, started, maxWait, undefined, err, afterCrash, inline),
    );
  }

  #finish(batch: Item[], rows: number, started: number, queueWaitMs: number, result: RunResult | undefined, err: unknown, afterCrash: boolean, inline: boolean): void {
    const host = this.#host;
    if (afterCrash) this.#reruns.settled({ afterCrash });
    const metrics = host.metrics;
    const now = performance.now();
    if (this.#inFlight >= this.#capacity) this.#freeSince = now;
    this.#inFlight--;
    this.#inFlightRows -= rows;
    this.#idlePath?.ended(rows, result?.ok ? result.runMs : undefined);
    const inferenceMs = now - started;
    metrics.counters.batches++;
    metrics.batchSize.observe(rows);
    metrics.inference.observe(inferenceMs);
    let failure: Error | undefined;
    if (result === undefined) {
      if (host.closed()) failure = host.closedError();
      else {
        metrics.counters.crashed++;
        failure = createRunnerError(
          'MLS_ERR_RUNNER_WORKER_CRASHED',
          `a worker of runner "${host.name}" died while running a batch of ${rows} rows: ${(err as Error)?.message ?? String(err)}`,
          {
            cause: err,
          },
        );
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
    const isolated = failure !== undefined && !host.closed() && this.#reruns.isolate(batch, failure, result === undefined);
    if (isolated) metrics.counters.reruns++;
    else if (failure) {
      for (const item of batch) this.#fail(item.job, failure);
    }
    this.#pump();
    host.checkDrained();
    if (host.wantsBatchEvents()) {
      const event: BatchEvent = { size: rows, requests: batch.length, queueWaitMs, inferenceMs };
      if (inline) event.inline = true;
      if (result?.extraWorker) event.extraWorker = true;
      if (failure) event.error = (failure as { code?: string }).code;
      host.emitBatch(event);
    }
  }

  #settled(job: Job, ok: boolean): void {
    if (job.timeout !== undefined) this.#timeouts.delete(job.timeout);
    if (job.latency !== undefined) this.#latency!.delete(job.latency);
    job.timeout = job.latency = undefined;
    if (ok) this.#host.metrics.counters.completed++;
    else this.#host.metrics.counters.failed++;
  }

  /** Rejects a job and takes its chunks that are still queued out of the counts. */
  #fail(job: Job, err: Error): void {
    if (job.done) return;
    job.fail(err);
    this.#settled(job, false);
    for (const item of job.items) this.#queue.drop(item);
  }

  #overload(job: Job): void {
    const { name, options, metrics } = this.#host;
    metrics.counters.overloaded++;
    this.#fail(
      job,
      createRunnerError('MLS_ERR_RUNNER_OVERLOADED', `runner "${name}" is overloaded: the request waited more than maxLatencyMs (${options.maxLatencyMs} ms) in the queue`, {
        details: { maxLatencyMs: options.maxLatencyMs },
      }),
    );
  }

  readonly #onTimeout = (job: Job): void => {
    job.timeout = undefined;
    const { name, options, metrics } = this.#host;
    metrics.counters.timedOut++;
    this.#fail(
      job,
      createRunnerError('MLS_ERR_RUNNER_TIMEOUT', `runner "${name}" did not answer within timeoutMs (${options.timeoutMs} ms)`, { details: { timeoutMs: options.timeoutMs } }),
    );
    this.#host.checkDrained();
  };

  readonly #onLatency = (job: Job): void => {
    job.latency = undefined;
    if (job.started || job.done) return;
    this.#overload(job);
    this.#host.checkDrained();
  };
}
