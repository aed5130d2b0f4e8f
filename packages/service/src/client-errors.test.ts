import { rawRequest, start } from '../test/helpers';
import { createService, json, type Service } from './index';

/** The status line and parsed JSON body of a raw answer. */
function parseAnswer(answer: string): { status: number; type: string | undefined; body: Record<string, unknown> } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1];
  return { status: Number(head.split(' ')[1]), type, body: JSON.parse(body) };
}

describe("Node's client errors", () => {
  let svc: Service;
  let port: number;

  beforeAll(async () => {
    svc = createService('client_errors_service', { logLevel: 'silent', processMetrics: false, headersTimeoutMs: 300 });
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    ({ port } = await start(svc));
  });
  afterAll(() => svc.close());

  it.each([
    [
      'a bad chunk size',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      400,
      'MLS_ERR_HTTP_BAD_REQUEST',
    ],
    [
      'Transfer-Encoding with Content-Length',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      400,
      'MLS_ERR_HTTP_BAD_REQUEST',
    ],
    ['a bad Content-Length', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}', 400, 'MLS_ERR_HTTP_BAD_REQUEST'],
    ['headers over the limit', `GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'MLS_ERR_HTTP_HEADERS_TOO_LARGE'],
    ['headers that never end', 'GET /livez HTTP/1.1\r\nHost: x\r\n', 408, 'MLS_ERR_HTTP_HEADERS_TIMEOUT'],
    [
      'an Expect other than 100-continue',
      'POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      417,
      'MLS_ERR_HTTP_EXPECTATION_FAILED',
    ],
  ])('answers %s with a JSON %i', async (_name, raw, status, code) => {
    const answer = parseAnswer(await rawRequest(port, raw, '', 3000));
    expect(answer.status).toBe(status);
    expect(answer.type).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ statusCode: status, code, error: expect.any(String), message: expect.any(String) });
  });
});
