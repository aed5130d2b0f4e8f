import express from 'express';
import { get, post, start } from '../test/helpers';
import { createService, createServiceError, json, type Service } from './index';

describe('user middleware and routes on svc.app', () => {
  let svc: Service;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    svc = createService('middleware_service', { logLevel: 'silent', processMetrics: false, bodyLimit: 100 });
    // Added before the APIs: runs for them, exactly as in plain Express.
    svc.app.use((req, res, next) => {
      seen.push(`before ${req.path}`);
      if (req.headers['x-block'] === 'yes') {
        res.status(429).json({ blocked: true });
        return;
      }
      next();
    });
    svc.app.use('/parsed', express.json({ limit: 100 }));
    svc.api('echo', { input: json({ schema: { type: 'object', required: ['a'] } }), output: json() }, (x) => x);
    svc.api('parsed', { input: json({ schema: { type: 'object', required: ['a'] } }), output: json() }, (x) => x);
    // Added after: the API route answers first, so it never runs for /echo.
    svc.app.use((req, _res, next) => {
      seen.push(`after ${req.path}`);
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

  it('runs middleware added before svc.api() for API routes, and not middleware added after', async () => {
    seen.length = 0;
    expect((await post(`${url}/echo`, { a: 1 })).status).toBe(200);
    expect(seen).toEqual(['before /echo']);
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

  it('answers 404, not 405, for a missing file under /docs/ and for /docs/ itself', async () => {
    for (const path of ['/docs/missing.js', '/docs/']) {
      const res = await get(`${url}${path}`);
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'MLS_ERR_HTTP_NOT_FOUND']);
      expect(res.headers.get('allow')).toBeNull();
    }
    expect((await get(`${url}/docs/swagger-ui.css`)).status).toBe(200);
    const wrongMethod = await post(`${url}/docs/missing.js`, {});
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('validates a body that express.json() already parsed, and maps its errors', async () => {
    expect(await post(`${url}/parsed`, { a: 1 })).toMatchObject({ status: 200, body: { a: 1 } });
    expect(await post(`${url}/parsed`, { b: 1 })).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_VALIDATION' } });
    expect(await post(`${url}/parsed`, '{"a":')).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_MALFORMED_JSON' } });
    expect(await post(`${url}/parsed`, { a: 'x'.repeat(200) })).toMatchObject({ status: 413, body: { code: 'MLS_ERR_IO_BODY_TOO_LARGE' } });
  });
});

describe('the fast path with user middleware', () => {
  it('is kept for an API when the middleware before it cannot match its path, and left when one can', async () => {
    const svc = createService('scoped_service', { logLevel: 'silent', processMetrics: false });
    svc.app.use('/admin', (_req, _res, next) => next());
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    const { url } = await start(svc);
    const handle = jest.spyOn(svc.app as unknown as { handle: (...args: unknown[]) => void }, 'handle');
    try {
      await post(`${url}/echo`, {});
      expect(handle).toHaveBeenCalledTimes(0);
      // Added after listen(): noticed on the next request; it stands after /echo, so /echo stays fast.
      svc.app.use((_req, _res, next) => next());
      svc.api('late', { input: json(), output: json() }, (x) => x);
      await post(`${url}/echo`, {});
      expect(handle).toHaveBeenCalledTimes(0);
      expect((await post(`${url}/late`, { b: 2 })).body).toEqual({ b: 2 });
      expect(handle).toHaveBeenCalledTimes(1);
    } finally {
      handle.mockRestore();
      await svc.close();
    }
  });
});
