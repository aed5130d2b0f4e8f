import { get, start } from '../test/helpers';
import { createService, json, type Service } from './index';

describe('OPTIONS and HEAD', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    svc = createService('methods_service', { logLevel: 'silent', processMetrics: false });
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('answers OPTIONS on the routes of the core with 204 and Allow', async () => {
    for (const [path, allow] of [
      ['/echo', 'POST, OPTIONS'],
      ['/livez', 'GET, HEAD, OPTIONS'],
      ['/docs/swagger-ui.css', 'GET, HEAD, OPTIONS'],
    ]) {
      const res = await fetch(`${url}${path}`, { method: 'OPTIONS' });
      expect([path, res.status, res.headers.get('allow'), await res.text()]).toEqual([path, 204, allow, '']);
    }
  });

  it('answers OPTIONS on an unknown path with the JSON 404', async () => {
    const res = await fetch(`${url}/nope`, { method: 'OPTIONS' });
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('MLS_ERR_HTTP_NOT_FOUND');
  });

  it('answers HEAD like GET, without a body', async () => {
    for (const path of ['/livez', '/readyz', '/metrics', '/docs.json', '/', '/docs/swagger-ui.css']) {
      const [head, full] = await Promise.all([fetch(`${url}${path}`, { method: 'HEAD' }), fetch(`${url}${path}`)]);
      const body = await full.text();
      expect([path, head.status, head.headers.get('content-type'), await head.text()]).toEqual([path, full.status, full.headers.get('content-type'), '']);
      expect(Number(head.headers.get('content-length') ?? Buffer.byteLength(body))).toBeGreaterThan(0);
    }
  });

  it('answers HEAD on an API with 405 and Allow: POST', async () => {
    const res = await fetch(`${url}/echo`, { method: 'HEAD' });
    expect([res.status, res.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('serves Swagger UI at /docs too', async () => {
    const res = await get(`${url}/docs`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('swagger-ui');
  });
});
