import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { Pipeline } from '@mlserve/pipeline';
import { createStoreError } from './errors';
import { errnoCode } from './fs-utils';
import type { ModelSignature, SaveModelInput } from './types';

const kPickleExtensions = new Set(['.pkl', '.pickle', '.joblib', '.sav']);

/** True for the extensions of Python pickles (and joblib dumps, which are pickles too). */
export function isPicklePath(file: string): boolean {
  return kPickleExtensions.has(extname(file).toLowerCase());
}

/** Pickle protocol 2+ starts with the PROTO opcode 0x80 and the protocol number; ONNX starts with 0x08. */
function looksLikePickle(bytes: Uint8Array): boolean {
  return bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] >= 2 && bytes[1] <= 5;
}

/** The error for a pickle: why it is refused, and the command that turns it into something mlserve loads. */
export function pickleRefused(file: string): Error {
  return createStoreError(
    'MLS_ERR_STORE_PICKLE_REFUSED',
    `${file} is a Python pickle. mlserve never loads pickles: unpickling runs arbitrary code from the file. ` +
      `Export the model to ONNX with the scikit-learn exporter (python/mlserve-sklearn): ` +
      `\`/usr/bin/python3 -m mlserve_sklearn export ${basename(file)} --out DIR\`, then import DIR ` +
      `(\`store.importModel('DIR')\` or \`mlserve models import DIR\`).`,
    { details: { file } },
  );
}

function invalidInput(message: string): Error {
  return createStoreError('MLS_ERR_STORE_INVALID_INPUT', message);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** Reads `input.model`: the bytes of a `.onnx` file, refusing pickles by extension and by content. */
export async function readModelInput(model: unknown): Promise<{ bytes: Uint8Array; source: string }> {
  if (model instanceof Uint8Array) {
    if (looksLikePickle(model)) throw pickleRefused('input.model');
    return { bytes: model, source: 'input.model (bytes)' };
  }
  if (typeof model !== 'string' || model === '') {
    throw invalidInput('input.model must be a path to a .onnx file or its bytes (Uint8Array)');
  }
  const file = resolve(model);
  if (isPicklePath(file)) throw pickleRefused(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String((err as Error).message);
    throw createStoreError('MLS_ERR_STORE_INVALID_MODEL', `Cannot read the model ${file}: ${why}`, { cause: err, details: { file } });
  }
  if (looksLikePickle(bytes)) throw pickleRefused(file);
  return { bytes, source: file };
}

/**
 * Turns `input.pipeline` (a Pipeline, its JSON or a path to pipeline.json) into the text of
 * pipeline.json, after checking it loads with `Pipeline.fromJSON` and fits the model's input.
 */
export async function readPipelineInput(pipeline: unknown, signature: ModelSignature): Promise<string> {
  let json: unknown;
  let source = 'input.pipeline';
  if (typeof pipeline === 'string') {
    source = resolve(pipeline);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_INVALID_PIPELINE', `Cannot read the pipeline ${source}: ${(err as Error).message}`, { cause: err });
    }
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_INVALID_PIPELINE', `${source} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  } else if (typeof (pipeline as { toJSON?: unknown } | null)?.toJSON === 'function') {
    try {
      json = (pipeline as { toJSON(): unknown }).toJSON();
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_INVALID_PIPELINE', `input.pipeline cannot be serialized: ${(err as Error).message}`, { cause: err });
    }
  } else if (isPlainObject(pipeline)) {
    json = pipeline;
  } else {
    throw invalidInput('input.pipeline must be a Pipeline, its JSON (mlserve.pipeline/v1) or a path to pipeline.json');
  }
  let loaded: Pipeline;
  try {
    loaded = Pipeline.fromJSON(json);
  } catch (err) {
    const details = (err as { details?: unknown }).details;
    throw createStoreError('MLS_ERR_STORE_INVALID_PIPELINE', `${source} is not a valid pipeline: ${(err as Error).message}`, {
      cause: err,
      details,
    });
  }
  checkPipelineWidth(loaded, signature, source);
  return JSON.stringify(json);
}

/** A pipeline producing D columns must feed a model whose single input is [N, D]; catches mixed-up files early. */
function checkPipelineWidth(pipeline: Pipeline, signature: ModelSignature, source: string): void {
  const [input, ...others] = signature.inputs;
  const width = input?.shape[1];
  if (!input || others.length > 0 || input.shape.length !== 2 || typeof width !== 'number') return;
  let produced: number;
  try {
    produced = pipeline.featureNames.length;
  } catch {
    return;
  }
  if (produced !== width) {
    throw createStoreError(
      'MLS_ERR_STORE_INVALID_PIPELINE',
      `${source} produces ${produced} columns but the model input "${input.name}" expects ${width}: the pipeline and the model do not belong together`,
    );
  }
}

/** Checks classes, labels, metadata and metrics; the manifest must stay plain JSON. */
export function checkSaveExtras(input: SaveModelInput, signature: ModelSignature): void {
  const { classes, labels, metadata, metrics } = input;
  if (classes !== undefined) {
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string' || (typeof c === 'number' && Number.isFinite(c)))) {
      throw invalidInput('input.classes must be an array of strings or finite numbers');
    }
    const probabilities = signature.outputs.find((o) => o.name === 'probabilities');
    const columns = probabilities?.shape.length === 2 ? probabilities.shape[1] : undefined;
    if (typeof columns === 'number' && columns !== classes.length) {
      throw invalidInput(`input.classes has ${classes.length} entries but the model output "probabilities" has ${columns} columns`);
    }
  }
  if (labels !== undefined && (!isPlainObject(labels) || !Object.values(labels).every((v) => typeof v === 'string'))) {
    throw invalidInput('input.labels must be an object whose values are strings');
  }
  if (metrics !== undefined && (!isPlainObject(metrics) || !Object.values(metrics).every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw invalidInput('input.metrics must be an object whose values are finite numbers');
  }
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw invalidInput('input.metadata must be a plain object');
    try {
      JSON.stringify(metadata);
    } catch (err) {
      throw invalidInput(`input.metadata must be JSON-serializable: ${(err as Error).message}`);
    }
  }
}
