import { type Column, type ConstantNode, type ProductNode, createNode } from './column';
import { type PolynomialFeaturesJSON, createFormatError, joinPath, readArray, readBoolean, readInteger } from './format';
import { type ApplyContext, type Step, checkBoolean, kApply, kFit, kToJSON } from './step';

/** Options of PolynomialFeatures, named as scikit-learn's (camelCase). */
export interface PolynomialFeaturesOptions {
  /** The maximal degree, or `[minDegree, maxDegree]`; default 2. */
  degree?: number | [number, number];
  /** Only products of distinct columns (no `x^2`); default false. */
  interactionOnly?: boolean;
  /** Start with the constant column `1`; default true. */
  includeBias?: boolean;
}

/** scikit-learn's `_combinations`: non-decreasing (or, for interactions, increasing) index tuples by degree. */
function combinations(n: number, minDegree: number, maxDegree: number, interactionOnly: boolean, includeBias: boolean): number[][] {
  const out: number[][] = includeBias ? [[]] : [];
  const extend = (prefix: number[], from: number, degree: number): void => {
    if (prefix.length === degree) {
      out.push(prefix);
      return;
    }
    for (let i = from; i < n; i++) extend([...prefix, i], interactionOnly ? i + 1 : i, degree);
  };
  for (let degree = Math.max(1, minDegree); degree <= maxDegree; degree++) extend([], 0, degree);
  return out;
}

/**
 * scikit-learn's PolynomialFeatures (dense): the monomials of the input columns up to `degree`,
 * in the order of its `powers_`. A monomial is multiplied as scikit-learn's transform builds it,
 * from the last factor to the first, so float64 results are bit-identical. Missing values are
 * refused, as scikit-learn refuses NaN.
 */
export class PolynomialFeatures implements Step {
  readonly type = 'PolynomialFeatures' as const;
  readonly degree: number | [number, number];
  readonly interactionOnly: boolean;
  readonly includeBias: boolean;
  /** scikit-learn's `powers_`: per output column, the exponent of each input column. */
  powers: number[][] | null = null;

  constructor(options: PolynomialFeaturesOptions = {}) {
    const degree = options.degree ?? 2;
    const [min, max] = Array.isArray(degree) ? degree : [0, degree];
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || min > max) {
      throw new RangeError('options.degree must be a non-negative integer or a [minDegree, maxDegree] pair with 0 <= minDegree <= maxDegree');
    }
    this.interactionOnly = checkBoolean(options.interactionOnly, 'options.interactionOnly', false);
    this.includeBias = checkBoolean(options.includeBias, 'options.includeBias', true);
    if (max === 0 && !this.includeBias) throw new RangeError('options.degree of 0 with options.includeBias false would output no column');
    this.degree = Array.isArray(degree) ? [min, max] : degree;
  }

  get fitted(): boolean {
    return this.powers !== null;
  }

  [kFit](inputs: readonly Column[]): void {
    const [min, max] = Array.isArray(this.degree) ? this.degree : [0, this.degree];
    this.powers = combinations(inputs.length, min, max, this.interactionOnly, this.includeBias).map((combination) => {
      const row = new Array<number>(inputs.length).fill(0);
      for (const i of combination) row[i]! += 1;
      return row;
    });
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const powers = this.powers;
    if (powers === null) return ctx.fail(null, 'the PolynomialFeatures is not fitted');
    inputs.forEach((column) => {
      if (column.kind !== 'number') ctx.fail(null, `PolynomialFeatures needs numbers, but column "${column.name}" holds strings`);
    });
    return powers.map((row, k) => {
      if (row.length !== inputs.length) ctx.fail(joinPath('powers', k), `must hold ${inputs.length} exponents (one per input column)`);
      const factors: Column[] = [];
      row.forEach((exponent, i) => {
        for (let e = 0; e < exponent; e++) factors.push(inputs[i]!);
      });
      const name = row
        .map((e, i) => (e === 0 ? '' : e === 1 ? inputs[i]!.name : `${inputs[i]!.name}^${e}`))
        .filter((part) => part !== '')
        .join(' ');
      if (factors.length === 0) return { name: '1', kind: 'number', node: createNode<ConstantNode>({ op: 'constant', kind: 'number', source: '', value: 1 }) };
      if (factors.length === 1) return { name, kind: 'number', node: factors[0]!.node };
      return { name, kind: 'number', node: createNode<ProductNode>({ op: 'product', kind: 'number', inputs: factors.map((c) => c.node) }) };
    });
  }

  [kToJSON](name: string): PolynomialFeaturesJSON {
    return {
      name,
      type: 'PolynomialFeatures',
      degree: Array.isArray(this.degree) ? [...this.degree] : this.degree,
      interactionOnly: this.interactionOnly,
      includeBias: this.includeBias,
      powers: (this.powers ?? []).map((row) => [...row]),
    };
  }
}

/** Reads a PolynomialFeatures step of pipeline.json; `path` names it in errors. */
export function readPolynomialFeatures(json: Record<string, unknown>, path: string): PolynomialFeatures {
  const degreePath = joinPath(path, 'degree');
  const degree = Array.isArray(json.degree) ? (json.degree.map((d, i) => readInteger(d, joinPath(degreePath, i), 0)) as [number, number]) : readInteger(json.degree, degreePath, 0);
  let step: PolynomialFeatures;
  try {
    step = new PolynomialFeatures({
      degree,
      interactionOnly: readBoolean(json.interactionOnly, joinPath(path, 'interactionOnly')),
      includeBias: readBoolean(json.includeBias, joinPath(path, 'includeBias')),
    });
  } catch (err) {
    throw createFormatError(degreePath, (err as Error).message);
  }
  const powersPath = joinPath(path, 'powers');
  step.powers = readArray(json.powers, powersPath).map((row, k) =>
    readArray(row, joinPath(powersPath, k)).map((e, i) => readInteger(e, joinPath(joinPath(powersPath, k), i), 0, 64)),
  );
  return step;
}
