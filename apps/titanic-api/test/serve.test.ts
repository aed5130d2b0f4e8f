import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { spawnProcess, stopProcess, waitForServing, type SpawnedProcess } from '@mlserve/test-utils';

// The seed's steps as a user types them: `pnpm save` (src/save_model.ts), then
// `mlserve serve src/service.ts:svc`, then the seed's curl request.

const kApp = resolve(__dirname, '..');
const kBin = join(kApp, 'node_modules', '.bin');

let home: string;
let env: NodeJS.ProcessEnv;
let server: SpawnedProcess | undefined;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'titanic-serve-'));
  const { NODE_OPTIONS: _jest, ...rest } = process.env;
  env = { ...rest, MLSERVE_HOME: home, MLSERVE_LOG_LEVEL: 'silent' };
});

afterAll(async () => {
  if (server) await stopProcess(server);
  await rm(home, { recursive: true, force: true });
});

it('saves the model once, then finds it unchanged', async () => {
  const run = (args: string[]) => promisify(execFile)(join(kBin, 'tsx'), args, { cwd: kApp, env });
  expect((await run(['src/save_model.ts'])).stdout).toMatch(/^Model saved: titanic_model:\w+/);
  expect((await run(['src/save_model.ts', '--if-changed'])).stdout).toMatch(/^Model unchanged: titanic_model:\w+ is already the latest/);
});

it('serves src/service.ts:svc with the mlserve command and answers the seed request', async () => {
  server = spawnProcess(join(kBin, 'mlserve'), ['serve', 'src/service.ts:svc', '--port', '0'], { cwd: kApp, env });
  const url = await waitForServing(server, { name: 'titanic_service' });
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"Pclass":1,"Age":30,"SibSp":0,"Parch":0,"Fare":100,"Sex_female":1,"Sex_male":0,"Embarked_C":1,"Embarked_Q":0,"Embarked_S":0}',
  });
  expect(await res.json()).toEqual({ survived: 1, probability: expect.any(Number), message: '1 = 생존, 0 = 사망' });
  expect((await stopProcess(server)).code).toBe(0);
});
