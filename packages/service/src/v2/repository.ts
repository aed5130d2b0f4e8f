import { createServiceError } from '../errors';
import { type V2RunnerLike, V2ModelSet } from './model-view';

/** A runner the model repository loads, serves and closes. */
export type V2LoadableRunner = V2RunnerLike & { close(): Promise<void> };

/**
 * Where the repository extension finds models to load at run time (the `modelRepository` option):
 * the names it can load, and how to make a runner of one (`createRunner(await store.get(name))`).
 */
export interface ModelRepositorySource {
  /** Names of the models that can be loaded (beside those already served). */
  list(): Promise<string[]> | string[];
  /** A runner for `name`; the repository starts it and answers the load once it is ready. */
  load(name: string): Promise<V2LoadableRunner> | V2LoadableRunner;
  /**
   * Called when a loaded runner is ready, just before it is served: where the model's own APIs are
   * declared (`svc.api()`, e.g. `/<name>/predict`). A throw fails the load and closes the runner.
   */
  loaded?(name: string, runner: V2LoadableRunner): Promise<void> | void;
  /** Called when `name` stops being served, before its runner closes: where its APIs are removed (`svc.removeApi()`). */
  unloaded?(name: string): Promise<void> | void;
}

/** What the service does when the repository serves or drops a runner (metrics, OpenAPI document). */
export interface ModelRepositoryEvents {
  added(runner: V2RunnerLike): void;
  removed(runner: V2RunnerLike): void;
}

/** One row of `POST /v2/repository/index`. */
export interface RepositoryIndexEntry {
  name: string;
  version?: string;
  state: 'READY' | 'LOADING' | 'UNLOADING' | 'UNAVAILABLE';
  reason: string;
}

/** The V2 name of the extension, listed in the server metadata. */
export const kRepositoryExtension = 'model_repository';

/**
 * Triton's model repository extension over a {@link V2ModelSet}: lists the models that can be
 * served, loads one (a runner from the source, started, then served) and unloads one (no longer
 * served, then closed once its queued and running requests are done). Other models keep serving
 * throughout.
 */
export class ModelRepository {
  readonly #models: V2ModelSet;
  readonly #source: ModelRepositorySource;
  readonly #busy = new Map<string, { state: 'LOADING' | 'UNLOADING'; done: Promise<void> }>();
  readonly #unloaded = new Map<string, string>();
  readonly #loaded = new Set<V2LoadableRunner>();
  readonly #events: ModelRepositoryEvents | undefined;

  constructor(models: V2ModelSet, source: ModelRepositorySource, events?: ModelRepositoryEvents) {
    this.#models = models;
    this.#source = source;
    this.#events = events;
  }

  /** True when the runner named `name` was unloaded (it no longer counts for readiness). */
  isUnloaded(name: string): boolean {
    return this.#unloaded.has(name) && this.#models.get(name) === undefined;
  }

  /** Every model served or loadable, with its state. */
  async index(): Promise<RepositoryIndexEntry[]> {
    const names = new Set([...this.#models.all().map((m) => m.name), ...(await this.#source.list()), ...this.#unloaded.keys()]);
    return [...names].sort().map((name) => {
      const model = this.#models.get(name);
      const busy = this.#busy.get(name);
      if (busy !== undefined) return { name, state: busy.state, reason: '' };
      if (model !== undefined) return { name, ...(model.version === undefined ? {} : { version: model.version }), state: model.runner.isReady ? 'READY' : 'LOADING', reason: '' };
      return { name, state: 'UNAVAILABLE', reason: this.#unloaded.get(name) ?? 'not loaded' };
    });
  }

  /** Loads `name` (a no-op when served); resolves once its runner is ready and serving. */
  async load(name: string): Promise<void> {
    await this.#busy.get(name)?.done;
    if (this.#models.get(name) !== undefined) return;
    if (!(await this.#source.list()).includes(name)) throw createServiceError('MLS_ERR_HTTP_NOT_FOUND', `The model repository has no model "${name}"`);
    // Another load (or unload) of the name may have started while the list was read: wait for it, and look again.
    if (this.#busy.has(name)) return this.load(name);
    await this.#track(name, 'LOADING', async () => {
      const runner = await this.#source.load(name);
      if (runner.name !== name) {
        await runner.close();
        throw createServiceError('MLS_ERR_INTERNAL', `The model repository loaded "${name}" as a runner named "${runner.name}"`);
      }
      try {
        await runner.ready();
        await this.#source.loaded?.(name, runner);
      } catch (err) {
        await runner.close().catch(() => undefined);
        throw err;
      }
      this.#loaded.add(runner);
      this.#models.add(runner);
      this.#unloaded.delete(name);
      this.#events?.added(runner);
    });
  }

  /** Stops serving `name` at once, and closes its runner after its requests finish. */
  async unload(name: string): Promise<void> {
    await this.#busy.get(name)?.done;
    const model = this.#models.get(name);
    if (model === undefined) throw createServiceError('MLS_ERR_HTTP_NOT_FOUND', `Model "${name}" is not loaded`);
    this.#models.remove(name);
    this.#unloaded.set(name, 'unloaded');
    this.#events?.removed(model.runner);
    await this.#track(name, 'UNLOADING', async () => {
      await this.#source.unloaded?.(name);
      const runner = model.runner as Partial<V2LoadableRunner>;
      if (typeof runner.close === 'function') await runner.close();
      this.#loaded.delete(runner as V2LoadableRunner);
    });
  }

  /** Closes every runner the repository loaded (the service's own runners are closed by the service). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#busy.values()].map((b) => b.done));
    await Promise.allSettled([...this.#loaded].map((r) => r.close()));
    this.#loaded.clear();
  }

  async #track(name: string, state: 'LOADING' | 'UNLOADING', work: () => Promise<void>): Promise<void> {
    const done = work();
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.#busy.set(name, { state, done: settled });
    try {
      await done;
    } finally {
      this.#busy.delete(name);
    }
  }
}
