import { performance } from 'node:perf_hooks';

/** A pending deadline of a {@link DeadlineQueue}. */
export interface Deadline<T = undefined> {
  readonly due: number;
  /** What was given to `add()`. */
  readonly value: T;
}

class Entry<T> implements Deadline<T> {
  prev: Entry<T> | undefined = undefined;
  next: Entry<T> | undefined = undefined;
  queued = true;
  constructor(
    readonly due: number,
    readonly onExpire: (value: T) => void,
    readonly value: T,
  ) {}
}

/**
 * Deadlines that all last `ms`: added in time order, so the oldest always expires first and one
 * timer for it replaces a timer per request (a Node Timeout costs an object, async-hook bookkeeping
 * and a list insertion per request on the hot path). With `ms` Infinity no timer ever runs and the
 * queue is just the list of what is pending, oldest first.
 *
 * A linked list whose removed entries let go of their neighbours, like Node's own timer lists: in a
 * Set, the stale tables a rehash leaves in the old generation keep every entry they referenced
 * (and so a request, its promise, its caller's state) alive until the next full GC.
 */
export class DeadlineQueue<T = undefined> {
  /** How long every deadline lasts. */
  readonly ms: number;
  #head: Entry<T> | undefined;
  #tail: Entry<T> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #size = 0;

  /** Throws a RangeError unless `ms` is a positive number or Infinity. */
  constructor(ms: number) {
    if (typeof ms !== 'number' || !(ms > 0)) throw new RangeError('ms must be a positive number or Infinity');
    this.ms = ms;
  }

  /** Deadlines pending. */
  get size(): number {
    return this.#size;
  }

  /** The oldest pending deadline. */
  get oldest(): Deadline<T> | undefined {
    return this.#head;
  }

  /**
   * Calls `onExpire(value)` `ms` after `start` (a `performance.now()` reading, never earlier than
   * the previous `add()`'s), unless deleted first. Pass one shared function rather than a closure
   * per deadline on hot paths.
   */
  add(start: number, onExpire: (value: T) => void, value?: T): Deadline<T> {
    const entry = new Entry(start + this.ms, onExpire, value as T);
    if (this.#tail === undefined) {
      this.#head = this.#tail = entry;
    } else {
      entry.prev = this.#tail;
      this.#tail.next = entry;
      this.#tail = entry;
    }
    this.#size++;
    if (this.#timer === undefined && this.ms !== Infinity) this.#arm(entry.due);
    return entry;
  }

  /** Cancels a deadline (its timer, if it was the oldest, finds the next one when it fires). */
  delete(deadline: Deadline<T>): void {
    const entry = deadline as Entry<T>;
    if (!entry.queued) return;
    entry.queued = false;
    this.#size--;
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
  }

  /** The values of every pending deadline, oldest first (safe to delete them while walking it). */
  values(): T[] {
    const out: T[] = [];
    for (let entry = this.#head; entry !== undefined; entry = entry.next) out.push(entry.value);
    return out;
  }

  /** Cancels every deadline and stops the timer. */
  clear(): void {
    for (let entry = this.#head; entry !== undefined; ) {
      const next = entry.next;
      entry.queued = false;
      entry.prev = entry.next = undefined;
      entry = next;
    }
    this.#head = this.#tail = undefined;
    this.#size = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(due: number): void {
    // Never keeps the process alive on its own: whatever the deadline guards (a socket, a caller) does.
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(due - performance.now()))).unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#head !== undefined && this.#head.due <= now) {
      const entry = this.#head;
      this.delete(entry);
      entry.onExpire(entry.value);
    }
    // An onExpire that added a deadline armed a timer for it; the oldest one left comes first.
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#head !== undefined) this.#arm(this.#head.due);
  };
}
