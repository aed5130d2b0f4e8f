import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import type { Outputs } from './batch';
import { createRunnerError } from './errors';
import { resolveWorkerFile } from './executor';
import { Lifecycle } from './lifecycle';
import { readModelHint } from './model-hint';
import { type ModelRefLike, type RunnerModelInfo, type RunnerModelSource, type RunnerPipeline, resolveModelSource } from './model-source';
import { type ResolvedRunnerOptions, type RunnerOptions, resolveRunnerOptions } from './options';
import { type AnyPrediction, type LabelLookup, type Prediction, type PredictPlan, planPredict, toPredictions } from './predict';
import { feedSchema, recordsToFeeds } from './record-feed';
import { Scheduler } from './scheduler';
import { type BatchEvent, RunnerMetrics, type RunnerStats } from './stats';
import { type ModelSignature, type TensorInput, type TensorOutput, type TensorSpec, type WireTensor, normalizeInput } from './tensor';
import { kOwnWorkerKey, startWarmPool } from './warm-pool';
import { type ServingGraph, mergeSignature, readServingGraph } from './serving-graph';

/**
 * True when `MLSERVE_RUNNER_START=eager` (set by `mlserve serve`): runners start their workers as
 * they are created instead of at `ready()`, so the model loads while the service is being built
 * and its schemas compiled. Throws naming the variable for any other value.
 */
function startsEagerly(): boolean {
  const value = process.env.MLSERVE_RUNNER_START;
  if (value === undefined || value === '' || value === 'lazy') return false;
  if (value === 'eager') return true;
  throw new RangeError(`MLSERVE_RUNNER_START must be 'eager' or 'lazy', got "${value}"`);
}

/**
 * Under `mlserve serve`, the worker threads of the first runner start as soon as this package
 * loads, while the rest of the service is still loading (see warm-pool.ts).
 */
function warmUpWhenEager(): void {
  try {
    if (!startsEagerly()) return;
    const defaults = resolveRunnerOptions(undefined, () => 0);
    startWarmPool(
      { key: kOwnWorkerKey, workerFile: resolveWorkerFile(), workers: defaults.workers, batchesPerWorker: defaults.batchesPerWorker },
      { hint: readModelHint(defaults.sessionOptions as Record<string, unknown>) },
    );
  } catch {
    // A bad MLSERVE_RUNNER_* value is reported by the runner that reads it; an unbuilt worker, by its ready().
  }
}
warmUpWhenEager();

/**
 * Runs one ONNX model behind an adaptive batching queue. When worker slots are free, queued rows
 * go out at once (up to maxBatchSize rows a batch, concatenated along dim 0; a burst is split over
 * the free slots); results are split back so each caller gets exactly its rows.
 */
export class Runner extends EventEmitter {
  /** The runner's name (default: the model's name). */
  readonly name: string;
  /** The model this runner serves; `signature` is the session's own once ready. */
  readonly model: RunnerModelInfo;
  /** The options in effect, defaults applied. */
  readonly options: Readonly<ResolvedRunnerOptions>;

  readonly #pipeline: RunnerPipeline | undefined;
  readonly #metrics = new RunnerMetrics();
  readonly #scheduler: Scheduler;
  readonly #lifecycle: Lifecycle;
  #specs = new Map<string, TensorSpec>();
  #predictPlan: PredictPlan | string = 'the runner is not ready';
  #graph: ServingGraph | undefined;
  #labels: LabelLookup = { classes: undefined, graphLabels: undefined };

