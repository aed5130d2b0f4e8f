import { join, resolve } from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import type { Service } from '@mlserve/service';
import { fuzzApp, type InProcessService, startInProcess } from '@mlserve/test-utils';
import { createTitanicService } from './create-service';
import { kOneHotSurvivorExample, kRawExample } from './passenger';

// Property-based fuzzing of the Titanic API: passengers near the valid ones (raw and one-hot), lists
// of them and arbitrary JSON; never a 5xx, always a documented answer.
let app: InProcessService<Service>;

beforeAll(async () => {
  app = await startInProcess('titanic-fuzz-', async (root) => {
    const store = new ModelStore({ root });
    await store.importModel(join(resolve(__dirname, '..'), 'artifacts'), { name: 'titanic_model' });
    return createTitanicService({ store, runner: { workers: 1 }, service: { logLevel: 'silent' } });
  });
});

afterAll(() => app?.close());

const checkPrediction = (p: unknown) => expect(p).toEqual({ survived: expect.any(Number), probability: expect.any(Number), message: expect.any(String) });
const paths = ['/predict', '/predict', '/predict', '/livez', '/readyz', '/healthz', '/docs.json', '/nope'];

it('answers random passengers with documented JSON, never a 5xx', async () => {
  const raw = await fuzzApp({ url: app.url, example: kRawExample, paths, checkPrediction, requests: 1_000 });
  const oneHot = await fuzzApp({ url: app.url, example: kOneHotSurvivorExample, paths, checkPrediction, requests: 1_000 });
  expect(raw.sent + oneHot.sent).toBeGreaterThanOrEqual(1_000);
}, 90_000);
