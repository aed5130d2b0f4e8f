import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunnerBatchEvent, RunnerLike } from './types';

interface RequestCounts {
  readonly labels: { api: string; method: string; status: string };
  count: number;
  readonly duration: { observe(v: number): void };
}

/**
 * The Prometheus metrics of one service, in its own Registry so that several services in one
 * process never clash. Names are prefixed `mlserve_`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #duration: Histogram<'api' | 'method' | 'status'>;
  readonly #batchSize: Histogram<'runner'>;
  readonly #inference: Histogram<'runner'>;
  readonly #queueWait: Histogram<'runner'>;
  // Label hashing is the costly part of prom-client: request counts are kept in plain numbers and
  // handed to it when scraped, histogram children are cached per label set.
  readonly #requests = new Map<string, RequestCounts>();
  readonly #inProgress = new Map<string, number>();
  readonly #listeners: Array<() => void> = [];

  constructor(runners: RunnerLike[], options: { processMetrics: boolean }) {
    const registers = [this.registry];
    const requests = this.#requests;
    const inProgress = this.#inProgress;
    new Counter({
      name: 'mlserve_http_requests_total',
      help: 'HTTP requests answered, by API (or route), method and status.',
      labelNames: ['api', 'method', 'status'],
      registers,
      collect() {
        this.reset();
        for (const r of requests.values()) this.inc(r.labels, r.count);
      },
    });
    this.#duration = new Histogram({
      name: 'mlserve_http_request_duration_seconds',
      help: 'Time from request to response, by API (or route), method and status.',
      labelNames: ['api', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'mlserve_http_requests_in_progress',
      help: 'Requests being served, by API (other for non-API routes).',
      labelNames: ['api'],
      registers,
      collect() {
        for (const [api, n] of inProgress) this.set({ api }, n);
      },
    });
    this.#batchSize = new Histogram({
      name: 'mlserve_runner_batch_size',
      help: 'Rows per batch a runner sent to a worker.',
      labelNames: ['runner'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.#inference = new Histogram({
      name: 'mlserve_runner_inference_duration_seconds',
      help: 'Time a batch spent in inference.',
      labelNames: ['runner'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#queueWait = new Histogram({
      name: 'mlserve_runner_queue_wait_seconds',
      help: 'Time a batch waited in the runner queue.',
      labelNames: ['runner'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    new Gauge({
      name: 'mlserve_runner_queue_rows',
      help: 'Rows waiting in each runner queue.',
      labelNames: ['runner'],
      registers,
      collect() {
        for (const r of runners) {
          const rows = typeof r.stats === 'function' ? r.stats().queueRows : undefined;
          this.set({ runner: r.name }, typeof rows === 'number' ? rows : 0);
        }
      },
    });
    new Gauge({
      name: 'mlserve_runner_ready',
      help: '1 when the runner is ready.',
      labelNames: ['runner'],
      registers,
      collect() {
        for (const r of runners) this.set({ runner: r.name }, r.isReady ? 1 : 0);
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'mlserve_' });
    for (const r of runners) {
      if (typeof r.on !== 'function') continue;
      const listener = (batch: RunnerBatchEvent) => this.observeBatch(r.name, batch);
      r.on('batch', listener);
      this.#listeners.push(() => r.off?.('batch', listener));
    }
  }

  /** Counts a request as started. */
  startRequest(api: string): void {
    this.#inProgress.set(api, (this.#inProgress.get(api) ?? 0) + 1);
  }

  /** Counts a request as answered. */
  endRequest(inProgressApi: string, api: string, method: string, status: number, seconds: number): void {
    this.#inProgress.set(inProgressApi, this.#inProgress.get(inProgressApi)! - 1);
    const key = `${api}\u0000${method}\u0000${status}`;
    let counts = this.#requests.get(key);
    if (counts === undefined) {
      const labels = { api, method, status: String(status) };
      counts = { labels, count: 0, duration: this.#duration.labels(labels) };
      this.#requests.set(key, counts);
    }
    counts.count++;
    counts.duration.observe(seconds);
  }

  /** Records one batch of a runner. */
  observeBatch(runner: string, batch: RunnerBatchEvent): void {
    if (typeof batch?.size === 'number') this.#batchSize.observe({ runner }, batch.size);
    if (typeof batch?.inferenceMs === 'number') this.#inference.observe({ runner }, batch.inferenceMs / 1000);
    if (typeof batch?.queueWaitMs === 'number') this.#queueWait.observe({ runner }, batch.queueWaitMs / 1000);
  }

  /** Stops listening to runner events. */
  detach(): void {
    for (const off of this.#listeners.splice(0)) off();
  }
}
