import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import type { SessionOptions } from './session-host';

/** Options of `createRunner()`. Every field is optional; defaults are in `kDefaultRunnerOptions`. */
export interface RunnerOptions {
  /** The runner's name in stats and metrics. Default: the model's name. */
  name?: string;
  /**
   * Worker threads, each holding one ONNX Runtime session, or `'auto'`: one per core the main thread
   * leaves free, fewer when the model is large (see `autoWorkers()`).
   */
  workers?: number | 'auto';
  /**
   * Most worker threads: `workers` always run, and up to `maxWorkers - workers` more start together
   * while the workers are the limit and the calling thread is mostly idle (large requests), then
   * stop once idle (see `BurstPolicy`). Default: one more than `workers`, at most one thread per
   * core, when `workers` is the default or `'auto'` and the model file is at most 64 MB; `workers`
   * when it is a number (a count asked for is kept).
   */
  maxWorkers?: number;
  /** Most rows sent to a worker in one batch; larger requests are split into chunks. */
  maxBatchSize?: number;
  /**
   * Batches a worker may hold at once: it runs them one after the other, so while it runs one the
   * next is already waiting, and a burst is sent as that many smaller batches whose results come
   * back (and are answered) while the worker runs the rest. 1 sends the next batch only when the
   * worker is free.
   */
  batchesPerWorker?: number;
  /**
   * Longest a request may wait in the queue before its first rows reach a worker; then it is
   * refused (MLS_ERR_RUNNER_OVERLOADED). The other chunks of a started request do not expire.
   */
  maxLatencyMs?: number;
  /**
   * Most rows waiting in the queue; a request that would go past it is refused at once
   * (MLS_ERR_RUNNER_OVERLOADED), one of more rows than this with MLS_ERR_RUNNER_TOO_LARGE.
   */
  maxQueue?: number;
  /** Longest a request may take from run() to its result (MLS_ERR_RUNNER_TIMEOUT). */
  timeoutMs?: number;
  /**
   * How long a free worker may wait for more rows when fewer than maxBatchSize are queued. 0 (the
   * default) sends whatever is queued at once: larger batches at the cost of latency only if set.
   */
  batchWaitMs?: number;
  /** Run the session on the calling thread instead of a worker pool (tiny models, debugging). */
  inProcess?: boolean;
  /**
   * The idle path: a batch of at most this many rows runs on a session of the calling thread when
   * the runner is idle — nothing queued or running, no request arrived while another was pending in
   * the last 100 ms, and the model's measured cost keeps the batch under 1 ms —
   * so a client sending one request at a time never waits for a worker, while requests arriving
   * together still batch to the workers. 0 turns it off. Default 8; 0 with a custom `workerFile`
   * (whose worker may do what the calling thread's session would not) and for a model file over
   * 64 MB (the calling thread's session would be one more copy in memory).
   */
  inlineMaxRows?: number;
  /**
   * ONNX Runtime intra-op threads of the idle path's session (its `intraOpNumThreads`, whatever
   * `sessionOptions` says). The idle path runs only while the workers are idle, so their cores are
   * free: with 2, ONNX Runtime splits a forest's trees between the calling thread and one thread
   * of its own, which spins for a moment after each run (ONNX Runtime's default) and so picks up
   * the next lone request at once. Default 2, 1 on a one-core machine.
   */
  inlineThreads?: number;
  /** ONNX Runtime session options, merged over the defaults (one intra-op and one inter-op thread). */
  sessionOptions?: SessionOptions;
  /**
   * Absolute path of the worker module. Default: the runner's own `dist/worker.cjs`. Tests pass a
   * fixture that wraps it (e.g. one that exits on a given input).
   */
  workerFile?: string;
}

/** Options after defaults were applied. */
export interface ResolvedRunnerOptions extends Required<Omit<RunnerOptions, 'name' | 'workerFile' | 'workers'>> {
  name: string | undefined;
  workers: number;
  maxWorkers: number;
  workerFile: string | undefined;
}

/**
 * The defaults of every runner option. `workers` is one less than the available cores (the main
 * thread needs one for HTTP), at least 1 and at most 4.
 */
export const kDefaultRunnerOptions = Object.freeze({
  workers: Math.min(4, Math.max(1, availableParallelism() - 1)),
  maxBatchSize: 512,
  batchesPerWorker: 2,
  maxLatencyMs: 10_000,
  maxQueue: 10_000,
  timeoutMs: 30_000,
  batchWaitMs: 0,
  inProcess: false,
  inlineMaxRows: 8,
  inlineThreads: Math.min(2, availableParallelism()),
  sessionOptions: Object.freeze({ intraOpNumThreads: 1, interOpNumThreads: 1 }) as Readonly<SessionOptions>,
});

const kKnownOptions = new Set([
  'name',
  'workers',
  'maxWorkers',
  'maxBatchSize',
  'batchesPerWorker',
  'maxLatencyMs',
  'maxQueue',
  'timeoutMs',
  'batchWaitMs',
  'inProcess',
  'inlineMaxRows',
  'inlineThreads',
  'sessionOptions',
  'workerFile',
]);

function positiveInteger(options: RunnerOptions, key: 'maxBatchSize' | 'batchesPerWorker' | 'inlineThreads', fallback: number = kDefaultRunnerOptions[key]): number {
  const value = options[key] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`options.${key} must be a positive integer`);
  return value;
}

/** Above this size a model's sessions cost enough memory that `'auto'` starts fewer workers. */
const kLargeModelBytes = 64 * 2 ** 20;

