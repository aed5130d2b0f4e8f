import express from 'express';
import { get, post, start } from '../test/helpers';
import { createService, createServiceError, json, type Service } from './index';

describe('user middleware and routes on svc.app', () => {
  let svc: Service;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    svc = createService('middleware_service', { logLevel: 'silent', processMetrics: false, bodyLimit: 100 });
    // The API middleware hook: runs for the APIs.
    svc.use((req, res, next) => {
      seen.push(`api middleware ${req.url}`);
      if (req.headers['x-block'] === 'yes') {
        res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ blocked: true }));
        return;
      }
      next();
    });
    const parseJson = express.json({ limit: 100 });
    svc.use((req, res, next) => (req.url === '/parsed' ? parseJson(req, res, next) : next()));
    svc.api('echo', { input: json({ schema: { type: 'object', required: ['a'] } }), output: json() }, (x) => x);
    svc.api('parsed', { input: json({ schema: { type: 'object', required: ['a'] } }), output: json() }, (x) => x);
    // Middleware of the Express app: runs for the app's routes, never for the APIs.
    svc.app.use((req, _res, next) => {
      seen.push(`app middleware ${req.path}`);
      next();
    });
    svc.app.get('/custom', (req, res) => {
      res.json({ hello: 'world', id: res.getHeader('x-request-id') });
    });
    svc.app.get('/fails', () => {
      throw new Error('secret');
    });
    svc.app.get('/refused', (_req, _res, next) => next(Object.assign(new Error('x-tenant header is required'), { status: 400, expose: true })));
    svc.app.get('/items/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    svc.app.get('/hidden', (_req, _res, next) => next(Object.assign(new Error('secret reason'), { status: 403, expose: false })));
    svc.app.get('/conflict', (_req, _res, next) => next(createServiceError('MLS_ERR_HTTP_NOT_FOUND', 'no such item')));
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('runs svc.use() middleware for API routes, and svc.app middleware only for the app', async () => {
    seen.length = 0;
    expect((await post(`${url}/echo`, { a: 1 })).status).toBe(200);
    expect(seen).toEqual(['api middleware /echo']);
    seen.length = 0;
    expect((await get(`${url}/custom`)).status).toBe(200);
    expect(seen).toEqual(['app middleware /custom']);
  });

  it('lets middleware answer an API request itself', async () => {
    expect(await post(`${url}/echo`, { a: 1 }, { 'x-block': 'yes' })).toMatchObject({ status: 429, body: { blocked: true } });
  });

  it('serves user routes with a request id', async () => {
    const res = await get(`${url}/custom`, { 'x-request-id': 'custom-1' });
    expect(res).toMatchObject({ status: 200, body: { hello: 'world', id: 'custom-1' } });
  });

  it('answers errors thrown in user routes as JSON 500 without internals', async () => {
    const res = await get(`${url}/fails`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, code: 'MLS_ERR_INTERNAL', error: 'Internal Server Error', message: 'Internal server error' });
  });

  it('passes mlserve errors from user routes through with their status', async () => {
    expect(await get(`${url}/conflict`)).toMatchObject({ status: 404, body: { code: 'MLS_ERR_HTTP_NOT_FOUND', message: 'no such item' } });
  });

  it('keeps the status and message of exposed 4xx errors from other middleware', async () => {
    expect(await get(`${url}/refused`)).toMatchObject({ status: 400, body: { code: 'MLS_ERR_HTTP_BAD_REQUEST', message: 'x-tenant header is required' } });
  });

  it('answers a route parameter with bad percent-encoding with 400, not 500', async () => {
    expect(await get(`${url}/items/caf%C3%A9`)).toMatchObject({ status: 200, body: { id: 'café' } });
    const res = await get(`${url}/items/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'MLS_ERR_HTTP_BAD_REQUEST', error: 'Bad Request', details: { status: 400 } });
  });

  it('keeps 4xx errors marked expose: false hidden, as a 500', async () => {
    const res = await get(`${url}/hidden`);
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('MLS_ERR_INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('answers 404, not 405, for a missing file under /docs/, and sends /docs and /docs/ to Swagger UI', async () => {
    const res = await get(`${url}/docs/missing.js`);
    expect([res.status, res.body.code]).toEqual([404, 'MLS_ERR_HTTP_NOT_FOUND']);
    expect(res.headers.get('allow')).toBeNull();
    for (const path of ['/docs', '/docs/']) {
      const redirect = await fetch(`${url}${path}`, { redirect: 'manual' });
      expect([path, redirect.status, new URL(redirect.headers.get('location')!, `${url}${path}`).pathname]).toEqual([path, 302, '/']);
      const page = await get(`${url}${path}`);
      expect([path, page.status]).toEqual([path, 200]);
      expect(page.body).toContain('docs/swagger-ui-bundle.js');
    }
    expect((await get(`${url}/docs/swagger-ui.css`)).status).toBe(200);
    const wrongMethod = await post(`${url}/docs/missing.js`, {});
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('validates a body that express.json() in svc.use() already parsed, and maps its errors', async () => {
    expect(await post(`${url}/parsed`, { a: 1 })).toMatchObject({ status: 200, body: { a: 1 } });
    expect(await post(`${url}/parsed`, { b: 1 })).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_VALIDATION' } });
    expect(await post(`${url}/parsed`, '{"a":')).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_MALFORMED_JSON' } });
    expect(await post(`${url}/parsed`, { a: 'x'.repeat(200) })).toMatchObject({ status: 413, body: { code: 'MLS_ERR_IO_BODY_TOO_LARGE' } });
  });
});

describe('svc.use()', () => {
  let svc: Service;
  let url: string;
  const order: string[] = [];

  beforeAll(async () => {
    svc = createService('use_service', { logLevel: 'silent', processMetrics: false });
    svc.use((req, _res, next) => {
      order.push('first');
      if (req.headers['x-fail'] === 'next') return next(createServiceError('MLS_ERR_HTTP_BAD_REQUEST', 'x-tenant header is required'));
      if (req.headers['x-fail'] === 'throw') throw new Error('secret detail');
      next();
    });
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    // Added after the API: runs for it all the same, after the first.
    svc.use(async (req, _res, next) => {
      order.push('second');
      if (req.headers['x-fail'] === 'reject') throw Object.assign(new Error('quota exceeded'), { status: 429, expose: true });
      next();
    });
    svc.app.get('/plain', (_req, res) => {
      res.json({ plain: true });
    });
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it('runs every middleware for API routes, in the order added, before the handler', async () => {
    order.length = 0;
    expect(await post(`${url}/echo`, { a: 1 })).toMatchObject({ status: 200, body: { a: 1 } });
    expect(order).toEqual(['first', 'second']);
  });

  it('does not run for built-in endpoints or the routes of svc.app', async () => {
    order.length = 0;
    expect((await get(`${url}/livez`)).status).toBe(200);
    expect((await get(`${url}/plain`)).body).toEqual({ plain: true });
    expect(order).toEqual([]);
  });

  it('answers next(err) with the JSON error body, and stops the chain there', async () => {
    order.length = 0;
    const res = await post(`${url}/echo`, {}, { 'x-fail': 'next' });
    expect(res).toMatchObject({ status: 400, body: { statusCode: 400, code: 'MLS_ERR_HTTP_BAD_REQUEST', error: 'Bad Request', message: 'x-tenant header is required' } });
    expect(order).toEqual(['first']);
  });

  it('answers a thrown error as a bare 500 and a rejected promise as its exposed 4xx', async () => {
    const thrown = await post(`${url}/echo`, {}, { 'x-fail': 'throw' });
    expect(thrown.status).toBe(500);
    expect(JSON.stringify(thrown.body)).not.toContain('secret');
    const rejected = await post(`${url}/echo`, {}, { 'x-fail': 'reject' });
    expect(rejected).toMatchObject({ status: 400, body: { code: 'MLS_ERR_HTTP_BAD_REQUEST', message: 'quota exceeded', details: { status: 429 } } });
  });

  it('refuses what is not a function', () => {
    expect(() => svc.use('nope' as never)).toThrow(new TypeError('middleware must be a function (req, res, next)'));
  });
});
