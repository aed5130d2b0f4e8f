import { type Column, type StandardNode, createNode } from './column';
import { type StandardScalerJSON, createFormatError, joinPath, readBoolean, readNumber, readNumbers } from './format';
import { readNumericColumn } from './numeric-column';
import { pairwiseSum } from './numeric';
import { type ApplyContext, type FitContext, type Step, checkBoolean, kApply, kFit, kToJSON } from './step';

/** Options of StandardScaler, named as scikit-learn's (camelCase). */
export interface StandardScalerOptions {
  /** Subtract the mean; default true. */
  withMean?: boolean;
  /** Divide by the standard deviation; default true. */
  withStd?: boolean;
}

const kEps = Number.EPSILON; // np.finfo(np.float64).eps

/**
 * scikit-learn's StandardScaler: `(x - mean) / scale` with the population standard deviation
 * (ddof=0), and scale 1 for (nearly) constant columns, exactly as scikit-learn 1.2 computes them.
 */
export class StandardScaler implements Step {
  readonly type = 'StandardScaler' as const;
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** Fitted per-column mean (null when `withMean` is false). */
  mean: number[] | null = null;
  /** Fitted per-column population variance (null when `withStd` is false). */
  var: number[] | null = null;
  /** Fitted per-column scale (null when `withStd` is false). */
  scale: number[] | null = null;
  /** Number of records seen at fit (per column when scikit-learn saw missing values); null until fitted. */
  nSamplesSeen: number | number[] | null = null;

  constructor(options: StandardScalerOptions = {}) {
    this.withMean = checkBoolean(options.withMean, 'options.withMean', true);
    this.withStd = checkBoolean(options.withStd, 'options.withStd', true);
  }

  get fitted(): boolean {
    return this.nSamplesSeen !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const values = ctx.values(inputs);
    const mean: number[] = [];
    const variance: number[] = [];
    const scale: number[] = [];
    let n = 0;
    inputs.forEach((column, i) => {
      const x = readNumericColumn(column, values[i]!, 'StandardScaler');
      n = x.length;
      // sklearn's _incremental_mean_and_var from an empty state: pairwise sums, then the
      // corrected two-pass variance (Chan, Golub & LeVeque).
      const m = pairwiseSum(x) / n;
      const temp = new Float64Array(n);
      for (let r = 0; r < n; r++) temp[r] = x[r]! - m;
      const correction = pairwiseSum(temp);
      for (let r = 0; r < n; r++) temp[r] = temp[r]! * temp[r]!;
      const unnormalized = pairwiseSum(temp) - (correction * correction) / n;
      const v = unnormalized / n;
      // _is_constant_feature, then _handle_zeros_in_scale with that mask.
      const constant = v <= n * kEps * v + (n * m * kEps) ** 2;
      mean.push(m);
      variance.push(v);
      scale.push(constant ? 1 : Math.sqrt(v));
    });
    this.mean = this.withMean ? mean : null;
    this.var = this.withStd ? variance : null;
    this.scale = this.withStd ? scale : null;
    this.nSamplesSeen = n;
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    if (!this.fitted) return ctx.fail(null, 'the StandardScaler is not fitted');
    const mean = this.mean;
    const scale = this.scale;
    if (this.withMean && (mean === null || mean.length !== inputs.length)) {
      ctx.fail('mean', `must hold ${inputs.length} numbers (one per input column)`);
    }
    if (this.withStd && (scale === null || scale.length !== inputs.length)) {
      ctx.fail('scale', `must hold ${inputs.length} numbers (one per input column)`);
    }
    return inputs.map((column, i) => {
      if (column.kind !== 'number') ctx.fail(null, `StandardScaler needs numbers, but column "${column.name}" holds strings`);
      const node = createNode<StandardNode>({
        op: 'standard',
        kind: 'number',
        input: column.node,
        mean: this.withMean ? mean![i]! : null,
        scale: this.withStd ? scale![i]! : null,
      });
      return { name: column.name, kind: 'number', node };
    });
  }

  [kToJSON](name: string): StandardScalerJSON {
    return {
      name,
      type: 'StandardScaler',
      withMean: this.withMean,
      withStd: this.withStd,
      mean: this.mean && [...this.mean],
      var: this.var && [...this.var],
      scale: this.scale && [...this.scale],
      nSamplesSeen: Array.isArray(this.nSamplesSeen) ? [...this.nSamplesSeen] : (this.nSamplesSeen ?? 0),
    };
  }
}

/** Reads a StandardScaler step of pipeline.json; `path` names it in errors. */
export function readStandardScaler(json: Record<string, unknown>, path: string): StandardScaler {
  const scaler = new StandardScaler({
    withMean: readBoolean(json.withMean, joinPath(path, 'withMean')),
    withStd: readBoolean(json.withStd, joinPath(path, 'withStd')),
  });
  const optional = (key: 'mean' | 'var' | 'scale', wanted: boolean): number[] | null => (wanted ? readNumbers(json[key], joinPath(path, key)) : null);
  scaler.mean = optional('mean', scaler.withMean);
  scaler.var = json.var === null || json.var === undefined ? null : readNumbers(json.var, joinPath(path, 'var'));
  scaler.scale = optional('scale', scaler.withStd);
  if (scaler.scale?.some((s) => s === 0)) {
    const at = joinPath(joinPath(path, 'scale'), scaler.scale.indexOf(0));
    throw createFormatError(at, 'must not be 0 (scikit-learn stores 1 for constant columns)');
  }
  const seenPath = joinPath(path, 'nSamplesSeen');
  scaler.nSamplesSeen = json.nSamplesSeen === undefined ? 0 : Array.isArray(json.nSamplesSeen) ? readNumbers(json.nSamplesSeen, seenPath) : readNumber(json.nSamplesSeen, seenPath);
  return scaler;
}
