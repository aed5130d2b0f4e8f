import { type Item, kDone, kQueued, kRunning } from './batch';

/**
 * The runner's queue: items in arrival order, counted in rows. Items settled while queued (timed
 * out, refused) are marked done and skipped when reached, so removing one is O(1).
 */
export class BatchQueue {
  // Slots behind the head are cleared: a stale reference from an array that reached the old
  // generation would keep a settled request (its promise, its caller's state) alive until a full GC.
  #items: Array<Item | undefined> = [];
  #head = 0;
  /** Rows waiting. */
  rows = 0;
  /** Items waiting. */
  size = 0;

  push(item: Item): void {
    this.#items.push(item);
    this.rows += item.rows;
    this.size++;
  }

  /** Takes a queued item out of the counts (it stays in the array, marked done). */
  drop(item: Item): void {
    if (item.state !== kQueued) return;
    item.state = kDone;
    this.rows -= item.rows;
    this.size--;
  }

  /** The oldest queued item. */
  peek(): Item | undefined {
    const q = this.#items;
    for (let i = this.#head; i < q.length; i++) if (q[i]!.state === kQueued) return q[i];
    return undefined;
  }

  /**
   * Takes the oldest queued items that fit in one batch: same input shapes (key) as the first, at
   * most maxRows rows (the first item goes even when it has more), in queue order. Items enqueued
   * before `oldest` are handed to `expire` instead (which must drop them), unless their request
   * has started.
   */
  take(maxRows: number, oldest: number, expire: (item: Item) => void): Item[] {
    const q = this.#items;
    const batch: Item[] = [];
    let rows = 0;
    let key: string | undefined;
    let skipped = false;
    for (let i = this.#head; i < q.length; i++) {
      const item = q[i]!;
      if (item.state === kQueued && item.enqueuedAt < oldest && !item.job.started) expire(item);
      if (item.state !== kQueued) {
        if (!skipped) this.#advance(i);
        continue;
      }
      if (key === undefined) key = item.key;
      else if (item.key !== key) {
        // Left in place for a later batch; the head cannot move past it.
        skipped = true;
        continue;
      }
      // The first item always goes (the runner chunks requests to maxBatchSize): a share of a
      // burst smaller than one request must not leave that request queued for ever.
      if (rows > 0 && rows + item.rows > maxRows) break;
      item.state = kRunning;
      item.job.started = true;
      rows += item.rows;
      this.rows -= item.rows;
      this.size--;
      batch.push(item);
      if (!skipped) this.#advance(i);
      if (rows === maxRows) break;
    }
    this.#compact();
    return batch;
  }

  /** Forgets every item (after their jobs were failed). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.rows = 0;
    this.size = 0;
  }

  /** Moves the head past slot `i`. */
  #advance(i: number): void {
    this.#items[i] = undefined;
    this.#head = i + 1;
  }

  #compact(): void {
    if (this.size === 0) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
