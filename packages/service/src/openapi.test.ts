import { validate } from '@readme/openapi-parser';
import { get, loadFixturePipeline, start } from '../test/helpers';
import { createService, json, records, tensor, text, type Service } from './index';

function buildService(apiKeys?: string[]): Service {
  const svc = createService('docs_service', { logLevel: 'silent', version: '1.2.3', description: 'Predicts things', apiKeys, processMetrics: false });
  svc.api(
    'predict',
    {
      input: records(loadFixturePipeline(), { example: { age: 30, fare: 12.5, sex: 'female' } }),
      output: json({ schema: { type: 'object', properties: { label: { type: 'string' } } } }),
      description: 'Predict survival',
    },
    (rows) => rows,
  );
  svc.api('matrix', { input: tensor({ dtype: 'float32', shape: [-1, 4] }), output: tensor({ dtype: 'float32' }) }, (t) => t);
  svc.api('shout', { input: text({ example: 'hello' }), output: text() }, (s) => s);
  return svc;
}

describe('the OpenAPI document', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    svc = buildService();
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('is served at /docs.json and is valid OpenAPI 3.1', async () => {
    const { status, body } = await get(`${url}/docs.json`);
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(body));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('documents every API with its schemas and examples', () => {
    const doc = svc.openapi() as any;
    expect(doc.info).toMatchObject({ title: 'docs_service', version: '1.2.3' });
    const predict = doc.paths['/predict'].post;
    expect(predict.operationId).toBe('predict');
    expect(predict.summary).toBe('Predict survival');
    expect(predict.requestBody.content['application/json'].example).toEqual({ age: 30, fare: 12.5, sex: 'female' });
    expect(predict.requestBody.content['application/json'].schema.oneOf).toHaveLength(2);
    expect(Object.keys(predict.responses).sort()).toEqual(['200', '400', '408', '413', '415', '500', '503', '504']);
    expect(doc.paths['/matrix'].post.requestBody.content['application/json'].example).toEqual([[0, 0, 0, 0]]);
    expect(doc.paths['/shout'].post.requestBody.content['text/plain']).toEqual({ schema: { type: 'string' }, example: 'hello' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/livez', '/readyz', '/healthz', '/metrics']));
  });

  it('declares the API-key schemes when keys are required', async () => {
    const secured = buildService(['k']).openapi() as any;
    expect(Object.keys(secured.components.securitySchemes)).toEqual(['bearerAuth', 'apiKeyHeader']);
    expect(secured.paths['/predict'].post.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(secured.paths['/predict'].post.responses['401']).toBeDefined();
    expect((await validate(structuredClone(secured))).valid).toBe(true);
  });
});
