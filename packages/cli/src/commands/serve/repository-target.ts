import path from 'node:path';
import { createCliError } from '../../errors';
import { kModelControlModes, type ModelControlMode, type ModelRepositoryMode } from '../../model-repository';
import type { ServeTarget } from '../../serve-target';

/** The options of `mlserve serve` for a model repository, and the API keys of any target. */
export interface RepositoryServeOptions {
  /** Serve the models of this directory (`--model-repository DIR`) instead of a target. */
  modelRepository?: string;
  /** `none` (default): serve every model at start; `explicit`: serve `loadModels`, load and unload the others at run time (`--model-control-mode`). */
  modelControlMode?: string;
  /** Models served at start in explicit mode (`--load-model NAME`, repeatable). */
  loadModels?: string[];
  /** API keys the service accepts (`--api-key KEY`, repeatable); replace MLSERVE_API_KEYS for the service and the processes it starts. */
  apiKeys?: string[];
}

const usage = (message: string) => createCliError('MLS_ERR_CLI_USAGE', message);

/** Checks the repository and API-key options together; `extra`: what else was given (a target, reload, API workers). */
export function checkRepositoryOptions(o: RepositoryServeOptions, extra: { target?: string; reload?: boolean; apiWorkers?: number }): void {
  for (const key of o.apiKeys ?? []) {
    if (typeof key !== 'string' || key.trim() === '' || key.includes(','))
      throw usage('--api-key must be a non-empty key without commas (MLSERVE_API_KEYS separates keys with commas)');
  }
  if (o.modelRepository === undefined) {
    if (o.modelControlMode !== undefined) throw usage('--model-control-mode applies to --model-repository DIR');
    if (o.loadModels?.length) throw usage('--load-model applies to --model-repository DIR --model-control-mode explicit');
    return;
  }
  if (typeof o.modelRepository !== 'string' || o.modelRepository === '') throw usage('--model-repository must name a directory');
  if (extra.target !== undefined) throw usage(`--model-repository serves the models of its directory: give no target (got "${extra.target}")`);
  const mode = o.modelControlMode ?? 'none';
  if (!kModelControlModes.some((m) => m === mode)) throw usage(`--model-control-mode must be one of ${kModelControlModes.join(', ')}, got "${mode}"`);
  if (mode === 'none' && o.loadModels?.length) throw usage('--load-model needs --model-control-mode explicit: in mode none every model of the repository is served at start');
  if (mode !== 'explicit') return;
  // The API keys (--api-key, or MLSERVE_API_KEYS) are checked where the service is made: createRepositoryService().
  // Each process would keep its own loaded models: a load would reach one of them only.
  if ((extra.apiWorkers ?? 1) > 1) throw usage('--model-control-mode explicit serves from one process: --api-workers must be 1');
  if (extra.reload) throw usage('--model-control-mode explicit cannot --reload: a restart would drop the models loaded at run time');
}

/** The target of `mlserve serve --model-repository DIR` (after {@link checkRepositoryOptions}). */
export function repositoryTarget(o: RepositoryServeOptions, cwd: string): ServeTarget {
  const dir = path.resolve(cwd, o.modelRepository!);
  const repository: ModelRepositoryMode = { dir, controlMode: (o.modelControlMode ?? 'none') as ModelControlMode, loadModels: [...(o.loadModels ?? [])] };
  return { kind: 'model', file: dir, exportName: 'svc', watchDir: dir, models: [], repository };
}

/** The command-line arguments that serve `repository` again (in a child process). */
export function repositoryArgs(repository: ModelRepositoryMode): string[] {
  return ['--model-repository', repository.dir, '--model-control-mode', repository.controlMode, ...repository.loadModels.flatMap((n) => ['--load-model', n])];
}
