import { ModelStore } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { formatBytes, formatDate, formatJson } from '../../format';

/** Options of `mlserve models get <tag>`. */
export interface GetModelOptions extends CommandOptions {
  tag: string;
}

/** What `models get` prints: the manifest plus where the model lives. */
export interface ModelDetails {
  tag: string;
  name: string;
  version: string;
  path: string;
  createdAt: string;
  size: number;
  manifest: unknown;
}

/** Shows one model: tag, path, size, signature, classes, labels, metadata and file digests. */
export async function getModel(options: GetModelOptions): Promise<ModelDetails> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const model = await store.get(options.tag);
  const details: ModelDetails = {
    tag: model.tag,
    name: model.name,
    version: model.version,
    path: model.path,
    createdAt: model.createdAt,
    size: model.size,
    manifest: model.manifest,
  };
  if (ctx.json) {
    ctx.stdout.write(formatJson(details));
    return details;
  }
  const manifest = model.manifest as unknown as Record<string, unknown>;
  const lines = [`tag:      ${model.tag}`, `path:     ${model.path}`, `size:     ${formatBytes(model.size)}`, `created:  ${formatDate(model.createdAt)}`];
  if (model.classes) lines.push(`classes:  ${model.classes.join(', ')}`);
  for (const dir of ['inputs', 'outputs'] as const) {
    for (const spec of model.signature?.[dir] ?? []) {
      lines.push(`${dir === 'inputs' ? 'input: ' : 'output:'}   ${spec.name} ${spec.type} [${spec.shape.map((d) => d ?? '?').join(', ')}]`);
    }
  }
  if (model.pipeline) lines.push(`pipeline: ${model.pipeline.featureNamesIn.length} input columns -> ${model.pipeline.featureNames.length} features`);
  for (const key of ['labels', 'metrics', 'metadata', 'files'] as const) {
    const value = manifest[key];
    if (value && typeof value === 'object' && Object.keys(value).length > 0) {
      lines.push(`${key}:`);
      for (const [k, v] of Object.entries(value))
        if (!(key === 'metadata' && k === 'featureImportances')) lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    }
  }
  lines.push(...formatImportances(model.manifest.metadata.featureImportances));
  println(ctx.stdout, lines.join('\n'));
  return details;
}

const kBarWidth = 30;

/** The 10 largest feature importances, largest first, each with a bar scaled to the largest (as the notebook prints them). */
export function formatImportances(raw: unknown, top = 10): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const entries = Object.entries(raw as Record<string, unknown>)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  if (entries.length === 0) return [];
  const largest = Math.max(entries[0]![1], Number.MIN_VALUE);
  const width = Math.max(...entries.map(([name]) => name.length));
  const total = Object.keys(raw).length;
  return [
    `feature importances (top ${entries.length} of ${total}):`,
    ...entries.map(([name, value]) => `  ${name.padEnd(width)}  ${value.toFixed(4)}  ${'█'.repeat(Math.max(value > 0 ? 1 : 0, Math.round((value / largest) * kBarWidth)))}`),
  ];
}
