import { createMemoryLogger, get, post, start, waitFor } from '../test/helpers';
import { createService, json, type Service } from './index';

describe('request ids and access logs', () => {
  let svc: Service;
  let url: string;
  let lines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const memory = createMemoryLogger('info');
    lines = memory.lines;
    svc = createService('logging_service', { logger: memory.logger, processMetrics: false });
    svc.api('echo', { input: json(), output: json() }, (x, ctx) => {
      ctx.logger.info({ note: 'from handler' }, 'handler log');
      return x;
    });
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('replaces a request id that is too long or not printable ASCII', async () => {
    const long = await get(`${url}/livez`, { 'x-request-id': 'x'.repeat(201) });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const spaced = await get(`${url}/livez`, { 'x-request-id': 'a b' });
    expect(spaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs query values, where keys may travel', async () => {
    await get(`${url}/livez?api_key=s3cret-key&x=1`, { 'x-request-id': 'scrub-1' });
    const line = await waitFor(() => lines.find((l) => l.reqId === 'scrub-1' && l.msg === 'request completed'));
    expect(line?.url).toBe('/livez?api_key=[redacted]&x=[redacted]');
    expect(JSON.stringify(lines)).not.toContain('s3cret-key');
  });

  it('binds the handler logger to the request id and API', async () => {
    await post(`${url}/echo`, {}, { 'x-request-id': 'handler-1' });
    expect(lines.find((l) => l.msg === 'handler log')).toMatchObject({ reqId: 'handler-1', api: 'echo', note: 'from handler' });
  });

  it('logs every request once, Express routes and errors included', async () => {
    await get(`${url}/nope`, { 'x-request-id': 'missing-1' });
    await get(`${url}/readyz`, { 'x-request-id': 'ready-1' });
    const access = (id: string) => lines.filter((l) => l.reqId === id && l.msg === 'request completed');
    await waitFor(() => access('missing-1').length > 0 && access('ready-1').length > 0);
    expect(access('missing-1')).toEqual([expect.objectContaining({ statusCode: 404, api: 'unmatched', method: 'GET' })]);
    expect(access('ready-1')).toEqual([expect.objectContaining({ statusCode: 200, api: '/readyz' })]);
  });
});

describe('the log level', () => {
  it('is configurable: at warn, access lines are not written', async () => {
    const memory = createMemoryLogger('info');
    const svc = createService('quiet_service', { logger: memory.logger.child({}, { level: 'warn' }), processMetrics: false });
    const { url } = await start(svc);
    try {
      await get(`${url}/livez`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(memory.lines.filter((l) => l.msg === 'request completed')).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('comes from MLSERVE_LOG_LEVEL when not given', () => {
    process.env.MLSERVE_LOG_LEVEL = 'error';
    try {
      expect(createService('env_level_service', { processMetrics: false }).logger.level).toBe('error');
    } finally {
      delete process.env.MLSERVE_LOG_LEVEL;
    }
  });
});
