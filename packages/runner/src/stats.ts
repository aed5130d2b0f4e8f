import { Histogram, type HistogramSnapshot, kBatchSizeBuckets, kLatencyBucketsMs } from './histogram';

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
  /** Set when it ran on the calling thread's session (the idle path, see `inlineMaxRows`). */
  inline?: true;
  /** Set when one of the extra workers of `maxWorkers` ran it. */
  extraWorker?: true;
  /** The error code when the batch failed. */
  error?: string;
}

/** Totals since a runner was created. */
export interface RunnerCounters {
  requests: number;
  rows: number;
  batches: number;
  completed: number;
  failed: number;
  overloaded: number;
  timedOut: number;
  crashed: number;
  /** Failed batches whose parts were run again to isolate the request at fault. */
  reruns: number;
}

/** A snapshot of a runner's counters and distributions, for metrics. */
export interface RunnerStats {
  name: string;
  state: RunnerState;
  /** Worker threads running now: `workers`, and the extra ones of `maxWorkers` while they run. */
  workers: number;
  /** Rows waiting in the queue. */
  queueRows: number;
  /** Requests (or chunks) waiting in the queue. */
  queueRequests: number;
  /** Batches running in workers. */
  inFlightBatches: number;
  inFlightRows: number;
  /** Totals since the runner was created. */
  counters: RunnerCounters;
  /** Rows per batch. */
  batchSize: HistogramSnapshot;
  /** Time each request (or chunk) waited in the queue, ms. */
  queueWaitMs: HistogramSnapshot;
  /** Time each batch took in its worker, hop included, ms. */
  inferenceMs: HistogramSnapshot;
}

/** What the scheduler reports about its queue and workers at one moment. */
export interface QueueGauges {
  queueRows: number;
  queueRequests: number;
  inFlightBatches: number;
  inFlightRows: number;
}

/** The counters and histograms of one runner, written by its scheduler and lifecycle. */
export class RunnerMetrics {
  readonly counters: RunnerCounters = { requests: 0, rows: 0, batches: 0, completed: 0, failed: 0, overloaded: 0, timedOut: 0, crashed: 0, reruns: 0 };
  readonly batchSize = new Histogram(kBatchSizeBuckets);
  readonly queueWait = new Histogram(kLatencyBucketsMs);
  readonly inference = new Histogram(kLatencyBucketsMs);

  /** A copy that later requests do not change. */
  snapshot(name: string, state: RunnerState, workers: number, gauges: QueueGauges): RunnerStats {
    return {
      name,
      state,
      workers,
      ...gauges,
      counters: { ...this.counters },
      batchSize: this.batchSize.snapshot(),
      queueWaitMs: this.queueWait.snapshot(),
      inferenceMs: this.inference.snapshot(),
    };
  }
}
