import { createServiceError } from '../errors';
import { type V2Datatype, isV2Datatype, kIntegerRanges, tensorTypeOf, v2DatatypeOf } from '@mlserve/core';
import type { V2Model, V2Tensor, V2TensorSpec } from './model-view';

/** One input tensor of a V2 inference request, whatever the transport (data already flat or nested). */
export interface V2RequestInput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  data: ArrayLike<unknown>;
}

/** A V2 inference request, whatever the transport. */
export interface V2InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: V2RequestInput[];
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
}

/** One output tensor of a V2 inference result; `data` is flat, row-major. */
export interface V2ResultOutput {
  name: string;
  datatype: V2Datatype | string;
  shape: number[];
  data: ArrayLike<unknown>;
}

/** A V2 inference result, before it is encoded for its transport. */
export interface V2InferResult {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: V2ResultOutput[];
}

function tensorError(message: string, input?: string): Error {
  return createServiceError('MLS_ERR_IO_TENSOR', message, { details: input === undefined ? undefined : { input } });
}

/**
 * Checks a request against the model (input names, datatypes, shapes, element counts and values,
 * requested outputs) and turns it into the named tensors of `runner.run()`. Throws a 400
 * (MLS_ERR_IO_TENSOR) naming the input.
 */
export function toRunnerInputs(model: V2Model, request: V2InferRequest): { tensors: Record<string, V2Tensor>; outputs: string[] } {
  const specs = model.inputs;
  const tensors: Record<string, V2Tensor> = Object.create(null);
  for (const input of request.inputs) {
    const name = input.name;
    if (name in tensors) throw tensorError(`input "${name}" is given more than once`, name);
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined && specs.length > 0)
      throw tensorError(`model "${model.name}" has no input "${name}"; its inputs are ${specs.map((s) => `"${s.name}"`).join(', ')}`, name);
    tensors[name] = toTensor(input, spec);
  }
  for (const spec of specs) if (!(spec.name in tensors)) throw tensorError(`input "${spec.name}" is missing`, spec.name);
  const outputNames = model.outputs.map((o) => o.name);
  const outputs: string[] = [];
  for (const requested of request.outputs ?? []) {
    if (outputNames.length > 0 && !outputNames.includes(requested.name)) {
      throw createServiceError('MLS_ERR_IO_VALIDATION', `model "${model.name}" has no output "${requested.name}"; its outputs are ${outputNames.map((n) => `"${n}"`).join(', ')}`, {
        details: { output: requested.name },
      });
    }
    if (!outputs.includes(requested.name)) outputs.push(requested.name);
  }
  return { tensors, outputs };
}

function toTensor(input: V2RequestInput, spec: V2TensorSpec | undefined): V2Tensor {
  const { name, datatype, shape } = input;
  if (!isV2Datatype(datatype)) throw tensorError(`input "${name}": unknown datatype ${JSON.stringify(datatype)}`, name);
  if (spec !== undefined) {
    const accepted = v2DatatypeOf(spec.type);
    if (accepted !== datatype) throw tensorError(`input "${name}": datatype ${datatype} is not accepted, the model input takes ${accepted ?? spec.type}`, name);
  }
  if (datatype === 'FP16') throw tensorError(`input "${name}": datatype FP16 is not supported`, name);
  if (shape.length === 0) throw tensorError(`input "${name}": shape must have at least one dimension, the first being the batch size`, name);
  if (spec !== undefined) {
    const expected = spec.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
    const fits = expected.length === shape.length && expected.every((d, i) => d === -1 || d === shape[i]);
    if (!fits) throw tensorError(`input "${name}": shape [${shape.join(', ')}] does not match the model's [${expected.join(', ')}] (-1: any size)`, name);
  }
  let count = 1;
  for (const d of shape) count *= d;
  const data = flatten(name, input.data, shape);
  if (data.length !== count) throw tensorError(`input "${name}": data has ${data.length} elements, shape [${shape.join(', ')}] calls for ${count}`, name);
  checkElements(name, datatype, data);
  return { type: tensorTypeOf(datatype), data, dims: shape.slice() };
}

/** Flat data as it is; nested data (row-major) checked against the shape and flattened. */
function flatten(name: string, data: ArrayLike<unknown>, shape: number[]): ArrayLike<unknown> {
  if (!Array.isArray(data) || data.length === 0 || !Array.isArray(data[0])) return data;
  const out: unknown[] = [];
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw tensorError(`input "${name}": data${at} is nested deeper than shape [${shape.join(', ')}]`, name);
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw tensorError(`input "${name}": data${at} must be an array of ${shape[depth]} elements to match shape [${shape.join(', ')}]`, name);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${at}[${i}]`);
  };
  walk(data, 0, '');
  return out;
}

function checkElements(name: string, datatype: V2Datatype, data: ArrayLike<unknown>): void {
  const bad = (i: number, what: string) => tensorError(`input "${name}": data element ${i} ${what}`, name);
  if (ArrayBuffer.isView(data)) return;
  if (datatype === 'BOOL') {
    for (let i = 0; i < data.length; i++) if (typeof data[i] !== 'boolean') throw bad(i, 'is not a boolean (BOOL)');
    return;
  }
  if (datatype === 'BYTES') {
    for (let i = 0; i < data.length; i++) if (typeof data[i] !== 'string') throw bad(i, 'is not a string (BYTES)');
    return;
  }
  const range = kIntegerRanges[datatype];
  if (range === undefined) {
    for (let i = 0; i < data.length; i++) if (typeof data[i] !== 'number') throw bad(i, `is not a number (${datatype})`);
    return;
  }
  const [min, max] = range;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(i, `is not an integer in [${min}, ${max}] (${datatype})`);
  }
}

/** Runs a checked request on the model's runner (merged into batches with every other request). */
export async function infer(model: V2Model, request: V2InferRequest): Promise<V2InferResult> {
  const { tensors, outputs } = toRunnerInputs(model, request);
  const results = await model.runner.run(tensors);
  const names = outputs.length > 0 ? outputs : Object.keys(results);
  const result: V2InferResult = { model_name: model.name, outputs: [] };
  if (model.version !== undefined) result.model_version = model.version;
  if (request.id !== undefined) result.id = request.id;
  for (const name of names) {
    const out = results[name];
    if (out === undefined) continue;
    result.outputs.push({ name, datatype: v2DatatypeOf(out.type) ?? out.type.toUpperCase(), shape: out.dims, data: out.data });
  }
  return result;
}
