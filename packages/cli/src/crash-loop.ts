/** Options of `createCrashLoopGuard`. */
export interface CrashLoopOptions {
  /** A worker that exits before it is ready, or within this long after, exited quickly. */
  windowMs?: number;
  /** Quick exits in a row that are still replaced; one more stops the supervisor. */
  maxQuickExits?: number;
  /** Wait before replacing a worker after the first quick exit; doubles with each further one. */
  baseDelayMs?: number;
  /** Upper bound of that wait. */
  maxDelayMs?: number;
}

/** Defaults: more than 5 workers in a row dying within 1 s of being ready is a crash loop. */
export const kDefaultCrashLoopOptions: Required<CrashLoopOptions> = { windowMs: 1000, maxQuickExits: 5, baseDelayMs: 100, maxDelayMs: 5000 };

/** What to do about a worker that exited. */
export type CrashLoopDecision = { action: 'replace'; delayMs: number } | { action: 'stop'; quickExits: number };

/** Decides, worker exit by worker exit, whether to replace the worker now, later, or give up. */
export interface CrashLoopGuard {
  /** `readyAt` is when the worker reported ready (undefined: it never did). */
  onExit(readyAt: number | undefined, now?: number): CrashLoopDecision;
}

/**
 * Backoff and a crash-loop limit for supervised workers: a worker that had been serving for a
 * while is replaced at once; quick exits in a row are replaced after a doubling delay, and past
 * `maxQuickExits` the supervisor should stop instead of forking forever.
 */
export function createCrashLoopGuard(options: CrashLoopOptions = {}): CrashLoopGuard {
  const o = { ...kDefaultCrashLoopOptions, ...options };
  let quickExits = 0;
  return {
    onExit(readyAt, now = Date.now()) {
      if (readyAt !== undefined && now - readyAt >= o.windowMs) {
        quickExits = 0;
        return { action: 'replace', delayMs: 0 };
      }
      quickExits += 1;
      if (quickExits > o.maxQuickExits) return { action: 'stop', quickExits };
      return { action: 'replace', delayMs: Math.min(o.baseDelayMs * 2 ** (quickExits - 1), o.maxDelayMs) };
    },
  };
}
