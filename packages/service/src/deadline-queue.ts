import { performance } from 'node:perf_hooks';

/** A pending deadline of a {@link DeadlineQueue}. */
export interface Deadline {
  readonly due: number;
}

class Entry implements Deadline {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  queued = true;
  constructor(
    readonly due: number,
    readonly onExpire: () => void,
  ) {}
}

/**
 * Deadlines that all last `ms`: added in time order, so the oldest always expires first and one
 * timer for it replaces a timer per request (a Node Timeout costs an object, async-hook bookkeeping
 * and a list insertion, twice per request on the hot path).
 *
 * A linked list whose removed entries let go of their neighbours, like Node's own timer lists: in a
 * Set, the stale tables a rehash leaves in the old generation kept every request they referenced
 * alive until the next full GC, which promoted ~1 KB per request.
 */
export class DeadlineQueue {
  /** How long every deadline lasts. */
  readonly ms: number;
  #head: Entry | undefined;
  #tail: Entry | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.ms = ms;
  }

  /** Calls `onExpire` `ms` after `start` (a `performance.now()` reading), unless deleted first. */
  add(start: number, onExpire: () => void): Deadline {
    const entry = new Entry(start + this.ms, onExpire);
    if (this.#tail === undefined) {
      this.#head = this.#tail = entry;
    } else {
      entry.prev = this.#tail;
      this.#tail.next = entry;
      this.#tail = entry;
    }
    if (this.#timer === undefined) this.#arm(entry.due);
    return entry;
  }

  /** Cancels a deadline (its timer, if it was the oldest, finds the next one when it fires). */
  delete(deadline: Deadline): void {
    const entry = deadline as Entry;
    if (!entry.queued) return;
    entry.queued = false;
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
  }

  #arm(due: number): void {
    // Never keeps the process alive on its own: whatever the deadline guards (a socket) does.
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(due - performance.now()))).unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#head !== undefined && this.#head.due <= now) {
      const entry = this.#head;
      this.delete(entry);
      entry.onExpire();
    }
    // An onExpire that added a deadline armed a timer for it; the oldest one left comes first.
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#head !== undefined) this.#arm(this.#head.due);
  };
}
