/** The `format` of stats.json. */
export const kReferenceStatsFormat = 'mlserve.stats/v1';

/** A numeric column: quantile bins `(edges[i-1], edges[i]]` (the first and last open) and the share of rows in each. */
export interface NumericColumnStats {
  kind: 'numeric';
  /** Inner bin edges, ascending (deciles by default). */
  edges: number[];
  /** Share of the non-missing rows in each bin: `edges.length + 1` numbers summing to 1. */
  proportions: number[];
  /** Smallest and largest value seen (`null` when every value was missing). */
  min: number | null;
  max: number | null;
  missingRate: number;
}

/** A categorical column (or a classifier's predictions): the share of each category. */
export interface CategoricalColumnStats {
  kind: 'categorical';
  frequencies: Record<string, number>;
  missingRate: number;
}

/** The statistics of one column. */
export type ColumnStats = NumericColumnStats | CategoricalColumnStats;

/**
 * stats.json, format `mlserve.stats/v1`: the distribution of the data a model is meant for (the
 * training frame), its predictions there, and its baseline metrics. What drift, input warnings and
 * rolling accuracy are measured against.
 */
export interface ReferenceStats {
  format: typeof kReferenceStatsFormat;
  /** Rows the statistics were computed from. */
  rows: number;
  /** Bins asked for per numeric column (fewer when quantiles coincide). */
  bins: number;
  /** Per raw input column. */
  features: Record<string, ColumnStats>;
  /** Of the predicted labels (classification) or first predicted value (regression). */
  predictions: ColumnStats;
  /** Baseline metrics: `accuracy` (classification) or `mae` (regression), when known. */
  metrics: { accuracy?: number; mae?: number };
  /** A few reference rows with the answers recorded at export: what `mlserve check` compares the served model with. */
  samples?: ReferenceSample[];
}

/** One reference row and the model's answer at export: a class `label` (and `probabilities`) or a `value`. */
export interface ReferenceSample {
  input: Record<string, unknown>;
  label?: string;
  probabilities?: number[];
  value?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRate = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

function checkColumn(value: unknown, path: string, fail: (msg: string) => never): ColumnStats {
  if (!isObject(value)) return fail(`${path} must be an object`);
  if (!isRate(value.missingRate)) fail(`${path}.missingRate must be a number in [0, 1]`);
  if (value.kind === 'categorical') {
    if (!isObject(value.frequencies) || !Object.values(value.frequencies).every(isRate)) fail(`${path}.frequencies must map categories to numbers in [0, 1]`);
    return value as unknown as CategoricalColumnStats;
  }
  if (value.kind !== 'numeric') return fail(`${path}.kind must be "numeric" or "categorical"`);
  const { edges, proportions } = value;
  if (!Array.isArray(edges) || !edges.every((e, i) => Number.isFinite(e) && (i === 0 || (e as number) > (edges[i - 1] as number)))) {
    fail(`${path}.edges must be ascending finite numbers`);
  }
  if (!Array.isArray(proportions) || proportions.length !== (edges as unknown[]).length + 1 || !proportions.every(isRate)) {
    fail(`${path}.proportions must be edges.length + 1 numbers in [0, 1]`);
  }
  for (const key of ['min', 'max'] as const) if (value[key] !== null && !Number.isFinite(value[key])) fail(`${path}.${key} must be a number or null`);
  return value as unknown as NumericColumnStats;
}

/**
 * Checks a parsed stats.json field by field and returns it typed; throws a `TypeError` naming the
 * first bad field (`source` names the file).
 */
export function parseReferenceStats(value: unknown, source = 'stats.json'): ReferenceStats {
  const fail = (msg: string): never => {
    throw new TypeError(`${source} is not a valid ${kReferenceStatsFormat} document: ${msg}`);
  };
  if (!isObject(value)) return fail('expected a JSON object');
  if (value.format !== kReferenceStatsFormat) fail(`format must be "${kReferenceStatsFormat}", got ${JSON.stringify(value.format)}`);
  if (!Number.isSafeInteger(value.rows) || (value.rows as number) < 1) fail('rows must be a positive integer');
  if (!Number.isSafeInteger(value.bins) || (value.bins as number) < 2) fail('bins must be an integer of at least 2');
  if (!isObject(value.features)) fail('features must be an object');
  const features: Record<string, ColumnStats> = {};
  for (const [name, column] of Object.entries(value.features as Record<string, unknown>)) features[name] = checkColumn(column, `features[${JSON.stringify(name)}]`, fail);
  const predictions = checkColumn(value.predictions, 'predictions', fail);
  const metrics = value.metrics ?? {};
  if (!isObject(metrics) || !Object.values(metrics).every((m) => Number.isFinite(m))) fail('metrics must be an object of numbers');
  const stats: ReferenceStats = {
    format: kReferenceStatsFormat,
    rows: value.rows as number,
    bins: value.bins as number,
    features,
    predictions,
    metrics: metrics as ReferenceStats['metrics'],
  };
  if (value.samples !== undefined) {
    if (!Array.isArray(value.samples) || !value.samples.every((s) => isObject(s) && isObject(s.input)))
      fail('samples must be an array of { input, label?, probabilities?, value? }');
    stats.samples = value.samples as ReferenceSample[];
  }
  return stats;
}
