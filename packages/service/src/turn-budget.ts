import { performance } from 'node:perf_hooks';

/**
 * Bounds the main-thread time one event-loop turn spends on API work: tasks run at once while the
 * turn has budget left, later ones wait for the next turn (`setImmediate`), so that the sockets
 * with health checks, metrics scrapes and new requests are read in between.
 */
export class TurnBudget {
  readonly #budgetMs: number;
  readonly #queue: Array<() => void> = [];
  #spentMs = 0;
  #armed = false;
  readonly #onTurn = () => {
    this.#armed = false;
    this.#spentMs = 0;
    while (this.#queue.length > 0 && this.#spentMs < this.#budgetMs) this.#exec(this.#queue.shift()!);
    if (this.#queue.length > 0) this.#arm();
  };

  constructor(budgetMs: number) {
    this.#budgetMs = budgetMs;
  }

  /** Runs `task` now, or in a later turn when this one has spent its budget. */
  run(task: () => void): void {
    if (this.#queue.length === 0 && this.#spentMs < this.#budgetMs) this.#exec(task);
    else {
      this.#queue.push(task);
      this.#arm();
    }
  }

  #exec(task: () => void): void {
    const start = performance.now();
    try {
      task();
    } finally {
      this.#spentMs += performance.now() - start;
      // The budget is per turn: a turn that spent some arms the reset for the next one.
      this.#arm();
    }
  }

  #arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#onTurn);
  }
}
