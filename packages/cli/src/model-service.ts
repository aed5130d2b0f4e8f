import { ModelStore, type StoredModel } from '@mlserve/model-store';
import { createRunner, kDefaultRunnerOptions, type Runner } from '@mlserve/runner';
import { createService, json, records, type IODescriptor, type Service } from '@mlserve/service';
import { createCliError } from './errors';
import type { ModelRepositoryMode } from './model-repository';

/** Options of {@link createModelService}. */
export interface ModelServiceOptions {
  /** The model store directory; defaults to `$MLSERVE_HOME`, then `~/.mlserve`. */
  home?: string;
  /** Largest batch one runner sends to a worker. */
  maxBatchSize?: number;
  /** Serve the models of a model repository directory instead of `tags` (`mlserve serve --model-repository DIR`). */
  repository?: ModelRepositoryMode;
}

/** Defaults of {@link ModelServiceOptions}. */
export const kDefaultModelServiceOptions = { maxBatchSize: kDefaultRunnerOptions.maxBatchSize } as const;

type Row = Record<string, unknown> | number[];

const kPredictionSchema = {
  type: 'object',
  properties: {
    label: { type: ['string', 'number'], description: 'The predicted class (argmax of probabilities)' },
    index: { type: 'integer', description: 'Index of the predicted class' },
    probabilities: { type: 'array', items: { type: 'number' }, description: 'One probability per class, in the order of the classes' },
  },
} as const;

/** Names of the model's input columns when no pipeline is stored: the exporter's feature names, if they fit the input width. */
function featureNamesOf(model: StoredModel): string[] | undefined {
  const width = model.signature.inputs[0]?.shape[1];
  const names = model.manifest.metadata?.featureNames;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return undefined;
  return typeof width !== 'number' || width === names.length ? (names as string[]) : undefined;
}

/**
 * The input of a model stored without a pipeline: records keyed by its feature names when they are
 * known, else rows of numbers of the model's input width; one or an array.
 */
function featureRows(model: StoredModel): { input: IODescriptor<unknown>; toRows(value: unknown): { rows: number[][]; single: boolean } } {
  const names = featureNamesOf(model);
  const width = model.signature.inputs[0]?.shape[1];
  const row = names
    ? { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'number' }])), required: names, additionalProperties: false }
    : { type: 'array', items: { type: 'number' }, ...(typeof width === 'number' ? { minItems: width, maxItems: width } : {}) };
  const schema = { oneOf: [row, { type: 'array', items: row, minItems: 1 }] };
  const isRow = (v: unknown): boolean => (names ? typeof v === 'object' && v !== null && !Array.isArray(v) : Array.isArray(v) && !Array.isArray(v[0]));
  return {
    input: json({ schema }),
    toRows(value) {
      const single = isRow(value);
      const list = (single ? [value] : value) as Row[];
      return { rows: list.map((r) => (names ? names.map((n) => (r as Record<string, number>)[n]!) : (r as number[]))), single };
    },
  };
}

/** The API name of a model's `/<name>/predict` route: `<name>_predict` (API names start with a letter or `_`). */
export function predictApiName(modelName: string): string {
  return `${modelName}_predict`.replace(/^[^A-Za-z_]/, '_$&');
}

/**
 * Declares `POST <route>` answering `runner.predict()` for one stored model: `/<name>/predict`
 * (API `<name>_predict`) unless `single`, then `/predict` (API `predict`).
 */
export function declarePredict(svc: Service, model: StoredModel, runner: Runner, single = false): void {
  const apiName = single ? 'predict' : predictApiName(model.name);
  const route = single ? '/predict' : `/${model.name}/predict`;
  const output = json({ schema: kPredictionSchema });
  const description = `Predictions of ${model.tag}${model.classes ? ` (classes: ${model.classes.join(', ')})` : ''}: one record or an array of them.`;
  const common = { route, output, description, model: model.name };
  if (model.pipeline) {
    svc.api(apiName, { ...common, input: records(model.pipeline) }, (rows) => runner.predict(rows));
    return;
  }
  const features = featureRows(model);
  svc.api(apiName, { ...common, input: features.input }, async (value) => {
    const { rows, single } = features.toRows(value);
    const predictions = await runner.predict(rows);
    return single ? predictions[0] : predictions;
  });
}

/**
 * A service built from stored models alone, what `mlserve serve <model tag>...` serves: for each
 * model `POST /predict` (one model) or `POST /<name>/predict` (several) taking raw records
 * validated against the pipeline's schema (or rows of the model's features when it has no
 * pipeline), answering `runner.predict()`'s `{ label, index, probabilities }`, with docs, health,
 * metrics and batching as for a hand-written service. With `options.repository`, the models of a
 * model repository directory instead (see `createRepositoryService()`).
 */
export async function createModelService(tags: readonly string[], options: ModelServiceOptions = {}): Promise<Service> {
  if (options.repository) return (await import('./repository-service')).createRepositoryService(options.repository, options);
  if (tags.length === 0) throw createCliError('MLS_ERR_CLI_USAGE', 'Name at least one model tag to serve');
  const store = new ModelStore(options.home ? { root: options.home } : {});
  const models: StoredModel[] = [];
  for (const tag of tags) {
    const model = await store.get(tag);
    if (models.some((m) => m.name === model.name)) throw createCliError('MLS_ERR_CLI_USAGE', `Model ${model.name} is named twice; serve one version of each model`);
    models.push(model);
  }
  const runners = models.map((model) => createRunner(model, { maxBatchSize: options.maxBatchSize ?? kDefaultModelServiceOptions.maxBatchSize }));
  const name = models.length === 1 ? `${models[0]!.name}_service` : 'models_service';
  const svc = createService(name.replace(/^[^A-Za-z_]/, '_$&'), { runners, description: `Predictions of ${models.map((m) => m.tag).join(', ')}, served by mlserve.` });
  models.forEach((model, i) => declarePredict(svc, model, runners[i]!, models.length === 1));
  return svc;
}
