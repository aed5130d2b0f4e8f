import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelStore, type ModelRef, type SaveModelInput } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { withSpinner } from '../../progress';

/** Options of `mlserve models import <file.onnx | dir | file.mlmodel>`. */
export interface ImportModelOptions extends CommandOptions {
  /** A `.onnx` file, an exporter output directory, or a `.mlmodel` archive. */
  file: string;
  /** Model name; defaults to metadata.json's name, else the file's base name. */
  name?: string;
  /** A pipeline.json to store with a bare `.onnx` file (overrides the directory's). */
  pipeline?: string;
  /** Class names, index order (`--classes died,survived`). */
  classes?: Array<string | number>;
  /** Free metadata (`--metadata k=v`, repeatable). */
  metadata?: Record<string, string>;
  /** Labels (`--label owner=team`, repeatable). */
  labels?: Record<string, string>;
}

interface ExportMetadata {
  name?: string;
  classes?: Array<string | number>;
  labels?: Record<string, string>;
  metrics?: Record<string, number>;
  metadata?: Record<string, unknown>;
  estimator?: string;
  framework?: unknown;
  featureNames?: string[];
  featureImportances?: Record<string, number>;
}

/**
 * Imports a model into the store: a bare `.onnx` (with optional pipeline and classes), a directory
 * written by the Python exporter (model.onnx, pipeline.json, metadata.json), or a `.mlmodel`
 * archive made by `models export`.
 */
export async function importModel(options: ImportModelOptions): Promise<ModelRef> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const file = path.resolve(ctx.cwd, options.file);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such file or directory: ${options.file}`);
  const pipeline = options.pipeline ? path.resolve(ctx.cwd, options.pipeline) : undefined;
  if (pipeline && !(await stat(pipeline).catch(() => undefined))) {
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such pipeline file: ${options.pipeline}`);
  }
  let ref: ModelRef;
  if (info.isDirectory()) {
    ref = await withSpinner(ctx.stderr, `Importing ${options.file}`, () => importDirectory(store, file, options, pipeline));
  } else if (file.endsWith('.mlmodel') || file.endsWith('.tar.gz') || file.endsWith('.tgz')) {
    ref = await withSpinner(ctx.stderr, `Importing ${options.file}`, () =>
      store.importModel(file, options.name ? { name: options.name } : undefined),
    );
  } else if (file.endsWith('.onnx')) {
    const input: SaveModelInput = { model: file };
    if (pipeline) input.pipeline = pipeline;
    if (options.classes) input.classes = options.classes;
    if (options.metadata) input.metadata = options.metadata;
    if (options.labels) input.labels = options.labels;
    const name = options.name ?? path.basename(file, '.onnx');
    ref = await withSpinner(ctx.stderr, `Importing ${options.file}`, () => store.save(name, input));
  } else {
    throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `Cannot import ${options.file}: expected a .onnx file, an exported model directory or a .mlmodel archive`);
  }
  println(ctx.stdout, `Imported ${ref.tag}`);
  return ref;
}

async function importDirectory(store: ModelStore, dir: string, options: ImportModelOptions, pipelineOverride?: string): Promise<ModelRef> {
  const modelPath = path.join(dir, 'model.onnx');
  if (!(await stat(modelPath).catch(() => undefined))) {
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No model.onnx in ${dir}`);
  }
  const meta = await readFile(path.join(dir, 'metadata.json'), 'utf8').then((s) => JSON.parse(s) as ExportMetadata, () => ({}) as ExportMetadata);
  const pipelinePath = pipelineOverride ?? path.join(dir, 'pipeline.json');
  const input: SaveModelInput = { model: modelPath };
  if (await stat(pipelinePath).catch(() => undefined)) input.pipeline = pipelinePath;
  const classes = options.classes ?? meta.classes;
  if (classes) input.classes = classes;
  const labels = { ...meta.labels, ...options.labels };
  if (Object.keys(labels).length > 0) input.labels = labels;
  if (meta.metrics) input.metrics = meta.metrics;
  // The store keeps the exporter's facts about the estimator next to the user's free metadata.
  const metadata: Record<string, unknown> = { ...meta.metadata };
  for (const key of ['estimator', 'framework', 'featureNames', 'featureImportances'] as const) {
    if (meta[key] !== undefined) metadata[key] = meta[key];
  }
  Object.assign(metadata, options.metadata);
  if (Object.keys(metadata).length > 0) input.metadata = metadata;
  return store.save(options.name ?? meta.name ?? path.basename(dir), input);
}
