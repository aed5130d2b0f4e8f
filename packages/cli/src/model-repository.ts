import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { detectModelFile, isValidName, type ModelStore } from '@mlserve/model-store';
import { createCliError } from './errors';

/** Triton's model control modes: `none` serves every model at start; `explicit` serves what is loaded, through `/v2/repository/...`. */
export const kModelControlModes = ['none', 'explicit'] as const;

/** A model control mode. */
export type ModelControlMode = (typeof kModelControlModes)[number];

/** What `mlserve serve --model-repository DIR` serves. */
export interface ModelRepositoryMode {
  /** The model repository directory (absolute). */
  dir: string;
  /** `none` (default): every model at start, no load/unload; `explicit`: `loadModels` at start, load/unload at run time. */
  controlMode: ModelControlMode;
  /** Names served at start in explicit mode (`--load-model`). */
  loadModels: string[];
}

/** One entry of a model repository directory. */
export interface RepositoryEntry {
  /** The model name: the entry's name without a `.onnx` or `.mlmodel` extension. */
  name: string;
  /** The entry's absolute path. */
  path: string;
  /** What it holds; `invalid` with `reason` when it is not a model mlserve can import under that name. */
  kind: 'directory' | 'onnx' | 'archive' | 'invalid';
  reason?: string;
}

const kExtensions = /\.(onnx|mlmodel)$/;

/**
 * Reads a model repository directory: each entry (hidden ones aside) is a model, as `mlserve
 * models import` takes it (an exporter output directory, a `.onnx` file, a `.mlmodel` archive),
 * named after the entry. Entries that are not models are listed as `invalid`, with why.
 */
export async function scanModelRepository(dir: string): Promise<RepositoryEntry[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', `--model-repository: no such directory ${dir}`);
  if (!info.isDirectory()) throw createCliError('MLS_ERR_CLI_USAGE', `--model-repository must be a directory of exported models, got the file ${dir}`);
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  const entries: RepositoryEntry[] = [];
  for (const entry of names) {
    const file = path.join(dir, entry);
    const name = entry.replace(kExtensions, '');
    const kind = await detectModelFile(file).catch(() => 'unknown' as const);
    const invalid = (reason: string): RepositoryEntry => ({ name, path: file, kind: 'invalid', reason });
    if (kind !== 'directory' && kind !== 'onnx' && kind !== 'archive') {
      entries.push(
        invalid(
          `${entry} is not a model: expected an exporter output directory, a .onnx file or a .mlmodel archive${kind === 'pickle' ? ' (pickles are never loaded: export it first)' : ''}`,
        ),
      );
    } else if (kind === 'directory' && !(await stat(path.join(file, 'model.onnx')).catch(() => undefined))) {
      entries.push(invalid(`${entry} is not a model: a directory must be an exporter output directory (model.onnx, pipeline.json, metadata.json)`));
    } else if (!isValidName(name)) {
      entries.push(invalid(`${entry}: "${name}" is not a valid model name (a-z, 0-9, "-", "." and "_", starting and ending with a letter or digit)`));
    } else if (entries.some((e) => e.name === name)) {
      entries.push(invalid(`${entry}: another entry of the repository is already named "${name}"`));
    } else {
      entries.push({ name, path: file, kind });
    }
  }
  return entries;
}

/** The entry named `name`; `MLS_ERR_CLI_SERVE_TARGET` naming the models there are when none is. */
export function findEntry(entries: readonly RepositoryEntry[], name: string, dir: string): RepositoryEntry {
  const entry = entries.find((e) => e.name === name);
  if (entry) return entry;
  const known = entries.filter((e) => e.kind !== 'invalid').map((e) => e.name);
  throw createCliError('MLS_ERR_CLI_SERVE_TARGET', `The model repository ${dir} has no model "${name}"; it has ${known.length ? known.join(', ') : 'none'}`);
}

/**
 * Imports an entry into the store, idempotently, and returns its tag: a directory or `.onnx` file
 * saves a new version only when its model or pipeline changed (`ifChanged`); an archive keeps its
 * version, so one already stored is used as it is.
 */
export async function importEntry(store: ModelStore, entry: RepositoryEntry): Promise<string> {
  if (entry.kind === 'invalid') throw createCliError('MLS_ERR_CLI_INPUT_FORMAT', `Cannot load "${entry.name}" from the model repository: ${entry.reason}`);
  if (entry.kind !== 'archive') return (await store.importModel(entry.path, { name: entry.name, ifChanged: true })).tag;
  try {
    return (await store.importModel(entry.path, { name: entry.name })).tag;
  } catch (err) {
    const { code, details } = err as { code?: string; details?: { tag?: unknown } };
    if (code === 'MLS_ERR_STORE_ALREADY_EXISTS' && typeof details?.tag === 'string') return details.tag;
    throw err;
  }
}
