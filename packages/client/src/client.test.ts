import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createRunner } from '@mlserve/runner';
import { MlserveError } from '@mlserve/errors';
import { createService, json, type Service } from '@mlserve/service';
import { createClient, createGrpcClient, kClientErrors, retryDelayMs } from './index';

const kFixtures = join(__dirname, '..', '..', 'service', 'test', 'fixtures');

function tinyRunner() {
  const pipeline = JSON.parse(readFileSync(join(kFixtures, 'pipeline.json'), 'utf8'));
  return createRunner({ modelPath: join(kFixtures, 'tiny-classifier.onnx'), name: 'tiny_model', tag: 'tiny_model:v1', pipeline, classes: ['died', 'survived'] }, { workers: 1 });
}

/** A real HTTP server whose answers `respond` decides, listening on 127.0.0.1, port 0. */
async function httpServer(respond: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('@mlserve/client against a real service', () => {
  let svc: Service;
  let url: string;
  let grpcPort: number;
  const kRow = { age: 30, fare: 10, sex: 'female' };

  // The first `busyFor` API requests are refused by the service as overloaded (its 503, with its Retry-After).
  let busyFor = 0;

  beforeAll(async () => {
    const runner = tinyRunner();
    svc = createService('client_test', { runners: [runner], apiKeys: ['key-1'], grpcPort: 0, logLevel: 'silent', version: '3.1.0' });
    svc.use((_req, _res, next) => (busyFor-- > 0 ? next(new MlserveError('MLS_ERR_SERVICE_OVERLOADED', 503, 'busy for the test')) : next()));
    svc.api('predict', { input: json({ schema: { type: 'array', items: { type: 'object', required: ['age'] } } }), output: json() }, async (rows, ctx) => {
      const out = await runner.predict(rows as Array<Record<string, unknown>>);
      return out.map((p) => ({ label: p.label, requestId: ctx.requestId }));
    });
    const result = await svc.listen(0, '127.0.0.1');
    url = result.url;
    grpcPort = result.grpcPort!;
  });
  afterAll(() => svc.close());

  it('calls a service API with the key and a request id, typed by the caller', async () => {
    const client = createClient<{ predict: { input: Array<typeof kRow>; output: Array<{ label: string; requestId: string }> } }>({ baseUrl: url, apiKey: 'key-1' });
    const out = await client.call('predict', [kRow], { requestId: 'my-id-1' });
    expect(out).toEqual([{ label: expect.stringMatching(/died|survived/), requestId: 'my-id-1' }]);
    const res = await client.request('POST', '/predict', [kRow]);
    expect(res.headers.get('x-request-id')).toBe(res.requestId);
    expect(res.attempts).toBe(1);
  });

  it("rethrows the service's own error with its code and status", async () => {
    const client = createClient({ baseUrl: url, apiKey: 'key-1' });
    const err = (await client.call('predict', [{}]).catch((e: Error) => e)) as Error;
    expect(err).toMatchObject({ code: 'MLS_ERR_IO_VALIDATION', statusCode: 400 });
    expect(err.message).toContain('/0/age');
    const unauthorized = await createClient({ baseUrl: url })
      .call('predict', [kRow])
      .catch((e) => e);
    expect(unauthorized).toMatchObject({ code: 'MLS_ERR_AUTH_UNAUTHORIZED', statusCode: 401 });
  });

  it("retries the service's own 503 after its Retry-After, keeping the request id", async () => {
    const client = createClient({ baseUrl: url, apiKey: 'key-1' });
    busyFor = 1;
    const started = Date.now();
    const res = await client.request<Array<{ requestId: string }>>('POST', '/predict', [kRow], { requestId: 'retried-1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the service says Retry-After: 1
    expect(res).toMatchObject({ ok: true, status: 200, attempts: 2, requestId: 'retried-1' });
    expect(res.body[0]!.requestId).toBe('retried-1');
    busyFor = 1;
    await expect(client.call('predict', [kRow], { retries: 0 })).rejects.toMatchObject({ code: 'MLS_ERR_SERVICE_OVERLOADED', statusCode: 503 });
  });

  it('sends a request and resolves with a refused status as an answer', async () => {
    const client = createClient({ baseUrl: url, apiKey: 'key-1' });
    const missing = await client.send('POST', '/predict', [{}]);
    expect(missing).toMatchObject({ ok: false, status: 400, attempts: 1, body: { statusCode: 400, code: 'MLS_ERR_IO_VALIDATION' } });
    expect(missing.headers.get('x-request-id')).toBe(missing.requestId);
    const notJson = await client.send('POST', '/predict', '{"truncated": ', { headers: { 'Content-Type': 'application/json' } });
    expect(notJson).toMatchObject({ ok: false, status: 400, body: { code: expect.stringMatching(/^MLS_ERR_/) } });
    busyFor = 1;
    expect(await client.send('POST', '/predict', [kRow], { retries: 0 })).toMatchObject({ ok: false, status: 503, body: { code: 'MLS_ERR_SERVICE_OVERLOADED' } });
    expect(await client.send('POST', '/predict', [kRow])).toMatchObject({ ok: true, status: 200 });
  });

  it('reads health and the OpenAPI document', async () => {
    const client = createClient({ baseUrl: url, apiKey: 'key-1' });
    expect(await client.health()).toMatchObject({ status: 'ok', ready: true });
    expect((await client.openapi()).paths).toHaveProperty('/predict');
  });

  it('speaks V2 over REST: health, metadata, inference and its errors', async () => {
    const v2 = createClient({ baseUrl: url, apiKey: 'key-1' }).v2;
    expect(await v2.serverLive()).toBe(true);
    expect(await v2.serverReady()).toBe(true);
    expect(await v2.modelReady('tiny_model', 'v1')).toBe(true);
    expect(await v2.serverMetadata()).toEqual({ name: 'client_test', version: '3.1.0', extensions: [] });
    expect((await v2.modelMetadata('tiny_model')).inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 4] }]);
    const answer = await v2.infer('tiny_model', { id: 'a', inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [[30, 10, 1, 0]] }] }, { version: 'v1' });
    expect(answer).toMatchObject({ model_name: 'tiny_model', model_version: 'v1', id: 'a' });
    const err = await v2.infer('tiny_model', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }] }).catch((e) => e);
    expect(err).toMatchObject({ code: 'MLS_ERR_IO_TENSOR', statusCode: 400 });
    expect(err.message).toContain('the model input takes FP32');
    await expect(v2.modelMetadata('nope')).rejects.toMatchObject({ code: 'MLS_ERR_HTTP_NOT_FOUND', statusCode: 404 });
  });

  it('speaks V2 over gRPC with the same answers as REST', async () => {
    const grpc = createGrpcClient({ address: `127.0.0.1:${grpcPort}`, apiKey: 'key-1' });
    try {
      expect(await grpc.serverLive()).toBe(true);
      expect(await grpc.modelReady('tiny_model')).toBe(true);
      expect(await grpc.serverMetadata()).toEqual({ name: 'client_test', version: '3.1.0', extensions: [] });
      const request = {
        id: 'g',
        inputs: [
          {
            name: 'input',
            shape: [2, 4],
            datatype: 'FP32' as const,
            data: [
              [30, 10, 1, 0],
              [2, 5, 0, 1],
            ],
          },
        ],
      };
      const overGrpc = await grpc.infer('tiny_model', request);
      const overRest = await createClient({ baseUrl: url, apiKey: 'key-1' }).v2.infer('tiny_model', request);
      expect(overGrpc).toEqual(overRest);
      await expect(grpc.modelMetadata('nope')).rejects.toMatchObject({ code: 'MLS_ERR_HTTP_NOT_FOUND', statusCode: 404 });
      const noKey = createGrpcClient({ address: `127.0.0.1:${grpcPort}` });
      await expect(noKey.serverMetadata()).rejects.toMatchObject({ code: 'MLS_ERR_AUTH_UNAUTHORIZED', statusCode: 401 });
      noKey.close();
    } finally {
      grpc.close();
    }
  });
});

