import type { RunnerBatchEvent, RunnerLike } from './types';

/** A refusal: how long the client should wait before retrying, in whole seconds. */
export interface Refusal {
  readonly retryAfterS: number;
  readonly reason: string;
}

// Until a request has been decoded, a row is assumed to take this many bytes of JSON.
const kInitialBytesPerRow = 64;
const kSmoothing = 0.1;
/** What admission reads of a runner. */
type AdmittedRunner = Pick<RunnerLike, 'name' | 'stats' | 'options' | 'on' | 'off'>;

interface RunnerLoad {
  held: number;
  inFlightRows: number;
  workers: number;
}

/**
 * Admission before work: decides from the declared `Content-Length` alone, before the body is read,
 * whether an API request can be served within the runners' latency budget. The rows a request
 * carries are estimated from its size (bytes per row learned from the requests decoded so far);
 * the load is the larger of what the runners hold (queued and running) and what the service has
 * admitted and not answered yet; the capacity is what the runners drain within `maxLatencyMs`
 * (rows per ms learned from their batch events), at most `maxQueue`. An idle service admits
 * everything, so a single large request is left to the runner's own limits.
 */
export class Admission {
  /** The runners admitted for, each with what stops listening to its batches. */
  readonly #runners = new Map<AdmittedRunner, () => void>();
  #bytesPerRow = kInitialBytesPerRow;
  #learned = false;
  /** Rows per ms each runner drained, smoothed over its batches. */
  readonly #rate = new Map<AdmittedRunner, number>();
  #admittedRows = 0;
  readonly #loads = new Map<AdmittedRunner, RunnerLoad>();
  readonly #forget = () => this.#loads.clear();

  constructor(runners: readonly AdmittedRunner[]) {
    for (const runner of runners) this.addRunner(runner);
  }

  /** Admits for `runner` too (a model loaded at run time); a runner without stats() is left to its own limits. */
  addRunner(runner: AdmittedRunner): void {
    if (typeof runner.stats !== 'function' || this.#runners.has(runner)) return;
    if (typeof runner.on !== 'function' || typeof runner.off !== 'function') {
      this.#runners.set(runner, () => {});
      return;
    }
    const onBatch = (batch: RunnerBatchEvent) => {
      if (!(batch.size > 0) || !(typeof batch.inferenceMs === 'number' && batch.inferenceMs > 0)) return;
      const rate = batch.size / batch.inferenceMs;
      const previous = this.#rate.get(runner);
      this.#rate.set(runner, previous === undefined ? rate : previous + kSmoothing * (rate - previous));
    };
    runner.on('batch', onBatch);
    this.#runners.set(runner, () => runner.off!('batch', onBatch));
  }

  /** Stops admitting for `runner` (a model unloaded at run time). */
  removeRunner(runner: AdmittedRunner): void {
    this.#runners.get(runner)?.();
    this.#runners.delete(runner);
    this.#rate.delete(runner);
    this.#loads.delete(runner);
  }

  /** Rows a body of `bytes` is expected to carry. */
  estimateRows(bytes: number): number {
    return Math.max(1, Math.ceil(bytes / this.#bytesPerRow));
  }

  /** Learns the size of a row from a decoded request. */
  learn(bytes: number, rows: number): void {
    if (!(bytes > 0) || !(rows > 0)) return;
    this.#bytesPerRow = this.#learned ? this.#bytesPerRow + kSmoothing * (bytes / rows - this.#bytesPerRow) : bytes / rows;
    this.#learned = true;
  }

  /** Admits `rows` (returns undefined, and counts them until {@link release}) or refuses them. */
  admit(rows: number): Refusal | undefined {
    for (const runner of this.#runners.keys()) {
      const { held, inFlightRows, workers } = this.#loadOf(runner);
      const load = Math.max(held, this.#admittedRows);
      if (load === 0) continue;
      const maxQueue = runner.options?.maxQueue ?? Infinity;
      const budgetMs = runner.options?.maxLatencyMs ?? Infinity;
      const rate = (this.#rate.get(runner) ?? Infinity) * workers;
      const capacity = Math.min(maxQueue + inFlightRows, rate * budgetMs);
      if (load + rows > capacity) {
        const drainS = Number.isFinite(rate) ? load / rate / 1000 : 1;
        return {
          retryAfterS: Math.min(60, Math.max(1, Math.ceil(drainS))),
          reason: `runner "${runner.name}" cannot take ${rows} more rows within its latency budget (${load} held)`,
        };
      }
    }
    this.#admittedRows += rows;
    return undefined;
  }

  #loadOf(runner: AdmittedRunner): RunnerLoad {
    // A runner's stats() snapshots its histograms: read once per event-loop turn, not per request.
    const cached = this.#loads.get(runner);
    if (cached !== undefined) return cached;
    if (this.#loads.size === 0) setImmediate(this.#forget);
    const stats = runner.stats!();
    const load = { held: (stats.queueRows ?? 0) + (stats.inFlightRows ?? 0), inFlightRows: stats.inFlightRows ?? 0, workers: Math.max(1, stats.workers ?? 1) };
    this.#loads.set(runner, load);
    return load;
  }

  /** Releases rows admitted by {@link admit} once their request is answered. */
  release(rows: number): void {
    this.#admittedRows -= rows;
  }

  /** Stops listening to the runners. */
  detach(): void {
    for (const off of this.#runners.values()) off();
    this.#runners.clear();
  }
}