/**
 * What `workers: 'auto'` starts: one worker per core beyond the main thread's (the main thread
 * parses, validates and transforms while the workers infer), at least 1; for a model file over
 * 64 MB at most 2, since every worker holds its own session in memory.
 */
export function autoWorkers(modelBytes = 0, cores: number = availableParallelism()): number {
  const byCores = Math.max(1, cores - 1);
  return modelBytes > kLargeModelBytes ? Math.min(2, byCores) : byCores;
}

/**
 * `workers` resolved to a count: `'auto'` becomes `autoWorkers()` of the model's size (known only
 * at construction through `modelBytes`), and `mlserve serve --workers N|auto` reaches runners
 * created by the user's service file through MLSERVE_RUNNER_WORKERS. `counted` tells whether a
 * count was asked for (`maxWorkers` then defaults to it).
 */
function resolveWorkers(options: RunnerOptions, modelBytes: (() => number) | undefined): { workers: number; counted: boolean } {
  const fromEnv = process.env.MLSERVE_RUNNER_WORKERS;
  const value = options.workers ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv === 'auto' ? 'auto' : Number(fromEnv));
  if (value === undefined) return { workers: kDefaultRunnerOptions.workers, counted: false };
  if (value === 'auto') return { workers: autoWorkers(modelBytes?.()), counted: false };
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(options.workers === undefined ? "MLSERVE_RUNNER_WORKERS must be a positive integer or 'auto'" : "options.workers must be a positive integer or 'auto'");
  }
  return { workers: value, counted: true };
}

/** `maxWorkers`, checked against `workers`; see RunnerOptions.maxWorkers for the default. */
function resolveMaxWorkers(options: RunnerOptions, { workers, counted }: { workers: number; counted: boolean }, modelBytes: (() => number) | undefined): number {
  const value = options.maxWorkers ?? (counted || (modelBytes?.() ?? 0) > kLargeModelBytes ? workers : Math.max(workers, Math.min(workers + 1, availableParallelism())));
  if (!Number.isSafeInteger(value) || value < workers) throw new RangeError(`options.maxWorkers must be an integer >= workers (${workers})`);
  return value;
}

function positiveOrInfinity(options: RunnerOptions, key: 'maxLatencyMs' | 'timeoutMs' | 'maxQueue', integer: boolean): number {
  const value = options[key] ?? kDefaultRunnerOptions[key];
  const ok = typeof value === 'number' && value > 0 && (value === Infinity || (integer ? Number.isSafeInteger(value) : Number.isFinite(value)));
  if (!ok) throw new RangeError(`options.${key} must be a positive ${integer ? 'integer' : 'number'} or Infinity`);
  return value;
}

/**
 * Applies defaults and checks every option, throwing a TypeError or RangeError that names the
 * option (`options.maxBatchSize must be a positive integer`). `modelBytes` tells `workers: 'auto'`
 * the model's size.
 */
export function resolveRunnerOptions(options: RunnerOptions | undefined, modelBytes?: () => number): ResolvedRunnerOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError('options must be an object');
  for (const key of Object.keys(options)) {
    if (!kKnownOptions.has(key)) throw new TypeError(`options.${key} is not a runner option`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new TypeError('options.name must be a non-empty string');
  }
  const batchWaitMs = options.batchWaitMs ?? kDefaultRunnerOptions.batchWaitMs;
  if (typeof batchWaitMs !== 'number' || !Number.isFinite(batchWaitMs) || batchWaitMs < 0) {
    throw new RangeError('options.batchWaitMs must be a finite number >= 0');
  }
  const inProcess = options.inProcess ?? kDefaultRunnerOptions.inProcess;
  if (typeof inProcess !== 'boolean') throw new TypeError('options.inProcess must be a boolean');
  const sessionOptions = options.sessionOptions ?? {};
  if (typeof sessionOptions !== 'object' || sessionOptions === null || Array.isArray(sessionOptions)) {
    throw new TypeError('options.sessionOptions must be an object');
  }
  if (options.workerFile !== undefined && (typeof options.workerFile !== 'string' || !isAbsolute(options.workerFile))) {
    throw new TypeError('options.workerFile must be an absolute path');
  }
  let size: number | undefined;
  const sizeOnce = modelBytes && ((): number => (size ??= modelBytes()));
  const inlineMaxRows = options.inlineMaxRows ?? (options.workerFile !== undefined || (sizeOnce?.() ?? 0) > kLargeModelBytes ? 0 : kDefaultRunnerOptions.inlineMaxRows);
  if (!Number.isSafeInteger(inlineMaxRows) || inlineMaxRows < 0) throw new RangeError('options.inlineMaxRows must be an integer >= 0');
  const workers = resolveWorkers(options, sizeOnce);
  return {
    name: options.name,
    workers: workers.workers,
    maxWorkers: resolveMaxWorkers(options, workers, sizeOnce),
    maxBatchSize: positiveInteger(options, 'maxBatchSize'),
    batchesPerWorker: positiveInteger(options, 'batchesPerWorker'),
    maxLatencyMs: positiveOrInfinity(options, 'maxLatencyMs', false),
    maxQueue: positiveOrInfinity(options, 'maxQueue', true),
    timeoutMs: positiveOrInfinity(options, 'timeoutMs', false),
    batchWaitMs,
    inProcess,
    inlineMaxRows,
    inlineThreads: positiveInteger(options, 'inlineThreads'),
    sessionOptions: { ...kDefaultRunnerOptions.sessionOptions, ...sessionOptions },
    workerFile: options.workerFile,
  };
}