describe('@mlserve/client retries, timeouts and failures', () => {
  it('retries a 503 after its Retry-After, with the same request id, and succeeds', async () => {
    const seen: Array<{ id: string | string[] | undefined; at: number }> = [];
    const { url, server } = await httpServer((req, res) => {
      seen.push({ id: req.headers['x-request-id'], at: Date.now() });
      if (seen.length < 3) {
        res
          .writeHead(503, { 'retry-after': '0.2', 'content-type': 'application/json' })
          .end(JSON.stringify({ statusCode: 503, code: 'MLS_ERR_SERVICE_OVERLOADED', error: 'Service Unavailable', message: 'busy' }));
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    try {
      const res = await createClient({ baseUrl: url, retries: 3 }).request('POST', '/predict', []);
      expect(res.body).toEqual({ ok: true });
      expect(res.attempts).toBe(3);
      expect(new Set(seen.map((s) => s.id)).size).toBe(1);
      expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(180);
    } finally {
      server.close();
    }
  });

  it('gives up after `retries` and rethrows the 503', async () => {
    let count = 0;
    const { url, server } = await httpServer((_req, res) => {
      count++;
      res
        .writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' })
        .end(JSON.stringify({ statusCode: 503, code: 'MLS_ERR_SERVICE_OVERLOADED', error: 'Service Unavailable', message: 'busy' }));
    });
    try {
      await expect(createClient({ baseUrl: url, retries: 2 }).call('predict', [])).rejects.toMatchObject({ code: 'MLS_ERR_SERVICE_OVERLOADED', statusCode: 503 });
      expect(count).toBe(3);
    } finally {
      server.close();
    }
  });

  it('bounds the wait of a long Retry-After by maxRetryDelayMs', () => {
    expect(retryDelayMs('120', 1, 5000)).toBe(5000);
    expect(retryDelayMs('2', 1, 5000)).toBe(2000);
    expect(retryDelayMs(new Date(Date.now() + 60_000).toUTCString(), 1, 3000)).toBe(3000);
    expect(retryDelayMs(null, 3, 5000)).toBe(400);
  });

  it('rejects with MLS_ERR_CLIENT_TIMEOUT when the server does not answer in time', async () => {
    const { url, server } = await httpServer(() => undefined);
    try {
      const started = Date.now();
      await expect(createClient({ baseUrl: url, timeoutMs: 200 }).call('predict', [])).rejects.toMatchObject({ code: 'MLS_ERR_CLIENT_TIMEOUT', statusCode: 504 });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('rejects with MLS_ERR_CLIENT_NETWORK when nothing listens', async () => {
    const { url, server } = await httpServer(() => undefined);
    await new Promise((r) => server.close(r));
    await expect(createClient({ baseUrl: url, retries: 0 }).call('predict', [])).rejects.toMatchObject({ code: 'MLS_ERR_CLIENT_NETWORK' });
  });

  it('rejects with MLS_ERR_CLIENT_HTTP for an error answer that is not an mlserve error', async () => {
    const { url, server } = await httpServer((_req, res) => res.writeHead(418, { 'content-type': 'text/plain' }).end('teapot'));
    try {
      await expect(createClient({ baseUrl: url }).call('predict', [])).rejects.toMatchObject({ code: 'MLS_ERR_CLIENT_HTTP', statusCode: 418 });
    } finally {
      server.close();
    }
  });

  it('rejects with MLS_ERR_CLIENT_ABORTED when its signal aborts', async () => {
    const { url, server } = await httpServer(() => undefined);
    try {
      await expect(createClient({ baseUrl: url }).call('predict', [], { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ code: 'MLS_ERR_CLIENT_ABORTED' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('validates its options, naming the option', () => {
    expect(() => createClient({ baseUrl: 'nope' })).toThrow('options.baseUrl');
    expect(() => createClient({ baseUrl: 'http://x', retries: -1 })).toThrow('options.retries');
    expect(() => createClient({ baseUrl: 'http://x', timeoutMs: 0 })).toThrow('options.timeoutMs');
    expect(() => createGrpcClient({ address: 'x' })).toThrow('options.address');
    const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
    expect(() => client.send('GET', 'healthz')).toThrow('path must start with "/"');
    return Promise.all([
      expect(client.call('predict', [], { retries: -1 })).rejects.toThrow('options.retries'),
      expect(client.call('predict', [], { timeoutMs: 0 })).rejects.toThrow('options.timeoutMs'),
    ]);
  });

  it('has a code for every failure of its own', () => {
    expect(Object.keys(kClientErrors).sort()).toEqual([
      'MLS_ERR_CLIENT_ABORTED',
      'MLS_ERR_CLIENT_GRPC',
      'MLS_ERR_CLIENT_HTTP',
      'MLS_ERR_CLIENT_NETWORK',
      'MLS_ERR_CLIENT_RESPONSE',
      'MLS_ERR_CLIENT_TIMEOUT',
    ]);
  });
});
