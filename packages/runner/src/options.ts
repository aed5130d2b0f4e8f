import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import type { SessionOptions } from './session-host';

/** Options of `createRunner()`. Every field is optional; defaults are in `kDefaultRunnerOptions`. */
export interface RunnerOptions {
  /** The runner's name in stats and metrics. Default: the model's name. */
  name?: string;
  /** Worker threads, each holding one ONNX Runtime session. */
  workers?: number;
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
  /** ONNX Runtime session options, merged over the defaults (one intra-op and one inter-op thread). */
  sessionOptions?: SessionOptions;
  /**
   * Absolute path of the worker module. Default: the runner's own `dist/worker.cjs`. Tests pass a
   * fixture that wraps it (e.g. one that exits on a given input).
   */
  workerFile?: string;
}

/** Options after defaults were applied. */
export interface ResolvedRunnerOptions extends Required<Omit<RunnerOptions, 'name' | 'workerFile'>> {
  name: string | undefined;
  workerFile: string | undefined;
}

/**
 * The defaults of every runner option. `workers` is one less than the available cores (the main
 * thread needs one for HTTP), at least 1 and at most 4.
 */
export const kDefaultRunnerOptions = Object.freeze({
  workers: Math.min(4, Math.max(1, availableParallelism() - 1)),
  maxBatchSize: 64,
  batchesPerWorker: 2,
  maxLatencyMs: 10_000,
  maxQueue: 10_000,
  timeoutMs: 30_000,
  batchWaitMs: 0,
  inProcess: false,
  sessionOptions: Object.freeze({ intraOpNumThreads: 1, interOpNumThreads: 1 }) as Readonly<SessionOptions>,
});

const kKnownOptions = new Set(['name', 'workers', 'maxBatchSize', 'batchesPerWorker', 'maxLatencyMs', 'maxQueue', 'timeoutMs', 'batchWaitMs', 'inProcess', 'sessionOptions', 'workerFile']);

function positiveInteger(options: RunnerOptions, key: 'workers' | 'maxBatchSize' | 'batchesPerWorker', fallback: number = kDefaultRunnerOptions[key]): number {
  const value = options[key] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`options.${key} must be a positive integer`);
  return value;
}

/** `mlserve serve --workers N` reaches runners created by the user's service file through this variable. */
function defaultWorkers(): number {
  const fromEnv = process.env.MLSERVE_RUNNER_WORKERS;
  if (fromEnv === undefined || fromEnv === '') return kDefaultRunnerOptions.workers;
  const value = Number(fromEnv);
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError('MLSERVE_RUNNER_WORKERS must be a positive integer');
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
 * option (`options.maxBatchSize must be a positive integer`).
 */
export function resolveRunnerOptions(options: RunnerOptions | undefined): ResolvedRunnerOptions {
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
  return {
    name: options.name,
    workers: positiveInteger(options, 'workers', defaultWorkers()),
    maxBatchSize: positiveInteger(options, 'maxBatchSize'),
    batchesPerWorker: positiveInteger(options, 'batchesPerWorker'),
    maxLatencyMs: positiveOrInfinity(options, 'maxLatencyMs', false),
    maxQueue: positiveOrInfinity(options, 'maxQueue', true),
    timeoutMs: positiveOrInfinity(options, 'timeoutMs', false),
    batchWaitMs,
    inProcess,
    sessionOptions: { ...kDefaultRunnerOptions.sessionOptions, ...sessionOptions },
    workerFile: options.workerFile,
  };
}
