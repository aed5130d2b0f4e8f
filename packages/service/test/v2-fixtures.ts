import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { createRunner, type Runner, type RunnerOptions } from '@mlserve/runner';
import { kTensorDataSchema, kV2Schemas } from '../src';
import { kFixtures } from './helpers';

/** A runner on all-types.onnx: an [N, 2] input `in_<type>` of every type, echoed to `out_<type>`. */
export function createAllTypesRunner(options: RunnerOptions = {}): Runner {
  return createRunner({ modelPath: join(kFixtures, 'all-types.onnx'), name: 'all_types', tag: 'all_types:v3' }, { workers: 1, ...options });
}

/** One sample row pair ([2, 2] data) of each V2 datatype, keyed by the fixture's type suffix. */
export const kSamples: Record<string, { datatype: string; data: unknown[] }> = {
  bool: { datatype: 'BOOL', data: [true, false, false, true] },
  uint8: { datatype: 'UINT8', data: [0, 1, 254, 255] },
  uint16: { datatype: 'UINT16', data: [0, 1, 65534, 65535] },
  uint32: { datatype: 'UINT32', data: [0, 1, 4294967294, 4294967295] },
  uint64: { datatype: 'UINT64', data: [0, 1, 2 ** 40, Number.MAX_SAFE_INTEGER] },
  int8: { datatype: 'INT8', data: [-128, -1, 0, 127] },
  int16: { datatype: 'INT16', data: [-32768, -1, 0, 32767] },
  int32: { datatype: 'INT32', data: [-2147483648, -1, 0, 2147483647] },
  int64: { datatype: 'INT64', data: [-(2 ** 40), -1, 0, Number.MAX_SAFE_INTEGER] },
  fp32: { datatype: 'FP32', data: [0.5, -1.25, 0, 1024] },
  fp64: { datatype: 'FP64', data: [0.1, -1e300, 0, Math.PI] },
  bytes: { datatype: 'BYTES', data: ['a', '', 'héllo', 'z'] },
};

/** The `inputs` of a request carrying every sample ([2, 2] each), with `override` replacing some. */
export function allInputs(override: Record<string, Partial<{ datatype: string; shape: number[]; data: unknown }>> = {}): Array<Record<string, unknown>> {
  return Object.entries(kSamples).map(([type, s]) => ({ name: `in_${type}`, datatype: s.datatype, shape: [2, 2], data: s.data, ...override[type] }));
}

/** Validators of every V2 REST object, compiled from the schemas written from the specification. */
export function v2Validators(): Record<string, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(kTensorDataSchema);
  return Object.fromEntries(Object.entries(kV2Schemas).map(([name, schema]) => [name, ajv.compile(schema)]));
}