  /** Use `createRunner()`. */
  constructor(model: StoredModelLike | RunnerModelSource | ModelRefLike | string, options?: RunnerOptions) {
    super();
    const source = resolveModelSource(model);
    this.options = Object.freeze(resolveRunnerOptions(options, () => statSync(source.info.modelPath, { throwIfNoEntry: false })?.size ?? 0));
    this.model = source.info;
    this.#pipeline = source.pipeline;
    this.name = this.options.name ?? source.info.name;
    // A stored signature tells the record schema before the workers start.
    if (source.info.signature) this.#predictPlan = planPredict(source.info.signature, this.#pipeline);
    const lifecycle = (): Lifecycle => this.#lifecycle;
    this.#scheduler = new Scheduler({
      name: this.name,
      options: this.options,
      metrics: this.#metrics,
      accepting: () => lifecycle().accepting(),
      closed: () => lifecycle().closed(),
      closedError: () => lifecycle().closedError(),
      checkDrained: () => lifecycle().checkDrained(),
      wantsBatchEvents: () => this.listenerCount('batch') > 0,
      emitBatch: (event) => this.#notify('batch', event),
    });
    this.#lifecycle = new Lifecycle(
      {
        name: this.name,
        model: this.model,
        options: this.options,
        metrics: this.#metrics,
        servingModel: () => {
          this.#graph = readServingGraph(this.model.modelPath);
          return this.#graph?.bytes;
        },
        loaded: (signature) => this.#loaded(signature),
        notify: (event) => this.#notify(event),
      },
      this.#scheduler,
    );
    if (startsEagerly()) {
      // Failures are kept and reported by the ready() that listen() or predict() calls.
      this.ready().catch(() => undefined);
    }
  }

  /** True once every worker holds its session. */
  get isReady(): boolean {
    return this.#lifecycle.state === 'ready';
  }

  /**
   * Starts the workers and resolves once each has created its session. Rejects with
   * MLS_ERR_RUNNER_MODEL_LOAD naming the file and the reason when the model cannot be loaded.
   * Called by run() and predict() when needed; calling it again returns the same promise.
   */
  ready(): Promise<void> {
    return this.#lifecycle.ready();
  }

  /** Takes the session's signature: the inputs run() checks and what predict() reads. */
  #loaded(session: ModelSignature): void {
    const classes = this.model.classes;
    const signature = mergeSignature(session, this.model.signature, this.#graph?.info, classes, this.model.featureNames);
    const plan = planPredict(signature, this.#pipeline);
    const task = typeof plan === 'string' ? undefined : plan.task;
    if (classes && task?.kind === 'classification' && task.probabilities) {
      const width = signature.outputs.find((o) => o.name === task.probabilities)?.shape[1];
      if (typeof width === 'number' && width !== classes.length) {
        throw this.#lifecycle.loadFailure(`${this.model.modelPath}: the model returns ${width} probabilities per row but ${classes.length} classes were given`);
      }
    }
    this.model.signature = signature;
    for (const spec of signature.inputs) this.#specs.set(spec.name, spec);
    this.#predictPlan = plan;
    const graph = this.#graph?.info;
    this.#labels = { classes: classes ?? (task?.kind === 'classification' ? task.classes : undefined), graphLabels: graph?.zipMaps[0]?.classes ?? graph?.classifiers[0]?.classes };
    if (this.#graph) this.#graph.bytes = undefined;
  }

  /**
   * The JSON Schema of one record predict() takes, so a service can validate and document it
   * (`records(runner)`): the pipeline's schema, an object of the model's named inputs or feature
   * names, or an array of numbers for a model without names. Known before ready() for a stored
   * model; otherwise throws MLS_ERR_RUNNER_NOT_CLASSIFIER until ready() resolved.
   */
  inputSchema(): Record<string, unknown> {
    const plan = this.#predictPlan;
    if (typeof plan === 'string') throw createRunnerError('MLS_ERR_RUNNER_NOT_CLASSIFIER', plan);
    return feedSchema(plan.feed, this.#pipeline);
  }

  /**
   * Runs the model on named input tensors whose first dimension is the batch. Requests are merged
   * with others into batches; the result holds exactly this request's rows.
   */
  run(inputs: Record<string, TensorInput>): Promise<Record<string, TensorOutput>> {
    // Not an async function: the hot path saves a promise and its ticks per request.
    if (this.#lifecycle.state !== 'ready') return this.#runAfterReady(inputs);
    let normalized: { tensors: Record<string, WireTensor>; rows: number };
    try {
      normalized = this.#normalize(inputs);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#scheduler.submit(normalized.tensors, normalized.rows);
  }

  async #runAfterReady(inputs: Record<string, TensorInput>): Promise<Record<string, TensorOutput>> {
    await this.#lifecycle.awaitReady();
    try {
      const { tensors, rows } = this.#normalize(inputs);
      return this.#scheduler.submit(tensors, rows);
    } finally {
      this.#lifecycle.leaveReadyWait();
    }
  }

  /**
   * Predicts one record (or an array of records): turns them into the model's inputs (its
   * pipeline, its named inputs or feature names, or rows of numbers), runs the model and answers
   * by its task: `{ label, index, probabilities }` for a classifier (`{ label, index }` without
   * probabilities), `{ value }` for a regressor. Name the type for a regressor:
   * `runner.predict<RegressionPrediction>(rows)`. Pipeline errors pass through unchanged (their
   * codes map to HTTP 400).
   */
  predict<P extends AnyPrediction = Prediction>(record: Record<string, unknown> | number[]): Promise<P>;
  predict<P extends AnyPrediction = Prediction>(records: Array<Record<string, unknown> | number[]>): Promise<P[]>;
  predict<P extends AnyPrediction = Prediction>(input: Record<string, unknown> | number[] | Array<Record<string, unknown> | number[]>): Promise<P | P[]>;
  predict(input: unknown): Promise<AnyPrediction | AnyPrediction[]> {
    // Not an async function, like run().
    const many = Array.isArray(input) && (input.length === 0 || typeof input[0] === 'object');
    const records = many ? (input as unknown[]) : [input];
    if (this.#lifecycle.state !== 'ready') return this.#predictAfterReady(records, many);
    try {
      return this.#predict(records, many);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #predictAfterReady(records: unknown[], many: boolean): Promise<AnyPrediction | AnyPrediction[]> {
    await this.#lifecycle.awaitReady();
    try {
      return this.#predict(records, many);
    } finally {
      this.#lifecycle.leaveReadyWait();
    }
  }

  /** Throws what the pipeline throws; rejects with what the batch fails with. */
  #predict(records: unknown[], many: boolean): Promise<AnyPrediction | AnyPrediction[]> {
    const plan = this.#predictPlan;
    if (typeof plan === 'string') throw createRunnerError('MLS_ERR_RUNNER_NOT_CLASSIFIER', plan);
    if (records.length === 0) return Promise.resolve([]);
    const feeds = recordsToFeeds(records, this.#pipeline, plan.feed);
    for (const name in feeds) feeds[name] = normalizeInput(name, feeds[name], this.#specs.get(name));
    return this.#scheduler.submit(feeds, records.length).then((outputs: Outputs) => {
      const predictions = toPredictions(outputs, plan.task, this.#labels);
      return many ? predictions : predictions[0]!;
    });
  }

  #normalize(inputs: Record<string, TensorInput>): { tensors: Record<string, WireTensor>; rows: number } {
    if (typeof inputs !== 'object' || inputs === null) throw createRunnerError('MLS_ERR_RUNNER_INPUT', 'inputs must be an object of named tensors');
    const tensors: Record<string, WireTensor> = {};
    let rows = -1;
    for (const name in inputs) {
      const spec = this.#specs.get(name);
      if (!spec) {
        throw createRunnerError('MLS_ERR_RUNNER_INPUT', `unknown input "${name}"; the model takes ${[...this.#specs.keys()].map((n) => `"${n}"`).join(', ')}`, {
          details: { input: name },
        });
      }
      const t = normalizeInput(name, inputs[name], spec);
      if (rows === -1) rows = t.dims[0]!;
      else if (t.dims[0] !== rows) {
        throw createRunnerError('MLS_ERR_RUNNER_INPUT', `input "${name}" has ${t.dims[0]} rows, other inputs have ${rows}`, { details: { input: name } });
      }
      tensors[name] = t;
    }
    for (const name of this.#specs.keys()) {
      if (!(name in tensors)) throw createRunnerError('MLS_ERR_RUNNER_INPUT', `missing input "${name}"`, { details: { input: name } });
    }
    if (rows < 1) throw createRunnerError('MLS_ERR_RUNNER_INPUT', 'inputs must hold at least one row (dims[0] >= 1)');
    return { tensors, rows };
  }

  /**
   * A snapshot for metrics: queue rows, batches in flight, counters and the batch-size, queue-wait
   * and inference-time histograms.
   */
  stats(): RunnerStats {
    return this.#metrics.snapshot(this.name, this.#lifecycle.state, this.options.inProcess ? 0 : (this.#scheduler.threads ?? this.options.workers), this.#scheduler.gauges());
  }

  /**
   * Stops taking work (new calls reject with MLS_ERR_RUNNER_CLOSED), finishes everything queued and
   * in flight, then ends the workers. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    return this.#lifecycle.close();
  }

  /**
   * Aborts: rejects everything queued and in flight with MLS_ERR_RUNNER_CLOSED and terminates the
   * workers at once.
   */
  destroy(): Promise<void> {
    return this.#lifecycle.destroy();
  }

  /**
   * Emits an event from inside the runner's own callbacks (often a promise chain): what a listener
   * throws is emitted as 'error' on the next tick, as EventEmitter's captureRejections does, so it
   * never becomes an unhandled rejection or a failed ready(). With no 'error' listener, that makes
   * it an uncaught exception.
   */
  #notify(event: 'batch' | 'ready' | 'close', payload?: BatchEvent): void {
    try {
      if (payload === undefined) this.emit(event);
      else this.emit(event, payload);
    } catch (err) {
      process.nextTick(() => this.emit('error', err));
    }
  }
}

/** The shape of a model-store StoredModel the runner reads (kept structural: no dependency). */
export interface StoredModelLike extends RunnerModelSource {
  name: string;
  tag: string;
}

/**
 * Creates a runner for a model: a model-store StoredModel, a ModelRef (its directory's model.onnx,
 * without pipeline or classes), `{ modelPath, pipeline?, classes? }`, or a path to an `.onnx` file.
 * Bad options throw a TypeError or RangeError naming the option; the workers start at `ready()`
 * (or the first run()).
 */
export function createRunner(model: StoredModelLike | RunnerModelSource | ModelRefLike | string, options?: RunnerOptions): Runner {
  return new Runner(model, options);
}
