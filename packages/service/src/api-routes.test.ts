import { request as httpRequest } from 'node:http';
import type { Runner } from '@mlserve/runner';
import { createRunnerError } from '@mlserve/runner';
import { createMemoryLogger, createTinyRunner, get, loadFixturePipeline, post, start, waitFor } from '../test/helpers';
import { createService, json, records, tensor, text, type Service } from './index';

// Every behaviour is proved on the core path, with and without svc.use() middleware before the APIs.
const kModes = ['core path', 'core path with svc.use() middleware'] as const;
type Mode = (typeof kModes)[number];

const kPrediction = {
  type: 'object',
  required: ['label', 'probability'],
  properties: { label: { type: 'string' }, probability: { type: 'number' } },
};

function buildService(mode: Mode, runner: Runner, busy: Runner, logger: ReturnType<typeof createMemoryLogger>['logger']): Service {
  const svc = createService('test_service', { runners: [runner, busy], logger, timeoutMs: 300, bodyLimit: 1024 });
  if (mode === 'core path with svc.use() middleware') {
    svc.use((_req, res, next) => {
      res.setHeader('x-through-middleware', 'yes');
      next();
    });
  }
  const pipeline = loadFixturePipeline();
  svc.api('predict', { input: records(pipeline), output: json({ schema: kPrediction }), description: 'Survival of passengers' }, async (rows) => {
    const out = await runner.predict(rows);
    return out.map((p) => ({ label: p.label, probability: p.probabilities[1] }));
  });
  svc.api('predict_unchecked', { input: json(), output: json() }, (rows) => runner.predict(rows as Array<Record<string, unknown>>));
  svc.api('matrix', { input: tensor({ dtype: 'float32', shape: [-1, 4] }), output: json() }, async (t) => {
    const out = await runner.run({ input: t });
    return { dims: t.dims, label: out.label!.data, probabilities: out.probabilities!.data };
  });
  svc.api(
    'echo',
    {
      input: json({
        schema: {
          type: 'object',
          required: ['a', 'b'],
          properties: { a: { type: 'number' }, b: { type: 'string' }, c: { type: 'integer', minimum: 0 } },
          additionalProperties: false,
        },
      }),
      output: json(),
    },
    (x) => x,
  );
  svc.api('shout', { input: text(), output: text() }, (s) => s.toUpperCase());
  svc.api('context', { input: json(), output: json(), route: '/v1/context' }, (_x, ctx) => ({
    requestId: ctx.requestId,
    custom: ctx.headers['x-custom'],
    api: ctx.api,
    logs: typeof ctx.logger.info,
  }));
  svc.api('boom', { input: json(), output: json() }, () => {
    throw new Error('secret internals at /srv/app.js:10');
  });
  svc.api('overloaded', { input: json(), output: json() }, () => {
    throw createRunnerError('MLS_ERR_RUNNER_OVERLOADED', 'runner "tiny_model" is overloaded');
  });
  // Two rows for a runner whose queue holds one: the runner refuses them for good (413), not 503.
  svc.api('too_large', { input: json(), output: json() }, () =>
    busy.predict([
      { age: 1, fare: 1, sex: 'male' },
      { age: 2, fare: 2, sex: 'female' },
    ]),
  );
  svc.api('inference_failed', { input: json(), output: json() }, () => {
    throw createRunnerError('MLS_ERR_RUNNER_INFERENCE', 'Non-zero status code returned while running Gemm node /srv/models/secret.onnx');
  });
  svc.api('runner_timeout', { input: json(), output: json() }, () => {
    throw createRunnerError('MLS_ERR_RUNNER_TIMEOUT', 'inference took too long');
  });
  svc.api('slow', { input: json(), output: json() }, () => new Promise(() => {}));
  return svc;
}

