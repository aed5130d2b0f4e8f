import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { version as kMlserveVersion } from '../package.json';
import { createArchive } from './archive';
import { alreadyExists, commitVersion, type ManifestBase } from './commit-version';
import { detectModelFile } from './detect-file';
import { createStoreError } from './errors';
import { digestBytes, errnoCode, syncDir, writeFileDurable } from './fs-utils';
import { unpackArchive } from './import-archive';
import { readExportDirectory } from './import-directory';
import { findUnchangedLatest, newestVersion, pointLatest, removeName, resolveTag } from './latest';
import { withLock } from './lock';
import { checkSaveExtras, pickleRefused, readModelInput, readPipelineInput } from './save-input';
import { onnxruntimeVersion, readSignature } from './signature';
import { loadStats, readStatsInput, writeStatsFile } from './stats-file';
import { createStagingDir, removeAbandoned } from './staging';
import { checkDigest, checkSize, listVersions, loadPipeline, makeRef, nameDir, notFound, orderVersions, readInfo, versionDir } from './stored-version';
import { assertDerivedName, assertValidName, isValidName } from './tag';
import type {
  FileDigest,
  GetModelOptions,
  ImportedModel,
  ImportModelOptions,
  ModelInfo,
  ModelManifest,
  ModelRef,
  ModelStoreOptions,
  ReferenceStats,
  SaveModelInput,
  StoredModel,
} from './types';
import { assertUserVersion } from './version';

/** Defaults of {@link ModelStoreOptions}. */
export const kDefaultModelStoreOptions = { lockTimeoutMs: 10_000, maxModelSize: 4 * 1024 ** 3 } as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Options of `importModel()` that only make sense when the import saves a new version. */
const kSaveOnlyImportOptions = ['ifChanged', 'pipeline', 'classes', 'labels', 'metadata', 'version', 'stats'] as const;

/**
 * Models on disk, BentoML-style: `$root/models/<name>/<version>/{model.onnx,pipeline.json,model.json}`
 * plus `$root/models/<name>/latest`. Every write is staged inside the store and renamed into place,
 * so readers never see a partial model; writers of one name serialize on a lock file, so
 * concurrent saves from several processes get distinct, ordered versions.
 */
export class ModelStore {
  /** Absolute path of the store directory. */
  readonly root: string;
  readonly #lockTimeoutMs: number;
  readonly #maxModelSize: number;
  #opened: Promise<void> | undefined;

