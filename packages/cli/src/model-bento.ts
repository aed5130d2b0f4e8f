import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { createCliError } from './errors';
import { ModelStore } from '@mlserve/model-store';

/** A generated build directory for `mlserve build <model tag>...`; `cleanup()` removes it. */
export interface ModelProject {
  /** Its mlserve.yaml. */
  file: string;
  cleanup(): Promise<void>;
}

/**
 * Writes a build directory whose service is the generic model service of `tags`, pinned to the
 * versions they name now, so `build` bundles it like a hand-written one. `modelServiceEntry` is the
 * CLI's built `dist/model-service.js`. `buildFile`: a build file of models alone (no `service`),
 * whose other settings (name, labels, docker, kubernetes) the generated one keeps.
 */
export async function writeModelProject(tags: readonly string[], home: string, modelServiceEntry: string, buildFile?: string): Promise<ModelProject> {
  const settings = buildFile === undefined ? {} : (parseYaml(await readFile(buildFile, 'utf8')) as Record<string, unknown>);
  // Globs are relative to the build file, and the generated service has no files to add: refused rather than dropped.
  if (settings.include !== undefined)
    throw createCliError('MLS_ERR_CLI_BUILD_FILE', `${buildFile}: \`include\` needs a \`service\`; a build file of models alone packs only its models`);
  delete settings.models;
  delete settings.exclude;
  const store = new ModelStore({ root: home });
  const pinned: string[] = [];
  for (const tag of tags) pinned.push((await store.get(tag)).tag);
  const dir = await mkdtemp(path.join(tmpdir(), 'mlserve-model-bento-'));
  const name = pinned.length === 1 ? `${pinned[0]!.split(':')[0]}_service` : 'models_service';
  const service = [
    `import { createModelService } from ${JSON.stringify(modelServiceEntry)};`,
    '',
    '// The models are read from the bento, which the CLI makes the model store when it serves it.',
    `export const svc = await createModelService(${JSON.stringify(pinned)});`,
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'service.mjs'), service);
  await writeFile(
    path.join(dir, 'mlserve.yaml'),
    stringifyYaml({ name, description: `Predictions of ${pinned.join(', ')}`, ...settings, service: 'service.mjs:svc', exclude: ['service.mjs'] }),
  );
  return { file: path.join(dir, 'mlserve.yaml'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
