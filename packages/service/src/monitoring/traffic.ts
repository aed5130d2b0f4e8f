/** What the dashboard shows of a model's traffic. */
export interface TrafficReport {
  /** Predict calls per second over the last 10 s. */
  requestRate: number;
  /** Predict calls in each of the last 60 seconds (oldest first). */
  rateHistory: number[];
  /** Latency of the predict call (ms) over the last 1000 calls. */
  latencyMs: { p50: number | null; p90: number | null; p99: number | null };
  /** Runner batches over the last 1000, counted by rows per batch (bucket upper bounds). */
  batchSizes: Record<string, number>;
  /** Predict calls since the start. */
  requests: number;
}

const kKept = 1000;
const kBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/** A fixed-size ring of numbers. */
class Ring {
  readonly values: number[] = [];
  #next = 0;
  push(value: number): void {
    if (this.values.length < kKept) this.values.push(value);
    else this.values[this.#next] = value;
    this.#next = (this.#next + 1) % kKept;
  }
}

/** Bounded counts of a model's predict calls, their latencies and the runner's batch sizes. */
export class TrafficStats {
  // Calls per second, for the last 60 seconds: [second, count] slots indexed by second % 60.
  readonly #seconds = Array.from({ length: 60 }, () => [-1, 0] as [number, number]);
  readonly #latencies = new Ring();
  readonly #batches = new Ring();
  #requests = 0;

  /** Records one predict call that took `ms`. */
  request(ms: number, now = Date.now()): void {
    this.#requests++;
    const second = Math.floor(now / 1000);
    const slot = this.#seconds[second % 60]!;
    if (slot[0] !== second) slot.splice(0, 2, second, 0);
    slot[1]++;
    this.#latencies.push(ms);
  }

  /** Records one runner batch of `size` rows. */
  batch(size: number): void {
    this.#batches.push(size);
  }

  /** The counts as the dashboard charts them. */
  report(now = Date.now()): TrafficReport {
    const second = Math.floor(now / 1000);
    const rateHistory: number[] = [];
    for (let s = second - 59; s <= second; s++) {
      const slot = this.#seconds[s % 60]!;
      rateHistory.push(slot[0] === s ? slot[1] : 0);
    }
    const sorted = [...this.#latencies.values].sort((a, b) => a - b);
    const pct = (q: number) => (sorted.length === 0 ? null : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000) / 1000);
    const batchSizes: Record<string, number> = {};
    for (const b of kBuckets) batchSizes[String(b)] = 0;
    batchSizes['>512'] = 0;
    for (const size of this.#batches.values) {
      const bucket = kBuckets.find((b) => size <= b);
      batchSizes[bucket === undefined ? '>512' : String(bucket)]!++;
    }
    return {
      requestRate: rateHistory.slice(-10).reduce((a, b) => a + b, 0) / 10,
      rateHistory,
      latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
      batchSizes,
      requests: this.#requests,
    };
  }
}
