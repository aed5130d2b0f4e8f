import { ModelStore, type ModelInfo } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { formatBytes, formatDate, formatJson, formatTable } from '../../format';

/** Options of `mlserve models list [name]`. */
export interface ListModelsOptions extends CommandOptions {
  /** Only versions of this model. */
  name?: string;
}

/** Lists stored models, newest first, as a table (tag, size, created) or JSON. */
export async function listModels(options: ListModelsOptions = {}): Promise<ModelInfo[]> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const models = await store.list(options.name);
  if (ctx.json) {
    ctx.stdout.write(formatJson(models.map(({ name, version, tag, path, createdAt, size }) => ({ tag, name, version, size, createdAt, path }))));
  } else if (models.length === 0) {
    println(ctx.stdout, options.name ? `No models named "${options.name}" in ${store.root}` : `No models in ${store.root}`);
  } else {
    println(
      ctx.stdout,
      formatTable(
        ['Tag', 'Size', 'Created'],
        models.map((m) => [m.tag, formatBytes(m.size), formatDate(m.createdAt)]),
      ),
    );
  }
  return models;
}
