import { get, post, start } from '../test/helpers';
import { createService, json, type Service } from './index';

describe.each([false, true])('CORS (svc.use middleware: %s)', (withMiddleware) => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    svc = createService('cors_service', { cors: { origin: ['https://app.example'] }, apiKeys: ['k'], logLevel: 'silent', processMetrics: false });
    if (withMiddleware) svc.use((_req, _res, next) => next());
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('answers a preflight with 204 and the allowed methods, before authentication', async () => {
    const res = await fetch(`${url}/echo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
  });

  it('adds the headers to API answers, errors included', async () => {
    const ok = await post(`${url}/echo`, { a: 1 }, { origin: 'https://app.example', 'x-api-key': 'k' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const denied = await post(`${url}/echo`, {}, { origin: 'https://app.example' });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('adds nothing for an origin that is not allowed', async () => {
    const res = await get(`${url}/livez`, { origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS off (the default)', () => {
  it('adds no CORS header', async () => {
    const svc = createService('plain_service', { logLevel: 'silent', processMetrics: false });
    const { url } = await start(svc);
    try {
      expect((await get(`${url}/livez`, { origin: 'https://app.example' })).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await svc.close();
    }
  });
});
