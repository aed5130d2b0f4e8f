import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { get, post, start } from '../test/helpers';
import { Admission } from './admission';
import { createService, json, records, type RunnerLike, type Service } from './index';

/** A runner whose queue the test fills by hand: admission reads only stats(), options and 'batch' events. */
class QueueRunner extends EventEmitter implements RunnerLike {
  readonly name = 'queue_runner';
  readonly isReady = true;
  readonly options = { maxQueue: 100, maxLatencyMs: 1000 };
  queueRows = 0;
  ready = async () => {};
  close = async () => {};
  stats() {
    return { queueRows: this.queueRows, inFlightRows: 0, workers: 1 };
  }
}

const kSchema = { inputSchema: () => ({ type: 'object', properties: { x: { type: 'number' } } }) };

describe('admission before work', () => {
  let svc: Service;
  let url: string;
  let runner: QueueRunner;
  let bodiesRead = 0;

  beforeAll(async () => {
    runner = new QueueRunner();
    svc = createService('admission_service', { runners: [runner], logLevel: 'silent', processMetrics: false });
    svc.use((req, _res, next) => {
      req.once('data', () => bodiesRead++);
      next();
    });
    svc.api('predict', { input: records(kSchema), output: json() }, (rows) => rows.length);
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('admits everything while the runner queue has room', async () => {
    runner.queueRows = 10;
    expect(await post(`${url}/predict`, [{ x: 1 }, { x: 2 }])).toMatchObject({ status: 200, body: 2 });
  });

  it('refuses with 503 and Retry-After from the declared size, before reading the body', async () => {
    runner.queueRows = 95;
    bodiesRead = 0;
    // About 12 rows of 12 bytes each: more than the 5 rows left in the queue.
    const res = await post(
      `${url}/predict`,
      Array.from({ length: 12 }, (_, i) => ({ x: i })),
    );
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, code: 'MLS_ERR_SERVICE_OVERLOADED', error: 'Service Unavailable' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(bodiesRead).toBe(0);
  });

  it('uses the rate learned from batch events for the Retry-After and the latency budget', async () => {
    // 0.01 rows per ms: the 1000 ms budget holds 10 rows, and 95 queued rows take 10 s to drain.
    runner.emit('batch', { size: 1, inferenceMs: 100 });
    runner.queueRows = 20;
    const res = await post(`${url}/predict`, [{ x: 1 }]);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    runner.emit('batch', { size: 10_000, inferenceMs: 1 });
    runner.queueRows = 0;
  });

  it('keeps the connection usable after a refusal', async () => {
    runner.queueRows = 100;
    const statuses: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const agent = new (require('node:http').Agent)({ keepAlive: true, maxSockets: 1 });
      let done = 0;
      for (let i = 0; i < 2; i++) {
        const req = request(`${url}/predict`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          statuses.push(res.statusCode ?? 0);
          res.resume();
          res.on('end', () => (++done === 2 ? (agent.destroy(), resolve()) : undefined));
        });
        req.on('error', reject);
        req.end(JSON.stringify([{ x: 1 }]));
      }
    });
    expect(statuses).toEqual([503, 503]);
    runner.queueRows = 0;
  });

  it('answers health and metrics whatever the queue', async () => {
    runner.queueRows = 100;
    expect((await get(`${url}/livez`)).status).toBe(200);
    expect((await get(`${url}/metrics`)).status).toBe(200);
    runner.queueRows = 0;
  });

  it('is off with admission: false', async () => {
    const off = createService('no_admission', { runners: [runner], admission: false, logLevel: 'silent', processMetrics: false });
    off.api('predict', { input: records(kSchema), output: json() }, (rows) => rows.length);
    const { url: offUrl } = await start(off);
    runner.queueRows = 100;
    try {
      expect((await post(`${offUrl}/predict`, [{ x: 1 }])).status).toBe(200);
    } finally {
      runner.queueRows = 0;
      await off.close();
    }
  });
});

describe('admission and runners loaded at run time', () => {
  it('counts a runner added after construction and forgets it once removed', () => {
    const admission = new Admission([]);
    const loaded = new QueueRunner();
    loaded.queueRows = 100;
    expect(admission.admit(1)).toBeUndefined();
    admission.release(1);
    admission.addRunner(loaded);
    expect(admission.admit(1)).toMatchObject({ reason: expect.stringContaining('queue_runner') });
    admission.removeRunner(loaded);
    expect(admission.admit(1)).toBeUndefined();
    expect(loaded.listenerCount('batch')).toBe(0);
  });
});
