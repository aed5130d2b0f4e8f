import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { kPackageDir, kTinyModelDir, makeTempDir, runBin, spawnCli, stopCli, waitForUrl } from './helpers';

const kTitanicDir = path.resolve(kPackageDir, '..', '..', 'apps', 'titanic-api', 'artifacts');
const kKey = 'repo-test-key';
const kTitanicRow = { Pclass: 3, Sex: 'male', Age: 22, SibSp: 1, Parch: 0, Fare: 7.25, Embarked: 'S' };
const kTinyRow = { length: 5.1, width: 3.5, color: 'red' };
const kTinyTensor = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [0.5, -1.2, 0, 1] }] };

/** A request with the API key (unless `key` is null), answered as status and parsed JSON. */
async function call(url: string, body?: unknown, key: string | null = kKey): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

// `mlserve serve --model-repository DIR` from the real binary: a real store in a temp dir, real exported models.
describe('mlserve serve --model-repository', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let repo: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    tmp = makeTempDir();
    repo = path.join(tmp.dir, 'repo');
    env = { MLSERVE_HOME: path.join(tmp.dir, 'home'), MLSERVE_LOG_LEVEL: 'warn', MLSERVE_API_KEYS: '' };
    mkdirSync(repo);
    // Each kind of entry `models import` takes: an exporter directory, a bare .onnx file, a .mlmodel archive.
    cpSync(kTinyModelDir, path.join(repo, 'tiny'), { recursive: true });
    cpSync(kTitanicDir, path.join(repo, 'titanic'), { recursive: true });
    cpSync(path.join(kTinyModelDir, 'model.onnx'), path.join(repo, 'bare.onnx'));
    const other = { ...env, MLSERVE_HOME: path.join(tmp.dir, 'other-home') };
    expect(await runBin(['models', 'import', kTinyModelDir], { env: other })).toMatchObject({ code: 0 });
    expect(await runBin(['models', 'export', 'tiny', path.join(repo, 'archived.mlmodel')], { env: other })).toMatchObject({ code: 0 });
  }, 60_000);
  afterAll(() => tmp.cleanup());

  describe('in explicit mode', () => {
    let proc: ReturnType<typeof spawnCli>;
    let url: string;

    beforeAll(async () => {
      writeFileSync(path.join(repo, 'notes.txt'), 'not a model\n');
      proc = spawnCli(['serve', '--model-repository', repo, '--model-control-mode', 'explicit', '--load-model', 'tiny', '--api-key', kKey, '--port', '0'], { env });
      url = await waitForUrl(proc, 60_000);
    }, 90_000);
    afterAll(async () => {
      expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
    }, 30_000);

    it('refuses requests without the API key, on the repository, the models and the predict routes', async () => {
      expect(await call(`${url}/v2/repository/index`, {}, null)).toMatchObject({ status: 401, body: { code: 'MLS_ERR_AUTH_UNAUTHORIZED' } });
      expect((await call(`${url}/v2/repository/models/titanic/load`, {}, 'wrong-key')).status).toBe(401);
      expect((await call(`${url}/tiny/predict`, kTinyRow, null)).status).toBe(401);
      expect((await call(`${url}/readyz`, undefined, null)).status).toBe(200);
    });

    it('serves the --load-model models at start and lists every entry in the index', async () => {
      expect((await call(`${url}/tiny/predict`, kTinyRow)).body).toMatchObject({ label: expect.anything(), probabilities: expect.any(Array) });
      const index = await call(`${url}/v2/repository/index`, {});
      expect(index.status).toBe(200);
      expect(index.body.map((e: { name: string; state: string }) => `${e.name} ${e.state}`)).toEqual([
        'archived UNAVAILABLE',
        'bare UNAVAILABLE',
        'notes.txt UNAVAILABLE',
        'tiny READY',
        'titanic UNAVAILABLE',
      ]);
      expect((await call(`${url}/titanic/predict`, kTitanicRow)).status).toBe(404);
    });

    it('loads a model: V2 inference, its /<name>/predict route, /docs.json and per-model metrics', async () => {
      expect(await call(`${url}/v2/repository/models/titanic/load`, {})).toEqual({ status: 200, body: {} });
      const predicted = await call(`${url}/titanic/predict`, [kTitanicRow, { ...kTitanicRow, Sex: 'female', Pclass: 1 }]);
      expect(predicted.status).toBe(200);
      expect(predicted.body).toHaveLength(2);
      expect(predicted.body[0].probabilities).toHaveLength(2);
      const v2 = await call(`${url}/v2/models/titanic/infer`, { inputs: [{ name: 'input', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(0) }] });
      expect(v2.status).toBe(200);
      expect(v2.body).toMatchObject({ model_name: 'titanic', outputs: expect.arrayContaining([expect.objectContaining({ name: 'probabilities', shape: [1, 2] })]) });
      expect((await call(`${url}/v2/models/tiny/infer`, kTinyTensor)).status).toBe(200);

      const paths = Object.keys((await call(`${url}/docs.json`)).body.paths);
      expect(paths).toEqual(expect.arrayContaining(['/titanic/predict', '/v2/models/titanic/infer', '/tiny/predict', '/v2/models/tiny/infer']));
      const metrics = (await call(`${url}/metrics`)).body as string;
      expect(metrics).toMatch(/mlserve_http_requests_total\{api="titanic_predict",method="POST",status="200",model="titanic"\} 1/);
      expect(metrics).toMatch(/mlserve_http_requests_total\{api="\/v2\/models\/titanic\/infer",method="POST",status="200",model="titanic"\} 1/);
      expect(metrics).toContain('mlserve_runner_ready{runner="titanic",model="titanic"} 1');
      expect(metrics).toContain('mlserve_runner_ready{runner="tiny",model="tiny"} 1');
      expect(metrics).toMatch(/mlserve_runner_batch_size_count\{runner="titanic",model="titanic"\} [1-9]/);
    });

    it('imports an entry into the store once: loading again, or an archive already stored, adds no version', async () => {
      expect((await call(`${url}/v2/repository/models/archived/load`, {})).status).toBe(200);
      expect((await call(`${url}/v2/repository/models/archived/unload`, {})).status).toBe(200);
      expect((await call(`${url}/v2/repository/models/archived/load`, {})).status).toBe(200);
      expect((await call(`${url}/archived/predict`, kTinyRow)).status).toBe(200);
      expect((await call(`${url}/v2/repository/models/bare/load`, {})).status).toBe(200);
      expect((await call(`${url}/bare/predict`, [[0.5, -1.2, 0, 1]])).status).toBe(200);
      const store = new ModelStore({ root: env.MLSERVE_HOME! });
      for (const name of ['archived', 'bare', 'tiny', 'titanic']) expect(await store.list(name)).toHaveLength(1);
    });

    it('unloads a model while traffic runs to another, with no failed request for the one that stays', async () => {
      const statuses: number[] = [];
      let stop = false;
      const traffic = Promise.all(
        Array.from({ length: 4 }, async (_, i) => {
          for (let n = 0; n < 2000 && !stop; n++) {
            const res = i % 2 === 0 ? await call(`${url}/tiny/predict`, kTinyRow) : await call(`${url}/v2/models/tiny/infer`, kTinyTensor);
            statuses.push(res.status);
          }
        }),
      );
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await call(`${url}/v2/repository/models/titanic/unload`, {})).toEqual({ status: 200, body: {} });
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        stop = true;
        await traffic;
      }
      expect(statuses.length).toBeGreaterThan(20);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);

      expect((await call(`${url}/titanic/predict`, kTitanicRow)).status).toBe(404);
      expect((await call(`${url}/v2/models/titanic/infer`, {})).body).toMatchObject({ code: 'MLS_ERR_HTTP_NOT_FOUND', error: expect.stringContaining('Unknown model "titanic"') });
      const paths = Object.keys((await call(`${url}/docs.json`)).body.paths);
      expect(paths.filter((p) => p.includes('titanic'))).toEqual([]);
      expect(paths).toContain('/tiny/predict');
      const metrics = (await call(`${url}/metrics`)).body as string;
      expect(metrics).not.toContain('mlserve_runner_ready{runner="titanic"');
      expect((await call(`${url}/v2/repository/index`, {})).body).toContainEqual({ name: 'titanic', state: 'UNAVAILABLE', reason: 'unloaded' });
    }, 60_000);

    it('answers bad loads and unloads with a 4xx JSON error naming the model', async () => {
      const notModel = await call(`${url}/v2/repository/models/notes.txt/load`, {});
      expect(notModel).toMatchObject({ status: 400, body: { code: 'MLS_ERR_CLI_INPUT_FORMAT', error: expect.stringContaining('notes.txt is not a model') } });
      expect(await call(`${url}/v2/repository/models/nope/load`, {})).toMatchObject({ status: 404, body: { error: expect.stringContaining('no model "nope"') } });
      expect(await call(`${url}/v2/repository/models/nope/unload`, {})).toMatchObject({ status: 404, body: { error: expect.stringContaining('"nope" is not loaded') } });
      expect((await call(`${url}/v2/repository/models/titanic/load`, undefined)).status).toBe(405);
    });
  });

  describe('in mode none', () => {
    it('serves every model of the directory at start, each at /<name>/predict, with no repository endpoints', async () => {
      const clean = path.join(tmp.dir, 'clean');
      mkdirSync(clean);
      cpSync(kTinyModelDir, path.join(clean, 'tiny'), { recursive: true });
      cpSync(path.join(kTinyModelDir, 'model.onnx'), path.join(clean, 'bare.onnx'));
      writeFileSync(path.join(clean, '.hidden'), 'ignored\n');
      const proc = spawnCli(['serve', '--model-repository', clean, '--port', '0'], { env });
      try {
        const url = await waitForUrl(proc, 60_000);
        expect((await call(`${url}/tiny/predict`, kTinyRow, null)).status).toBe(200);
        expect((await call(`${url}/bare/predict`, [[0.5, -1.2, 0, 1]], null)).status).toBe(200);
        expect((await call(`${url}/v2/repository/index`, {}, null)).status).toBe(404);
      } finally {
        expect(await stopCli(proc)).toEqual({ code: 0, signal: null });
      }
    }, 90_000);

    it('refuses to start when an entry is not a model', async () => {
      const result = await runBin(['serve', '--model-repository', repo, '--port', '0'], { env, timeoutMs: 60_000 });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/notes\.txt is not a model.*\[MLS_ERR_CLI_INPUT_FORMAT\]/);
    });
  });

  it.each([
    [['--model-repository', 'no-such-dir'], /no such directory .*no-such-dir.*\[MLS_ERR_CLI_FILE_NOT_FOUND\]/],
    [
      ['--model-repository', '<repo>', '--model-control-mode', 'explicit'],
      /--model-control-mode explicit needs API keys.*--api-key KEY or set MLSERVE_API_KEYS.*\[MLS_ERR_CLI_USAGE\]/,
    ],
    [['--model-repository', '<repo>', '--load-model', 'tiny'], /--load-model needs --model-control-mode explicit.*\[MLS_ERR_CLI_USAGE\]/],
    [['tiny', '--load-model', 'tiny'], /--load-model applies to --model-repository.*\[MLS_ERR_CLI_USAGE\]/],
    [['--model-repository', '<repo>', '--model-control-mode', 'explicit', '--api-key', 'k', '--load-model', 'nope'], /has no model "nope"; it has archived, bare, tiny, titanic/],
    [['--model-repository', '<repo>', '--model-control-mode', 'explicit', '--api-key', 'k', '--api-workers', '2'], /--api-workers must be 1.*\[MLS_ERR_CLI_USAGE\]/],
    [['--model-repository', '<repo>', 'tiny'], /give no target.*\[MLS_ERR_CLI_USAGE\]/],
  ])('refuses `serve %j` with a clear error', async (args, message) => {
    const result = await runBin(['serve', ...args.map((a) => (a === '<repo>' ? repo : a)), '--port', '0'], { env, cwd: tmp.dir, timeoutMs: 60_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
