/** What a column holds between steps: numbers (NaN when missing) or strings (null when missing). */
export type ColumnKind = 'number' | 'string';

interface NodeBase {
  /** Creation order; inputs are always created before their consumers, so it sorts topologically. */
  readonly id: number;
  readonly kind: ColumnKind;
  /** The raw input column every value of this node derives from (all steps work column-wise). */
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

/** 1 when the one-hot index equals `category`, else 0. */
export interface SlotNode extends NodeBase {
  readonly op: 'slot';
  readonly input: OneHotNode;
  readonly category: number;
}

/** One node of the per-column computation graph that fitting or loading a pipeline builds. */
export type Node = RawNode | ImputeNode | StandardNode | MinMaxNode | OneHotNode | SlotNode;

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
  const input = (init as { input?: Node }).input;
  const source = init.source ?? input?.source ?? '';
  return { ...init, id: nextId++, source } as T;
}

/** A raw input column. */
export function createRawColumn(name: string, kind: ColumnKind): Column {
  return { name, kind, node: createNode<RawNode>({ op: 'raw', kind, source: name }) };
}
