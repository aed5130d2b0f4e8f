import { type Column, type StandardNode, createNode } from './column';
import { type MaxAbsScalerJSON, createFormatError, joinPath, readNumber, readNumbers } from './format';
import { readNumericColumn } from './numeric-column';
import { type ApplyContext, type FitContext, type Step, kApply, kFit, kToJSON } from './step';

/** scikit-learn's `_handle_zeros_in_scale` without a mask: scales below 10 * eps count as zero and become 1. */
export function handleZerosInScale(scale: number): number {
  return scale < 10 * Number.EPSILON ? 1 : scale;
}

/** scikit-learn's MaxAbsScaler: `x / scale`, where scale is the column's largest absolute value (1 for an all-zero column). */
export class MaxAbsScaler implements Step {
  readonly type = 'MaxAbsScaler' as const;
  /** Fitted per-column maximum absolute value. */
  maxAbs: number[] | null = null;
  /** Fitted per-column divisor: `maxAbs`, or 1 where it is zero. */
  scale: number[] | null = null;
  /** Number of records seen at fit; null until fitted. */
  nSamplesSeen: number | null = null;

  get fitted(): boolean {
    return this.scale !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const values = ctx.values(inputs);
    this.maxAbs = inputs.map((column, i) => {
      const x = readNumericColumn(column, values[i]!, 'MaxAbsScaler');
      let max = 0;
      for (let r = 0; r < x.length; r++) max = Math.max(max, Math.abs(x[r]!));
      return max;
    });
    this.scale = this.maxAbs.map(handleZerosInScale);
    this.nSamplesSeen = values[0]?.length ?? 0;
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const scale = this.scale;
    if (scale === null) return ctx.fail(null, 'the MaxAbsScaler is not fitted');
    if (scale.length !== inputs.length) ctx.fail('scale', `must hold ${inputs.length} numbers (one per input column)`);
    return inputs.map((column, i) => {
      if (column.kind !== 'number') ctx.fail(null, `MaxAbsScaler needs numbers, but column "${column.name}" holds strings`);
      const node = createNode<StandardNode>({ op: 'standard', kind: 'number', input: column.node, mean: null, scale: scale[i]! });
      return { name: column.name, kind: 'number', node };
    });
  }

  [kToJSON](name: string): MaxAbsScalerJSON {
    return { name, type: 'MaxAbsScaler', maxAbs: [...(this.maxAbs ?? [])], scale: [...(this.scale ?? [])], nSamplesSeen: this.nSamplesSeen ?? 0 };
  }
}

/** Reads a MaxAbsScaler step of pipeline.json; `path` names it in errors. */
export function readMaxAbsScaler(json: Record<string, unknown>, path: string): MaxAbsScaler {
  const scaler = new MaxAbsScaler();
  const scale = readNumbers(json.scale, joinPath(path, 'scale'));
  const zero = scale.indexOf(0);
  if (zero >= 0) throw createFormatError(joinPath(joinPath(path, 'scale'), zero), 'must not be 0 (scikit-learn stores 1 for all-zero columns)');
  scaler.scale = scale;
  scaler.maxAbs = json.maxAbs === undefined ? [...scale] : readNumbers(json.maxAbs, joinPath(path, 'maxAbs'), scale.length);
  scaler.nSamplesSeen = json.nSamplesSeen === undefined ? 0 : readNumber(json.nSamplesSeen, joinPath(path, 'nSamplesSeen'));
  return scaler;
}
