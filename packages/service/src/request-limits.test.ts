import { gzipSync } from 'node:zlib';
import { createMemoryLogger, post, rawRequest, start } from '../test/helpers';
import { createService, json, records, tensor, type Service } from './index';

const kRecordSchema = {
  type: 'object',
  required: ['age', 'fare', 'sex'],
  properties: { age: { type: 'number' }, fare: { type: 'number' }, sex: { enum: ['male', 'female'] } },
};

// Bodies at the default 1 MiB limit that cost far more to answer than to send.
describe.each([false, true])('request limits (svc.use middleware: %s)', (withMiddleware) => {
  let svc: Service;
  let url: string;
  let port: number;
  let lines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    const memory = createMemoryLogger();
    lines = memory.lines;
    svc = createService('limits_service', { logger: memory.logger, processMetrics: false, requestTimeoutMs: 300 });
    if (withMiddleware) svc.use((_req, _res, next) => next());
    svc.api('predict', { input: records({ inputSchema: () => kRecordSchema }, { maxRecords: 1_000_000 }), output: json() }, (rows) => rows.length);
    svc.api('predict_default', { input: records({ inputSchema: () => kRecordSchema }), output: json() }, (rows) => rows.length);
    svc.api('echo', { input: json({ schema: { type: 'object' } }), output: json() }, (x) => x);
    svc.api(
      'strict',
      { input: records({ inputSchema: () => ({ type: 'object', additionalProperties: false, properties: { age: { type: 'number' } } }) }), output: json() },
      (rows) => rows.length,
    );
    svc.api('matrix', { input: tensor({ dtype: 'float32' }), output: json() }, (t) => t.dims);
    ({ url, port } = await start(svc));
  });
  afterAll(() => svc.close());

  it('answers 900 KB of invalid records quickly with at most 50 issues and truncated: true', async () => {
    const body = `[${Array(300_000).fill('{}').join(',')}]`;
    const started = Date.now();
    const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    expect(Date.now() - started).toBeLessThan(2500); // 5 s before the cap, on a loaded machine too
    expect(res.status).toBe(400);
    expect(text.length).toBeLessThan(20_000);
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed).sort()).toEqual(['code', 'details', 'error', 'message', 'statusCode', 'truncated']);
    expect(parsed).toMatchObject({ statusCode: 400, code: 'MLS_ERR_IO_VALIDATION', truncated: true });
    expect(parsed.details).toHaveLength(50);
    expect(parsed.details[0]).toEqual({ path: '/0/age', message: 'is required', keyword: 'required' });
    expect(parsed.message).toMatch(/and more \(validation stopped early\)$/);
  });

  it('leaves truncated out when every issue is listed', async () => {
    const res = await post(`${url}/predict`, [{ age: 1, fare: 1 }]);
    expect(res.body).toEqual({
      statusCode: 400,
      code: 'MLS_ERR_IO_VALIDATION',
      error: 'Bad Request',
      message: 'Request body does not match the schema: /0/sex is required',
      details: [{ path: '/0/sex', message: 'is required', keyword: 'required' }],
    });
  });

  it('answers more records than maxRecords (default 10,000) with 413', async () => {
    const rows = Array.from({ length: 10_001 }, () => ({ age: 1, fare: 1, sex: 'male' }));
    const res = await post(`${url}/predict_default`, rows);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'MLS_ERR_IO_TOO_MANY_RECORDS', details: { maxRecords: 10_000, received: 10_001 } });
    expect((await post(`${url}/predict_default`, rows.slice(1))).body).toBe(10_000);
  });

  it('answers a small ragged tensor whose first rows claim 1e9 elements with a coded 400', async () => {
    const row = `[${Array(1000).fill(0).join(',')}]`;
    const res = await post(`${url}/matrix`, `[[${row}${',[0]'.repeat(999)}]${',[[0]]'.repeat(999)}]`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MLS_ERR_IO_TENSOR');
    const deep = await post(`${url}/matrix`, `${'['.repeat(200)}${']'.repeat(200)}`);
    expect([deep.status, deep.body.code]).toEqual([400, 'MLS_ERR_IO_TENSOR']);
    expect(lines.filter((l) => l.msg === 'unhandled error')).toEqual([]);
  });

  it('refuses a compressed body with 415 instead of parsing it as JSON', async () => {
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"a":1}') });
    const body = await res.json();
    expect(res.status).toBe(415);
    expect(body).toMatchObject({ code: 'MLS_ERR_IO_UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('Content-Encoding "gzip"') });
    expect((await post(`${url}/echo`, { a: 1 }, { 'content-encoding': 'identity' })).status).toBe(200);
  });

  it('answers 408 and closes the connection when the body does not arrive within requestTimeoutMs', async () => {
    const head = `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`;
    const answer = await rawRequest(port, head, '{"a":', 3000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"MLS_ERR_IO_BODY_TIMEOUT"');
  });

  it('caps the size of an error about 1 MB of long unknown keys', async () => {
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${i}${'k'.repeat(20_000)}`, 1]));
    for (const body of [wide(45), [wide(22), wide(22)]]) {
      const res = await fetch(`${url}/strict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(text.length).toBeLessThan(40_000);
      expect(JSON.parse(text)).toMatchObject({ code: 'MLS_ERR_IO_VALIDATION' });
    }
  });
});
