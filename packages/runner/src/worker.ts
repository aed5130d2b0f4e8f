/**
 * The piscina worker: one ONNX Runtime session per thread, created as soon as the thread starts
 * (for a warm worker, at its first load task, unless it was told which model to expect) and never
 * recycled. The default export is a promise of the handler: piscina awaits it before it reports
 * the worker ready, so a replacement for a crashed worker loads its session before it is given a
 * batch (and before the thread starts blocking in Atomics.wait between tasks).
 */
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { type LoadResult, type RunResult, SessionHost, type SessionOptions, transferablesOf } from './session-host';
import { loadOrt } from './commonjs-deps';
import { isHintedModel } from './model-hint';
import { insideNative } from './native-guard';
import type { PoolWorkerData, WorkerData, WorkerTask } from './worker-protocol';

const data = workerData as PoolWorkerData | undefined;
const guard = data?.guard;
// Requiring onnxruntime-node calls into the addon, so it is counted in the guard like each session
// call: a thread terminated during it aborted the process. A warm worker requires it at once, while
// the main thread still loads the service (see warm-pool.ts).
const requireOrt = async (): Promise<unknown> => loadOrt();
void insideNative(guard, requireOrt, () => undefined).catch(() => {
  // A broken install fails each session's load with its own message (session-host.ts).
});
const hostOf = (model: Partial<WorkerData> | undefined): SessionHost | undefined =>
  model?.modelPath === undefined ? undefined : new SessionHost(model.modelPath, model.sessionOptions as SessionOptions, model.modelBytes, guard);
// A warm worker (see warm-pool.ts) starts before its model is known: its first load task brings
// it. Told which model that most likely is, it creates that session meanwhile (see model-hint.ts).
let host = hostOf(data);
let hinted = host || !data?.hint ? undefined : { model: data.hint, host: hostOf(data.hint)! };

/** Carries a result and the buffers to transfer with it back to the main thread. */
class Moved {
  constructor(
    private readonly value: RunResult,
    private readonly buffers: ArrayBuffer[],
  ) {}
  get [transferableSymbol](): ArrayBuffer[] {
    return this.buffers;
  }
  get [valueSymbol](): RunResult {
    return this.value;
  }
}

/** Handles one task from the runner: a load barrier at ready(), or a batch to run. */
async function handleTask(task: WorkerTask): Promise<RunResult | LoadResult> {
  if (task.op === 'run') {
    if (!host) return { ok: false, message: 'the worker was given a batch before its model' };
    const result = await host.run(task.inputs);
    if (!result.ok) return result;
    const buffers = transferablesOf(result.outputs);
    return buffers.length === 0 ? result : (move(new Moved(result, buffers)) as unknown as RunResult);
  }
  if (!host && hinted) {
    const { model, host: candidate } = hinted;
    hinted = undefined;
    // A hinted session that failed to load is not the task's answer: the task's model loads afresh.
    if (isHintedModel(model, task.model) && (await candidate.loaded).ok) host = candidate;
    else void candidate.loaded.then(() => candidate.release());
  }
  host ??= hostOf(task.model);
  const loaded: LoadResult = host ? await host.loaded : { ok: false, message: 'the worker was started without a model' };
  if (task.barrier) awaitBarrier(task.barrier, task.total, !loaded.ok);
  return loaded;
}

/**
 * Holds this thread until every worker has loaded its session: each load task blocks its worker,
 * so piscina has to hand the N load tasks of ready() to N different workers. A failed load (here,
 * or one the runner saw) sets slot 1, which releases everyone at once: ready() rejects anyway.
 */
function awaitBarrier(barrier: Int32Array, total: number, failed: boolean): void {
  const deadline = Date.now() + 120_000;
  if (failed) Atomics.store(barrier, 1, 1);
  let arrived = Atomics.add(barrier, 0, 1) + 1;
  Atomics.notify(barrier, 0);
  while (arrived < total && Atomics.load(barrier, 1) === 0 && Date.now() < deadline) {
    Atomics.wait(barrier, 0, arrived, 1000);
    arrived = Atomics.load(barrier, 0);
  }
}

/**
 * Resolves to the task handler once this thread's session is loaded (or failed to load): its
 * model's, or for a warm worker the hinted one's (at once without a hint). It has to be here:
 * between tasks piscina's worker blocks in Atomics.wait, so a session created after this resolves
 * would wait for the first task to get the event loop.
 */
const starting = host ?? hinted?.host;
const handler: Promise<typeof handleTask> = starting ? starting.loaded.then(() => handleTask) : Promise.resolve(handleTask);
export default handler;
