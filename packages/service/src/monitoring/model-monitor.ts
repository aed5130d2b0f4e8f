import { performance } from 'node:perf_hooks';
import type { ReferenceStats } from '@mlserve/core';
import type { Logger } from 'pino';
import { createServiceError } from '../errors';
import type { ApiContext, RunnerBatchEvent, RunnerLike } from '../types';
import { computeDrift, type DriftReport } from './drift';
import { findInputWarnings } from './input-warnings';
import type { ResolvedMonitoringOptions } from './monitoring-options';
import { PerformanceTracker, type PerformanceReport } from './performance-tracker';
import { PredictionLog } from './prediction-log';
import { SlidingWindow } from './sliding-window';
import { TrafficStats, type TrafficReport } from './traffic';

/** What monitoring reads of a stored model (`@mlserve/model-store`'s `StoredModel` satisfies it). */
export interface MonitoredModel {
  name?: string;
  tag?: string;
  version?: string;
  createdAt?: string;
  stats?: ReferenceStats;
  classes?: ReadonlyArray<string | number>;
  signature?: unknown;
  manifest?: { metadata?: Record<string, unknown>; metrics?: Record<string, number>; labels?: Record<string, string> };
  pipeline?: { featureNamesIn?: readonly string[] };
}

/** A runner monitoring can predict with (`@mlserve/runner`'s `Runner` satisfies it). */
export interface MonitoredRunner extends RunnerLike {
  predict(records: Array<Record<string, unknown>>): Promise<unknown>;
  readonly model?: MonitoredModel;
}

/** A runner's prediction with the input warnings of its row, when there are any. */
export type MonitoredPrediction<TPrediction = Record<string, unknown>> = TPrediction & { warnings?: string[] };

/** The model card the dashboard shows. */
export interface ModelCard {
  name: string;
  tag: string | undefined;
  createdAt: string | undefined;
  task: string | undefined;
  classes: Array<string | number>;
  features: string[];
  metadata: Record<string, unknown>;
  metrics: Record<string, number>;
  /** Feature importances, largest first (from the exporter's `featureImportances`). */
  importances: Array<{ feature: string; importance: number }>;
  hasReference: boolean;
}

type Row = { record: Record<string, unknown>; predicted: string | number };

/**
 * The monitoring of one model: predicts through its runner while keeping a bounded window of
 * inputs and predictions (drift), the predictions by request id (ground truth), traffic counts,
 * input warnings and, when enabled, the prediction log. Created by `svc.monitor(runner)`.
 */
export class ModelMonitor {
  /** The model's name (the `model` label of the gauges). */
  readonly name: string;
  readonly #runner: MonitoredRunner;
  readonly #model: MonitoredModel;
  readonly #o: ResolvedMonitoringOptions;
  readonly #stats: ReferenceStats | undefined;
  readonly #task: 'classification' | 'regression';
  readonly #window: SlidingWindow<Row>;
  readonly #tracker: PerformanceTracker;
  readonly #traffic = new TrafficStats();
  readonly #log: PredictionLog | undefined;
  readonly #onBatch = (batch: RunnerBatchEvent) => this.#traffic.batch(batch.size);

