import { type BoundHistogram, LeanHistogram } from './lean-histogram';
import { Counter, Gauge, Registry, collectDefaultMetrics } from './prom-client-lite';
import type { RunnerBatchEvent, RunnerLike } from './types';

interface RequestCounts {
  readonly labels: RequestLabels;
  count: number;
  readonly duration: BoundHistogram;
}

type RequestLabels = { api: string; method: string; status: string; model?: string };
type RunnerLabels = { runner: string; model?: string };
/** What the metrics read of a runner. */
type MeteredRunner = Pick<RunnerLike, 'name' | 'isReady' | 'stats' | 'model' | 'on' | 'off'>;

/** A runner's metric labels: its name, and its model's name when the runner knows it. */
function runnerLabels(r: MeteredRunner): RunnerLabels {
  const model = r.model?.name;
  return typeof model === 'string' && model !== '' ? { runner: r.name, model } : { runner: r.name };
}

/**
 * The Prometheus metrics of one service, in its own Registry so that several services in one
 * process never clash. Names are prefixed `mlserve_`. Request series carry a `model` label when the
 * API (or V2 endpoint) serves one model; runner series carry the runner's model, so that a server
 * of several models can be watched model by model.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #duration: LeanHistogram<'api' | 'method' | 'status' | 'model'>;
  readonly #batchSize: LeanHistogram<'runner' | 'model'>;
  readonly #inference: LeanHistogram<'runner' | 'model'>;
  readonly #queueWait: LeanHistogram<'runner' | 'model'>;
  // Label hashing is the costly part of prom-client: request counts are kept in plain numbers and
  // handed to it when scraped, and the histograms observed per request and batch are lean ones
  // (lean-histogram.ts) whose series are bound once per label set.
  readonly #requests = new Map<string, RequestCounts>();
  readonly #inProgress = new Map<string, { n: number; model: string | undefined }>();
  // Runners come and go with the model repository: each with its labels and how to stop listening to it.
  readonly #runners = new Map<MeteredRunner, { labels: RunnerLabels; off: () => void }>();

  constructor(runners: RunnerLike[], options: { processMetrics: boolean }) {
    const registers = [this.registry];
    const requests = this.#requests;
    const inProgress = this.#inProgress;
    const served = this.#runners;
    new Counter({
      name: 'mlserve_http_requests_total',
      help: 'HTTP requests answered, by API (or route), method, status and model.',
      labelNames: ['api', 'method', 'status', 'model'],
      registers,
      collect() {
        this.reset();
        for (const r of requests.values()) this.inc(r.labels, r.count);
      },
    });
    this.#duration = new LeanHistogram({
      name: 'mlserve_http_request_duration_seconds',
      help: 'Time from request to response, by API (or route), method, status and model.',
      labelNames: ['api', 'method', 'status', 'model'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'mlserve_http_requests_in_progress',
      help: 'Requests being served, by API (other for non-API routes).',
      labelNames: ['api', 'model'],
      registers,
      collect() {
        for (const [api, { n, model }] of inProgress) this.set(model === undefined ? { api } : { api, model }, n);
      },
    });
    this.#batchSize = new LeanHistogram({
      name: 'mlserve_runner_batch_size',
      help: 'Rows per batch a runner sent to a worker.',
      labelNames: ['runner', 'model'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.#inference = new LeanHistogram({
      name: 'mlserve_runner_inference_duration_seconds',
      help: 'Time a batch spent in inference.',
      labelNames: ['runner', 'model'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#queueWait = new LeanHistogram({
      name: 'mlserve_runner_queue_wait_seconds',
      help: 'Time a batch waited in the runner queue.',
      labelNames: ['runner', 'model'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    new Gauge({
      name: 'mlserve_runner_queue_rows',
      help: 'Rows waiting in each runner queue.',
      labelNames: ['runner', 'model'],
      registers,
      collect() {
        // Reset first: an unloaded runner's series goes away with it.
        this.reset();
        for (const [r, { labels }] of served) {
          const rows = typeof r.stats === 'function' ? r.stats().queueRows : undefined;
          this.set(labels, typeof rows === 'number' ? rows : 0);
        }
      },
    });
    new Gauge({
      name: 'mlserve_runner_ready',
      help: '1 when the runner is ready.',
      labelNames: ['runner', 'model'],
      registers,
      collect() {
        this.reset();
        for (const [r, { labels }] of served) this.set(labels, r.isReady ? 1 : 0);
      },
    });
    if (options.processMetrics) collectDefaultMetrics(this.registry, 'mlserve_');
    for (const r of runners) this.addRunner(r);
  }

  /** Reports `runner` (its gauges, and its batches once it emits them); a no-op when already reported. */
  addRunner(runner: MeteredRunner): void {
    if (this.#runners.has(runner)) return;
    const labels = runnerLabels(runner);
    let off = (): void => undefined;
    if (typeof runner.on === 'function') {
      const batchSize = this.#batchSize.labels(labels);
      const inference = this.#inference.labels(labels);
      const queueWait = this.#queueWait.labels(labels);
      const listener = (batch: RunnerBatchEvent): void => {
        if (typeof batch?.size === 'number') batchSize.observe(batch.size);
        if (typeof batch?.inferenceMs === 'number') inference.observe(batch.inferenceMs / 1000);
        if (typeof batch?.queueWaitMs === 'number') queueWait.observe(batch.queueWaitMs / 1000);
      };
      runner.on('batch', listener);
      off = () => runner.off?.('batch', listener);
    }
    this.#runners.set(runner, { labels, off });
  }

  /** Stops reporting `runner` (an unloaded model): its gauges go; its histograms keep what they counted. */
  removeRunner(runner: MeteredRunner): void {
    this.#runners.get(runner)?.off();
    this.#runners.delete(runner);
  }

  /** Counts a request as started; `model`: the model its API serves, if one. */
  startRequest(api: string, model?: string): void {
    const entry = this.#inProgress.get(api);
    if (entry === undefined) this.#inProgress.set(api, { n: 1, model });
    else entry.n++;
  }

  /** Counts a request as answered; `model`: the model it was for, if one. */
  endRequest(inProgressApi: string, api: string, method: string, status: number, seconds: number, model?: string): void {
    this.#inProgress.get(inProgressApi)!.n--;
    const key = `${api}\u0000${method}\u0000${status}\u0000${model ?? ''}`;
    let counts = this.#requests.get(key);
    if (counts === undefined) {
      const labels: RequestLabels = { api, method, status: String(status) };
      if (model !== undefined) labels.model = model;
      counts = { labels, count: 0, duration: this.#duration.labels(labels) };
      this.#requests.set(key, counts);
    }
    counts.count++;
    counts.duration.observe(seconds);
  }

  /** Stops listening to runner events. */
  detach(): void {
    for (const { off } of this.#runners.values()) off();
  }
}
