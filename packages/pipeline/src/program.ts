import type { MlserveError } from '@mlserve/errors';
import { type Node, inputsOf } from './column';
import { createDomainError, createMissingError, createRecordError, createTypeError, createUnknownError, hasKey } from './input-errors';
import { applyFunction, kFunctions } from './numpy-function';
import { type RowWriter, compileRowWriter } from './row-writer';

const enum Op {
  RawNumber,
  RawString,
  ImputeNumber,
  ImputeString,
  Standard,
  MinMax,
  OneHotNumber,
  OneHotString,
  Slot,
  Ordinal,
  Function,
  Bin,
  Product,
  Constant,
}

// Every instruction has the same shape so the hot loop's property accesses stay monomorphic.
interface Instr {
  op: Op;
  input: number;
  out: number;
  source: string;
  a: number;
  b: number;
  c: number;
  d: number;
  flags: number;
  fill: string | null;
  index: Map<number | string, number> | null;
  /** The registers of a product's factors, or a bin's inner edges. */
  inputs: Int32Array | null;
  edges: Float64Array | null;
  node: Node;
}

const kSubtract = 1;
const kDivide = 2;
const kClip = 4;
const kIgnore = 8;

/**
 * A pipeline compiled for the hot path: the nodes the outputs need, in topological order, each
 * one instruction over a register file reused for every row, so a transform allocates nothing
 * per row.
 */
export class Program {
  readonly nodes: Node[];
  readonly outputs: Int32Array;
  readonly num: Float64Array;
  readonly str: Array<string | null>;
  private readonly instrs: Instr[];
  /** The generated row writer, compiled on the first write (fitting only runs the interpreter); null: none. */
  private writer: RowWriter | null | undefined = undefined;

  /** `interpreted`: never generate a row writer (tests compare the two). */
  constructor(outputs: readonly Node[], options: { interpreted?: boolean } = {}) {
    const seen = new Set<Node>();
    const visit = (node: Node): void => {
      if (seen.has(node)) return;
      seen.add(node);
      inputsOf(node).forEach(visit);
    };
    outputs.forEach(visit);
    this.nodes = [...seen].sort((x, y) => x.id - y.id);
    const reg = new Map<Node, number>(this.nodes.map((node, i) => [node, i]));
    this.instrs = this.nodes.map((node, i) =>
      compile(
        node,
        i,
        Int32Array.from(inputsOf(node), (input) => reg.get(input)!),
      ),
    );
    this.outputs = Int32Array.from(outputs, (node) => reg.get(node)!);
    this.num = new Float64Array(this.nodes.length);
    this.str = new Array<string | null>(this.nodes.length).fill(null);
    if (options.interpreted === true) this.writer = null;
  }

  /** Computes every node for one record into `num`/`str`; throws input errors naming `row`. */
  run(record: unknown, row: number): void {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw createRecordError(row, record);
    const rec = record as Record<string, unknown>;
    const num = this.num;
    const str = this.str;
    const instrs = this.instrs;
    for (let i = 0; i < instrs.length; i++) {
      const ins = instrs[i]!;
      switch (ins.op) {
        case Op.RawNumber: {
          const v = rec[ins.source];
          if (typeof v === 'number') {
            // v - v is 0 for finite numbers, NaN for NaN and the infinities.
            if (v - v === 0 || v !== v) num[ins.out] = v;
            else throw createTypeError(row, ins.source, 'a finite number', v);
          } else if (v === undefined || v === null || !hasKey(rec, ins.source)) {
            num[ins.out] = NaN;
          } else {
            throw createTypeError(row, ins.source, 'a number', v);
          }
          break;
        }
        case Op.RawString: {
          const v = rec[ins.source];
          if (typeof v === 'string') str[ins.out] = v;
          else if (v === undefined || v === null || (typeof v === 'number' && v !== v) || !hasKey(rec, ins.source)) str[ins.out] = null;
          else throw createTypeError(row, ins.source, 'a string', v);
          break;
        }
        case Op.ImputeNumber: {
          const x = num[ins.input]!;
          num[ins.out] = x !== x ? ins.a : x;
          break;
        }
        case Op.ImputeString: {
          const s = str[ins.input]!;
          str[ins.out] = s === null ? ins.fill : s;
          break;
        }
        case Op.Standard: {
          let x = num[ins.input]!;
          if (x !== x) throw createMissingError(rec, row, ins.source);
          if (ins.flags & kSubtract) x -= ins.a;
          if (ins.flags & kDivide) x /= ins.b;
          num[ins.out] = x;
          break;
        }
        case Op.MinMax: {
          let x = num[ins.input]!;
          if (x !== x) throw createMissingError(rec, row, ins.source);
          x = x * ins.a + ins.b;
          if (ins.flags & kClip) x = x < ins.c ? ins.c : x > ins.d ? ins.d : x;
          num[ins.out] = x;
          break;
        }
        case Op.OneHotNumber: {
          const x = num[ins.input]!;
          const k = x !== x ? ins.c : (ins.index!.get(x) ?? -1);
          if (k < 0 && !(ins.flags & kIgnore)) {
            throw x !== x ? createMissingError(rec, row, ins.source) : createUnknownError(row, ins.node, x);
          }
          num[ins.out] = k;
          break;
        }
        case Op.OneHotString: {
          const s = str[ins.input]!;
          const k = s === null ? ins.c : (ins.index!.get(s) ?? -1);
          if (k < 0 && !(ins.flags & kIgnore)) {
            throw s === null ? createMissingError(rec, row, ins.source) : createUnknownError(row, ins.node, s);
          }
          num[ins.out] = k;
          break;
        }
        case Op.Slot:
          num[ins.out] = num[ins.input] === ins.a ? 1 : 0;
          break;
        case Op.Ordinal: {
          const k = num[ins.input]!;
          num[ins.out] = k < 0 ? ins.b : k === ins.c ? ins.a : k;
          break;
        }
        case Op.Function: {
          const x = num[ins.input]!;
          if (x !== x) {
            num[ins.out] = x;
            break;
          }
          const y = applyFunction(ins.a, x);
          if (y - y !== 0) throw createDomainError(row, ins.source, kFunctions[ins.a]!, x);
          num[ins.out] = y;
          break;
        }
        case Op.Bin: {
          const x = num[ins.input]!;
          if (x !== x) throw createMissingError(rec, row, ins.source);
          const edges = ins.edges!;
          let k = 0;
          while (k < edges.length && edges[k]! <= x) k++;
          num[ins.out] = k;
          break;
        }
        case Op.Product: {
          const factors = ins.inputs!;
          let p = 1;
          for (let j = factors.length - 1; j >= 0; j--) {
            const x = num[factors[j]!]!;
            if (x !== x) throw createMissingError(rec, row, this.nodes[factors[j]!]!.source);
            p *= x; // 1 * x is exactly x, so the first product is the last factor itself
          }
          num[ins.out] = p;
          break;
        }
        case Op.Constant:
          num[ins.out] = ins.a;
          break;
      }
    }
  }

