import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createCliError } from './errors';
import type { ModelRepositoryMode } from './model-repository';
import { isModelTag, resolveModelTargets } from './model-target';

/** What `mlserve serve <target>` resolved to. */
export interface ServeTarget {
  kind: 'file' | 'bento' | 'model';
  /** The module to import. */
  file: string;
  /** The export holding the Service. */
  exportName: string;
  /** Directory watched by `--reload`. */
  watchDir: string;
  /** For bentos: the bento directory, used as the model store root. */
  bentoDir?: string;
  /** For bentos: whether its bundles import packages as ES modules (bento.yaml `esmImports`, or unknown). */
  bentoEsmImports?: boolean;
  /** For model tags: the tags, served by a service built from the stored models. */
  models?: string[];
  /** For `--model-repository DIR`: the directory and control mode (kind `model`, no tags). */
  repository?: ModelRepositoryMode;
}

async function kindOf(p: string): Promise<'file' | 'dir' | undefined> {
  const s = await stat(p).catch(() => undefined);
  if (!s) return undefined;
  return s.isDirectory() ? 'dir' : 'file';
}

/** Splits `path/to/file.ts:export` (Windows drive letters aside) into file and export name. */
export function splitModuleSpec(spec: string): { file: string; exportName: string } {
  const colon = spec.lastIndexOf(':');
  if (colon > 1 && !spec.slice(colon + 1).includes('/')) return { file: spec.slice(0, colon), exportName: spec.slice(colon + 1) || 'svc' };
  return { file: spec, exportName: 'svc' };
}

/**
 * Resolves `<file>[:export]`, a bento directory, a project directory with mlserve.yaml, or a bento tag.
 * The YAML parser and the build file's schema load only for the targets that read YAML: a service
 * file starts without them (about 70 ms of module loading on the bench machine).
 */
export async function resolveServeTarget(target: string, cwd: string, home: string): Promise<ServeTarget> {
  const whole = path.resolve(cwd, target);
  const wholeKind = await kindOf(whole);
  if (wholeKind === 'dir') {
    if (await kindOf(path.join(whole, 'bento.yaml'))) return bentoTarget(whole);
    if (await kindOf(path.join(whole, 'mlserve.yaml'))) {
      const build = await (await import('./build-file')).readBuildFile(path.join(whole, 'mlserve.yaml'));
      // A build file of models alone serves them with the generic model service.
      if (build.service === undefined) return resolveModelTargets(build.models, home);
      const { file, exportName } = splitModuleSpec(build.service);
      return { kind: 'file', file: path.resolve(whole, file), exportName, watchDir: whole };
    }
    throw createCliError('MLS_ERR_CLI_SERVE_TARGET', `${target} is a directory without bento.yaml or mlserve.yaml`);
  }
  if (wholeKind === 'file') return { kind: 'file', file: whole, exportName: 'svc', watchDir: path.dirname(whole) };
  const { file, exportName } = splitModuleSpec(target);
  const abs = path.resolve(cwd, file);
  if (file !== target && (await kindOf(abs)) === 'file') return { kind: 'file', file: abs, exportName, watchDir: path.dirname(abs) };
  if (/\.(m|c)?[jt]sx?$/.test(file)) throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No service file ${file}`);
  try {
    const bento = await (await import('./bento-store')).getBentoInfo(home, target);
    return await bentoTarget(bento.path);
  } catch (err) {
    if ((err as { code?: string }).code === 'MLS_ERR_CLI_BENTO_NOT_FOUND') {
      if (await isModelTag(home, target)) return resolveModelTargets([target], home, false);
      throw createCliError('MLS_ERR_CLI_SERVE_TARGET', `Nothing to serve at "${target}": not a service file, a bento directory, a bento tag or a model tag`);
    }
    throw err;
  }
}

async function bentoTarget(dir: string): Promise<ServeTarget> {
  const manifest = await (await import('./bento-store')).readBentoServeFields(dir);
  const { file, exportName } = splitModuleSpec(manifest.service);
  const bentoEsmImports = !Array.isArray(manifest.esmImports) || manifest.esmImports.length > 0;
  return { kind: 'bento', file: path.resolve(dir, file), exportName, watchDir: path.join(dir, 'src'), bentoDir: dir, bentoEsmImports };
}
