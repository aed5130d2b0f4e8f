import { type Column, type MinMaxNode, createNode } from './column';
import { type MinMaxScalerJSON, createFormatError, joinPath, readBoolean, readNumbers } from './format';
import { readNumericColumn } from './numeric-column';
import { type ApplyContext, type FitContext, type Step, checkBoolean, kApply, kFit, kToJSON } from './step';

/** Options of MinMaxScaler, named as scikit-learn's (camelCase). */
export interface MinMaxScalerOptions {
  /** The target `[min, max]`; default `[0, 1]`. */
  featureRange?: [number, number];
  /** Clip transformed values to `featureRange`; default false. */
  clip?: boolean;
}

/** scikit-learn's MinMaxScaler: `x * scale + min`, mapping the fitted range onto `featureRange`. */
export class MinMaxScaler implements Step {
  readonly type = 'MinMaxScaler' as const;
  readonly featureRange: [number, number];
  readonly clip: boolean;
  dataMin: number[] | null = null;
  dataMax: number[] | null = null;
  dataRange: number[] | null = null;
  scale: number[] | null = null;
  min: number[] | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    const range = options.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TypeError('options.featureRange must be a [min, max] pair of finite numbers');
    }
    if (!(range[0] < range[1])) throw new RangeError('options.featureRange must have min < max');
    this.featureRange = [range[0], range[1]];
    this.clip = checkBoolean(options.clip, 'options.clip', false);
  }

  get fitted(): boolean {
    return this.scale !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const values = ctx.values(inputs);
    const [lo, hi] = this.featureRange;
    const dataMin: number[] = [];
    const dataMax: number[] = [];
    inputs.forEach((column, i) => {
      const x = readNumericColumn(column, values[i]!, 'MinMaxScaler');
      let min = Infinity;
      let max = -Infinity;
      for (let r = 0; r < x.length; r++) {
        if (x[r]! < min) min = x[r]!;
        if (x[r]! > max) max = x[r]!;
      }
      dataMin.push(min);
      dataMax.push(max);
    });
    const dataRange = dataMin.map((min, i) => dataMax[i]! - min);
    // _handle_zeros_in_scale without a mask: ranges below 10 * eps count as zero.
    this.scale = dataRange.map((range) => (hi - lo) / (range < 10 * Number.EPSILON ? 1 : range));
    this.min = dataMin.map((min, i) => lo - min * this.scale![i]!);
    this.dataMin = dataMin;
    this.dataMax = dataMax;
    this.dataRange = dataRange;
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const { scale, min } = this;
    if (scale === null || min === null) return ctx.fail(null, 'the MinMaxScaler is not fitted');
    if (scale.length !== inputs.length) ctx.fail('scale', `must hold ${inputs.length} numbers (one per input column)`);
    if (min.length !== inputs.length) ctx.fail('min', `must hold ${inputs.length} numbers (one per input column)`);
    const clip = this.clip ? this.featureRange : null;
    return inputs.map((column, i) => {
      if (column.kind !== 'number') ctx.fail(null, `MinMaxScaler needs numbers, but column "${column.name}" holds strings`);
      const node = createNode<MinMaxNode>({ op: 'minmax', kind: 'number', input: column.node, scale: scale[i]!, min: min[i]!, clip });
      return { name: column.name, kind: 'number', node };
    });
  }

  [kToJSON](name: string): MinMaxScalerJSON {
    const copy = (a: number[] | null): number[] => [...(a ?? [])];
    return {
      name,
      type: 'MinMaxScaler',
      featureRange: [...this.featureRange],
      clip: this.clip,
      dataMin: copy(this.dataMin),
      dataMax: copy(this.dataMax),
      dataRange: copy(this.dataRange),
      scale: copy(this.scale),
      min: copy(this.min),
    };
  }
}

/** Reads a MinMaxScaler step of pipeline.json; `path` names it in errors. */
export function readMinMaxScaler(json: Record<string, unknown>, path: string): MinMaxScaler {
  const rangePath = joinPath(path, 'featureRange');
  const range = readNumbers(json.featureRange, rangePath, 2) as [number, number];
  if (!(range[0] < range[1])) throw createFormatError(rangePath, 'must have min < max');
  const scaler = new MinMaxScaler({ featureRange: range, clip: readBoolean(json.clip, joinPath(path, 'clip')) });
  const scale = readNumbers(json.scale, joinPath(path, 'scale'));
  const n = scale.length;
  scaler.scale = scale;
  scaler.min = readNumbers(json.min, joinPath(path, 'min'), n);
  // The data statistics are informative only: tolerate their absence, check their shape.
  const optional = (key: 'dataMin' | 'dataMax' | 'dataRange'): number[] | null =>
    json[key] === undefined || json[key] === null ? null : readNumbers(json[key], joinPath(path, key), n);
  scaler.dataMin = optional('dataMin');
  scaler.dataMax = optional('dataMax');
  scaler.dataRange = optional('dataRange');
  return scaler;
}
