import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStoreError, detectModelFile, ModelStore, type ImportedModel } from '@mlserve/model-store';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { formatJson } from '../../format';
import { withSpinner } from '../../progress';
import { confirmOnTerminal, isInteractive, type Confirm } from '../../prompt';
import { kExporterInstallHint, runExporter } from './sklearn-exporter';

/** Options of `mlserve models import <file.onnx | dir | file.mlmodel | model.pkl>`. */
export interface ImportModelOptions extends CommandOptions {
  /** A `.onnx` file, an exporter output directory, a `.mlmodel` archive, or a pickle to export first. */
  file: string;
  /** Model name; defaults to metadata.json's name, else the file's base name. */
  name?: string;
  /** A version of your choosing (`--version v2.0.0`); generated when left out. */
  version?: string;
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
  /** Print nothing on success (`--quiet`); errors still go to stderr. */
  quiet?: boolean;
  /** For a pickle: run the scikit-learn exporter and import its output (`--export`). */
  export?: boolean;
  /** Whether a person can answer the exporter question; defaults to stdin and stdout being terminals. */
  interactive?: boolean;
  /** Asks the question; defaults to a terminal prompt. */
  confirm?: Confirm;
  /** Environment the exporter's Python is looked up and run in (MLSERVE_PYTHON, PYTHONPATH). Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What `models import --json` prints. */
export interface ImportResult extends ImportedModel {
  /** What the file was recognised as, by its content. */
  kind: 'archive' | 'directory' | 'onnx' | 'pickle';
}

/**
 * Imports a model into the store: a bare ONNX file (with optional pipeline and classes), a
 * directory written by the Python exporter, or a `.mlmodel` archive made by `models export`, each
 * recognised by its content. A pickle is never loaded here: the command explains why and, with
 * `export` (or a yes on a terminal), runs the exporter in Python and imports what it writes.
 */
export async function importModel(options: ImportModelOptions): Promise<ImportResult> {
  const ctx = createContext(options);
  const store = new ModelStore({ root: ctx.home });
  const file = path.resolve(ctx.cwd, options.file);
  const kind = (await stat(file).then(
    () => true,
    () => false,
  ))
    ? await detectModelFile(file)
    : 'missing';
  if (kind === 'missing') throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such file or directory: ${options.file}`);
  const pipeline = options.pipeline ? path.resolve(ctx.cwd, options.pipeline) : undefined;
  if (pipeline && !(await stat(pipeline).catch(() => undefined))) {
    throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `No such pipeline file: ${options.pipeline}`);
  }
  const progress = options.quiet ? { write: () => true } : ctx.stderr;
  const { name, version, classes, metadata, labels, ifChanged } = options;
  let ref: ImportedModel;
  if (kind === 'pickle') {
    ref = await importPickle(store, file, options, progress);
  } else if (kind === 'directory' || kind === 'onnx') {
    ref = await withSpinner(progress, `Importing ${options.file}`, () => store.importModel(file, { name, version, pipeline, classes, metadata, labels, ifChanged }));
  } else if (kind === 'archive') {
    // an archive keeps its stored files and version: only its name can change
    if (ifChanged) throw createCliError('MLS_ERR_CLI_USAGE', '--if-changed applies to a .onnx file or an exported directory, not to an archive');
    if (version) throw createCliError('MLS_ERR_CLI_USAGE', '--version applies to a .onnx file, an exported directory or a pickle; an archive keeps its version');
    ref = await withSpinner(progress, `Importing ${options.file}`, () => store.importModel(file, { name }));
  } else {
    throw createCliError(
      'MLS_ERR_CLI_INPUT_FORMAT',
      `Cannot import ${options.file}: expected a .onnx file, an exported model directory, a .mlmodel archive or a scikit-learn pickle`,
    );
  }
  const result: ImportResult = { ...ref, kind };
  if (ctx.json) ctx.stdout.write(formatJson(result));
  else if (!options.quiet) println(ctx.stdout, ref.saved ? `Imported ${ref.tag}` : `Unchanged: ${ref.tag} already holds this model and pipeline`);
  return result;
}

/** Explains the refusal of a pickle, then exports it with the scikit-learn exporter and imports the result, when asked to. */
async function importPickle(store: ModelStore, file: string, options: ImportModelOptions, progress: { write(text: string): unknown }): Promise<ImportedModel> {
  const refused = await store.importModel(file).then(
    () => undefined,
    (err: Error & { code?: string }) => err,
  );
  const why = refused?.message ?? `${file} is a Python pickle, which mlserve never loads.`;
  const interactive = options.interactive ?? isInteractive();
  let go = options.export === true;
  if (!go && interactive && !options.json) {
    progress.write(`${why}\n`);
    go = await (options.confirm ?? confirmOnTerminal)('Run the exporter on it now (in Python, outside mlserve) and import the result?');
  }
  if (!go) {
    throw createStoreError(
      'MLS_ERR_STORE_PICKLE_REFUSED',
      `${why} Or let mlserve run the exporter and import its output in one step: \`mlserve models import ${options.file} --export\`. ${kExporterInstallHint}.`,
      { details: { file } },
    );
  }
  const out = await mkdtemp(path.join(tmpdir(), 'mlserve-export-'));
  try {
    const name =
      options.name ??
      path
        .basename(file)
        .replace(/\.[^.]*$/, '')
        .toLowerCase()
        .replace(/[^-._a-z0-9]+/g, '_');
    await runExporter(file, out, { name, log: (text) => progress.write(text), env: options.env });
    const { version, classes, metadata, labels, ifChanged } = options;
    const pipeline = options.pipeline ? path.resolve(options.cwd ?? process.cwd(), options.pipeline) : undefined;
    return await withSpinner(progress, `Importing the exported ${name}`, () => store.importModel(out, { name, version, pipeline, classes, metadata, labels, ifChanged }));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
