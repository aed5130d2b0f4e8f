/** How long the policy looks back before it decides. */
export const kBurstWindowMs = 1000;

/** Share of a window in which every worker held a batch, for the extra workers to start. */
export const kBurstBusy = 0.9;

/** Most the calling thread may have been busy in that window (event-loop utilization). */
export const kBurstMaxUtilization = 0.75;

/** Utilization over a window at which running extra workers stop: the calling thread is the limit. */
export const kBurstStopUtilization = 0.9;

/** Share of a window below which running extra workers stop: the workers are no longer the limit. */
export const kBurstStopBusy = 0.25;

/** Extra workers that ran no batch for this long stop. */
export const kBurstIdleMs = 10_000;

/** Once stopped (or failed to start), the extra workers stay off at least this long. */
export const kBurstCooldownMs = 3000;

/** What the policy reads from the runner's thread: `performance.eventLoopUtilization`'s shape. */
export type UtilizationReader = (since?: { idle: number; active: number; utilization: number }) => { idle: number; active: number; utilization: number };

/**
 * When a runner starts its extra workers (`maxWorkers` over `workers`) and when it stops them.
 *
 * The workers leave one core to the calling thread, which parses, validates and answers. With
 * large requests that thread is idle much of the time while the workers are the limit: then the
 * idle core is lent to inference. Both must hold over a window, not at one instant: every worker
 * held a batch during 90 % of it, and the calling thread's event loop was busy at most 75 % of
 * it. Many small requests keep the calling thread busy, so they never start the extra workers.
 * Running ones stop after a window in which every thread held a batch less than a quarter of the
 * time (the load changed) or the calling thread was busy 90 % of it (the extra threads would take
 * its CPU), and after 10 s in which they ran nothing; then, or after a failed start, the policy
 * waits 3 s before it starts them again, so a load at the edge does not start and stop them on
 * every window.
 */
export class BurstPolicy {
  readonly #utilization: UtilizationReader;
  #windowStart = 0;
  #mark: ReturnType<UtilizationReader> | undefined;
  /** Busy time in the window so far, and since when every worker holds a batch (NaN: not now). */
  #busyMs = 0;
  #busySince = Number.NaN;
  #offUntil = -Infinity;

  constructor(utilization: UtilizationReader) {
    this.#utilization = utilization;
  }

  /**
   * Tells whether every worker holds a batch from `now` on; returns 'start' or 'stop' when a
   * window just ended with that verdict (`running`: the extra workers run or are starting).
   */
  observe(now: number, busy: boolean, running: boolean): 'start' | 'stop' | undefined {
    if (!Number.isNaN(this.#busySince)) this.#busyMs += now - this.#busySince;
    this.#busySince = busy ? now : Number.NaN;
    if (this.#mark === undefined) {
      this.#newWindow(now);
      return undefined;
    }
    if (now - this.#windowStart < kBurstWindowMs) return undefined;
    const windowMs = now - this.#windowStart;
    const share = this.#busyMs / windowMs;
    const utilization = this.#utilization(this.#mark).utilization;
    this.#newWindow(now);
    if (running) return utilization >= kBurstStopUtilization || share < kBurstStopBusy ? 'stop' : undefined;
    return now >= this.#offUntil && share >= kBurstBusy && utilization <= kBurstMaxUtilization ? 'start' : undefined;
  }

  /**
   * The extra workers stopped (on a 'stop' verdict, idle, or after a failed start): not again for a
   * while. The caller reports every stop here, whichever way it came.
   */
  stopped(now: number): void {
    this.#offUntil = now + kBurstCooldownMs;
  }

  #newWindow(now: number): void {
    this.#windowStart = now;
    this.#busyMs = 0;
    this.#mark = this.#utilization();
  }
}
