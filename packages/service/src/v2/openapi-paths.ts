import type { JSONSchema } from '../types';
import type { V2ModelSet } from './model-view';
import { kTensorDataSchema, kV2Schemas } from './schemas';

const kTag = 'Open Inference Protocol (V2)';

/** The V2 schemas with their `tensor_data` references pointing into the OpenAPI components. */
function componentSchemas(): Record<string, JSONSchema> {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$id') continue;
      out[k] = k === '$ref' && v === 'tensor_data' ? '#/components/schemas/v2_tensor_data' : rewrite(v);
    }
    return out;
  };
  const schemas: Record<string, JSONSchema> = { v2_tensor_data: rewrite(kTensorDataSchema) as JSONSchema };
  for (const [name, schema] of Object.entries(kV2Schemas)) schemas[`v2_${name}`] = rewrite(schema) as JSONSchema;
  return schemas;
}

const json = (name: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/v2_${name}` } } } });
const kError = json('error_response', 'Error: `{ "error": "<message>" }`');

/**
 * Adds the V2 REST endpoints (and their schemas) to an OpenAPI document: the server endpoints, and
 * the model endpoints of each model by name, with and without `/versions/{version}`.
 */
export function addV2ToOpenApi(document: Record<string, unknown>, models: V2ModelSet, secured: boolean, repository = false): Record<string, unknown> {
  if (models.size === 0 && !repository) return document;
  const paths = document.paths as Record<string, unknown>;
  const security = secured ? { security: [{ bearerAuth: [] }, { apiKeyHeader: [] }] } : {};
  paths['/v2/health/live'] = { get: { summary: 'V2 server live', tags: [kTag], responses: { '200': json('live_server_response', 'The server is live') } } };
  paths['/v2/health/ready'] = {
    get: {
      summary: 'V2 server ready',
      tags: [kTag],
      responses: { '200': json('ready_server_response', 'Every model is ready'), '503': json('ready_server_response', 'Not ready') },
    },
  };
  paths['/v2'] = {
    get: { summary: 'V2 server metadata', tags: [kTag], ...security, responses: { '200': json('metadata_server_response', 'Server name, version and extensions') } },
  };
  for (const model of models.all()) {
    const prefixes = [`/v2/models/${model.name}`];
    if (model.version !== undefined) prefixes.push(`/v2/models/${model.name}/versions/${model.version}`);
    for (const prefix of prefixes) {
      const errors = { '404': kError };
      paths[prefix] = {
        get: { summary: `V2 metadata of ${model.name}`, tags: [kTag], ...security, responses: { '200': json('metadata_model_response', 'Model metadata'), ...errors } },
      };
      paths[`${prefix}/ready`] = {
        get: {
          summary: `V2 readiness of ${model.name}`,
          tags: [kTag],
          ...security,
          responses: { '200': json('ready_model_response', 'Ready'), '503': json('ready_model_response', 'Not ready'), ...errors },
        },
      };
      paths[`${prefix}/infer`] = {
        post: {
          summary: `V2 inference on ${model.name}`,
          tags: [kTag],
          ...security,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/v2_inference_request' } } } },
          responses: { '200': json('inference_response', 'The requested outputs'), '400': kError, ...errors, '413': kError, '415': kError, '503': kError, '504': kError },
        },
      };
    }
  }
  if (repository) {
    const post = (summary: string, ok: unknown) => ({ post: { summary, tags: [kTag], ...security, responses: { '200': ok, '401': kError, '404': kError } } });
    const entry = {
      type: 'object',
      required: ['name', 'state', 'reason'],
      properties: {
        name: { type: 'string' },
        version: { type: 'string' },
        state: { type: 'string', enum: ['READY', 'LOADING', 'UNLOADING', 'UNAVAILABLE'] },
        reason: { type: 'string' },
      },
    };
    paths['/v2/repository/index'] = post('V2 model repository index', {
      description: 'Every model served or loadable, with its state',
      content: { 'application/json': { schema: { type: 'array', items: entry } } },
    });
    const empty = { description: 'Done', content: { 'application/json': { schema: { type: 'object' } } } };
    paths['/v2/repository/models/{name}/load'] = { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], ...post('V2 load a model', empty) };
    paths['/v2/repository/models/{name}/unload'] = { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], ...post('V2 unload a model', empty) };
  }
  const components = document.components as Record<string, unknown>;
  components.schemas = { ...(components.schemas as Record<string, unknown>), ...componentSchemas() };
  document.tags = [...((document.tags as unknown[]) ?? []), { name: kTag, description: 'KServe V2 / Open Inference Protocol REST endpoints' }];
  return document;
}
