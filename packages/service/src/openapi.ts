import type { IODescriptor } from './io-descriptor';
import type { ApiHandler } from './types';

/** One API declared with `svc.api()`. */
export interface ApiDefinition<TInput = unknown> {
  readonly name: string;
  /** The path, `/<name>` by default. */
  readonly route: string;
  readonly method: 'POST';
  readonly input: IODescriptor<TInput>;
  readonly output: IODescriptor;
  readonly description: string | undefined;
  readonly handler: ApiHandler<TInput>;
  /** The model the API serves (the `model` label of its request metrics), if one. */
  readonly model?: string | undefined;
}

/** What the OpenAPI document is built from. */
export interface OpenApiSource {
  name: string;
  version: string;
  description: string | undefined;
  apis: readonly ApiDefinition[];
  secured: boolean;
  protectMetrics: boolean;
  runners: ReadonlyArray<{ name: string; model?: { tag?: string; name?: string } }>;
  /** More path items (the monitoring endpoints), documented as given. */
  extraPaths?: Record<string, unknown>;
}

const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

function content(descriptor: IODescriptor): Record<string, unknown> {
  const media: Record<string, unknown> = { schema: descriptor.schema() };
  if (descriptor.example !== undefined) media.example = descriptor.example;
  return { [descriptor.mediaType]: media };
}

const kErrorResponses: Record<string, string> = {
  BadRequest: 'The body is malformed or does not match the schema (`details` lists the failing fields, at most 50; `truncated: true` when more failed)',
  RequestTimeout: 'The body did not arrive within requestTimeoutMs',
  Unauthorized: 'A valid API key is missing',
  PayloadTooLarge: 'The body is larger than the limit, or carries more records than the API accepts',
  UnsupportedMediaType: 'The Content-Type is not the one the API accepts',
  InternalError: 'An unexpected error (logged on the server with the request id)',
  Unavailable: 'The runner is overloaded, not ready, or the service is shutting down (see Retry-After)',
  Timeout: 'The API did not answer in time',
};

// Adds the API-key requirement to every operation of a path item.
function withSecurity(item: unknown, security: unknown[]): unknown {
  return Object.fromEntries(Object.entries(item as Record<string, Record<string, unknown>>).map(([method, op]) => [method, { ...op, security }]));
}

/** Builds the OpenAPI 3.1 document of a service from its API descriptors. */
export function buildOpenApiDocument(source: OpenApiSource): Record<string, unknown> {
  const security = source.secured ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : undefined;
  const paths: Record<string, unknown> = {};
  for (const api of source.apis) {
    const responses: Record<string, unknown> = {
      '200': { description: 'Successful response', content: content(api.output) },
      '400': errorRef('BadRequest'),
      '408': errorRef('RequestTimeout'),
      '413': errorRef('PayloadTooLarge'),
      '415': errorRef('UnsupportedMediaType'),
      '500': errorRef('InternalError'),
      '503': errorRef('Unavailable'),
      '504': errorRef('Timeout'),
    };
    if (source.secured) responses['401'] = errorRef('Unauthorized');
    paths[api.route] = {
      post: {
        operationId: api.name,
        summary: api.description ?? `The ${api.name} API`,
        tags: ['Service APIs'],
        ...(security ? { security } : {}),
        requestBody: { required: true, content: content(api.input) },
        responses,
      },
    };
  }
  const probe = (summary: string, extra: Record<string, unknown> = {}) => ({
    get: { summary, tags: ['Infrastructure'], responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } }, ...extra } },
  });
  paths['/livez'] = probe('Liveness: the process is up');
  paths['/healthz'] = probe('Health: the process is up, with the readiness of each runner');
  paths['/readyz'] = probe('Readiness: every runner is ready and the service is not shutting down', { '503': errorRef('Unavailable') });
  if (source.extraPaths !== undefined) {
    for (const [path, item] of Object.entries(source.extraPaths)) paths[path] = security ? withSecurity(item, security) : item;
  }
  paths['/metrics'] = {
    get: {
      summary: 'Prometheus metrics',
      tags: ['Infrastructure'],
      ...(source.secured && source.protectMetrics ? { security } : {}),
      responses: { '200': { description: 'Metrics in the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  };
  const responses: Record<string, unknown> = {};
  for (const [name, description] of Object.entries(kErrorResponses)) {
    responses[name] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  const models = source.runners.map((r) => r.model?.tag ?? r.model?.name ?? r.name);
  const description = [source.description, models.length > 0 ? `Models: ${models.join(', ')}` : undefined].filter(Boolean).join('\n\n');
  return {
    openapi: '3.1.0',
    info: { title: source.name, version: source.version, ...(description ? { description } : {}) },
    tags: [
      { name: 'Service APIs', description: 'The APIs of this service' },
      { name: 'Infrastructure', description: 'Health, readiness and metrics' },
      ...(source.extraPaths !== undefined ? [{ name: 'Monitoring', description: 'Drift, ground truth, performance and the dashboard' }] : []),
    ],
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['statusCode', 'code', 'error', 'message'],
          properties: {
            statusCode: { type: 'integer', examples: [400] },
            code: { type: 'string', examples: ['MLS_ERR_IO_VALIDATION'] },
            error: { type: 'string', examples: ['Bad Request'] },
            message: { type: 'string' },
            details: {},
            truncated: { type: 'boolean', description: 'Present (true) when `details` lists only the first issues' },
          },
        },
      },
      responses,
      ...(source.secured
        ? {
            securitySchemes: {
              bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key>' },
              apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
            },
          }
        : {}),
    },
  };
}
