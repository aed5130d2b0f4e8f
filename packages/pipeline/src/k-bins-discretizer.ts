import { type BinNode, type Column, type SlotNode, createNode } from './column';
import { type KBinsDiscretizerJSON, createFormatError, joinPath, readArray, readEnum, readInteger, readNumber } from './format';
import { fitKMeansEdges } from './k-means-edges';
import { readNumericColumn } from './numeric-column';
import { formatPythonFloat, linspace, percentile, sortedCopy } from './numeric';
import { type ApplyContext, type FitContext, type Step, kApply, kFit, kToJSON } from './step';

/** How KBinsDiscretizer writes a bin: its index, or one 0/1 column per bin (`'onehot'` is dense here too). */
export type KBinsEncode = 'ordinal' | 'onehot' | 'onehot-dense';

/** How KBinsDiscretizer places the bin edges at fit time. */
export type KBinsStrategy = 'uniform' | 'quantile' | 'kmeans';

/** Options of KBinsDiscretizer, named as scikit-learn's (camelCase). */
export interface KBinsDiscretizerOptions {
  /** Bins per column (at least 2): one number for all, or one per column; default 5. */
  nBins?: number | number[];
  /** Default `'onehot'`, as scikit-learn; the output is always a dense matrix. */
  encode?: KBinsEncode;
  /** Default `'quantile'`, as scikit-learn. */
  strategy?: KBinsStrategy;
}

const kEncodes: readonly KBinsEncode[] = ['ordinal', 'onehot', 'onehot-dense'];
const kStrategies: readonly KBinsStrategy[] = ['uniform', 'quantile', 'kmeans'];

/**
 * scikit-learn's KBinsDiscretizer: each value becomes the index of its bin (the number of inner
 * edges <= x), written as a number or one-hot. Only the fitted `binEdges` matter at transform time.
 * Missing values are refused, as scikit-learn refuses NaN.
 */
export class KBinsDiscretizer implements Step {
  readonly type = 'KBinsDiscretizer' as const;
  readonly nBinsOption: number | number[];
  readonly encode: KBinsEncode;
  readonly strategy: KBinsStrategy;
  /** scikit-learn's `n_bins_`: the bins of each column after fit (1 for a constant column, fewer where bins were too narrow). */
  nBins: number[] | null = null;
  /** scikit-learn's `bin_edges_`: per column, `nBins + 1` ascending edges (±Infinity for a constant column). */
  binEdges: number[][] | null = null;

  constructor(options: KBinsDiscretizerOptions = {}) {
    const nBins = options.nBins ?? 5;
    const valid = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 2;
    if (Array.isArray(nBins) ? !nBins.every(valid) : !valid(nBins)) throw new RangeError('options.nBins must be an integer >= 2, or an array of them (one per column)');
    const encode = options.encode ?? 'onehot';
    if (!kEncodes.includes(encode)) throw new RangeError(`options.encode must be one of ${kEncodes.map((e) => `'${e}'`).join(', ')}`);
    const strategy = options.strategy ?? 'quantile';
    if (!kStrategies.includes(strategy)) throw new RangeError(`options.strategy must be one of ${kStrategies.map((s) => `'${s}'`).join(', ')}`);
    this.nBinsOption = Array.isArray(nBins) ? [...nBins] : nBins;
    this.encode = encode;
    this.strategy = strategy;
  }

  get fitted(): boolean {
    return this.binEdges !== null;
  }

