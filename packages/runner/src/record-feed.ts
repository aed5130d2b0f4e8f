import { createRunnerError } from './errors';
import type { RunnerPipeline } from './model-source';
import type { ModelSignature, TensorSpec, TensorType, WireTensor } from './tensor';

/**
 * How predict() turns records into the model's inputs:
 * - `pipeline`: through the model's pipeline into its one float input;
 * - `rows`: into its one float input [N, D], from arrays of D numbers, or from objects by field
 *   name when the model has feature names;
 * - `columns`: one input per field (skl2onnx's ColumnTransformer exports: [N, 1] each, float,
 *   int64 or string), each field going to the input of the same name with its declared type.
 */
export type RecordFeed =
  | { kind: 'pipeline'; input: TensorSpec }
  | { kind: 'rows'; input: TensorSpec; featureNames: string[] | undefined }
  | { kind: 'columns'; inputs: TensorSpec[] };

const kColumnTypes = new Set<string>(['float32', 'float64', 'int64', 'int32', 'string', 'bool']);
const isFloat = (spec: TensorSpec): boolean => spec.type === 'float32' || spec.type === 'float64';
const isColumn = (spec: TensorSpec): boolean => kColumnTypes.has(spec.type) && (spec.shape.length === 1 || (spec.shape.length === 2 && (spec.shape[1] === 1 || spec.shape[1] === null || typeof spec.shape[1] === 'string')));

/** Picks the feed for a signature; a string says why records cannot be sent. */
export function planFeed(signature: ModelSignature, pipeline: RunnerPipeline | undefined): RecordFeed | string {
  const { inputs } = signature;
  const [first] = inputs;
  if (pipeline || (inputs.length === 1 && first && isFloat(first) && first.shape.length === 2)) {
    if (inputs.length !== 1) return `predict() needs a model with one input to apply a pipeline, this one has ${inputs.length}; use run()`;
    if (!isFloat(first!)) return `predict() needs a float input, "${first!.name}" is ${first!.type}; use run()`;
    return pipeline ? { kind: 'pipeline', input: first! } : { kind: 'rows', input: first!, featureNames: signature.featureNames };
  }
  if (inputs.length > 0 && inputs.every(isColumn)) return { kind: 'columns', inputs };
  return `predict() cannot feed records to inputs ${inputs.map((i) => `"${i.name}" (${i.type} [${i.shape.join(', ')}])`).join(', ')}; use run()`;
}

function recordError(message: string, row: number, field?: string): Error {
  return createRunnerError('MLS_ERR_RUNNER_INPUT', `record ${row}${field === undefined ? '' : `, field "${field}"`}: ${message}`, { details: field === undefined ? { row } : { row, field } });
}

/** The JSON Schema type of one record field fed to an input of `type`. */
function fieldSchema(type: string): Record<string, unknown> {
  if (type === 'string') return { type: 'string' };
  if (type === 'bool') return { type: 'boolean' };
  if (type === 'int64' || type === 'int32') return { type: 'integer' };
  return { type: ['number', 'null'], description: 'null is read as a missing value (NaN)' };
}

/**
 * The JSON Schema of one record predict() takes (the service's `records()` accepts anything with
 * `inputSchema()`): the pipeline's own schema, an object of the named fields, or an array of D
 * numbers for a model without feature names.
 */
export function feedSchema(feed: RecordFeed, pipeline: RunnerPipeline | undefined): Record<string, unknown> {
  if (feed.kind === 'pipeline') {
    const own = (pipeline as { inputSchema?: () => Record<string, unknown> }).inputSchema;
    return typeof own === 'function' ? own.call(pipeline) : { type: 'object' };
  }
  const fields: Array<[string, string]> =
    feed.kind === 'columns' ? feed.inputs.map((i) => [i.name, i.type]) : (feed.featureNames ?? []).map((name) => [name, feed.input.type]);
  if (fields.length === 0 && feed.kind === 'rows') {
    const width = feed.input.shape[1];
    const items: Record<string, unknown> = { type: 'array', items: { type: 'number' } };
    if (typeof width === 'number') Object.assign(items, { minItems: width, maxItems: width });
    return items;
  }
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map(([name, type]) => [name, fieldSchema(type)])),
    required: fields.map(([name]) => name),
  };
}

