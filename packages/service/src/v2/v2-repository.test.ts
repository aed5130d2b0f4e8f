import { createTinyRunner, get, post } from '../../test/helpers';
import { createAllTypesRunner, allInputs } from '../../test/v2-fixtures';
import { createService, json, type Service } from '../index';

const kAuth = { authorization: 'Bearer repo-key' };
const kTinyBody = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [30, 10, 0, 1] }] };

describe('the V2 model repository extension', () => {
  let svc: Service;
  let url: string;

  beforeAll(async () => {
    svc = createService('v2_repository', {
      runners: [createTinyRunner()],
      apiKeys: ['repo-key'],
      logLevel: 'silent',
      modelRepository: { list: () => ['all_types'], load: () => createAllTypesRunner() },
    });
    url = (await svc.listen(0, '127.0.0.1')).url;
  });
  afterAll(() => svc.close());

  it('names the extension in the server metadata and is guarded by the API keys', async () => {
    expect((await get(`${url}/v2`, kAuth)).body.extensions).toEqual(['model_repository']);
    expect((await post(`${url}/v2/repository/index`, {})).status).toBe(401);
    expect((await post(`${url}/v2/repository/models/all_types/load`, {})).status).toBe(401);
  });

  it('lists served and loadable models with their state', async () => {
    const res = await post(`${url}/v2/repository/index`, {}, kAuth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { name: 'all_types', state: 'UNAVAILABLE', reason: 'not loaded' },
      { name: 'tiny_model', version: 'v1', state: 'READY', reason: '' },
    ]);
  });

  it('loads and unloads a model under traffic, with no failed request for the model that stays', async () => {
    const statuses: number[] = [];
    let stop = false;
    const traffic = Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 500 && !stop; i++) statuses.push((await post(`${url}/v2/models/tiny_model/infer`, kTinyBody, kAuth)).status);
      }),
    );
    try {
      expect((await post(`${url}/v2/models/all_types/infer`, { inputs: allInputs() }, kAuth)).status).toBe(404);
      const loaded = await post(`${url}/v2/repository/models/all_types/load`, {}, kAuth);
      expect(loaded).toMatchObject({ status: 200, body: {} });
      expect((await get(`${url}/v2/models/all_types/ready`, kAuth)).body).toEqual({ name: 'all_types', ready: true });
      expect((await post(`${url}/v2/models/all_types/infer`, { inputs: allInputs() }, kAuth)).status).toBe(200);
      expect((await post(`${url}/v2/repository/index`, {}, kAuth)).body[0]).toEqual({ name: 'all_types', version: 'v3', state: 'READY', reason: '' });
      expect((await post(`${url}/v2/repository/models/all_types/unload`, {}, kAuth)).status).toBe(200);
      expect((await post(`${url}/v2/models/all_types/infer`, { inputs: allInputs() }, kAuth)).status).toBe(404);
      expect((await post(`${url}/v2/repository/index`, {}, kAuth)).body[0]).toEqual({ name: 'all_types', state: 'UNAVAILABLE', reason: 'unloaded' });
      // Loaded again: a new runner from the source.
      expect((await post(`${url}/v2/repository/models/all_types/load`, {}, kAuth)).status).toBe(200);
      expect((await post(`${url}/v2/models/all_types/infer`, { inputs: allInputs() }, kAuth)).status).toBe(200);
    } finally {
      stop = true;
      await traffic;
    }
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('unloads one of the service runners and keeps the server ready with the others', async () => {
    expect((await post(`${url}/v2/repository/models/all_types/unload`, {}, kAuth)).status).toBe(200);
    expect((await post(`${url}/v2/repository/models/tiny_model/unload`, {}, kAuth)).status).toBe(200);
    expect((await get(`${url}/v2/models/tiny_model`, kAuth)).status).toBe(404);
    expect((await get(`${url}/readyz`)).status).toBe(200);
    expect((await get(`${url}/v2/health/ready`)).status).toBe(200);
  });

  it('answers unknown models with 404', async () => {
    const load = await post(`${url}/v2/repository/models/nope/load`, {}, kAuth);
    expect(load.status).toBe(404);
    expect(load.body.error).toContain('no model "nope"');
    expect((await post(`${url}/v2/repository/models/nope/unload`, {}, kAuth)).status).toBe(404);
  });
});

