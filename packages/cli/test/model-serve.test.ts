import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { createRunner } from '@mlserve/runner';
import { kTinyModelDir, makeTempDir, postJson, runBin, spawnCli, stopCli, waitForUrl } from './helpers';

// `mlserve serve <model tag>...` from the real binary, checked against the runner's own predictions.
describe('mlserve serve <model tag>', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let env: NodeJS.ProcessEnv;
  const rows = [
    { length: 5.1, width: 3.5, color: 'red' },
    { length: 6.7, width: 3.0, color: 'blue' },
    { length: 4.0, width: null, color: 'blue' },
  ];
  beforeAll(async () => {
    tmp = makeTempDir();
    env = { MLSERVE_HOME: tmp.dir, MLSERVE_LOG_LEVEL: 'warn' };
    expect(await runBin(['models', 'import', kTinyModelDir], { env })).toMatchObject({ code: 0 });
    // The same network without its pipeline: rows of the 4 features it was trained on.
    const bare = await runBin(['models', 'import', path.join(kTinyModelDir, 'model.onnx'), '--name', 'bare', '--classes', 'setosa,versicolor,virginica'], { env });
    expect(bare).toMatchObject({ code: 0 });
  });
  afterAll(() => tmp.cleanup());

  async function expected(tag: string, input: Array<Record<string, unknown> | number[]>): Promise<unknown> {
    const runner = createRunner(await new ModelStore({ root: tmp.dir }).get(tag), { workers: 1 });
    try {
      return JSON.parse(JSON.stringify(await runner.predict(input)));
    } finally {
      await runner.close();
    }
  }

  it('serves a stored model: records in, runner.predict() answers out, one or many', async () => {
    const proc = spawnCli(['serve', 'tiny:latest', '--port', '0'], { env });
    try {
      const url = await waitForUrl(proc);
      expect(proc.stderr()).toContain('Serving tiny_service at');
      const want = (await expected('tiny:latest', rows)) as unknown[];
      expect(await postJson(`${url}/predict`, rows)).toEqual({ status: 200, body: want });
      expect(await postJson(`${url}/predict`, rows[0])).toEqual({ status: 200, body: want[0] });
      const bad = await postJson(`${url}/predict`, [{ length: 'long', color: 'red' }]);
      expect(bad).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_VALIDATION', message: expect.stringContaining('length') } });
      const docs = (await (await fetch(`${url}/docs.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(docs.paths)).toContain('/predict');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('mlserve_');
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('serves a list of tags, each at /<name>/predict, a model without pipeline taking rows of numbers', async () => {
    const proc = spawnCli(['serve', 'tiny:latest', 'bare', '--port', '0'], { env });
    try {
      const url = await waitForUrl(proc);
      expect(await postJson(`${url}/tiny/predict`, rows.slice(0, 2))).toEqual({ status: 200, body: await expected('tiny', rows.slice(0, 2)) });
      const features = [
        [0.5, -1.2, 0, 1],
        [1.5, 0.3, 1, 0],
      ];
      expect(await postJson(`${url}/bare/predict`, features)).toEqual({ status: 200, body: await expected('bare', features) });
      expect(await postJson(`${url}/bare/predict`, [[1, 2]])).toMatchObject({ status: 400, body: { code: 'MLS_ERR_IO_VALIDATION' } });
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it('builds a bento from a model tag that serves the same API', async () => {
    const out = path.join(tmp.dir, 'bento');
    const built = await runBin(['build', 'tiny:latest', '--output', out, '--no-lock'], { env, timeoutMs: 60_000 });
    expect(built).toMatchObject({ code: 0, stdout: expect.stringContaining('Built bento tiny_service:') });
    const proc = spawnCli(['serve', out, '--port', '0'], { env: { ...env, MLSERVE_HOME: path.join(tmp.dir, 'empty') } });
    try {
      const url = await waitForUrl(proc);
      expect(await postJson(`${url}/predict`, rows)).toEqual({ status: 200, body: await expected('tiny:latest', rows) });
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
  }, 90_000);

  it('serves and builds the models an mlserve.yaml lists without a service', async () => {
    const project = path.join(tmp.dir, 'models-project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'mlserve.yaml'), 'name: listed_models\nmodels:\n  - tiny:latest\n  - bare\nlabels:\n  owner: tests\n');
    const proc = spawnCli(['serve', '--port', '0'], { env, cwd: project });
    try {
      const url = await waitForUrl(proc);
      expect(await postJson(`${url}/tiny/predict`, rows.slice(0, 2))).toEqual({ status: 200, body: await expected('tiny', rows.slice(0, 2)) });
      expect((await postJson(`${url}/bare/predict`, [[0.5, -1.2, 0, 1]])).status).toBe(200);
    } finally {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }
    const out = path.join(tmp.dir, 'listed-bento');
    const built = await runBin(['build', '--output', out, '--no-lock', '--json'], { env, cwd: project, timeoutMs: 60_000 });
    expect(built.code).toBe(0);
    const manifest = JSON.parse(built.stdout).manifest as { name: string; labels: Record<string, string>; models: Array<{ name: string }>; apis: Array<{ route: string }> };
    expect(manifest).toMatchObject({ name: 'listed_models', labels: { owner: 'tests' } });
    expect(manifest.models.map((m) => m.name).sort()).toEqual(['bare', 'tiny']);
    expect(manifest.apis.map((a) => a.route).sort()).toEqual(['/bare/predict', '/tiny/predict']);
  }, 90_000);

  it('says what it looked for when the tag names nothing', async () => {
    const result = await runBin(['serve', 'no_such_model:latest', '--port', '0'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Nothing to serve at "no_such_model:latest".*model tag.*\[MLS_ERR_CLI_SERVE_TARGET\]/);
    const list = await runBin(['serve', 'tiny', 'nope', '--port', '0'], { env });
    expect(list.stderr).toContain('"nope" is not a stored model');
  });
});
