import path from 'node:path';
import { ModelStore } from '@mlserve/model-store';
import { createCliError } from './errors';
import type { ServeTarget } from './serve-target';

/** True when `target` names a stored model (`name`, `name:latest`, `name:version`). */
export async function isModelTag(home: string, target: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(target)) return false;
  try {
    await new ModelStore({ root: home }).get(target);
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MLS_ERR_STORE_NOT_FOUND' || code === 'MLS_ERR_STORE_INVALID_TAG') return false;
    throw err;
  }
}

/**
 * The target of `mlserve serve <tag> <tag>...`: every name must be a stored model. `--reload`
 * watches the store's models, so importing a new version of a `:latest` tag restarts the server.
 */
export async function resolveModelTargets(tags: readonly string[], home: string, check = true): Promise<ServeTarget> {
  for (const tag of check ? tags : []) {
    if (!(await isModelTag(home, tag))) throw createCliError('MLS_ERR_CLI_SERVE_TARGET', `"${tag}" is not a stored model; several targets must all be model tags`);
  }
  return { kind: 'model', file: tags.join(' '), exportName: 'svc', watchDir: path.join(home, 'models'), models: [...tags] };
}
