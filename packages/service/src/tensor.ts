import type { TensorDataMap, TensorDType } from '@mlserve/core';
import { type IODescriptor, isJsonMediaType } from './io-descriptor';
import type { JSONSchema } from './types';
import { createIssuesError, exampleFromSchema, kMaxValidationIssues, parseJson, type ValidationIssue } from './validation';

/**
 * What a `tensor()` handler receives: the flat row-major data and the dimensions. It has the shape
 * of an ONNX Runtime / `@mlserve/runner` tensor input, so it can be passed to `runner.run()` as is.
 */
export interface TensorValue<TDType extends TensorDType = TensorDType> {
  type: TDType;
  data: TensorDataMap[TDType];
  dims: number[];
}

/** Options of {@link tensor}. */
export interface TensorOptions<TDType extends TensorDType> {
  dtype: TDType;
  /** Expected dimensions; `-1` or `null` accepts any size. Absent: any rank and size. */
  shape?: ReadonlyArray<number | null>;
  /** Example body for the OpenAPI document. */
  example?: unknown;
}

const kArrays = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as const;

const kIntRanges: Partial<Record<TensorDType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * A tensor sent as nested JSON arrays (row-major), checked for shape and dtype like BentoML's
 * `NumpyNdarray`: every row must have the same length, declared dimensions must match and every
 * element must fit the dtype. The handler receives a {@link TensorValue}. As an output, a
 * `TensorValue`, `{ data, dims }`, a typed array or nested arrays are encoded as nested arrays.
 *
 * @example
 * svc.api('raw', { input: tensor({ dtype: 'float32', shape: [-1, 4] }), output: json() },
 *   (t) => runner.run({ input: t }));
 */
export function tensor<TDType extends TensorDType>(options: TensorOptions<TDType>): IODescriptor<TensorValue<TDType>> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { dtype } = options;
  if (!Object.hasOwn(kArrays, dtype)) throw new TypeError(`options.dtype must be one of ${Object.keys(kArrays).join(', ')}`);
  let shape: Array<number | null> | undefined;
  if (options.shape !== undefined) {
    if (!Array.isArray(options.shape) || !options.shape.every((d) => d === null || d === -1 || (Number.isInteger(d) && d >= 0))) {
      throw new TypeError('options.shape must be an array of non-negative integers, -1 or null');
    }
    shape = options.shape.map((d) => (d === -1 ? null : d));
  }
  const schema = tensorSchema(dtype, shape);
  const example = options.example !== undefined ? options.example : exampleFromSchema(schema);

  const decode = (value: unknown) => ({ value: toTensor(value, dtype, shape), single: false });
  return {
    kind: 'tensor',
    mediaType: 'application/json',
    example,
    schema: () => schema,
    acceptsMediaType: isJsonMediaType,
    decodeRaw: (raw) => decode(parseJson(raw)),
    decode,
    encode: (result) => JSON.stringify(toNested(result)),
  };
}

function tensorSchema(dtype: TensorDType, shape: Array<number | null> | undefined): JSONSchema {
  const leaf: JSONSchema = dtype === 'bool' ? { type: 'boolean' } : dtype.startsWith('float') ? { type: 'number' } : { type: 'integer' };
  if (shape === undefined) {
    return { description: `A ${dtype} tensor as nested arrays (row-major) of any shape`, type: 'array', items: {} };
  }
  let schema = leaf;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    schema = { type: 'array', items: schema, ...(d === null || d === undefined ? {} : { minItems: d, maxItems: d }) };
  }
  return { ...schema, description: `A ${dtype} tensor of shape [${shape.map((d) => d ?? -1).join(', ')}] as nested arrays (row-major)` };
}

const kMaxRank = 32;

function fail(issues: ValidationIssue[]): never {
  // Walks stop once they hold one issue more than listed, so more issues may exist uncounted.
  throw createIssuesError('MLS_ERR_IO_TENSOR', 'Request body is not a valid tensor', issues.slice(0, kMaxValidationIssues), issues.length > kMaxValidationIssues);
}

