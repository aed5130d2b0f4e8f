import { get, post, start } from '../test/helpers';
import { createService, json, type Service } from './index';

function buildService(options: { protectMetrics?: boolean; withMiddleware?: boolean; apiKeys?: string[] }): Service {
  const { withMiddleware, ...rest } = options;
  const svc = createService('auth_service', { apiKeys: ['s3cret', 'other-key'], logLevel: 'silent', processMetrics: false, ...rest });
  if (withMiddleware) svc.use((_req, _res, next) => next());
  svc.api('echo', { input: json(), output: json() }, (x) => x);
  return svc;
}

describe.each([false, true])('API keys (svc.use middleware: %s)', (withMiddleware) => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    svc = buildService({ withMiddleware });
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('answers 401 without a key', async () => {
    const res = await post(`${url}/echo`, { a: 1 });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('MLS_ERR_AUTH_UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('labels a 401 on an API route with the API in metrics, not "unmatched"', async () => {
    expect((await post(`${url}/echo`, {})).status).toBe(401);
    const { body } = await get(`${url}/metrics`);
    expect(body).toMatch(/mlserve_http_requests_total\{api="echo",method="POST",status="401"\} [1-9]/);
    expect(body).not.toContain('api="unmatched",method="POST",status="401"');
  });

  it('answers 401 with a wrong key', async () => {
    expect((await post(`${url}/echo`, {}, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post(`${url}/echo`, {}, { 'x-api-key': 's3cre' })).status).toBe(401);
  });

  it('accepts Authorization: Bearer and x-api-key', async () => {
    expect(await post(`${url}/echo`, { a: 1 }, { authorization: 'Bearer s3cret' })).toMatchObject({ status: 200, body: { a: 1 } });
    expect(await post(`${url}/echo`, { a: 2 }, { 'x-api-key': 'other-key' })).toMatchObject({ status: 200, body: { a: 2 } });
  });

  it('answers 401 when any presented key is wrong, even beside a valid one', async () => {
    expect((await post(`${url}/echo`, {}, { authorization: 'Bearer s3cret', 'x-api-key': 'stale' })).status).toBe(401);
    expect((await post(`${url}/echo`, {}, { authorization: 'Bearer stale', 'x-api-key': 's3cret' })).status).toBe(401);
    expect((await post(`${url}/echo`, { a: 3 }, { authorization: 'Bearer s3cret', 'x-api-key': 'other-key' })).status).toBe(200);
  });

  it('protects unknown routes too, so they reveal nothing', async () => {
    expect((await get(`${url}/secret-admin`)).status).toBe(401);
  });

  it('keeps health endpoints, docs and (by default) metrics open', async () => {
    for (const path of ['/livez', '/readyz', '/healthz', '/metrics', '/docs.json', '/']) {
      expect([path, (await get(`${url}${path}`)).status]).toEqual([path, 200]);
    }
  });
});

describe('API keys with protectMetrics', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    svc = buildService({ protectMetrics: true });
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('requires a key for /metrics but not for health', async () => {
    expect((await get(`${url}/metrics`)).status).toBe(401);
    expect((await get(`${url}/metrics`, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await get(`${url}/readyz`)).status).toBe(200);
  });
});

describe('API keys from MLSERVE_API_KEYS', () => {
  it('are read when the option is absent', async () => {
    process.env.MLSERVE_API_KEYS = 'env-key-1,env-key-2';
    const svc = createService('env_service', { logLevel: 'silent', processMetrics: false });
    delete process.env.MLSERVE_API_KEYS;
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    const { url } = await start(svc);
    try {
      expect((await post(`${url}/echo`, {})).status).toBe(401);
      expect((await post(`${url}/echo`, {}, { 'x-api-key': 'env-key-2' })).status).toBe(200);
    } finally {
      await svc.close();
    }
  });
});