  constructor(runner: MonitoredRunner, options: ResolvedMonitoringOptions, logger: Logger) {
    this.#runner = runner;
    this.#o = options;
    const model = (this.#model = options.model ?? runner.model ?? {});
    this.name = model.name ?? runner.name;
    this.#stats = model.stats;
    const task = (model.signature as { task?: { kind?: string; classes?: Array<string | number> } } | undefined)?.task;
    this.#task = task?.kind === 'regression' ? 'regression' : 'classification';
    const metrics = model.manifest?.metrics ?? {};
    const baseline =
      this.#task === 'classification'
        ? (options.baselineAccuracy ?? this.#stats?.metrics.accuracy ?? metrics.test_accuracy)
        : (options.baselineMae ?? this.#stats?.metrics.mae ?? metrics.test_mae);
    this.#window = new SlidingWindow(options.windowSize, options.windowMaxAgeMs);
    this.#tracker = new PerformanceTracker({
      model: this.name,
      task: this.#task,
      classes: model.classes ?? task?.classes,
      maxLogged: options.maxLoggedPredictions,
      window: options.performanceWindow,
      baseline,
      tolerance: this.#task === 'classification' ? options.accuracyTolerance : options.maeTolerance,
    });
    this.#log = options.predictionLog === undefined ? undefined : new PredictionLog(options.predictionLog, logger);
    runner.on?.('batch', this.#onBatch);
  }

  /** The reference statistics drift and warnings are measured against (`undefined`: none stored). */
  get stats(): ReferenceStats | undefined {
    return this.#stats;
  }

  /** The file the prediction log writes (`undefined`: off). */
  get predictionLogFile(): string | undefined {
    return this.#log?.file;
  }

  /**
   * Predicts `records` with the runner and monitors them: input warnings first (in `reject` mode a
   * record with any answers 422 before inference), then the window, the prediction kept under
   * `ctx.requestId` for feedback, traffic counts and the prediction log. Each prediction carries its
   * row's `warnings` when there are any.
   */
  async predict<TPrediction = Record<string, unknown>>(
    records: Array<Record<string, unknown>>,
    ctx: Pick<ApiContext, 'requestId'>,
  ): Promise<Array<MonitoredPrediction<TPrediction>>> {
    const warnings = this.#stats === undefined || this.#o.inputWarnings === 'off' ? undefined : records.map((r) => findInputWarnings(this.#stats!, r));
    if (this.#o.inputWarnings === 'reject' && warnings?.some((w) => w.length > 0)) {
      const rows = warnings.flatMap((w, row) => (w.length > 0 ? [{ row, warnings: w }] : []));
      throw createServiceError(
        'MLS_ERR_MONITOR_INPUT_OUT_OF_RANGE',
        `Input outside the training data: ${rows[0]!.warnings.join('; ')}${rows.length > 1 ? ` (and ${rows.length - 1} more row(s))` : ''}`,
        {
          details: { rows: rows.slice(0, 20) },
        },
      );
    }
    const start = performance.now();
    const predictions = (await this.#runner.predict(records)) as Array<Record<string, unknown>>;
    this.#traffic.request(performance.now() - start);
    const predicted = predictions.map((p) => this.#predictedOf(p));
    const now = Date.now();
    records.forEach((record, i) => this.#window.push({ record, predicted: predicted[i]! }, now));
    this.#tracker.log(
      ctx.requestId,
      predicted,
      predictions.map((p) => (typeof p.index === 'number' ? p.index : -1)),
    );
    this.#log?.append({ time: new Date(now).toISOString(), requestId: ctx.requestId, model: this.name, inputs: records, outputs: predictions });
    if (warnings === undefined) return predictions as Array<MonitoredPrediction<TPrediction>>;
    return predictions.map((p, i) => (warnings[i]!.length > 0 ? { ...p, warnings: warnings[i] } : p)) as Array<MonitoredPrediction<TPrediction>>;
  }

  /** Drift of the window against the reference (`undefined` without reference statistics). */
  drift(): DriftReport | undefined {
    if (this.#stats === undefined) return undefined;
    const rows = this.#window.values();
    return computeDrift(
      { model: this.name, tag: this.#model.tag },
      this.#stats,
      rows.map((r) => r.record),
      rows.map((r) => r.predicted),
      this.#o,
    );
  }

  /** True when a prediction with this request id is still kept. */
  hasPrediction(id: string): boolean {
    return this.#tracker.has(id);
  }

  /** The tracker that joins ground truth (used by the feedback endpoint). */
  get tracker(): PerformanceTracker {
    return this.#tracker;
  }

  /** Rolling accuracy or MAE against the baseline. */
  performance(): PerformanceReport {
    return this.#tracker.report();
  }

  /** Request rate, latency percentiles and batch sizes. */
  traffic(): TrafficReport {
    return this.#traffic.report();
  }

  /** Name, version, metadata, metrics, features, classes and importances. */
  card(): ModelCard {
    const model = this.#model;
    const metadata = model.manifest?.metadata ?? {};
    const raw = metadata.featureImportances;
    const importances =
      typeof raw === 'object' && raw !== null
        ? Object.entries(raw as Record<string, unknown>)
            .filter((e): e is [string, number] => typeof e[1] === 'number')
            .map(([feature, importance]) => ({ feature, importance }))
            .sort((a, b) => b.importance - a.importance)
        : [];
    const task = (model.signature as { task?: { kind?: string; classes?: Array<string | number> } } | undefined)?.task;
    return {
      name: this.name,
      tag: model.tag,
      createdAt: model.createdAt,
      task: task?.kind,
      classes: [...(model.classes ?? task?.classes ?? [])],
      features: [...(model.pipeline?.featureNamesIn ?? Object.keys(this.#stats?.features ?? {}))],
      metadata,
      metrics: model.manifest?.metrics ?? {},
      importances,
      hasReference: this.#stats !== undefined,
    };
  }

  /** Stops listening to the runner and flushes the prediction log. */
  async close(): Promise<void> {
    this.#runner.off?.('batch', this.#onBatch);
    await this.#log?.close();
  }

  #predictedOf(p: Record<string, unknown>): string | number {
    if (this.#task === 'regression') return Array.isArray(p.value) ? Number(p.value[0]) : Number(p.value);
    return String(p.label);
  }
}