describe.each(kModes)('API routes on the %s', (mode) => {
  let svc: Service;
  let url: string;
  let lines: Array<Record<string, unknown>>;
  const expressSaw: string[] = [];

  beforeAll(async () => {
    const memory = createMemoryLogger();
    lines = memory.lines;
    svc = buildService(mode, createTinyRunner(), createTinyRunner({ name: 'busy_model', inProcess: true, maxQueue: 1 }), memory.logger);
    svc.app.use((req, _res, next) => {
      expressSaw.push(req.path);
      next();
    });
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('serves API routes and built-in endpoints without Express', async () => {
    expect((await post(`${url}/echo`, { a: 1, b: 'x' })).status).toBe(200);
    expect((await get(`${url}/livez`)).status).toBe(200);
    expect(expressSaw).toEqual([]);
    expect((await get(`${url}/not-an-api`)).status).toBe(404);
    expect(expressSaw).toEqual(['/not-an-api']);
  });

  it('answers one record with one prediction', async () => {
    const res = await post(`${url}/predict`, { age: 22, fare: 7.25, sex: 'male' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ label: expect.any(String), probability: expect.any(Number) });
    expect(res.headers.get('x-through-middleware')).toBe(mode === 'core path with svc.use() middleware' ? 'yes' : null);
  });

  it('answers an array of records with an array of predictions', async () => {
    const res = await post(`${url}/predict`, [
      { age: 22, fare: 7.25, sex: 'male' },
      { age: 38, fare: 71.28, sex: 'female' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[1].label).toBe('survived');
  });

  it('decodes a tensor and passes it to the runner as is', async () => {
    const res = await post(`${url}/matrix`, [
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
    expect(res.status).toBe(200);
    expect(res.body.dims).toEqual([2, 4]);
    expect(res.body.label).toEqual([1, 0]);
    expect(res.body.probabilities).toHaveLength(4);
  });

  it('takes and answers plain text', async () => {
    const res = await post(`${url}/shout`, 'hello', { 'content-type': 'text/plain; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('HELLO');
  });

  it('gives the handler the request id, headers and a logger', async () => {
    const res = await post(`${url}/v1/context`, {}, { 'x-request-id': 'abc-123', 'x-custom': 'yes' });
    expect(res.body).toEqual({ requestId: 'abc-123', custom: 'yes', api: 'context', logs: 'function' });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
  });

  it('generates a request id when the client sends none', async () => {
    const res = await post(`${url}/echo`, { a: 1, b: 'x' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await post(`${url}/echo`, '{"a": 1,');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'MLS_ERR_IO_MALFORMED_JSON', error: 'Bad Request' });
  });

  it('answers a schema violation with 400 listing every failing field', async () => {
    const res = await post(`${url}/echo`, { a: 'one', c: -1, d: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MLS_ERR_IO_VALIDATION');
    const paths = res.body.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['/a', '/b', '/c', '/d']);
    for (const path of paths) expect(res.body.message).toContain(path);
  });

  it('lists failing fields of every record with its index', async () => {
    const res = await post(`${url}/predict`, [
      { age: 22, fare: 7.25, sex: 'male' },
      { age: 'old', fare: 'cheap', sex: 'male' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MLS_ERR_IO_VALIDATION');
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/1/age', '/1/fare']));
    expect(res.body.message).toContain('/1/age');
    expect(res.body.message).toContain('/1/fare');
  });

  it('passes pipeline errors from the runner through as 400', async () => {
    const res = await post(`${url}/predict_unchecked`, [{ age: 22, fare: 7.25, sex: 'unknown' }]);
    expect(res.status).toBe(400);
    expect(res.body.code).toMatch(/^MLS_ERR_PIPELINE_/);
    expect(res.body.message).toContain('sex');
  });

  it('checks the shape and dtype of a tensor', async () => {
    const ragged = await post(`${url}/matrix`, [
      [0, 0, 1, 0],
      [0, 1],
    ]);
    expect(ragged.status).toBe(400);
    expect(ragged.body.code).toBe('MLS_ERR_IO_TENSOR');
    const badType = await post(`${url}/matrix`, [[0, 'x', 1, 0]]);
    expect(badType.body.details).toEqual([{ path: '/0/1', message: 'must be a number (float32)', keyword: 'dtype' }]);
  });

  it('answers a wrong content type with 415', async () => {
    const res = await post(`${url}/echo`, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await post(`${url}/echo`, { a: 1, b: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('MLS_ERR_IO_BODY_TOO_LARGE');
  });

  it('answers a chunked body over the limit with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write('x'.repeat(400));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('answers an unknown route with 404', async () => {
    const res = await post(`${url}/nope`, {});
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'MLS_ERR_HTTP_NOT_FOUND', error: 'Not Found' });
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const res = await get(`${url}/predict`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body.code).toBe('MLS_ERR_HTTP_METHOD_NOT_ALLOWED');
  });

  it('answers an overloaded runner with 503 and Retry-After', async () => {
    const res = await post(`${url}/overloaded`, {});
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('MLS_ERR_RUNNER_OVERLOADED');
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it("passes a runner's 413 (more rows than its queue holds) through as 413", async () => {
    const res = await post(`${url}/too_large`, {});
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'MLS_ERR_RUNNER_TOO_LARGE', error: 'Payload Too Large' });
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('answers a coded 500 with its code and a generic message, and logs the real one with the request id', async () => {
    const reqId = `inference-${mode.length}`;
    const res = await post(`${url}/inference_failed`, {}, { 'x-request-id': reqId });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, code: 'MLS_ERR_RUNNER_INFERENCE', error: 'Internal Server Error', message: 'Internal server error' });
    expect(JSON.stringify(res.body)).not.toContain('secret');
    const logged = lines.find((l) => l.reqId === reqId && l.msg === 'request failed');
    expect(logged).toMatchObject({ level: 50, code: 'MLS_ERR_RUNNER_INFERENCE', reason: expect.stringContaining('/srv/models/secret.onnx') });
  });

  it('answers a runner timeout with 504', async () => {
    const res = await post(`${url}/runner_timeout`, {});
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('MLS_ERR_RUNNER_TIMEOUT');
  });

  it('answers a handler slower than timeoutMs with 504', async () => {
    const res = await post(`${url}/slow`, {});
    expect(res.status).toBe(504);
    expect(res.body.code).toBe('MLS_ERR_SERVICE_TIMEOUT');
  });

  it('answers an unexpected error with a bare 500 and logs it with the request id', async () => {
    const res = await post(`${url}/boom`, {}, { 'x-request-id': `boom-${mode.length}` });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, code: 'MLS_ERR_INTERNAL', error: 'Internal Server Error', message: 'Internal server error' });
    const logged = lines.find((l) => l.reqId === `boom-${mode.length}` && l.level === 50);
    expect(logged?.err).toMatchObject({ message: 'secret internals at /srv/app.js:10', stack: expect.stringContaining('Error') });
  });

  it('writes one JSON access-log line per request', async () => {
    await post(`${url}/echo`, { a: 1, b: 'x' }, { 'x-request-id': `log-${mode.length}` });
    const byId = () => lines.filter((l) => l.reqId === `log-${mode.length}` && l.msg === 'request completed');
    const access = await waitFor(() => (byId().length > 0 ? byId() : undefined));
    expect(access).toEqual([expect.objectContaining({ level: 30, method: 'POST', url: '/echo', api: 'echo', statusCode: 200, durationMs: expect.any(Number) })]);
  });
});
