import { createServiceError } from '../errors';
import type { MonitorStatus } from './drift';

/** One ground-truth label: the `x-request-id` of a prediction, the row (for a list request) and the true label or value. */
export interface FeedbackItem {
  id: string;
  index?: number;
  label: string | number;
}

/** A point of the rolling metric over time (for the dashboard). */
export interface MetricPoint {
  at: string;
  value: number;
  labelled: number;
}

/** What `GET /monitoring/performance` answers per model. */
export interface PerformanceReport {
  model: string;
  task: 'classification' | 'regression';
  /** Labelled predictions the metric is measured over (at most the window). */
  labelled: number;
  window: number;
  accuracy?: number | null;
  mae?: number | null;
  baseline: number | null;
  /** `alert` below `baseline - tolerance` (accuracy) or above `baseline × (1 + tolerance)` (MAE). */
  threshold: number | null;
  status: MonitorStatus;
  history: MetricPoint[];
}

interface Logged {
  /** Predicted label (classification) or first value (regression) per row. */
  predicted: Array<string | number>;
  /** Predicted class position per row (classification). */
  indices: number[];
}

/** Settings of a {@link PerformanceTracker}. */
export interface PerformanceSettings {
  model: string;
  task: 'classification' | 'regression';
  classes: ReadonlyArray<string | number> | undefined;
  maxLogged: number;
  window: number;
  baseline: number | undefined;
  tolerance: number;
}

const kHistory = 240;

/**
 * Joins ground truth to logged predictions by request id and keeps the rolling accuracy (or MAE)
 * of the last `window` labelled rows. Logged predictions are bounded in rows (oldest requests go
 * first); labelling a row again replaces its label.
 */
export class PerformanceTracker {
  readonly #s: PerformanceSettings;
  readonly #logged = new Map<string, Logged>();
  #loggedRows = 0;
  readonly #outcomes = new Map<string, number>();
  readonly #order: string[] = [];
  #head = 0;
  readonly #history: MetricPoint[] = [];

  constructor(settings: PerformanceSettings) {
    this.#s = settings;
  }

  /** Keeps the predictions of one request for feedback to find. */
  log(id: string, predicted: Array<string | number>, indices: number[]): void {
    const previous = this.#logged.get(id);
    if (previous !== undefined) this.#loggedRows -= previous.predicted.length;
    this.#logged.delete(id);
    this.#logged.set(id, { predicted, indices });
    this.#loggedRows += predicted.length;
    for (const [oldest, entry] of this.#logged) {
      if (this.#loggedRows <= this.#s.maxLogged || oldest === id) break;
      this.#logged.delete(oldest);
      this.#loggedRows -= entry.predicted.length;
    }
  }

  /** True when a prediction with this request id is still logged. */
  has(id: string): boolean {
    return this.#logged.has(id);
  }

  /**
   * Checks feedback items (unknown id 404, bad index or label 400) and returns what
   * {@link commit} records: a request with one bad item changes nothing.
   */
  prepare(items: readonly FeedbackItem[], positions: readonly number[]): Array<[string, number]> {
    return items.map((item, i): [string, number] => {
      const at = `items[${positions[i] ?? i}]`;
      const logged = this.#logged.get(item.id);
      if (logged === undefined) {
        throw createServiceError(
          'MLS_ERR_MONITOR_UNKNOWN_PREDICTION',
          `${at}: no logged prediction of model ${this.#s.model} has request id "${item.id.slice(0, 200)}" (unknown, or no longer kept)`,
          {
            details: { item: at, id: item.id.slice(0, 200) },
          },
        );
      }
      if (item.index === undefined && logged.predicted.length > 1) {
        throw createServiceError('MLS_ERR_MONITOR_INVALID_FEEDBACK', `${at}: request "${item.id}" predicted ${logged.predicted.length} rows; give the row as "index"`, {
          details: { item: at },
        });
      }
      const index = item.index ?? 0;
      if (index >= logged.predicted.length) {
        throw createServiceError('MLS_ERR_MONITOR_INVALID_FEEDBACK', `${at}: index ${index} is out of range; request "${item.id}" predicted ${logged.predicted.length} row(s)`, {
          details: { item: at },
        });
      }
      return [`${item.id}\u0000${index}`, this.#outcome(item.label, logged, index, at)];
    });
  }

  /** Records prepared outcomes and a point of the metric's history. */
  commit(outcomes: ReadonlyArray<[string, number]>): void {
    for (const [key, outcome] of outcomes) this.#record(key, outcome);
    const value = this.#metric();
    if (value !== null) {
      this.#history.push({ at: new Date().toISOString(), value, labelled: this.#outcomes.size });
      if (this.#history.length > kHistory) this.#history.shift();
    }
  }

  /** The rolling metric and its status against the baseline. */
  report(): PerformanceReport {
    const { task, baseline, tolerance } = this.#s;
    const value = this.#metric();
    const threshold = baseline === undefined ? null : task === 'classification' ? baseline - tolerance : baseline * (1 + tolerance);
    let status: MonitorStatus = 'ok';
    if (value !== null && threshold !== null && (task === 'classification' ? value < threshold : value > threshold)) status = 'alert';
    return {
      model: this.#s.model,
      task,
      labelled: this.#outcomes.size,
      window: this.#s.window,
      ...(task === 'classification' ? { accuracy: value } : { mae: value }),
      baseline: baseline ?? null,
      threshold,
      status,
      history: [...this.#history],
    };
  }

  // 1 or 0 (correct or not) for a classifier, the absolute error for a regressor.
  #outcome(label: unknown, logged: Logged, index: number, at: string): number {
    if (this.#s.task === 'regression') {
      if (typeof label !== 'number' || !Number.isFinite(label)) throw badLabel(`${at}: label must be a finite number (the true value)`, at);
      return Math.abs(Number(logged.predicted[index]) - label);
    }
    const classes = this.#s.classes?.map(String);
    if (classes === undefined || classes.includes(String(label))) return String(label) === String(logged.predicted[index]) ? 1 : 0;
    if (typeof label === 'number' && Number.isInteger(label) && label >= 0 && label < classes.length) return label === logged.indices[index] ? 1 : 0;
    throw badLabel(`${at}: label ${JSON.stringify(label).slice(0, 100)} is not a class of model ${this.#s.model} (${classes.join(', ')}) nor a class index`, at);
  }

  #record(key: string, outcome: number): void {
    if (!this.#outcomes.has(key)) {
      if (this.#order.length < this.#s.window) this.#order.push(key);
      else {
        this.#outcomes.delete(this.#order[this.#head]!);
        this.#order[this.#head] = key;
        this.#head = (this.#head + 1) % this.#s.window;
      }
    }
    this.#outcomes.set(key, outcome);
  }

  #metric(): number | null {
    if (this.#outcomes.size === 0) return null;
    let sum = 0;
    for (const v of this.#outcomes.values()) sum += v;
    return sum / this.#outcomes.size;
  }
}

function badLabel(message: string, at: string): Error {
  return createServiceError('MLS_ERR_MONITOR_INVALID_LABEL', message, { details: { item: at } });
}
