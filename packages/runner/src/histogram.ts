/** A histogram as `stats()` reports it: Prometheus-style cumulative buckets, a sum and a count. */
export interface HistogramSnapshot {
  /** Cumulative counts: `count` observations were <= `le`. The last bucket has `le: Infinity`. */
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

/** Bucket bounds of the batch-size histogram (rows per batch). */
export const kBatchSizeBuckets: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** Bucket bounds of the queue-wait and inference-time histograms (milliseconds). */
export const kLatencyBucketsMs: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * A fixed-bucket histogram: observing is a short linear scan and two additions, cheap enough for
 * every request of the hot path.
 */
export class Histogram {
  readonly #bounds: readonly number[];
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value. */
  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.#counts[i]!++;
    this.#sum += value;
    this.#count++;
  }

  /** The cumulative buckets, sum and count so far. */
  snapshot(): HistogramSnapshot {
    const buckets: HistogramSnapshot['buckets'] = [];
    let cumulative = 0;
    for (let i = 0; i <= this.#bounds.length; i++) {
      cumulative += this.#counts[i]!;
      buckets.push({ le: i < this.#bounds.length ? this.#bounds[i]! : Infinity, count: cumulative });
    }
    return { buckets, sum: this.#sum, count: this.#count };
  }
}
