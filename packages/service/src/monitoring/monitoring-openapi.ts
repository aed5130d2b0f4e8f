const kStatus = { type: 'string', enum: ['ok', 'warn', 'alert'] };
const kPsi = { type: 'object', properties: { psi: { type: ['number', 'null'] }, status: kStatus } };

const get = (summary: string, schema: Record<string, unknown>, contentType = 'application/json') => ({
  get: { summary, tags: ['Monitoring'], responses: { '200': { description: 'OK', content: { [contentType]: { schema } } } } },
});

/** The OpenAPI paths of the monitoring endpoints (the feedback API documents itself as an API). */
export function monitoringPaths(): Record<string, unknown> {
  return {
    '/monitoring/drift': get('Drift: PSI per feature and of the predictions over the recent window, against the reference statistics', {
      type: 'object',
      properties: {
        status: kStatus,
        models: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              model: { type: 'string' },
              windowSize: { type: 'integer' },
              bins: { type: 'integer' },
              features: { type: 'object', additionalProperties: kPsi },
              prediction: kPsi,
              status: kStatus,
            },
          },
        },
      },
    }),
    '/monitoring/performance': get('Rolling accuracy (or MAE) of the labelled predictions against the baseline', {
      type: 'object',
      properties: {
        status: kStatus,
        models: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              model: { type: 'string' },
              labelled: { type: 'integer' },
              accuracy: { type: ['number', 'null'] },
              mae: { type: ['number', 'null'] },
              baseline: { type: ['number', 'null'] },
              threshold: { type: ['number', 'null'] },
              status: kStatus,
            },
          },
        },
      },
    }),
    '/monitoring/traffic': get('Request rate, latency percentiles and batch sizes of each monitored model', { type: 'object' }),
    '/monitoring/models': get('Model cards: name, version, metadata, metrics, features, classes, importances', { type: 'object' }),
    '/dashboard': get('The monitoring dashboard (HTML)', { type: 'string' }, 'text/html'),
  };
}
