import { type ModelSignature, type TensorSpec, type TensorType, type TypedArray, isTensorType } from '@mlserve/core';
import { createRunnerError } from './errors';

export type { ModelSignature, TensorSpec, TensorType, TypedArray };

/**
 * One named input tensor of `runner.run()`. `dims[0]` is the batch (row) dimension; `data` holds
 * `dims` elements in row-major order, as a typed array of the type or a plain array.
 */
export interface TensorInput {
  type: TensorType;
  data: TypedArray | number[] | bigint[] | string[] | boolean[];
  dims: number[];
}

/**
 * One named output tensor. int64/uint64 data comes back as plain `number[]` (exact as long as every
 * value is a safe integer, otherwise as decimal `string[]`), bool as `boolean[]`, string as
 * `string[]`; other types as their typed array. All of it survives `JSON.stringify`.
 */
export interface TensorOutput {
  type: TensorType;
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | number[] | string[] | boolean[];
  dims: number[];
}

/**
 * Below this size a buffer is cheaper to copy (structured clone) than to transfer between threads
 * (the README's performance section has the figures).
 */
export const kTransferMinBytes = 16 * 1024;

/** A tensor as it travels to a worker: data already in the array ONNX Runtime takes. */
export interface WireTensor {
  type: TensorType;
  data: TypedArray | string[];
  dims: number[];
}

/** A tensor as a worker sends it back: int64 already turned into numbers (or strings). */
export interface WireOutput {
  type: TensorType;
  data: TypedArray | string[];
  dims: number[];
}

type TypedArrayConstructor = { new (length: number): TypedArray; from(values: ArrayLike<unknown>): TypedArray; BYTES_PER_ELEMENT: number };

const kArrayTypes: Record<Exclude<TensorType, 'string'>, TypedArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array as unknown as TypedArrayConstructor,
  uint64: BigUint64Array as unknown as TypedArrayConstructor,
  bool: Uint8Array,
};

/** An empty container of `type` and `length` elements (string[] for strings). */
export function allocate(type: TensorType, length: number): TypedArray | string[] {
  return type === 'string' ? new Array<string>(length) : new kArrayTypes[type](length);
}

function inputError(name: string, message: string): Error {
  return createRunnerError('MLS_ERR_RUNNER_INPUT', `input "${name}": ${message}`, { details: { input: name } });
}

/**
 * Checks one input against the model's spec and turns its data into the array ONNX Runtime takes
 * (BigInt64Array for int64, Uint8Array for bool). Typed arrays of the right kind are used as they
 * are, without a copy.
 */
export function normalizeInput(name: string, input: unknown, spec: TensorSpec | undefined): WireTensor {
  if (typeof input !== 'object' || input === null) throw inputError(name, 'must be { type, data, dims }');
  const { type, data, dims } = input as Partial<TensorInput>;
  if (!isTensorType(type)) throw inputError(name, `unknown type ${JSON.stringify(type)}`);
  if (spec && spec.type !== type) throw inputError(name, `has type ${type}, the model expects ${spec.type}`);
  if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw inputError(name, 'dims must be a non-empty array of non-negative integers, the first being the batch size');
  }
  if (spec) {
    if (spec.shape.length !== dims.length) throw inputError(name, `has ${dims.length} dimensions, the model expects ${spec.shape.length} (${formatShape(spec.shape)})`);
    for (let i = 1; i < dims.length; i++) {
      const expected = spec.shape[i];
      if (typeof expected === 'number' && expected !== dims[i]) {
        throw inputError(name, `has shape [${dims.join(', ')}], the model expects ${formatShape(spec.shape)}`);
      }
    }
  }
  let size = 1;
  for (const d of dims) size *= d;
  const out = toWireData(name, type, data, size);
  return { type, data: out, dims: dims.slice() };
}

