/** One entry of a {@link SlidingWindow}. */
interface Entry<T> {
  at: number;
  value: T;
}

/**
 * The most recent values, at most `size` of them and none older than `maxAgeMs`: a ring buffer, so
 * adding is O(1) and memory is bounded whatever the traffic.
 */
export class SlidingWindow<T> {
  readonly size: number;
  readonly maxAgeMs: number;
  readonly #ring: Array<Entry<T> | undefined>;
  #next = 0;
  #count = 0;

  constructor(size: number, maxAgeMs: number) {
    this.size = size;
    this.maxAgeMs = maxAgeMs;
    this.#ring = new Array<Entry<T> | undefined>(size);
  }

  /** Adds a value seen at `at` (ms, `Date.now()` by default). */
  push(value: T, at = Date.now()): void {
    this.#ring[this.#next] = { at, value };
    this.#next = (this.#next + 1) % this.size;
    this.#count = Math.min(this.#count + 1, this.size);
  }

  /** The values still in the window, oldest first. */
  values(now = Date.now()): T[] {
    const out: T[] = [];
    const start = (this.#next - this.#count + this.size) % this.size;
    for (let i = 0; i < this.#count; i++) {
      const entry = this.#ring[(start + i) % this.size]!;
      if (now - entry.at <= this.maxAgeMs) out.push(entry.value);
    }
    return out;
  }
}
