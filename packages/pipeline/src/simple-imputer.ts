import { type Column, type ImputeNode, createNode } from './column';
import { type SimpleImputerJSON, joinPath, readEnum, readScalar, readArray } from './format';
import { compareCodePoints, pairwiseSum } from './numeric';
import { type ApplyContext, type FitContext, type Step, kApply, kFit, kToJSON } from './step';

/** How a SimpleImputer computes the value that replaces missing ones. */
export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

/** Options of SimpleImputer, named as scikit-learn's (camelCase). */
export interface SimpleImputerOptions {
  /** Default `'mean'`, as scikit-learn. */
  strategy?: ImputeStrategy;
  /** For `'constant'`; default 0 for number columns and `'missing_value'` for string columns. */
  fillValue?: number | string | null;
}

const kStrategies: readonly ImputeStrategy[] = ['mean', 'median', 'most_frequent', 'constant'];

/**
 * scikit-learn's SimpleImputer: replaces missing values (null, an absent key, NaN) by the column's
 * mean, median, most frequent value or a constant. A column that was entirely missing at fit time
 * is dropped from the output, as scikit-learn 1.2 does.
 */
export class SimpleImputer implements Step {
  readonly type = 'SimpleImputer' as const;
  readonly strategy: ImputeStrategy;
  readonly fillValue: number | string | null;
  /** The fitted replacement of each input column; null for a column dropped as all-missing. */
  statistics: Array<number | string | null> | null = null;

  constructor(options: SimpleImputerOptions = {}) {
    const strategy = options.strategy ?? 'mean';
    if (!kStrategies.includes(strategy)) {
      throw new RangeError(`options.strategy must be one of ${kStrategies.map((s) => `'${s}'`).join(', ')}`);
    }
    const fill = options.fillValue ?? null;
    if (fill !== null && typeof fill !== 'string' && !(typeof fill === 'number' && Number.isFinite(fill))) {
      throw new TypeError('options.fillValue must be a finite number, a string or null');
    }
    this.strategy = strategy;
    this.fillValue = fill;
  }

  get fitted(): boolean {
    return this.statistics !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const values = ctx.values(inputs);
    this.statistics = inputs.map((column, i) => this.fitColumn(column, values[i]!));
  }

  private fitColumn(column: Column, values: Float64Array | Array<string | null>): number | string | null {
    if (this.strategy === 'constant') {
      const fill = this.fillValue ?? (column.kind === 'number' ? 0 : 'missing_value');
      if (typeof fill !== (column.kind === 'number' ? 'number' : 'string')) {
        throw new TypeError(`options.fillValue must be a ${column.kind} to impute the ${column.kind} column "${column.name}"`);
      }
      return fill;
    }
    if (column.kind === 'string') {
      if (this.strategy !== 'most_frequent') {
        throw new TypeError(`SimpleImputer strategy '${this.strategy}' needs numbers, but column "${column.name}" holds strings`);
      }
      return mostFrequent(
        (values as Array<string | null>).filter((v): v is string => v !== null),
        (a, b) => compareCodePoints(a, b),
      );
    }
    const numbers = values as Float64Array;
    if (this.strategy === 'mean') {
      // np.ma.mean sums the column with missing entries filled by 0, in numpy's pairwise order.
      let count = 0;
      const filled = new Float64Array(numbers.length);
      for (let i = 0; i < numbers.length; i++) {
        const x = numbers[i]!;
        if (x === x) {
          filled[i] = x;
          count++;
        }
      }
      return count === 0 ? null : pairwiseSum(filled) / count;
    }
    const present = numbers.filter((x) => x === x);
    if (present.length === 0) return null;
    if (this.strategy === 'median') {
      present.sort();
      const h = present.length >> 1;
      const lo = present.length % 2 === 1 ? h : h - 1;
      // np.ma.median averages the two middle values as (lo + hi) / 2, even when they are equal.
      return (present[lo]! + present[h]!) / 2;
    }
    return mostFrequent(Array.from(present), (a, b) => a - b);
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const statistics = this.statistics;
    if (statistics === null) return ctx.fail(null, 'the SimpleImputer is not fitted');
    if (statistics.length !== inputs.length) {
      ctx.fail('statistics', `must hold ${inputs.length} values (one per input column), got ${statistics.length}`);
    }
    const out: Column[] = [];
    inputs.forEach((column, i) => {
      const fill = statistics[i]!;
      if (fill === null) return; // all missing at fit: dropped, as scikit-learn 1.2
      if (typeof fill !== (column.kind === 'number' ? 'number' : 'string')) {
        ctx.fail(joinPath('statistics', i), `must be a ${column.kind} to impute the ${column.kind} column "${column.name}"`);
      }
      out.push({ name: column.name, kind: column.kind, node: createNode<ImputeNode>({ op: 'impute', kind: column.kind, input: column.node, fill }) });
    });
    return out;
  }

  [kToJSON](name: string): SimpleImputerJSON {
    return { name, type: 'SimpleImputer', strategy: this.strategy, fillValue: this.fillValue, statistics: [...(this.statistics ?? [])] };
  }
}

/** Reads a SimpleImputer step of pipeline.json; `path` names it in errors. */
export function readSimpleImputer(json: Record<string, unknown>, path: string): SimpleImputer {
  const strategy = readEnum(json.strategy, kStrategies, joinPath(path, 'strategy'));
  const fillValue = json.fillValue === undefined ? null : readScalar(json.fillValue, joinPath(path, 'fillValue'));
  const imputer = new SimpleImputer({ strategy, fillValue });
  const statsPath = joinPath(path, 'statistics');
  imputer.statistics = readArray(json.statistics, statsPath).map((v, i) => readScalar(v, joinPath(statsPath, i)));
  return imputer;
}

/** The most frequent value; ties go to the smallest, as scikit-learn's `_most_frequent`. */
function mostFrequent<T extends number | string>(values: T[], compare: (a: T, b: T) => number): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [v, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && compare(v, best) < 0)) {
      best = v;
      bestCount = count;
    }
  }
  return best;
}
