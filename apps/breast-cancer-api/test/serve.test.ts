import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createAppHarness } from '@mlserve/test-utils';

// The seed's steps as a user types them: `pnpm save` (src/save_model.ts), then
// `mlserve serve src/service.ts:svc`, then the seed's curl request.

const kApp = resolve(__dirname, '..');
const app = createAppHarness(kApp, 'breast-cancer-serve-');
beforeAll(app.setup);
afterAll(app.teardown);

it('saves the model once, then finds it unchanged', async () => {
  expect((await app.run('tsx', ['src/save_model.ts'])).stdout).toMatch(/^Model saved: breast_cancer_model:\w+/);
  expect((await app.run('tsx', ['src/save_model.ts', '--if-changed'])).stdout).toMatch(/^Model unchanged: breast_cancer_model:\w+ is already the latest/);
});

it('serves src/service.ts:svc with the mlserve command and answers the seed diagnosis and model card', async () => {
  const url = await app.serve(['serve', 'src/service.ts:svc', '--port', '0'], 'breast_cancer_service');
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(JSON.parse(await readFile(join(kApp, 'fixtures', 'reference.json'), 'utf8')).records[0]),
  });
  expect(await res.json()).toEqual(expect.objectContaining({ prediction: expect.stringMatching(/^(malignant|benign)$/) }));
  const card = (await (await fetch(`${url}/model`)).json()) as { classes: string[] };
  expect(card.classes).toEqual(['malignant', 'benign']);
  expect((await app.stop()).code).toBe(0);
});
