import { setTimeout as sleep } from 'node:timers/promises';

// Process-wide, like the warm pools: the CLI and a bento's bundled code hold two copies of this module.
const kLoading = Symbol.for('@mlserve/runner:sessions-loading');
const loading = ((globalThis as Record<symbol, Set<Promise<unknown>> | undefined>)[kLoading] ??= new Set());

/** Counts `load` (worker sessions being created) in until it settles; returns it. */
export function trackSessionLoad<T>(load: Promise<T>): Promise<T> {
  loading.add(load);
  const done = (): void => {
    loading.delete(load);
  };
  load.then(done, done);
  return load;
}

/**
 * Resolves once no runner of this process is creating a worker session, or after `timeoutMs`.
 * Await it before `process.exit()` while runners may still be starting (a service file that loaded
 * but failed after creating its runners): a process that exits while a worker thread is inside ONNX
 * Runtime's session creation aborts (onnxruntime-node throws from native code) instead of exiting
 * with its code. Never rejects.
 */
export async function sessionsSettled(timeoutMs = 10_000): Promise<void> {
  const deadline = sleep(timeoutMs, undefined, { ref: false });
  while (loading.size > 0) {
    const all = Promise.allSettled([...loading]);
    if ((await Promise.race([all.then(() => 'settled'), deadline.then(() => 'timeout')])) === 'timeout') return;
  }
}
