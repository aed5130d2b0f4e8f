import { join, resolve } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import type { Service } from '@mlserve/service';
import { fuzzApp, type InProcessService, startInProcess } from '@mlserve/test-utils';
import { createDiagnosisService } from './create-service';

// Property-based fuzzing of the Breast Cancer API: tumours near the documented example, lists of
// them and arbitrary JSON; never a 5xx, always a documented answer.
let app: InProcessService<Service>;

beforeAll(async () => {
  app = await startInProcess('breast-cancer-fuzz-', async (root) => {
    const store = new ModelStore({ root });
    await store.importModel(join(resolve(__dirname, '..'), 'artifacts'), { name: 'breast_cancer_model' });
    return createDiagnosisService({ store, runner: { workers: 1 }, service: { logLevel: 'silent' } });
  });
});

afterAll(() => app?.close());

it('answers random tumours with documented JSON, never a 5xx', async () => {
  const example = app.svc.apis.find((a) => a.name === 'predict')!.input.example as object;
  const paths = ['/predict', '/predict', '/predict', '/model', '/livez', '/readyz', '/healthz', '/docs.json', '/nope'];
  const { sent } = await fuzzApp({
    url: app.url,
    example,
    paths,
    checkPrediction: (p) => expect(p).toMatchObject({ prediction: expect.any(String), confidence: expect.any(Number) }),
  });
  expect(sent).toBeGreaterThanOrEqual(500);
}, 60_000);
