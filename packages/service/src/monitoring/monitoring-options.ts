import type { MonitoredModel } from './model-monitor';

/** What input warnings do: nothing, a `warnings` list beside the prediction, or a 422 refusal. */
export type InputWarningMode = 'off' | 'warn' | 'reject';

/** Options of `svc.monitor(runner, options)`. */
export interface MonitoringOptions {
  /**
   * The stored model the runner serves (`store.get()`'s answer): its stats.json, metadata and
   * metrics. **Default:** `runner.model`, which holds neither stats nor metadata for a `@mlserve/runner`.
   */
  model?: MonitoredModel;
  /** Recent rows kept per model for drift (default 1000). */
  windowSize?: number;
  /** Rows older than this leave the drift window (ms; default one hour). */
  windowMaxAgeMs?: number;
  /** PSI from which a feature is `warn` (default 0.1). */
  psiWarn?: number;
  /** PSI from which a feature is `alert` (default 0.25). */
  psiAlert?: number;
  /**
   * Rows a bin should hold in the window (default 25): a smaller window is compared on coarser
   * bins, since PSI's thresholds assume each bin holds enough rows.
   */
  minRowsPerBin?: number;
  /** Predictions kept, by request id, for ground truth to join (default 10,000). */
  maxLoggedPredictions?: number;
  /** Labelled predictions the rolling accuracy or MAE is measured over (default 500). */
  performanceWindow?: number;
  /** Most labels in one feedback request (default 1000). */
  maxFeedbackItems?: number;
  /** Baseline accuracy; default the model's stats.json `metrics.accuracy`, then its `test_accuracy` metric. */
  baselineAccuracy?: number;
  /** How far below the baseline accuracy may fall before status `alert` (default 0.05, the notebook's rule). */
  accuracyTolerance?: number;
  /** Baseline MAE of a regressor (default stats.json `metrics.mae`, then the `test_mae` metric); alert above baseline × (1 + maeTolerance). */
  baselineMae?: number;
  /** Relative MAE increase before `alert` (default 0.5). */
  maeTolerance?: number;
  /** Values outside the training range, or negative where training had none (default `'warn'`). */
  inputWarnings?: InputWarningMode;
  /** Appends inputs, outputs and request ids as JSON lines to rotating files (default off). */
  predictionLog?: PredictionLogOptions;
}

/** Options of the prediction log. */
export interface PredictionLogOptions {
  /** Directory of the files (`predictions.jsonl`, `predictions.1.jsonl`, ...). */
  dir: string;
  /** Bytes after which the file rotates (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept (default 5). */
  maxFiles?: number;
}

/** Defaults of {@link MonitoringOptions}. */
export const kDefaultMonitoringOptions = {
  windowSize: 1000,
  windowMaxAgeMs: 3_600_000,
  psiWarn: 0.1,
  psiAlert: 0.25,
  minRowsPerBin: 25,
  maxLoggedPredictions: 10_000,
  performanceWindow: 500,
  maxFeedbackItems: 1000,
  accuracyTolerance: 0.05,
  maeTolerance: 0.5,
  inputWarnings: 'warn',
} as const;

/** Monitoring options with every default filled in. */
export type ResolvedMonitoringOptions = Required<Omit<MonitoringOptions, 'baselineAccuracy' | 'baselineMae' | 'predictionLog' | 'model'>> &
  Pick<MonitoringOptions, 'baselineAccuracy' | 'baselineMae' | 'model'> & { predictionLog: Required<PredictionLogOptions> | undefined };

const kPositiveIntegers = ['windowSize', 'windowMaxAgeMs', 'minRowsPerBin', 'maxLoggedPredictions', 'performanceWindow', 'maxFeedbackItems'] as const;

/** Validates monitoring options (errors name the option) and fills in the defaults. */
export function resolveMonitoringOptions(options: MonitoringOptions = {}): ResolvedMonitoringOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const o = { ...kDefaultMonitoringOptions, ...withoutUndefined(options) } as ResolvedMonitoringOptions & MonitoringOptions;
  for (const key of kPositiveIntegers) if (!Number.isSafeInteger(o[key]) || o[key] < 1) throw new RangeError(`options.${key} must be a positive integer`);
  for (const key of ['psiWarn', 'psiAlert', 'accuracyTolerance', 'maeTolerance'] as const) {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key]) || o[key] < 0) throw new RangeError(`options.${key} must be a non-negative number`);
  }
  if (o.psiAlert < o.psiWarn) throw new RangeError('options.psiAlert must be at least options.psiWarn');
  if (o.baselineAccuracy !== undefined && !(o.baselineAccuracy >= 0 && o.baselineAccuracy <= 1)) throw new RangeError('options.baselineAccuracy must be a number in [0, 1]');
  if (o.baselineMae !== undefined && !(Number.isFinite(o.baselineMae) && o.baselineMae >= 0)) throw new RangeError('options.baselineMae must be a non-negative number');
  if (o.model !== undefined && (typeof o.model !== 'object' || o.model === null)) throw new TypeError("options.model must be a stored model (store.get()'s answer)");
  if (!['off', 'warn', 'reject'].includes(o.inputWarnings)) throw new TypeError('options.inputWarnings must be "off", "warn" or "reject"');
  let predictionLog: ResolvedMonitoringOptions['predictionLog'];
  if (options.predictionLog !== undefined) {
    const log = options.predictionLog;
    if (typeof log !== 'object' || log === null || typeof log.dir !== 'string' || log.dir === '') throw new TypeError('options.predictionLog.dir must be a non-empty string');
    predictionLog = { dir: log.dir, maxBytes: log.maxBytes ?? 10 * 1024 * 1024, maxFiles: log.maxFiles ?? 5 };
    if (!Number.isSafeInteger(predictionLog.maxBytes) || predictionLog.maxBytes < 1) throw new RangeError('options.predictionLog.maxBytes must be a positive integer');
    if (!Number.isSafeInteger(predictionLog.maxFiles) || predictionLog.maxFiles < 0) throw new RangeError('options.predictionLog.maxFiles must be a non-negative integer');
  }
  return { ...o, predictionLog };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
