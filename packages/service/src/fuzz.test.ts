import fc from 'fast-check';
import { createTinyRunner, loadFixturePipeline, start } from '../test/helpers';
import { createService, isErrorBody, json, records, tensor, text, type Service } from './index';

// Property-based fuzzing of every endpoint: whatever arrives, the answer is a documented 2xx/3xx/4xx
// (JSON, or the documented non-JSON of text APIs, metrics and Swagger UI), never a 5xx or a crash.
// Requests go out in batches sent at once (a case is one batch), so that the run stays bounded in time.
const kRequests = Number(process.env.MLSERVE_FUZZ_REQUESTS ?? 10_000);
const kBatch = 10;
const kTimeLimitMs = 75_000;
const kSeed = Number(process.env.MLSERVE_FUZZ_SEED ?? Date.now() % 2 ** 31);

const kPaths = [
  '/predict',
  '/echo',
  '/matrix',
  '/shout',
  '/livez',
  '/readyz',
  '/healthz',
  '/metrics',
  '/docs.json',
  '/',
  '/docs',
  '/docs/',
  '/docs/swagger-ui.css',
  '/docs/nope.js',
  '/custom',
  '/nope',
];
// Paths whose 2xx is not JSON by design.
const kNonJson = new Map([
  ['/shout', 'text/plain'],
  ['/metrics', 'text/plain'],
  ['/', 'text/html'],
  ['/docs/swagger-ui.css', 'text/css'],
]);

const passenger = fc.record(
  {
    age: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
    fare: fc.oneof(fc.double({ min: -1e6, max: 1e6 }), fc.string()),
    sex: fc.oneof(fc.constantFrom('male', 'female'), fc.string()),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  passenger.map((p) => JSON.stringify(p)),
  fc.array(passenger, { maxLength: 20 }).map((p) => JSON.stringify(p)),
  fc.array(fc.array(fc.oneof(fc.double(), fc.integer(), fc.string()), { maxLength: 5 }), { maxLength: 5 }).map((t) => JSON.stringify(t)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.oneof(
    { arbitrary: fc.constantFrom('/predict', '/echo', '/matrix', '/shout'), weight: 4 },
    { arbitrary: fc.constantFrom(...kPaths), weight: 3 },
    { arbitrary: fc.constantFrom(...kPaths).chain((p) => fc.webQueryParameters().map((q) => `${p}?${q}`)), weight: 1 },
    { arbitrary: fc.webPath(), weight: 1 },
  ),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/problem+json', ''),
  requestId: fc.option(fc.string({ maxLength: 250 }), { nil: undefined }),
  body,
});

type RequestCase = typeof request extends fc.Arbitrary<infer T> ? T : never;

describe('fuzzing every endpoint of a service', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    const runner = createTinyRunner();
    svc = createService('fuzz_service', { runners: [runner], logLevel: 'silent', processMetrics: false, bodyLimit: 64 * 1024 });
    svc.use((_req, _res, next) => next());
    svc.api('predict', { input: records(loadFixturePipeline()), output: json() }, async (rows) => (await runner.predict(rows)).map((p) => ({ label: p.label })));
    svc.api('echo', { input: json({ schema: { type: 'object', required: ['a'], properties: { a: { type: 'number' } }, additionalProperties: false } }), output: json() }, (x) => x);
    svc.api('matrix', { input: tensor({ dtype: 'float32', shape: [-1, 4] }), output: json() }, async (t) => (await runner.run({ input: t })).label!.data);
    svc.api('shout', { input: text(), output: text() }, (s) => s.toUpperCase());
    svc.app.get('/custom', (_req, res) => {
      res.json({ custom: true });
    });
    ({ url } = await start(svc));
  });
  afterAll(() => svc.close());

  it(`answers ${kRequests} random requests with documented non-5xx answers (seed ${kSeed})`, async () => {
    const started = Date.now();
    const statuses = new Map<number, number>();
    let sent = 0;
    const check = async (r: RequestCase) => {
      sent++;
      const headers: Record<string, string> = {};
      if (r.contentType !== '') headers['content-type'] = r.contentType;
      if (r.requestId !== undefined && /^[\x20-\x7e]*$/.test(r.requestId)) headers['x-request-id'] = r.requestId;
      const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(r.method);
      const res = await fetch(`${url}${r.path}`, { method: r.method, headers, body: hasBody ? r.body : undefined, redirect: 'manual' });
      const answer = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status).toBeLessThan(500);
      if (res.status === 204 || res.status === 302 || r.method === 'HEAD') return;
      // OPTIONS on a route of svc.app: Express's own answer, the Allow header with the same text.
      if (r.method === 'OPTIONS' && res.status === 200 && res.headers.get('allow') === answer) return;
      const type = res.headers.get('content-type') ?? '';
      const path = new URL(res.url).pathname;
      if (res.status < 300 && kNonJson.has(path)) {
        expect(type).toContain(kNonJson.get(path));
        return;
      }
      expect(type).toBe('application/json; charset=utf-8');
      const parsed = JSON.parse(answer);
      if (res.status >= 400) expect(isErrorBody(parsed) && parsed.statusCode === res.status).toBe(true);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: kBatch, maxLength: kBatch }), async (batch) => {
        await Promise.all(batch.map(check));
      }),
      { numRuns: Math.ceil(kRequests / kBatch), seed: kSeed, interruptAfterTimeLimit: kTimeLimitMs, markInterruptAsFailure: false },
    );
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const ms = Date.now() - started;
    console.log(`fuzz: ${sent} requests in ${ms} ms (${Math.round((sent / ms) * 1000)}/s), statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(sent).toBeGreaterThanOrEqual(Math.min(kRequests, 2_000));
  }, 120_000);
});