function toTensor<TDType extends TensorDType>(value: unknown, dtype: TDType, shape: Array<number | null> | undefined): TensorValue<TDType> {
  // The first element along each axis fixes the dimensions; every other row is checked against them.
  const dims: number[] = [];
  for (let node = value; Array.isArray(node); node = node[0]) {
    dims.push(node.length);
    if (node.length === 0) break;
    // Deeper nesting is no tensor, and would overflow the stack of the walks below.
    if (dims.length > kMaxRank) fail([{ path: '/', message: `must have at most ${kMaxRank} dimensions`, keyword: 'shape' }]);
  }
  const issues: ValidationIssue[] = [];
  if (shape !== undefined) {
    if (dims.length !== shape.length) {
      fail([{ path: '/', message: `must have ${shape.length} dimension(s), got ${dims.length}`, keyword: 'shape' }]);
    }
    shape.forEach((d, i) => {
      if (d !== null && dims[i] !== d) issues.push({ path: '/', message: `dimension ${i} must have size ${d}, got ${dims[i]}`, keyword: 'shape' });
    });
    if (issues.length > 0) fail(issues);
  }
  // The structure is checked before anything is allocated: the product of the first rows' lengths
  // of a small ragged body can be 1e9. Once no row is ragged, it is the number of elements present.
  const checkRows = (node: unknown, depth: number, path: string): void => {
    if (issues.length > kMaxValidationIssues || depth === dims.length) return;
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      issues.push({ path: path || '/', message: `must be an array of ${dims[depth]} element(s) (ragged or mixed nesting)`, keyword: 'shape' });
      return;
    }
    for (let i = 0; i < node.length; i++) checkRows(node[i], depth + 1, `${path}/${i}`);
  };
  checkRows(value, 0, '');
  if (issues.length > 0) fail(issues);
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new kArrays[dtype](size);
  const range = kIntRanges[dtype];
  const isFloat = dtype === 'float32' || dtype === 'float64';
  let offset = 0;
  const fill = (node: unknown, depth: number, path: string): void => {
    if (issues.length > kMaxValidationIssues) return;
    if (depth < dims.length) {
      for (let i = 0; i < (node as unknown[]).length; i++) fill((node as unknown[])[i], depth + 1, `${path}/${i}`);
      return;
    }
    if (dtype === 'bool') {
      if (typeof node !== 'boolean') issues.push({ path, message: 'must be a boolean', keyword: 'dtype' });
      else data[offset] = node ? 1 : 0;
    } else if (typeof node !== 'number') {
      issues.push({ path, message: `must be a number (${dtype})`, keyword: 'dtype' });
    } else if (!isFloat && (!Number.isInteger(node) || node < range![0] || node > range![1])) {
      issues.push({ path, message: `must be an integer in [${range![0]}, ${range![1]}] (${dtype})`, keyword: 'dtype' });
    } else if (dtype === 'int64') {
      (data as BigInt64Array)[offset] = BigInt(node);
    } else {
      (data as Float32Array)[offset] = node;
    }
    offset++;
  };
  fill(value, 0, '');
  if (issues.length > 0) fail(issues);
  return { type: dtype, data: data as TensorDataMap[TDType], dims };
}

function toNested(result: unknown): unknown {
  let data: ArrayLike<unknown> | undefined;
  let dims: number[] | undefined;
  if (ArrayBuffer.isView(result) && !(result instanceof DataView)) {
    data = result as unknown as ArrayLike<unknown>;
    dims = [data.length];
  } else if (typeof result === 'object' && result !== null && 'data' in result && 'dims' in result) {
    data = (result as { data: ArrayLike<unknown> }).data;
    dims = (result as { dims: number[] }).dims;
  }
  if (data === undefined || dims === undefined) return plain(result);
  const flat = data;
  const build = (depth: number, offset: number): unknown => {
    if (depth === dims!.length) return plain(flat[offset]);
    const n = dims![depth]!;
    const stride = dims!.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(depth + 1, offset + i * stride));
  };
  return build(0, 0);
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}
