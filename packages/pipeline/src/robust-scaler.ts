import { type Column, type StandardNode, createNode } from './column';
import { type RobustScalerJSON, createFormatError, joinPath, readBoolean, readNumbers } from './format';
import { handleZerosInScale } from './max-abs-scaler';
import { readNumericColumn } from './numeric-column';
import { median, percentile, sortedCopy } from './numeric';
import { type ApplyContext, type FitContext, type Step, checkBoolean, kApply, kFit, kToJSON } from './step';

/** Options of RobustScaler, named as scikit-learn's (camelCase). */
export interface RobustScalerOptions {
  /** Subtract the median; default true. */
  withCentering?: boolean;
  /** Divide by the interquartile range (or `quantileRange`); default true. */
  withScaling?: boolean;
  /** The percentiles whose difference is the scale; default `[25, 75]`. */
  quantileRange?: [number, number];
}

/**
 * scikit-learn's RobustScaler: `(x - median) / (q_hi - q_lo)`, with numpy's median and 'linear'
 * percentiles. `unit_variance` is read from pipeline.json (its scale is already adjusted) but not
 * fitted here: it needs scipy's normal quantile function.
 */
export class RobustScaler implements Step {
  readonly type = 'RobustScaler' as const;
  readonly withCentering: boolean;
  readonly withScaling: boolean;
  readonly quantileRange: [number, number];
  /** True when scikit-learn fitted with `unit_variance=True` (loaded from JSON only). */
  unitVariance = false;
  /** Fitted per-column median (null when `withCentering` is false). */
  center: number[] | null = null;
  /** Fitted per-column scale (null when `withScaling` is false). */
  scale: number[] | null = null;
  /** True once fitted, or read from pipeline.json. */
  fitted = false;

  constructor(options: RobustScalerOptions = {}) {
    this.withCentering = checkBoolean(options.withCentering, 'options.withCentering', true);
    this.withScaling = checkBoolean(options.withScaling, 'options.withScaling', true);
    const range = options.quantileRange ?? [25, 75];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TypeError('options.quantileRange must be a [low, high] pair of percentiles');
    }
    if (!(range[0] >= 0 && range[0] <= range[1] && range[1] <= 100)) throw new RangeError('options.quantileRange must satisfy 0 <= low <= high <= 100');
    this.quantileRange = [range[0], range[1]];
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const values = ctx.values(inputs);
    const sorted = inputs.map((column, i) => sortedCopy(readNumericColumn(column, values[i]!, 'RobustScaler')));
    const [lo, hi] = this.quantileRange;
    this.center = this.withCentering ? sorted.map(median) : null;
    this.scale = this.withScaling ? sorted.map((x) => handleZerosInScale(percentile(x, hi) - percentile(x, lo))) : null;
    this.unitVariance = false;
    this.fitted = true;
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    if (!this.fitted) return ctx.fail(null, 'the RobustScaler is not fitted');
    const { center, scale } = this;
    if (center !== null && center.length !== inputs.length) ctx.fail('center', `must hold ${inputs.length} numbers (one per input column)`);
    if (scale !== null && scale.length !== inputs.length) ctx.fail('scale', `must hold ${inputs.length} numbers (one per input column)`);
    return inputs.map((column, i) => {
      if (column.kind !== 'number') ctx.fail(null, `RobustScaler needs numbers, but column "${column.name}" holds strings`);
      const node = createNode<StandardNode>({ op: 'standard', kind: 'number', input: column.node, mean: center?.[i] ?? null, scale: scale?.[i] ?? null });
      return { name: column.name, kind: 'number', node };
    });
  }

  [kToJSON](name: string): RobustScalerJSON {
    return {
      name,
      type: 'RobustScaler',
      withCentering: this.withCentering,
      withScaling: this.withScaling,
      quantileRange: [...this.quantileRange],
      unitVariance: this.unitVariance,
      center: this.center && [...this.center],
      scale: this.scale && [...this.scale],
    };
  }
}

/** Reads a RobustScaler step of pipeline.json; `path` names it in errors. */
export function readRobustScaler(json: Record<string, unknown>, path: string): RobustScaler {
  const rangePath = joinPath(path, 'quantileRange');
  const range = json.quantileRange === undefined ? ([25, 75] as [number, number]) : (readNumbers(json.quantileRange, rangePath, 2) as [number, number]);
  let scaler: RobustScaler;
  try {
    scaler = new RobustScaler({
      withCentering: readBoolean(json.withCentering, joinPath(path, 'withCentering')),
      withScaling: readBoolean(json.withScaling, joinPath(path, 'withScaling')),
      quantileRange: range,
    });
  } catch (err) {
    throw createFormatError(rangePath, (err as Error).message.replace('options.quantileRange ', ''));
  }
  scaler.unitVariance = json.unitVariance === undefined ? false : readBoolean(json.unitVariance, joinPath(path, 'unitVariance'));
  scaler.center = scaler.withCentering ? readNumbers(json.center, joinPath(path, 'center')) : null;
  scaler.scale = scaler.withScaling ? readNumbers(json.scale, joinPath(path, 'scale')) : null;
  const zero = scaler.scale?.indexOf(0) ?? -1;
  if (zero >= 0) throw createFormatError(joinPath(joinPath(path, 'scale'), zero), 'must not be 0 (scikit-learn stores 1 for constant columns)');
  scaler.fitted = true;
  return scaler;
}