  [kFit](inputs: readonly Column[], ctx: FitContext): void {
    const option = this.nBinsOption;
    if (Array.isArray(option) && option.length !== inputs.length) throw new RangeError(`options.nBins must hold ${inputs.length} numbers (one per column), got ${option.length}`);
    const values = ctx.values(inputs);
    this.binEdges = inputs.map((column, i) => {
      const sorted = sortedCopy(readNumericColumn(column, values[i]!, 'KBinsDiscretizer'));
      const n = Array.isArray(option) ? option[i]! : option;
      const min = sorted[0]!;
      const max = sorted[sorted.length - 1]!;
      if (min === max) return [-Infinity, Infinity];
      if (this.strategy === 'uniform') return Array.from(linspace(min, max, n + 1));
      const edges = this.strategy === 'quantile' ? Array.from(linspace(0, 100, n + 1), (q) => percentile(sorted, q)) : fitKMeansEdges(values[i] as Float64Array, min, max, n);
      // scikit-learn removes the bins narrower than 1e-8.
      return edges.filter((edge, k) => k === 0 || edge - edges[k - 1]! > 1e-8);
    });
    this.nBins = this.binEdges.map((edges) => edges.length - 1);
  }

  [kApply](inputs: readonly Column[], ctx: ApplyContext): Column[] {
    const { binEdges } = this;
    if (binEdges === null) return ctx.fail(null, 'the KBinsDiscretizer is not fitted');
    if (binEdges.length !== inputs.length) ctx.fail('binEdges', `must hold ${inputs.length} lists (one per input column), got ${binEdges.length}`);
    const out: Column[] = [];
    inputs.forEach((column, i) => {
      if (column.kind !== 'number') ctx.fail(null, `KBinsDiscretizer needs numbers, but column "${column.name}" holds strings`);
      const edges = binEdges[i]!;
      const node = createNode<BinNode>({ op: 'bin', kind: 'number', input: column.node, edges: Float64Array.from(edges.slice(1, -1)) });
      if (this.encode === 'ordinal') {
        out.push({ name: column.name, kind: 'number', node });
        return;
      }
      // scikit-learn one-hot encodes the float bin indices, so names read `Age_0.0`.
      for (let k = 0; k < edges.length - 1; k++) {
        out.push({ name: `${column.name}_${formatPythonFloat(k)}`, kind: 'number', node: createNode<SlotNode>({ op: 'slot', kind: 'number', input: node, category: k }) });
      }
    });
    return out;
  }

  [kToJSON](name: string): KBinsDiscretizerJSON {
    return {
      name,
      type: 'KBinsDiscretizer',
      encode: this.encode,
      strategy: this.strategy,
      nBins: [...(this.nBins ?? [])],
      binEdges: (this.binEdges ?? []).map((edges) => edges.map((e) => (Number.isFinite(e) ? e : null))),
    };
  }
}

/** Reads a KBinsDiscretizer step of pipeline.json; `path` names it in errors. */
export function readKBinsDiscretizer(json: Record<string, unknown>, path: string): KBinsDiscretizer {
  const edgesPath = joinPath(path, 'binEdges');
  const binEdges = readArray(json.binEdges, edgesPath).map((raw, i) => {
    const at = joinPath(edgesPath, i);
    const list = readArray(raw, at);
    if (list.length < 2) throw createFormatError(at, 'must hold at least 2 edges');
    const edges = list.map((e, k) => (e === null && (k === 0 || k === list.length - 1) ? (k === 0 ? -Infinity : Infinity) : readNumber(e, joinPath(at, k))));
    edges.forEach((e, k) => {
      if (k > 0 && !(e >= edges[k - 1]!)) throw createFormatError(joinPath(at, k), 'must not be below the edge before it');
    });
    return edges;
  });
  const step = new KBinsDiscretizer({
    encode: readEnum(json.encode, kEncodes, joinPath(path, 'encode')),
    strategy: readEnum(json.strategy ?? 'quantile', kStrategies, joinPath(path, 'strategy')),
  });
  const nBinsPath = joinPath(path, 'nBins');
  step.nBins = json.nBins === undefined ? binEdges.map((e) => e.length - 1) : readArray(json.nBins, nBinsPath).map((n, i) => readInteger(n, joinPath(nBinsPath, i), 1));
  step.nBins.forEach((n, i) => {
    if (n !== (binEdges[i]?.length ?? 0) - 1) throw createFormatError(joinPath(nBinsPath, i), `must be the number of bins of binEdges[${i}] (${(binEdges[i]?.length ?? 1) - 1})`);
  });
  step.binEdges = binEdges;
  return step;
}
