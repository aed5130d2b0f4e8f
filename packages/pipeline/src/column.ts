/** What a column holds between steps: numbers (NaN when missing) or strings (null when missing). */
export type ColumnKind = 'number' | 'string';

interface NodeBase {
  /** Creation order; inputs are always created before their consumers, so it sorts topologically. */
  readonly id: number;
  readonly kind: ColumnKind;
  /**
   * The raw input column the values of this node derive from. Every step but PolynomialFeatures
   * works column-wise; a product of columns names its first factor's, and a constant none ('').
   */
  readonly source: string;
}

/** A raw input column read from the record. */
export interface RawNode extends NodeBase {
  readonly op: 'raw';
}

/** Missing values replaced by a fitted statistic. */
export interface ImputeNode extends NodeBase {
  readonly op: 'impute';
  readonly input: Node;
  readonly fill: number | string;
}

/** `(x - mean) / scale` (either part optional), refusing missing values. */
export interface StandardNode extends NodeBase {
  readonly op: 'standard';
  readonly input: Node;
  readonly mean: number | null;
  readonly scale: number | null;
}

/** `x * scale + min`, optionally clipped to `[lo, hi]`, refusing missing values. */
export interface MinMaxNode extends NodeBase {
  readonly op: 'minmax';
  readonly input: Node;
  readonly scale: number;
  readonly min: number;
  readonly clip: readonly [number, number] | null;
}

/** The index of a value among fitted categories: -1 for an ignored unknown. */
export interface OneHotNode extends NodeBase {
  readonly op: 'onehot';
  readonly input: Node;
  readonly categories: ReadonlyArray<number | string | null>;
  readonly index: Map<number | string, number>;
  /** Index of the `null` category (missing values seen at fit), or -1. */
  readonly nullIndex: number;
  readonly ignoreUnknown: boolean;
}

/** 1 when the index computed by `input` (a category or a bin) equals `category`, else 0. */
export interface SlotNode extends NodeBase {
  readonly op: 'slot';
  readonly input: OneHotNode | BinNode;
  readonly category: number;
}

/** OrdinalEncoder's code: the category index, with fitted values for missing and unknown ones. */
export interface OrdinalNode extends NodeBase {
  readonly op: 'ordinal';
  readonly input: OneHotNode;
  /** The code of the missing-value category (scikit-learn's `encoded_missing_value`; NaN by default). */
  readonly missing: number;
  /** The code of an unknown category under `use_encoded_value` (may be NaN). */
  readonly unknown: number;
}

/** The numpy functions FunctionTransformer may apply, by their numpy name. */
export type NumpyFunction = 'log1p' | 'log' | 'sqrt' | 'exp' | 'abs';

/** An element-wise numpy function; missing stays missing, a non-finite result is refused. */
export interface FunctionNode extends NodeBase {
  readonly op: 'function';
  readonly input: Node;
  readonly func: NumpyFunction;
}

/** KBinsDiscretizer's bin index: how many of the inner bin edges are <= x (`np.searchsorted(..., side='right')`). */
export interface BinNode extends NodeBase {
  readonly op: 'bin';
  readonly input: Node;
  readonly edges: Float64Array;
}

/** A product of columns, multiplied from the last factor to the first, as PolynomialFeatures does. */
export interface ProductNode extends NodeBase {
  readonly op: 'product';
  readonly inputs: readonly Node[];
}

/** A constant column (PolynomialFeatures' bias). */
export interface ConstantNode extends NodeBase {
  readonly op: 'constant';
  readonly value: number;
}

/** One node of the per-column computation graph that fitting or loading a pipeline builds. */
export type Node = RawNode | ImputeNode | StandardNode | MinMaxNode | OneHotNode | SlotNode | OrdinalNode | FunctionNode | BinNode | ProductNode | ConstantNode;

/** The nodes `node` reads. */
export function inputsOf(node: Node): readonly Node[] {
  if (node.op === 'raw' || node.op === 'constant') return [];
  if (node.op === 'product') return node.inputs;
  return [node.input];
}

/** A named column flowing between steps. */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly node: Node;
}

type NodeInit<T extends Node> = Omit<T, 'id' | 'source'> & { source?: string };

let nextId = 0;

/** Creates a graph node; derived nodes inherit the raw source of their input. */
export function createNode<T extends Node>(init: NodeInit<T>): T {
  const input = (init as { input?: Node }).input ?? (init as { inputs?: readonly Node[] }).inputs?.[0];
  const source = init.source ?? input?.source ?? '';
  return { ...init, id: nextId++, source } as T;
}

/** A raw input column. */
export function createRawColumn(name: string, kind: ColumnKind): Column {
  return { name, kind, node: createNode<RawNode>({ op: 'raw', kind, source: name }) };
}
