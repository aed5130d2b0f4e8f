/**
 * How long after a request arrived while another was still pending the runner keeps sending every
 * batch to the workers. Callers that overlap can be batched, and inference on the calling thread
 * would block it while it could be reading their requests.
 */
export const kOverlapHoldMs = 100;

/** Most a batch may be expected to block the calling thread for, to run there. */
export const kInlineBudgetMs = 1;

/** How many of the latest batches the cost estimate looks at. */
const kCostSamples = 8;

/**
 * When a batch may skip the worker hop and run on the calling thread: the idle path's rule.
 *
 * An empty queue at one instant is not enough. Inference on the calling thread blocks it, so a
 * steady stream from a few connections would find the runner empty every time, run inline and
 * never batch. So the rule asks whether callers overlap at all: a batch runs inline only when no
 * request has arrived while another was pending for `kOverlapHoldMs` — a client sending one request
 * at a time never overlaps, while concurrent callers overlap within a worker round trip (or within
 * the event-loop turn an inline batch takes) and from then on batch to the workers. And the model
 * must be cheap: its cost is learnt from the batches that ran (see `costMs`), the first one always
 * on a worker, so a model whose batch would take more than `kInlineBudgetMs` never runs here.
 */
export class IdlePath {
  readonly #maxRows: number;
  /** When a request last arrived while another was pending (performance.now() time). */
  #overlapAt = -Infinity;
  /** Rows and ONNX Runtime's time of the latest batches that ran: a ring of kCostSamples. */
  readonly #sampleRows: number[] = [];
  readonly #sampleMs: number[] = [];
  #nextSample = 0;

  /** `maxRows` is `inlineMaxRows`: the most rows that may run inline. */
  constructor(maxRows: number) {
    this.#maxRows = maxRows;
  }

  /** Records a request's arrival at `now`; `pending` tells whether other requests were still pending. */
  arrived(now: number, pending: boolean): void {
    if (pending) this.#overlapAt = now;
  }

  /** True when `rows` queued rows may run inline at `now` (the caller checked that nothing runs). */
  admits(rows: number, now: number): boolean {
    return rows <= this.#maxRows && now - this.#overlapAt >= kOverlapHoldMs && this.costMs(rows) <= kInlineBudgetMs;
  }

  /**
   * What a batch of `rows` rows is expected to take: the least of what the latest batches bound it
   * to (a batch of at least as many rows took no less; a smaller one, scaled by the rows). Noise —
   * the first run of a session, a GC pause, a descheduled thread — only ever makes a run slower, so
   * the least bound ignores a slow run, and a model that is slow every time stays above the budget.
   * Infinity until a batch has run: the first batch always goes to a worker.
   */
  costMs(rows: number): number {
    let least = Infinity;
    for (let i = 0; i < this.#sampleMs.length; i++) {
      const bound = this.#sampleMs[i]! * Math.max(1, rows / this.#sampleRows[i]!);
      if (bound < least) least = bound;
    }
    return least;
  }

  /** Records a batch of `rows` rows that ended and, when it ran, ONNX Runtime's time for it. */
  ended(rows: number, runMs: number | undefined): void {
    if (runMs === undefined || rows === 0) return;
    this.#sampleRows[this.#nextSample] = rows;
    this.#sampleMs[this.#nextSample] = runMs;
    this.#nextSample = (this.#nextSample + 1) % kCostSamples;
  }
}