/** Turns records into the model's input tensors (shape and type checked later against the signature). */
export function recordsToFeeds(records: unknown[], pipeline: RunnerPipeline | undefined, feed: RecordFeed): Record<string, WireTensor> {
  if (feed.kind === 'columns') {
    const out: Record<string, WireTensor> = {};
    for (const input of feed.inputs) out[input.name] = columnTensor(records, input);
    return out;
  }
  const input = feed.input;
  if (feed.kind === 'pipeline') {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw recordError('must be an object', i);
    }
    const { data, shape } =
      records.length === 1 && pipeline!.transformOne
        ? pipeline!.transformOne(records[0] as Record<string, unknown>)
        : pipeline!.transform(records as Array<Record<string, unknown>>);
    const tensorData = input.type === 'float64' ? Float64Array.from(data) : data;
    return { [input.name]: { type: input.type as 'float32', data: tensorData, dims: [shape[0] ?? records.length, shape[1] ?? 0] } };
  }
  return { [input.name]: rowsTensor(records, input, feed.featureNames) };
}

/** One float input [N, D] from arrays of D numbers, or objects with the feature names as fields. */
function rowsTensor(records: unknown[], input: TensorSpec, names: string[] | undefined): WireTensor {
  const first = records[0];
  const byName = names !== undefined && typeof first === 'object' && first !== null && !Array.isArray(first) && !ArrayBuffer.isView(first);
  const width = byName ? names.length : (first as { length?: unknown } | undefined)?.length;
  if (typeof width !== 'number') {
    const how = names ? `objects with the fields ${names.map((n) => `"${n}"`).join(', ')}, or arrays of ${names.length} numbers` : 'arrays of numbers';
    throw createRunnerError('MLS_ERR_RUNNER_INPUT', `this model has no pipeline: records must be ${how}`, { details: { row: 0 } });
  }
  const data = input.type === 'float64' ? new Float64Array(records.length * width) : new Float32Array(records.length * width);
  for (let i = 0; i < records.length; i++) {
    const row = records[i] as Record<string, unknown> & ArrayLike<unknown>;
    if (byName) {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw recordError('must be an object', i);
      for (let j = 0; j < width; j++) data[i * width + j] = toNumber(row[names[j]!], i, names[j]!);
      continue;
    }
    if (!(Array.isArray(row) || ArrayBuffer.isView(row)) || row.length !== width) {
      throw createRunnerError('MLS_ERR_RUNNER_INPUT', `record ${i} must be an array of ${width} numbers`, { details: { row: i } });
    }
    for (let j = 0; j < width; j++) {
      const v = row[j];
      if (typeof v !== 'number') throw createRunnerError('MLS_ERR_RUNNER_INPUT', `record ${i}, column ${j} is not a number`, { details: { row: i, column: j } });
      data[i * width + j] = v;
    }
  }
  return { type: input.type as TensorType, data, dims: [records.length, width] };
}

function toNumber(value: unknown, row: number, field: string): number {
  if (typeof value === 'number') return value;
  if (value === null) return Number.NaN;
  if (value === undefined) throw recordError('is missing', row, field);
  throw recordError(`must be a number, got ${JSON.stringify(value)}`, row, field);
}

/** One [N, 1] (or [N]) input from one field of every record, in the input's declared type. */
function columnTensor(records: unknown[], input: TensorSpec): WireTensor {
  const { name, type } = input;
  const n = records.length;
  const dims = input.shape.length === 1 ? [n] : [n, 1];
  const values = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw recordError('must be an object', i);
    const v = (r as Record<string, unknown>)[name];
    if (v === undefined) throw recordError('is missing', i, name);
    values[i] = v;
  }
  if (type === 'string') {
    return { type: 'string', data: values.map((v, i) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fail(`must be a string, got ${JSON.stringify(v)}`, i, name))), dims };
  }
  if (type === 'bool') return { type: 'bool', data: Uint8Array.from(values, (v, i) => (typeof v === 'boolean' ? Number(v) : fail(`must be true or false, got ${JSON.stringify(v)}`, i, name))), dims };
  if (type === 'int64' || type === 'int32') {
    const data = type === 'int64' ? new BigInt64Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`must be an integer, got ${JSON.stringify(v)}`, i, name);
      if (data instanceof BigInt64Array) data[i] = BigInt(v as number);
      else data[i] = v as number;
    }
    return { type: type as TensorType, data, dims };
  }
  const data = type === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = toNumber(values[i], i, name);
  return { type: type as TensorType, data, dims };
}

function fail(message: string, row: number, field: string): never {
  throw recordError(message, row, field);
}
