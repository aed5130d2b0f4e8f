import { ModelStore, type StoredModel } from '@mlserve/model-store';
import { createRunner, type Runner } from '@mlserve/runner';
import { apiKeysFromEnv, createService, type ModelRepositorySource, type Service } from '@mlserve/service';
import { createCliError } from './errors';
import { findEntry, importEntry, scanModelRepository, type ModelRepositoryMode, type RepositoryEntry } from './model-repository';
import { declarePredict, kDefaultModelServiceOptions, predictApiName, type ModelServiceOptions } from './model-service';

/**
 * The generic service of a model repository directory (`mlserve serve --model-repository DIR`):
 * each model imported into the store (idempotently: an unchanged entry adds no version) and served
 * by its own runner at `POST /<name>/predict` and the V2 paths. With control mode `none`, every
 * entry at start; with `explicit`, the `loadModels` at start and the rest through the V2 model
 * repository extension (`/v2/repository/index`, `.../models/<name>/load`, `.../unload`), which
 * needs API keys. A model loaded at run time gets its `/<name>/predict` route, which its unload
 * removes.
 */
export async function createRepositoryService(mode: ModelRepositoryMode, options: Pick<ModelServiceOptions, 'home' | 'maxBatchSize'> = {}): Promise<Service> {
  const { dir, controlMode } = mode;
  if (controlMode === 'explicit' && apiKeysFromEnv().length === 0) {
    throw createCliError(
      'MLS_ERR_CLI_USAGE',
      '--model-control-mode explicit needs API keys, so that not anyone can load and unload models: pass --api-key KEY or set MLSERVE_API_KEYS',
    );
  }
  const entries = await scanModelRepository(dir);
  let initial: RepositoryEntry[];
  if (controlMode === 'none') {
    const bad = entries.find((e) => e.kind === 'invalid');
    if (bad) throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `The model repository ${dir}: ${bad.reason}; move it out, or hide it (a name starting with ".")`);
    if (entries.length === 0) throw createCliError('MLS_ERR_CLI_SERVE_TARGET', `The model repository ${dir} holds no model`);
    initial = entries;
  } else {
    initial = [...new Set(mode.loadModels)].map((name) => findEntry(entries, name, dir));
  }
  const store = new ModelStore(options.home ? { root: options.home } : {});
  const maxBatchSize = options.maxBatchSize ?? kDefaultModelServiceOptions.maxBatchSize;
  // The stored model of each runner, for its /<name>/predict route (a runner knows only its signature).
  const stored = new Map<string, StoredModel>();
  const open = async (entry: RepositoryEntry): Promise<Runner> => {
    const model = await store.get(await importEntry(store, entry));
    stored.set(entry.name, model);
    return createRunner(model, { maxBatchSize });
  };
  const runners: Runner[] = [];
  try {
    for (const entry of initial) runners.push(await open(entry));
  } catch (err) {
    await Promise.allSettled(runners.map((r) => r.close()));
    throw err;
  }
  // The hooks run after createService() below returned: `svc` is set by then.
  const source: ModelRepositorySource = {
    // Read again at each call, as Triton polls its repository in explicit mode: an entry added later can be loaded.
    list: async () => (await scanModelRepository(dir)).map((e) => e.name),
    load: async (name) => open(findEntry(await scanModelRepository(dir), name, dir)),
    loaded: (name, runner) => declarePredict(svc, stored.get(name)!, runner as Runner),
    unloaded: (name) => {
      svc.removeApi(predictApiName(name));
    },
  };
  const svc: Service = createService('models_service', {
    runners,
    description: `The models of the model repository ${dir} (control mode ${controlMode}), served by mlserve.`,
    ...(controlMode === 'explicit' ? { modelRepository: source } : {}),
  });
  runners.forEach((runner) => declarePredict(svc, stored.get(runner.name)!, runner));
  return svc;
}