  constructor(options: ModelStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (options.root !== undefined && (typeof options.root !== 'string' || options.root === '')) {
      throw new TypeError('options.root must be a non-empty string');
    }
    const lockTimeoutMs = options.lockTimeoutMs ?? kDefaultModelStoreOptions.lockTimeoutMs;
    if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs <= 0) {
      throw new RangeError('options.lockTimeoutMs must be a positive integer');
    }
    const maxModelSize = options.maxModelSize ?? kDefaultModelStoreOptions.maxModelSize;
    if (!Number.isSafeInteger(maxModelSize) || maxModelSize <= 0) throw new RangeError('options.maxModelSize must be a positive integer (bytes)');
    this.root = resolve(options.root ?? (process.env.MLSERVE_HOME || join(homedir(), '.mlserve')));
    this.#lockTimeoutMs = lockTimeoutMs;
    this.#maxModelSize = maxModelSize;
  }

  /**
   * Stores a new version of `name` and moves `latest` to it. The ONNX model is loaded once in
   * onnxruntime to read its signature; models that cannot load or that return non-tensor values
   * (ZipMap) are refused, as are pickles and invalid pipelines. `input.version` chooses the
   * version (`v1.0.0`); saving a version that exists is refused with `MLS_ERR_STORE_ALREADY_EXISTS`.
   */
  async save(name: string, input: SaveModelInput): Promise<ModelRef> {
    await this.#open();
    const { version } = await this.#save(name, input, false);
    return makeRef(this.root, name, version);
  }

  async #save(name: string, input: SaveModelInput, ifChanged: boolean): Promise<ImportedModel> {
    assertValidName(name, 'name');
    if (!isPlainObject(input)) throw createStoreError('MLS_ERR_STORE_INVALID_INPUT', 'input must be an object { model, pipeline?, classes?, ... }');
    if (input.version !== undefined) assertUserVersion(input.version);
    const { bytes, source } = await readModelInput(input.model);
    if (bytes.byteLength > this.#maxModelSize) {
      throw createStoreError(
        'MLS_ERR_STORE_TOO_LARGE',
        `${source} is ${bytes.byteLength} bytes, more than the maximum model size of ${this.#maxModelSize} bytes (options.maxModelSize)`,
        {
          details: { file: source, maxModelSize: this.#maxModelSize },
        },
      );
    }
    const signature = await readSignature(bytes, source, {
      task: input.metadata?.task,
      classes: input.classes,
      featureNames: input.metadata?.featureNames ?? input.metadata?.inputs,
      hasPipeline: input.pipeline !== undefined,
    });
    checkSaveExtras(input, signature);
    const pipelineText = input.pipeline === undefined ? undefined : await readPipelineInput(input.pipeline, signature);
    const statsText = input.stats === undefined ? undefined : await readStatsInput(input.stats);

    const files: ModelManifest['files'] = { 'model.onnx': digestBytes(bytes) };
    const staging = await this.#createStaging();
    try {
      await writeFileDurable(join(staging, 'model.onnx'), bytes);
      if (pipelineText !== undefined) {
        await writeFileDurable(join(staging, 'pipeline.json'), pipelineText);
        files['pipeline.json'] = digestBytes(pipelineText);
      }
      if (statsText !== undefined) {
        await writeFileDurable(join(staging, 'stats.json'), statsText);
        files['stats.json'] = digestBytes(statsText);
      }
      const base: ManifestBase = {
        mlserveVersion: kMlserveVersion,
        onnxruntimeVersion: await onnxruntimeVersion(),
        files,
        signature,
        ...(input.classes === undefined ? {} : { classes: [...input.classes] }),
        labels: { ...input.labels },
        metadata: { ...input.metadata },
        metrics: { ...input.metrics },
      };
      return await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => {
        // checked under the lock: two processes importing the same files save it once
        const unchanged = ifChanged ? await findUnchangedLatest(this.root, name, files['model.onnx'].sha256, pipelineText) : undefined;
        if (unchanged) return { ...unchanged, saved: false };
        return { ...(await commitVersion(this.root, name, staging, base, input.version)), saved: true };
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Loads one version for serving: its manifest, signature, classes and pipeline. Checks that
   * model.json is valid, every file has its recorded size, and (unless `options.verify` is false)
   * that model.onnx and pipeline.json match their sha256: a model changed on disk is refused with
   * `MLS_ERR_STORE_CORRUPT`, never served.
   */
  async get(tag: string, options: GetModelOptions = {}): Promise<StoredModel> {
    if (!isPlainObject(options)) throw new TypeError('options must be an object');
    if (options.verify !== undefined && typeof options.verify !== 'boolean') throw new TypeError('options.verify must be a boolean');
    await this.#open();
    const { name, version } = await resolveTag(this.root, tag);
    const info = await readInfo(this.root, name, version);
    for (const [file, digest] of Object.entries(info.manifest.files) as Array<[string, FileDigest]>) {
      if (file === 'model.onnx' && options.verify !== false) await checkDigest(info, file, digest);
      else await checkSize(info, file, digest);
    }
    const stored: StoredModel = { ...info, modelPath: join(info.path, 'model.onnx'), signature: info.manifest.signature };
    if (info.manifest.classes !== undefined) stored.classes = info.manifest.classes;
    const pipelineDigest = info.manifest.files['pipeline.json'];
    if (pipelineDigest !== undefined) stored.pipeline = await loadPipeline(info, pipelineDigest);
    const statsDigest = info.manifest.files['stats.json'];
    if (statsDigest !== undefined) stored.stats = await loadStats(info, statsDigest);
    return stored;
  }

  /**
   * Stores reference statistics (`mlserve.stats/v1` or a path to a stats.json) with an existing
   * version, replacing any it had: the one change a version accepts, since statistics describe the
   * data rather than the model. model.json records the new file's sha256; written under the name's lock.
   */
  async setStats(tag: string, stats: ReferenceStats | string): Promise<ModelRef> {
    await this.#open();
    const text = await readStatsInput(stats);
    const { name, version } = await resolveTag(this.root, tag);
    await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => writeStatsFile(await readInfo(this.root, name, version), text));
    return makeRef(this.root, name, version);
  }

  /** Every stored version of `name`, or of every name, newest first. */
  async list(name?: string): Promise<ModelInfo[]> {
    await this.#open();
    let names: string[];
    if (name === undefined) {
      names = await this.#names();
    } else {
      assertValidName(name, 'name');
      names = [name];
    }
    const infos: ModelInfo[] = [];
    for (const n of names) {
      for (const version of await listVersions(this.root, n)) infos.push(await readInfo(this.root, n, version));
    }
    const order = (a: ModelInfo, b: ModelInfo): number =>
      a.createdAt !== b.createdAt ? Date.parse(b.createdAt) - Date.parse(a.createdAt) : a.version < b.version ? 1 : a.version > b.version ? -1 : a.name.localeCompare(b.name);
    return infos.sort(order);
  }

  /**
   * Removes one version (`name` alone means `name:latest`). `latest` is repointed at the newest
   * remaining version first, so a reader never sees it name a missing version; the version then
   * disappears in one rename, and the name goes when no version remains. Works on damaged versions.
   */
  async delete(tag: string): Promise<ModelRef> {
    await this.#open();
    const { name, version } = await resolveTag(this.root, tag);
    const trash = await this.#createStaging('deleted');
    try {
      await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => {
        const versions = await listVersions(this.root, name);
        if (!versions.includes(version)) throw notFound(this.root, name, version);
        const remaining = versions.filter((v) => v !== version);
        const newest = (await orderVersions(this.root, name, remaining))[0];
        const latest = join(nameDir(this.root, name), 'latest');
        const pointer = await readFile(latest, 'utf8').then(
          (t) => t.trim(),
          () => undefined,
        );
        if (newest === undefined) await rm(latest, { force: true });
        else if (pointer === version || pointer === undefined || !remaining.includes(pointer)) await pointLatest(this.root, name, newest);
        try {
          // one rename makes the version disappear at once; the slow removal happens after
          await rename(versionDir(this.root, name, version), join(trash, version));
        } catch (err) {
          if (errnoCode(err) === 'ENOENT') throw notFound(this.root, name, version);
          throw err;
        }
        if (newest === undefined) await removeName(this.root, name);
      });
    } finally {
      await rm(trash, { recursive: true, force: true });
    }
    return makeRef(this.root, name, version);
  }

  /**
   * Writes one version to a `.mlmodel` archive (tar.gz of model.json, model.onnx and pipeline.json)
   * after verifying it. When `file` is an existing directory the archive is named
   * `<name>-<version>.mlmodel` inside it. Resolves to the archive's absolute path.
   */
  async exportModel(tag: string, file: string): Promise<string> {
    if (typeof file !== 'string' || file === '') throw new TypeError('file must be a non-empty string');
    const ref = await this.verify(tag);
    const info = await readInfo(this.root, ref.name, ref.version);
    let target = resolve(file);
    const targetStat = await stat(target).catch(() => undefined);
    if (targetStat?.isDirectory()) target = join(target, `${ref.name}-${ref.version}.mlmodel`);
    // checked first: otherwise the error would name the temporary file, not the missing directory
    const targetDir = dirname(target);
    if (
      !(await stat(targetDir).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    ) {
      throw createStoreError('MLS_ERR_STORE_NOT_FOUND', `Cannot export ${ref.tag} to ${target}: the directory ${targetDir} does not exist`, {
        details: { file: target, directory: targetDir },
      });
    }
    const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await createArchive(info.path, ['model.json', ...Object.keys(info.manifest.files)], tmp);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return target;
  }

  /**
   * Imports a model from:
   * - a `.mlmodel` archive (from `exportModel`; recognised by its gzip content, whatever its name):
   *   streamed, every declared size checked against `maxModelSize`, every sha256 against its
   *   model.json; the version is kept; `MLS_ERR_STORE_ALREADY_EXISTS` when that name:version is stored;
   * - an exporter output directory (model.onnx, optional pipeline.json and metadata.json): saved as a new version;
   * - an ONNX file: saved as a new version named after the file unless `options.name` is given.
   * Pickles (by extension or content) are refused. With `options.ifChanged`, a directory or
   * `.onnx` file whose model and pipeline the latest version already holds is not saved again.
   */
  async importModel(file: string, options: ImportModelOptions = {}): Promise<ImportedModel> {
    if (typeof file !== 'string' || file === '') throw new TypeError('file must be a non-empty string');
    if (!isPlainObject(options)) throw new TypeError('options must be an object');
    if (options.name !== undefined) assertValidName(options.name, 'name');
    if (options.ifChanged !== undefined && typeof options.ifChanged !== 'boolean') throw new TypeError('options.ifChanged must be a boolean');
    if (options.version !== undefined) assertUserVersion(options.version, 'options.version');
    await this.#open();
    const path = resolve(file);
    const kind = await detectModelFile(path);
    if (kind === 'missing') throw createStoreError('MLS_ERR_STORE_NOT_FOUND', `Cannot import ${path}: no such file or directory`, { details: { file: path } });
    if (kind === 'pickle') throw pickleRefused(path);
    const { pipeline, classes, labels, metadata, version, stats }: ImportModelOptions = options;
    if (kind === 'directory') {
      const { name, input } = await readExportDirectory(path, options);
      return this.#save(name, { ...input, version }, options.ifChanged === true);
    }
    if (kind === 'unknown') {
      throw createStoreError('MLS_ERR_STORE_INVALID_MODEL', `Cannot import ${path}: it is neither a .mlmodel archive (gzip), an ONNX model nor an exporter directory`, {
        details: { file: path },
      });
    }
    if (kind === 'onnx') {
      const name = options.name ?? basename(path).replace(/\.[^.]*$/, '');
      assertDerivedName(name, path);
      return this.#save(name, { model: path, pipeline, classes, labels, metadata, version, stats }, options.ifChanged === true);
    }
    // an archive keeps its version and files: nothing is re-saved, so nothing can be skipped or replaced
    const given = kSaveOnlyImportOptions.find((key) => options[key] !== undefined);
    if (given) throw new TypeError(`options.${given} cannot be used when importing a .mlmodel archive`);
    return { ...(await this.#importArchive(path, options)), saved: true };
  }

  /** Re-hashes every file of a version and rejects with `MLS_ERR_STORE_CORRUPT` on any difference. */
  async verify(tag: string): Promise<ModelRef> {
    await this.#open();
    const { name, version } = await resolveTag(this.root, tag);
    const info = await readInfo(this.root, name, version);
    for (const [file, expected] of Object.entries(info.manifest.files) as Array<[string, FileDigest]>) await checkDigest(info, file, expected);
    return makeRef(this.root, name, version);
  }

  /**
   * Removes what killed processes left behind (staging directories, locks), once per store object:
   * their work never became visible, so nothing else would ever clean it up.
   */
  #open(): Promise<void> {
    this.#opened ??= removeAbandoned(this.root).then(
      () => undefined,
      () => undefined,
    );
    return this.#opened;
  }

  /** A new staging directory, after removing what killed processes left there. */
  async #createStaging(purpose?: string): Promise<string> {
    await removeAbandoned(this.root).catch(() => undefined);
    return createStagingDir(this.root, purpose);
  }

  async #importArchive(file: string, options: ImportModelOptions): Promise<ModelRef> {
    const staging = await this.#createStaging();
    try {
      const { name, version } = await unpackArchive(file, staging, { name: options.name, maxModelSize: this.#maxModelSize });
      return await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => {
        const target = versionDir(this.root, name, version);
        if (
          await stat(target).then(
            () => true,
            () => false,
          )
        )
          throw alreadyExists(name, version, 'import it under another name with options.name, or delete it first');
        await mkdir(nameDir(this.root, name), { recursive: true });
        await rename(staging, target);
        await syncDir(nameDir(this.root, name));
        await pointLatest(this.root, name, await newestVersion(this.root, name));
        return makeRef(this.root, name, version);
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async #names(): Promise<string[]> {
    const entries = await readdir(join(this.root, 'models'), { withFileTypes: true }).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    });
    return entries
      .filter((e) => e.isDirectory() && isValidName(e.name))
      .map((e) => e.name)
      .sort();
  }

  #lockFile(name: string): string {
    return join(this.root, '.locks', `${name}.lock`);
  }
}
