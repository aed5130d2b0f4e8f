import type { Item } from './batch';

/** Part of a failed batch, to run again on its own. */
export interface Rerun {
  readonly items: Item[];
  /** True when the batch failed because its worker died. */
  readonly afterCrash: boolean;
}

/**
 * The parts of failed batches waiting to run again, each as it is (never merged with other work),
 * ahead of the queue: how one request that breaks inference, or kills its worker, is kept from
 * failing its batch-mates.
 */
export class Reruns {
  readonly #waiting: Rerun[] = [];
  /** Reruns after a worker death in flight: nothing else runs beside them, or it could die with them. */
  #afterCrashInFlight = 0;

  /** Reruns waiting to be dispatched. */
  get size(): number {
    return this.#waiting.length;
  }

  /** True while a rerun after a worker death runs: no other batch may start until it ends. */
  get holding(): boolean {
    return this.#afterCrashInFlight > 0;
  }

  /**
   * Queues the parts of a failed batch to run again; false when the failure stands. A batch of
   * several requests is split in two, recursively, so only the request at fault fails. A lone
   * request whose worker died runs once more on a fresh worker (the batch that crashed it, or the
   * next one already handed to it, may not be its own doing).
   */
  isolate(batch: Item[], failure: Error, crashed: boolean): boolean {
    const code = (failure as { code?: unknown }).code;
    if (code !== 'MLS_ERR_RUNNER_INFERENCE' && code !== 'MLS_ERR_RUNNER_WORKER_CRASHED') return false;
    const live = batch.filter((item) => !item.job.done);
    if (live.length > 1) {
      const half = Math.ceil(live.length / 2);
      this.#waiting.unshift({ items: live.slice(0, half), afterCrash: crashed }, { items: live.slice(half), afterCrash: crashed });
      return true;
    }
    if (live.length === 1 && crashed && !live[0]!.rerunAfterCrash) {
      live[0]!.rerunAfterCrash = true;
      this.#waiting.unshift({ items: live, afterCrash: true });
      return true;
    }
    return false;
  }

  /**
   * The next rerun that may start with `inFlight` batches running, its settled requests left out;
   * `undefined` when none may (a rerun after a worker death waits until nothing else runs).
   */
  take(inFlight: number): Rerun | undefined {
    while (this.#waiting.length > 0 && !this.holding) {
      const next = this.#waiting[0]!;
      if (next.afterCrash && inFlight > 0) return undefined;
      this.#waiting.shift();
      const items = next.items.filter((item) => !item.job.done);
      if (items.length === 0) continue;
      if (next.afterCrash) this.#afterCrashInFlight++;
      return { items, afterCrash: next.afterCrash };
    }
    return undefined;
  }

  /** Called when a batch that `take()` handed out settles. */
  settled(rerun: { afterCrash: boolean }): void {
    if (rerun.afterCrash) this.#afterCrashInFlight--;
  }

  /** Forgets every waiting rerun (their requests were failed). */
  clear(): void {
    this.#waiting.length = 0;
  }
}
