import { performance } from 'node:perf_hooks';

/*
 * Terminating a worker thread while it is inside ONNX Runtime aborts the whole process: when the
 * native call returns into the terminating thread, onnxruntime-node's C++ exception ends in
 * std::terminate ("terminate called after throwing an instance of 'Napi::Error'", SIGABRT, exit
 * code 134). piscina terminates threads on destroy(), and Node on process.exit(). So each pool
 * shares a guard with its threads: a thread counts itself in around every ONNX Runtime call (its
 * require of onnxruntime-node too, which runs the addon's init) and skips the call once the pool
 * is stopping, and the pool's threads are terminated only once none is inside. Slot 0 is set when
 * the pool stops; slot 1 counts the calls in progress.
 */
const kStopping = 0;
const kInside = 1;

/** How long stop() waits for calls in progress before the threads are terminated anyway. */
const kStopWaitMs = 30_000;
/** How long process.exit() waits for them: a second Ctrl-C should not hang on a runaway batch. */
const kExitWaitMs = 10_000;

// In Node since 16 (V8 8.7); TypeScript types it from lib es2024 on.
type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const live = new Set<NativeGuard>();
let exitHookInstalled = false;

/** The main thread's side of a pool's guard (see above). */
export class NativeGuard {
  /** Shared with the pool's threads through workerData. */
  readonly state = new Int32Array(new SharedArrayBuffer(8));

  constructor() {
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // Exit listeners run before Node terminates the worker threads.
      process.on('exit', () => {
        const deadline = performance.now() + kExitWaitMs;
        for (const guard of live) guard.#stopSync(deadline);
      });
    }
  }

  /** Lets no thread start an ONNX Runtime call, and resolves once none is in one (at most kStopWaitMs). */
  async stop(): Promise<void> {
    Atomics.store(this.state, kStopping, 1);
    const deadline = performance.now() + kStopWaitMs;
    for (let inside; (inside = Atomics.load(this.state, kInside)) > 0;) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      const wait = waitAsync(this.state, kInside, inside, left);
      if (wait.async) await wait.value;
    }
    live.delete(this);
  }

  #stopSync(deadline: number): void {
    Atomics.store(this.state, kStopping, 1);
    for (let inside; (inside = Atomics.load(this.state, kInside)) > 0;) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(this.state, kInside, inside, left);
    }
  }
}

/** Calls this thread is inside now; given back to the count if the thread exits meanwhile. */
let held = 0;
let threadExitHookInstalled = false;

/**
 * A thread's side: runs `call` (an ONNX Runtime call) counted in on `state`, or returns `stopped`
 * without calling it once the pool is stopping. Without a guard (the main thread's own sessions,
 * which nothing terminates) it just calls.
 */
export async function insideNative<T>(state: Int32Array | undefined, call: () => Promise<T>, stopped: () => T): Promise<T> {
  if (state === undefined) return call();
  if (!threadExitHookInstalled) {
    threadExitHookInstalled = true;
    // A custom worker may call process.exit() while another of its batches waits for its call.
    process.once('exit', () => leave(state, held));
  }
  Atomics.add(state, kInside, 1);
  held++;
  try {
    return Atomics.load(state, kStopping) === 0 ? await call() : stopped();
  } finally {
    held--;
    leave(state, 1);
  }
}

function leave(state: Int32Array, calls: number): void {
  if (calls === 0) return;
  Atomics.sub(state, kInside, calls);
  Atomics.notify(state, kInside);
}
