import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { isErrorBody, type Service } from '@mlserve/service';
import fc from 'fast-check';
import { createDiagnosisService } from './create-service';

// Property-based fuzzing of the Breast Cancer API: tumours near the valid ones (each field kept,
// dropped or replaced), lists of them and arbitrary JSON; never a 5xx, always a documented answer.
const kRequests = Number(process.env.MLSERVE_FUZZ_REQUESTS ?? 2_000);
const kBatch = 10;
const kSeed = Number(process.env.MLSERVE_FUZZ_SEED ?? Date.now() % 2 ** 31);

const near = (example: object) =>
  fc.record(
    Object.fromEntries(Object.entries(example).map(([key, value]) => [key, fc.oneof({ arbitrary: fc.constant(value), weight: 6 }, fc.double(), fc.integer({ min: -3, max: 5 }), fc.string(), fc.constant(null))])),
    { requiredKeys: [] },
  );
const requestFor = (example: object) => {
  const tumour = fc.oneof(near(example), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 5 }));
  return fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
    path: fc.constantFrom('/predict', '/predict', '/predict', '/model', '/livez', '/readyz', '/healthz', '/docs.json', '/nope'),
    body: fc.oneof(tumour.map((p) => JSON.stringify(p)), fc.array(tumour, { maxLength: 20 }).map((p) => JSON.stringify(p)), fc.json(), fc.string({ maxLength: 100 })),
  });
};

let home: string;
let svc: Service;
let url: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'breast-cancer-fuzz-'));
  const store = new ModelStore({ root: home });
  await store.importModel(join(resolve(__dirname, '..'), 'artifacts'), { name: 'breast_cancer_model' });
  svc = await createDiagnosisService({ store, runner: { workers: 1 }, service: { logLevel: 'silent' } });
  ({ url } = await svc.listen(0, '127.0.0.1'));
});

afterAll(async () => {
  await svc?.close();
  await rm(home, { recursive: true, force: true });
});

it(`answers ${kRequests} random requests with documented JSON, never a 5xx (seed ${kSeed})`, async () => {
  let sent = 0;
  const request = requestFor(svc.apis.find((a) => a.name === 'predict')!.input.example as object);
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: kBatch, maxLength: kBatch }), async (batch) => {
      await Promise.all(
        batch.map(async (r) => {
          sent++;
          const res = await fetch(`${url}${r.path}`, { method: r.method, headers: { 'content-type': 'application/json' }, body: r.method === 'GET' ? undefined : r.body });
          const body = await res.json();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(isErrorBody(body) && body.statusCode === res.status).toBe(true);
          else if (r.path === '/predict') for (const p of [body].flat()) expect(p).toMatchObject({ prediction: expect.any(String), confidence: expect.any(Number) });
        }),
      );
    }),
    { numRuns: Math.ceil(kRequests / kBatch), seed: kSeed, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false },
  );
  expect(sent).toBeGreaterThanOrEqual(Math.min(kRequests, 500));
}, 60_000);
