import { resolve } from 'node:path';
import { createAppHarness } from '@mlserve/test-utils';

// The seed's steps as a user types them: `pnpm save` (src/save_model.ts), then
// `mlserve serve src/service.ts:svc`, then the seed's curl request.

const app = createAppHarness(resolve(__dirname, '..'), 'titanic-serve-');
beforeAll(app.setup);
afterAll(app.teardown);

it('saves the model once, then finds it unchanged', async () => {
  expect((await app.run('tsx', ['src/save_model.ts'])).stdout).toMatch(/^Model saved: titanic_model:\w+/);
  expect((await app.run('tsx', ['src/save_model.ts', '--if-changed'])).stdout).toMatch(/^Model unchanged: titanic_model:\w+ is already the latest/);
});

it('serves src/service.ts:svc with the mlserve command and answers the seed request', async () => {
  const url = await app.serve(['serve', 'src/service.ts:svc', '--port', '0'], 'titanic_service');
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"Pclass":1,"Age":30,"SibSp":0,"Parch":0,"Fare":100,"Sex_female":1,"Sex_male":0,"Embarked_C":1,"Embarked_Q":0,"Embarked_S":0}',
  });
  expect(await res.json()).toEqual({ survived: 1, probability: expect.any(Number), message: '1 = 생존, 0 = 사망' });
  expect((await app.stop()).code).toBe(0);
});
