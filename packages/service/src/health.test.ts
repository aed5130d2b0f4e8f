import { connect } from 'node:net';
import { createRunner } from '@mlserve/runner';
import { createTinyRunner, deferred, get, start } from '../test/helpers';
import { createService, json, type RunnerLike, type Service } from './index';

/** A runner whose readiness the test decides (a real runner is ready within milliseconds). */
function createGatedRunner(name: string): RunnerLike & { open(): void } {
  const gate = deferred();
  let ready = false;
  return {
    name,
    get isReady() {
      return ready;
    },
    ready: () =>
      gate.promise.then(() => {
        ready = true;
      }),
    close: async () => {},
    open: () => gate.resolve(),
  };
}

describe('health endpoints', () => {
  let svc: Service;
  let url: string;
  const slow = createGatedRunner('slow_model');

  beforeAll(async () => {
    svc = createService('health_service', { runners: [createTinyRunner(), slow], logLevel: 'silent' });
    ({ url } = await svc.listen(0, '127.0.0.1', { waitForRunners: false }));
  });
  afterAll(() => svc.close());

  it('answers /livez as soon as the process listens', async () => {
    expect(await get(`${url}/livez`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers /readyz 503 until every runner is ready, naming the ones it waits for', async () => {
    const res = await get(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ code: 'MLS_ERR_SERVICE_NOT_READY', message: expect.stringContaining('slow_model') });
  });

  it('answers /readyz 200 once they are', async () => {
    slow.open();
    await Promise.all(svc.runners.map((r) => r.ready()));
    const res = await get(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(res.body.runners).toEqual([
      { name: 'tiny_model', ready: true, model: 'tiny_model:v1' },
      { name: 'slow_model', ready: true },
    ]);
  });

  it('answers /healthz with the state of every runner', async () => {
    const res = await get(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', ready: true, shuttingDown: false });
  });
});

describe('/readyz during shutdown', () => {
  it('turns 503 while requests in flight finish', async () => {
    const release = deferred();
    const entered = deferred();
    const svc = createService('draining_service', { logLevel: 'silent' });
    svc.api('hold', { input: json(), output: json() }, async () => {
      entered.resolve();
      await release.promise;
      return { done: true };
    });
    const { port } = await start(svc);
    // The server stops accepting connections at close(), so /readyz is asked on the connection that
    // is still busy with a request in flight (pipelined behind it).
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    socket.write('POST /hold HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    await entered.promise;
    const closed = svc.close();
    expect(svc.isReady).toBe(false);
    socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release.resolve();
    await closed;
    await ended;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(first).toContain('{"done":true}');
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toContain('MLS_ERR_SERVICE_SHUTTING_DOWN');
    expect(second?.toLowerCase()).toContain('connection: close');
  });
});

describe('a runner that cannot start', () => {
  it('makes listen() reject with the error of the runner', async () => {
    const broken = createRunner({ modelPath: '/nonexistent/model.onnx', name: 'broken_model' }, { inProcess: true });
    const svc = createService('broken_service', { runners: [broken], logLevel: 'silent', processMetrics: false });
    await expect(svc.listen(0, '127.0.0.1')).rejects.toMatchObject({ code: 'MLS_ERR_RUNNER_MODEL_LOAD' });
    await svc.close();
  });
});
