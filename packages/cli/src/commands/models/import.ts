import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelStore, type ImportedModel } from '@mlserve/model-store';
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
  /** Save nothing when the latest version already holds the same model.onnx and pipeline (`--if-changed`). */
  ifChanged?: boolean;
}

const kArchiveExtensions = ['.mlmodel', '.tar.gz', '.tgz'];

/**
 * Imports a model into the store: a bare `.onnx` (with optional pipeline and classes), a directory
 * written by the Python exporter (model.onnx, pipeline.json, metadata.json), or a `.mlmodel`
 * archive made by `models export`. Resolves to the stored version and whether this call saved it.
 */
export async function importModel(options: ImportModelOptions): Promise<ImportedModel> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const file = path.resolve(ctx.cwd, options.file);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such file or directory: ${options.file}`);
  const pipeline = options.pipeline ? path.resolve(ctx.cwd, options.pipeline) : undefined;
  if (pipeline && !(await stat(pipeline).catch(() => undefined))) {
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such pipeline file: ${options.pipeline}`);
  }
  const { name, classes, metadata, labels, ifChanged } = options;
  let ref: ImportedModel;
  if (info.isDirectory() || file.endsWith('.onnx')) {
    ref = await withSpinner(ctx.stderr, `Importing ${options.file}`, () => store.importModel(file, { name, pipeline, classes, metadata, labels, ifChanged }));
  } else if (kArchiveExtensions.some((ext) => file.endsWith(ext))) {
    // an archive keeps its stored files and version: only its name can change
    if (ifChanged) throw createCliError('MLS_ERR_CLI_USAGE', '--if-changed applies to a .onnx file or an exported directory, not to an archive');
    ref = await withSpinner(ctx.stderr, `Importing ${options.file}`, () => store.importModel(file, { name }));
  } else {
    throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `Cannot import ${options.file}: expected a .onnx file, an exported model directory or a .mlmodel archive`);
  }
  println(ctx.stdout, ref.saved ? `Imported ${ref.tag}` : `Unchanged: ${ref.tag} already holds this model and pipeline`);
  return ref;
}
