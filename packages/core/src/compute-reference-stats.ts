import { type CategoricalColumnStats, type ColumnStats, type NumericColumnStats, type ReferenceStats, kReferenceStatsFormat } from './reference-stats';

/** Options of {@link computeReferenceStats}. */
export interface ReferenceStatsOptions {
  /** The input columns, in order (default: the keys of the first row). */
  features?: readonly string[];
  /** The model's prediction per row: a label (classification) or a value (regression). */
  predictions: ReadonlyArray<string | number>;
  /** `'classification'` bins predictions as categories, `'regression'` as numbers. */
  task: 'classification' | 'regression';
  /** Baseline metrics to record (`accuracy` or `mae`). */
  metrics?: ReferenceStats['metrics'];
  /** Quantile bins per numeric column (default 10). */
  bins?: number;
  /** Reference rows with the model's answers, kept as they are. */
  samples?: ReferenceStats['samples'];
}

const kMaxCategories = 50;

const isMissing = (v: unknown): boolean => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The bin of `value` among inner `edges`: bins are `(edges[i-1], edges[i]]`, as numpy's `searchsorted(side='left')`. */
export function binOf(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Quantile bins of numbers (missing values left out), with their range. */
export function numericStats(values: readonly number[], bins: number): Omit<NumericColumnStats, 'missingRate'> {
  if (values.length === 0) return { kind: 'numeric', edges: [], proportions: [1], min: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantile(sorted, i / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of sorted) counts[binOf(edges, v)]!++;
  return { kind: 'numeric', edges, proportions: counts.map((c) => c / sorted.length), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The share of each category (the 50 most frequent), missing values left out. */
export function categoricalStats(values: readonly unknown[]): Omit<CategoricalColumnStats, 'missingRate'> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, kMaxCategories);
  return { kind: 'categorical', frequencies: Object.fromEntries(top.map(([k, c]) => [k, c / Math.max(values.length, 1)])) };
}

function columnStats(values: readonly unknown[], bins: number): ColumnStats {
  const present = values.filter((v) => !isMissing(v));
  const missingRate = values.length === 0 ? 0 : (values.length - present.length) / values.length;
  const numeric = present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v));
  return { ...(numeric ? numericStats(present as number[], bins) : categoricalStats(present)), missingRate };
}

/**
 * The reference statistics (stats.json) of raw input rows and the model's predictions on them, as the
 * scikit-learn exporter computes them: per column decile bins (numbers) or category frequencies, the
 * range and the missing rate; the same for the predictions; the given baseline metrics.
 */
export function computeReferenceStats(rows: ReadonlyArray<Record<string, unknown>>, options: ReferenceStatsOptions): ReferenceStats {
  if (!Array.isArray(rows) || rows.length === 0) throw new TypeError('rows must be a non-empty array of records');
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError('options.bins must be an integer of at least 2');
  if (!Array.isArray(options.predictions) || options.predictions.length !== rows.length) throw new TypeError('options.predictions must hold one prediction per row');
  if (options.task !== 'classification' && options.task !== 'regression') throw new TypeError('options.task must be "classification" or "regression"');
  const names = options.features ?? Object.keys(rows[0]!);
  const features: Record<string, ColumnStats> = {};
  for (const name of names)
    features[name] = columnStats(
      rows.map((r) => r[name]),
      bins,
    );
  const predictions: ColumnStats =
    options.task === 'classification'
      ? { ...categoricalStats(options.predictions.map(String)), missingRate: 0 }
      : { ...numericStats(options.predictions.map(Number), bins), missingRate: 0 };
  const stats: ReferenceStats = { format: kReferenceStatsFormat, rows: rows.length, bins, features, predictions, metrics: { ...options.metrics } };
  if (options.samples !== undefined) stats.samples = options.samples;
  return stats;
}
