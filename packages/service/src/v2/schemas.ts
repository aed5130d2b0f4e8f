import type { JSONSchema } from '../types';
import { kV2Datatypes } from '@mlserve/core';

// Written from the Open Inference Protocol's REST specification (kserve/open-inference-protocol,
// Apache-2.0): the JSON objects of each endpoint, with the datatypes of its tensor table.

const kParameters: JSONSchema = { type: 'object' };
const kShape: JSONSchema = { type: 'array', items: { type: 'integer', minimum: 0 } };
const kMetadataShape: JSONSchema = { type: 'array', items: { type: 'integer', minimum: -1 } };
const kDatatype: JSONSchema = { type: 'string', enum: [...kV2Datatypes] };

/** `$tensor_data`: flat or nested arrays of numbers, strings or booleans. */
export const kTensorDataSchema: JSONSchema = {
  $id: 'tensor_data',
  type: 'array',
  items: { anyOf: [{ $ref: 'tensor_data' }, { type: 'number' }, { type: 'string' }, { type: 'boolean' }] },
};

const kMetadataTensor: JSONSchema = {
  type: 'object',
  required: ['name', 'datatype', 'shape'],
  properties: { name: { type: 'string' }, datatype: kDatatype, shape: kMetadataShape },
};

/** `$inference_request`; `data` is checked element by element against its datatype by the server. */
export const kInferenceRequestSchema: JSONSchema = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    parameters: kParameters,
    inputs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        properties: { name: { type: 'string' }, shape: kShape, datatype: { type: 'string' }, parameters: kParameters, data: { type: 'array' } },
      },
    },
    outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters: kParameters } } },
  },
};

/** The JSON Schemas of the V2 REST objects, by the specification's names. */
export const kV2Schemas: Readonly<Record<string, JSONSchema>> = {
  live_server_response: { type: 'object', required: ['live'], properties: { live: { type: 'boolean' } } },
  // The specification's `$ready_server_response` names its field `live`; `ready` is sent too.
  ready_server_response: { type: 'object', required: ['live'], properties: { live: { type: 'boolean' }, ready: { type: 'boolean' } } },
  ready_model_response: { type: 'object', required: ['name', 'ready'], properties: { name: { type: 'string' }, ready: { type: 'boolean' } } },
  metadata_server_response: {
    type: 'object',
    required: ['name', 'version', 'extensions'],
    properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } },
  },
  metadata_model_response: {
    type: 'object',
    required: ['name', 'platform', 'inputs', 'outputs'],
    properties: {
      name: { type: 'string' },
      versions: { type: 'array', items: { type: 'string' } },
      platform: { type: 'string' },
      inputs: { type: 'array', items: kMetadataTensor },
      outputs: { type: 'array', items: kMetadataTensor },
    },
  },
  inference_request: kInferenceRequestSchema,
  inference_response: {
    type: 'object',
    required: ['model_name', 'outputs'],
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string' },
      parameters: kParameters,
      outputs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype', 'data'],
          properties: { name: { type: 'string' }, shape: kShape, datatype: kDatatype, parameters: kParameters, data: { $ref: 'tensor_data' } },
        },
      },
    },
  },
  error_response: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
};
