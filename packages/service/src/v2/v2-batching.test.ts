import type { BatchEvent } from '@mlserve/runner';
import { createTinyRunner, get, post, start } from '../../test/helpers';
import { createService, json } from '../index';

describe('V2 inference shares the runner and its batching', () => {
  it('merges concurrent V2 infer requests into runner batches of more than one request', async () => {
    // A batching window: without one, a worker on a loaded machine can answer each request before
    // the next socket is read, and 60 requests run as 60 batches of one (the CI run of 2026-12-05).
    const runner = createTinyRunner({ maxBatchSize: 64, batchWaitMs: 50 });
    const svc = createService('v2_batching', { runners: [runner], logLevel: 'silent' });
    const { url } = await start(svc);
    const batches: BatchEvent[] = [];
    runner.on('batch', (b: BatchEvent) => batches.push(b));
    try {
      const body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [30, 10, 0, 1] }] };
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(`${url}/v2/models/tiny_model/infer`, { ...body, id: String(i) })));
      expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
      expect(answers.map((a) => a.body.id)).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
      expect(batches.reduce((n, b) => n + b.size, 0)).toBe(60);
      expect(Math.max(...batches.map((b) => b.size))).toBeGreaterThan(1);
      expect(batches.length).toBeLessThan(60);
    } finally {
      await svc.close();
    }
  });

  it('counts V2 requests in the service metrics under a label per model and endpoint', async () => {
    const runner = createTinyRunner();
    const svc = createService('v2_metrics', { runners: [runner], logLevel: 'silent' });
    const { url } = await start(svc);
    try {
      await post(`${url}/v2/models/tiny_model/infer`, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [30, 10, 0, 1] }] });
      const metrics = await get(`${url}/metrics`);
      expect(metrics.body).toMatch(/api="\/v2\/models\/tiny_model\/infer"[^\n]*status="200"|status="200"[^\n]*api="\/v2\/models\/tiny_model\/infer"/);
    } finally {
      await svc.close();
    }
  });
});

describe('V2 endpoints and API keys', () => {
  it('leaves the V2 health endpoints open and guards metadata and inference with the keys', async () => {
    const svc = createService('v2_keys', { runners: [createTinyRunner()], apiKeys: ['secret'], logLevel: 'silent' });
    const { url } = await start(svc);
    try {
      expect((await get(`${url}/v2/health/live`)).status).toBe(200);
      expect((await get(`${url}/v2/health/ready`)).status).toBe(200);
      expect((await get(`${url}/v2`)).status).toBe(401);
      expect((await get(`${url}/v2/models/tiny_model`)).status).toBe(401);
      const body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 0, 1] }] };
      expect((await post(`${url}/v2/models/tiny_model/infer`, body)).status).toBe(401);
      expect((await post(`${url}/v2/models/tiny_model/infer`, body, { authorization: 'Bearer secret' })).status).toBe(200);
    } finally {
      await svc.close();
    }
  });

  it('refuses an API route under /v2 while the V2 endpoints are on', () => {
    const svc = createService('v2_route', { logLevel: 'silent' });
    expect(() => svc.api('x', { input: json(), output: json(), route: '/v2/x' }, (v) => v)).toThrow('options.route "/v2/x" is under /v2');
    expect(() => createService('v2_route_off', { logLevel: 'silent', v2: false }).api('x', { input: json(), output: json(), route: '/v2/x' }, (v) => v)).not.toThrow();
  });

  it('leaves /v2 to the Express app when the v2 option is false', async () => {
    const svc = createService('v2_off', { runners: [createTinyRunner()], v2: false, logLevel: 'silent' });
    svc.app.get('/v2/health/live', (_req, res) => void res.json({ mine: true }));
    const { url } = await start(svc);
    try {
      expect((await get(`${url}/v2/health/live`)).body).toEqual({ mine: true });
      expect((await get(`${url}/v2/models/tiny_model`)).status).toBe(404);
      expect((await get(`${url}/docs.json`)).body.paths['/v2']).toBeUndefined();
    } finally {
      await svc.close();
    }
  });
});