  /** Runs one record and writes the outputs, as float32, at `data[offset...]`. */
  write(record: unknown, row: number, data: Float32Array, offset: number): void {
    if (this.writer === undefined) this.writer = compileRowWriter(this.nodes, this.outputs, createOutputError) ?? null;
    if (this.writer !== null) {
      this.writer(record, row, data, offset);
      return;
    }
    this.run(record, row);
    const num = this.num;
    const outputs = this.outputs;
    for (let j = 0; j < outputs.length; j++) {
      const x = num[outputs[j]!]!;
      if (x !== x) throw createOutputError(this.nodes[outputs[j]!]!, record, row, num[this.instrs[outputs[j]!]!.input]!);
      data[offset + j] = x;
    }
  }
}

/**
 * The error for a NaN output: a missing value, or an unknown category that an OrdinalEncoder coded
 * as NaN (`input`: the category index its encoder found, -1 for an unknown one).
 */
function createOutputError(node: Node, record: unknown, row: number, input: number): MlserveError {
  const value = (record as Record<string, unknown>)[node.source];
  const present = typeof value === 'string' || (typeof value === 'number' && value === value);
  if (node.op === 'ordinal' && present && input < 0) return createUnknownError(row, node.input, value);
  return createMissingError(record, row, node.source);
}

/**
 * The same string, internalized by V8 (property keys are): a keyed load with a string parsed from
 * JSON would otherwise look it up in the string table on every record.
 */
function internalize(key: string): string {
  return Object.keys({ [key]: 0 })[0] ?? key;
}

function compile(node: Node, out: number, inputs: Int32Array): Instr {
  const input = inputs.length > 0 ? inputs[0]! : -1;
  const ins: Instr = {
    op: Op.RawNumber,
    input,
    out,
    source: internalize(node.source),
    a: 0,
    b: 0,
    c: -1,
    d: 0,
    flags: 0,
    fill: null,
    index: null,
    inputs: null,
    edges: null,
    node,
  };
  switch (node.op) {
    case 'raw':
      ins.op = node.kind === 'number' ? Op.RawNumber : Op.RawString;
      break;
    case 'impute':
      if (typeof node.fill === 'number') {
        ins.op = Op.ImputeNumber;
        ins.a = node.fill;
      } else {
        ins.op = Op.ImputeString;
        ins.fill = node.fill;
      }
      break;
    case 'standard':
      ins.op = Op.Standard;
      if (node.mean !== null) {
        ins.flags |= kSubtract;
        ins.a = node.mean;
      }
      if (node.scale !== null) {
        ins.flags |= kDivide;
        ins.b = node.scale;
      }
      break;
    case 'minmax':
      ins.op = Op.MinMax;
      ins.a = node.scale;
      ins.b = node.min;
      if (node.clip) {
        ins.flags |= kClip;
        ins.c = node.clip[0];
        ins.d = node.clip[1];
      }
      break;
    case 'onehot':
      ins.op = node.input.kind === 'number' ? Op.OneHotNumber : Op.OneHotString;
      ins.index = node.index;
      ins.c = node.nullIndex;
      if (node.ignoreUnknown) ins.flags |= kIgnore;
      break;
    case 'slot':
      ins.op = Op.Slot;
      ins.a = node.category;
      break;
    case 'ordinal':
      ins.op = Op.Ordinal;
      ins.a = node.missing;
      ins.b = node.unknown;
      ins.c = node.input.nullIndex;
      break;
    case 'function':
      ins.op = Op.Function;
      ins.a = kFunctions.indexOf(node.func);
      break;
    case 'bin':
      ins.op = Op.Bin;
      ins.edges = node.edges;
      break;
    case 'product':
      ins.op = Op.Product;
      ins.inputs = inputs;
      break;
    case 'constant':
      ins.op = Op.Constant;
      ins.a = node.value;
      break;
  }
  return ins;
}