describe('a model loaded at run time', () => {
  let svc: Service;
  let url: string;
  const hooks: string[] = [];

  beforeAll(async () => {
    svc = createService('v2_repository_hooks', {
      runners: [createTinyRunner()],
      apiKeys: ['repo-key'],
      logLevel: 'silent',
      processMetrics: false,
      modelRepository: {
        list: () => ['all_types', 'broken'],
        load: (name) => (name === 'broken' ? createAllTypesRunner({ name: 'broken' }) : createAllTypesRunner()),
        loaded(name, runner) {
          if (name === 'broken') throw new Error('the hook refused it');
          hooks.push(`loaded ${name}`);
          svc.api(`${name}_echo`, { route: `/${name}/echo`, model: name, input: json(), output: json() }, (x) => ({ model: runner.name, x }));
        },
        unloaded(name) {
          hooks.push(`unloaded ${name}`);
          svc.removeApi(`${name}_echo`);
        },
      },
    });
    url = (await svc.listen(0, '127.0.0.1')).url;
  });
  afterAll(() => svc.close());

  const docPaths = async (): Promise<string[]> => Object.keys((await get(`${url}/docs.json`, kAuth)).body.paths);

  it('gets the APIs its hook declares, its V2 paths in /docs.json, and its runner series in /metrics; all go with the unload', async () => {
    expect(await docPaths()).not.toContain('/v2/models/all_types/infer');
    expect((await post(`${url}/v2/repository/models/all_types/load`, {}, kAuth)).status).toBe(200);
    expect(await post(`${url}/all_types/echo`, { a: 1 }, kAuth)).toMatchObject({ status: 200, body: { model: 'all_types', x: { a: 1 } } });
    expect(await docPaths()).toEqual(expect.arrayContaining(['/all_types/echo', '/v2/models/all_types/infer', '/v2/models/all_types/versions/v3/infer']));
    expect((await get(`${url}/metrics`, kAuth)).body).toContain('mlserve_runner_ready{runner="all_types",model="all_types"} 1');

    expect((await post(`${url}/v2/repository/models/all_types/unload`, {}, kAuth)).status).toBe(200);
    expect(hooks).toEqual(['loaded all_types', 'unloaded all_types']);
    expect((await post(`${url}/all_types/echo`, {}, kAuth)).status).toBe(404);
    const paths = await docPaths();
    expect(paths.filter((p) => p.includes('all_types'))).toEqual([]);
    expect(paths).toContain('/v2/models/tiny_model/infer');
    expect((await get(`${url}/metrics`, kAuth)).body).not.toContain('mlserve_runner_ready{runner="all_types"');
  });

  it('fails the load when its hook throws, and is not served', async () => {
    const res = await post(`${url}/v2/repository/models/broken/load`, {}, kAuth);
    expect(res.status).toBe(500);
    expect((await post(`${url}/v2/repository/index`, {}, kAuth)).body).toContainEqual({ name: 'broken', state: 'UNAVAILABLE', reason: 'not loaded' });
    expect((await get(`${url}/v2/models/broken`, kAuth)).status).toBe(404);
  });

  it('calls the unloaded hook for a runner the service started with too', async () => {
    expect((await post(`${url}/v2/repository/models/tiny_model/unload`, {}, kAuth)).status).toBe(200);
    expect(hooks.at(-1)).toBe('unloaded tiny_model');
    expect(await docPaths()).not.toContain('/v2/models/tiny_model/infer');
    expect((await get(`${url}/metrics`, kAuth)).body).not.toContain('mlserve_runner_ready{runner="tiny_model"');
  });
});

describe('removeApi()', () => {
  it('removes a declared API from the routes and the document, and says false for an unknown name', async () => {
    const svc = createService('remove_api', { logLevel: 'silent' });
    svc.api('echo', { input: json(), output: json() }, (x) => x);
    const { url } = await svc.listen(0, '127.0.0.1');
    try {
      expect((await post(`${url}/echo`, {})).status).toBe(200);
      expect(Object.keys(svc.openapi().paths as object)).toContain('/echo');
      expect(svc.removeApi('echo')).toBe(true);
      expect(svc.removeApi('echo')).toBe(false);
      expect((await post(`${url}/echo`, {})).status).toBe(404);
      expect(Object.keys(svc.openapi().paths as object)).not.toContain('/echo');
      expect(svc.apis).toEqual([]);
      // The route is free again.
      svc.api('echo', { input: json(), output: json() }, (x) => ({ again: x }));
      expect((await post(`${url}/echo`, { a: 1 })).body).toEqual({ again: { a: 1 } });
    } finally {
      await svc.close();
    }
  });
});

describe('the V2 model repository option', () => {
  it('is off by default: its paths answer 404', async () => {
    const svc = createService('v2_no_repository', { runners: [createTinyRunner()], logLevel: 'silent' });
    const { url } = await svc.listen(0, '127.0.0.1');
    try {
      expect((await post(`${url}/v2/repository/index`, {})).status).toBe(404);
      expect((await get(`${url}/v2`)).body.extensions).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('needs API keys, and a source with list() and load()', () => {
    const source = { list: () => [], load: () => createAllTypesRunner() };
    expect(() => createService('x', { modelRepository: source, apiKeys: [] })).toThrow('options.modelRepository needs options.apiKeys');
    expect(() => createService('x', { modelRepository: {} as never, apiKeys: ['k'] })).toThrow('options.modelRepository must be { list(), load(name) }');
    expect(() => createService('x', { modelRepository: { ...source, loaded: 'yes' as never }, apiKeys: ['k'] })).toThrow('options.modelRepository.loaded must be a function');
  });
});