function formatShape(shape: Array<number | string | null>): string {
  return `[${shape.map((d) => (typeof d === 'number' ? String(d) : (d ?? '?'))).join(', ')}]`;
}

function toWireData(name: string, type: TensorType, data: unknown, size: number): TypedArray | string[] {
  const length = (data as { length?: unknown } | null)?.length;
  if (typeof length !== 'number' || (!Array.isArray(data) && !ArrayBuffer.isView(data))) {
    throw inputError(name, 'data must be a typed array or an array');
  }
  if (length !== size) throw inputError(name, `data has ${length} elements, dims call for ${size}`);
  if (type === 'string') {
    if (!Array.isArray(data) || !data.every((v) => typeof v === 'string')) throw inputError(name, 'string data must be an array of strings');
    return data as string[];
  }
  const Ctor = kArrayTypes[type];
  if (data instanceof Ctor && !(type === 'bool' && !(data instanceof Uint8Array))) return data as TypedArray;
  if (type === 'int64' || type === 'uint64') {
    const out = new Ctor(size) as BigInt64Array | BigUint64Array;
    const src = data as ArrayLike<unknown>;
    for (let i = 0; i < size; i++) {
      const v = src[i];
      if (typeof v === 'bigint') out[i] = v;
      else if (typeof v === 'number' && Number.isInteger(v)) out[i] = BigInt(v);
      else throw inputError(name, `element ${i} is not an integer`);
    }
    return out;
  }
  if (type === 'bool') {
    const out = new Uint8Array(size);
    const src = data as ArrayLike<unknown>;
    for (let i = 0; i < size; i++) out[i] = src[i] ? 1 : 0;
    return out;
  }
  if (Array.isArray(data)) {
    for (let i = 0; i < size; i++) {
      if (typeof data[i] !== 'number') throw inputError(name, `element ${i} is not a number`);
    }
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw inputError(name, `a ${data.constructor.name} cannot hold ${type} data`);
  }
  return Ctor.from(data as ArrayLike<number>);
}

/** Converts a worker's output data to what callers get (number[] for int64, boolean[] for bool). */
export function toOutputData(type: TensorType, data: TypedArray | string[], start: number, end: number): TensorOutput['data'] {
  if (Array.isArray(data)) return start === 0 && end === data.length ? data : data.slice(start, end);
  if (type === 'bool') {
    const out = new Array<boolean>(end - start);
    for (let i = start; i < end; i++) out[i - start] = data[i] !== 0;
    return out;
  }
  if (type === 'int64' || type === 'uint64') {
    // A plain loop: Array.from(typedArray) goes through the iterator protocol, several times slower.
    const out = new Array<number>(end - start);
    for (let i = start; i < end; i++) out[i - start] = data[i] as number;
    return out;
  }
  const typed = data as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
  return start === 0 && end === typed.length ? typed : typed.subarray(start, end);
}

// int64 elements are read as two 32-bit words where the machine is little-endian (all Node targets
// but s390x): reading a BigInt64Array element allocates a BigInt, one per row of a label output.
const kLittleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Turns int64/uint64 results into something JSON can carry: a Float64Array when every value is a
 * safe integer (exact, and transferable between threads), else decimal strings.
 */
export function toWireOutputData(data: unknown): TypedArray | string[] {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    if (kLittleEndian) {
      const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
      const signed = data instanceof BigInt64Array;
      for (let i = 0; i < data.length; i++) {
        const high = signed ? words[2 * i + 1]! | 0 : words[2 * i + 1]!;
        // Exact while |v| < 2^53; beyond, it is past the safe range however it rounds.
        const v = high * 4294967296 + words[2 * i]!;
        if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) return Array.from(data, (x) => x.toString());
        out[i] = v;
      }
      return out;
    }
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]);
      if (!Number.isSafeInteger(v)) return Array.from(data, (x) => x.toString());
      out[i] = v;
    }
    return out;
  }
  return data as TypedArray | string[];
}
