import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Pipeline } from '@mlserve/pipeline';
import { version as kMlserveVersion } from '../package.json';
import { createArchive } from './archive';
import { createStoreError } from './errors';
import { digestBytes, digestFile, errnoCode, syncDir, writeFileAtomic, writeFileDurable } from './fs-utils';
import { unpackArchive } from './import-archive';
import { readExportDirectory } from './import-directory';
import { withLock } from './lock';
import { kModelManifestFormat, parseManifest } from './manifest';
import { checkSaveExtras, isPicklePath, pickleRefused, readModelInput, readPipelineInput } from './save-input';
import { onnxruntimeVersion, readSignature } from './signature';
import { assertDerivedName, assertValidName, formatTag, isValidName, parseTag } from './tag';
import type {
  FileDigest,
  ImportedModel,
  ImportModelOptions,
  ModelInfo,
  ModelManifest,
  ModelRef,
  ModelStoreOptions,
  SaveModelInput,
  StoredModel,
} from './types';
import { createVersion } from './version';

/** Defaults of {@link ModelStoreOptions}. */
export const kDefaultModelStoreOptions = { lockTimeoutMs: 10_000 } as const;

/** Staging directories older than this were left by a killed process and are removed by the next save. */
const kStaleStagingMs = 60 * 60 * 1000;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Options of `importModel()` that only make sense when the import saves a new version. */
const kSaveOnlyImportOptions = ['ifChanged', 'pipeline', 'classes', 'labels', 'metadata'] as const;

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

  constructor(options: ModelStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (options.root !== undefined && (typeof options.root !== 'string' || options.root === '')) {
      throw new TypeError('options.root must be a non-empty string');
    }
    const lockTimeoutMs = options.lockTimeoutMs ?? kDefaultModelStoreOptions.lockTimeoutMs;
    if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs <= 0) {
      throw new RangeError('options.lockTimeoutMs must be a positive integer');
    }
    this.root = resolve(options.root ?? (process.env.MLSERVE_HOME || join(homedir(), '.mlserve')));
    this.#lockTimeoutMs = lockTimeoutMs;
  }

  /**
   * Stores a new version of `name` and moves `latest` to it. The ONNX model is loaded once in
   * onnxruntime to read its signature; models that cannot load or that return non-tensor values
   * (ZipMap) are refused, as are pickles and invalid pipelines.
   */
  async save(name: string, input: SaveModelInput): Promise<ModelRef> {
    const { version } = await this.#save(name, input, false);
    return this.#ref(name, version);
  }

  async #save(name: string, input: SaveModelInput, ifChanged: boolean): Promise<ImportedModel> {
    assertValidName(name, 'name');
    if (!isPlainObject(input)) throw createStoreError('MLS_ERR_STORE_INVALID_INPUT', 'input must be an object { model, pipeline?, classes?, ... }');
    const { bytes, source } = await readModelInput(input.model);
    const signature = await readSignature(bytes, source, {
      task: input.metadata?.task,
      classes: input.classes,
      featureNames: input.metadata?.featureNames ?? input.metadata?.inputs,
      hasPipeline: input.pipeline !== undefined,
    });
    checkSaveExtras(input, signature);
    const pipelineText = input.pipeline === undefined ? undefined : await readPipelineInput(input.pipeline, signature);

    const files: ModelManifest['files'] = { 'model.onnx': digestBytes(bytes) };
    const staging = await this.#createStaging();
    try {
      await writeFileDurable(join(staging, 'model.onnx'), bytes);
      if (pipelineText !== undefined) {
        await writeFileDurable(join(staging, 'pipeline.json'), pipelineText);
        files['pipeline.json'] = digestBytes(pipelineText);
      }
      const base = {
        mlserveVersion: kMlserveVersion,
        onnxruntimeVersion: await onnxruntimeVersion(),
        files,
        signature,
        ...(input.classes === undefined ? {} : { classes: [...input.classes] }),
        labels: { ...input.labels },
        metadata: { ...input.metadata },
        metrics: { ...input.metrics },
      } as const;
      return await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => {
        // checked under the lock: two processes importing the same files save it once
        const unchanged = ifChanged ? await this.#findUnchangedLatest(name, files['model.onnx'].sha256, pipelineText) : undefined;
        if (unchanged) return { ...unchanged, saved: false };
        // the version is chosen under the lock, after the newest existing one: versions of a name
        // are strictly ordered by save order even across processes and clock steps
        let version = createVersion((await this.#versions(name))[0]);
        for (let attempt = 0; ; attempt++) {
          const manifest: ModelManifest = { format: kModelManifestFormat, name, version, createdAt: new Date().toISOString(), ...base };
          await writeFileDurable(join(staging, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`, 'w');
          await syncDir(staging);
          await mkdir(this.#nameDir(name), { recursive: true });
          try {
            await rename(staging, this.#versionDir(name, version));
            break;
          } catch (err) {
            // a version directory written by something not holding the lock: take the next version
            if ((errnoCode(err) !== 'ENOTEMPTY' && errnoCode(err) !== 'EEXIST') || attempt > 5) throw err;
            version = createVersion(version);
          }
        }
        await syncDir(this.#nameDir(name));
        await this.#updateLatest(name);
        return { ...this.#ref(name, version), saved: true };
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Loads one version for serving: its manifest, signature, classes and pipeline. Checks cheaply
   * that model.json is valid and every file has its recorded size; pipeline.json, which it reads
   * anyway, is also checked against its sha256. `verify()` re-hashes model.onnx too.
   */
  async get(tag: string): Promise<StoredModel> {
    const { name, version } = await this.#resolve(tag);
    const info = await this.#readInfo(name, version);
    for (const [file, digest] of Object.entries(info.manifest.files) as Array<[string, FileDigest]>) {
      await this.#checkSize(info, file, digest);
    }
    const stored: StoredModel = {
      ...info,
      modelPath: join(info.path, 'model.onnx'),
      signature: info.manifest.signature,
    };
    if (info.manifest.classes !== undefined) stored.classes = info.manifest.classes;
    const pipelineDigest = info.manifest.files['pipeline.json'];
    if (pipelineDigest !== undefined) stored.pipeline = await this.#loadPipeline(info, pipelineDigest);
    return stored;
  }

  /** Every stored version of `name`, or of every name, newest first. */
  async list(name?: string): Promise<ModelInfo[]> {
    let names: string[];
    if (name === undefined) {
      names = await this.#names();
    } else {
      assertValidName(name, 'name');
      names = [name];
    }
    const infos: ModelInfo[] = [];
    for (const n of names) {
      for (const version of await this.#versions(n)) infos.push(await this.#readInfo(n, version));
    }
    return infos.sort((a, b) => (a.version < b.version ? 1 : a.version > b.version ? -1 : a.name.localeCompare(b.name)));
  }

  /**
   * Removes one version (`name` alone means `name:latest`), repoints `latest` at the newest
   * remaining version, and removes the name when no version remains. Works on damaged versions too.
   */
  async delete(tag: string): Promise<ModelRef> {
    const { name, version } = await this.#resolve(tag);
    const trash = join(this.root, '.staging', `deleted-${randomBytes(8).toString('hex')}`);
    await mkdir(dirname(trash), { recursive: true });
    await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => {
      try {
        // one rename makes the version disappear at once; the slow removal happens after
        await rename(this.#versionDir(name, version), trash);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') throw this.#notFound(name, version);
        throw err;
      }
      await this.#updateLatest(name);
    });
    await rm(trash, { recursive: true, force: true });
    return this.#ref(name, version);
  }

  /**
   * Writes one version to a `.mlmodel` archive (tar.gz of model.json, model.onnx and pipeline.json)
   * after verifying it. When `file` is an existing directory the archive is named
   * `<name>-<version>.mlmodel` inside it. Resolves to the archive's absolute path.
   */
  async exportModel(tag: string, file: string): Promise<string> {
    if (typeof file !== 'string' || file === '') throw new TypeError('file must be a non-empty string');
    const ref = await this.verify(tag);
    const info = await this.#readInfo(ref.name, ref.version);
    let target = resolve(file);
    const targetStat = await stat(target).catch(() => undefined);
    if (targetStat?.isDirectory()) target = join(target, `${ref.name}-${ref.version}.mlmodel`);
    // checked first: otherwise the error would name the temporary file, not the missing directory
    const targetDir = dirname(target);
    if (!(await stat(targetDir).then((s) => s.isDirectory(), () => false))) {
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
   * - a `.mlmodel` archive (from `exportModel`): every sha256 is checked against its model.json and
   *   the version is kept; `MLS_ERR_STORE_ALREADY_EXISTS` when that name:version is already stored;
   * - an exporter output directory (model.onnx, optional pipeline.json and metadata.json): saved as a new version;
   * - a `.onnx` file: saved as a new version named after the file unless `options.name` is given.
   * Pickles (`.pkl`, `.joblib`, `.pickle`) are refused. With `options.ifChanged`, a directory or
   * `.onnx` file whose model and pipeline the latest version already holds is not saved again.
   */
  async importModel(file: string, options: ImportModelOptions = {}): Promise<ImportedModel> {
    if (typeof file !== 'string' || file === '') throw new TypeError('file must be a non-empty string');
    if (!isPlainObject(options)) throw new TypeError('options must be an object');
    if (options.name !== undefined) assertValidName(options.name, 'name');
    if (options.ifChanged !== undefined && typeof options.ifChanged !== 'boolean') throw new TypeError('options.ifChanged must be a boolean');
    const path = resolve(file);
    if (isPicklePath(path)) throw pickleRefused(path);
    const info = await stat(path).catch((err: unknown) => {
      throw createStoreError('MLS_ERR_STORE_NOT_FOUND', `Cannot import ${path}: ${errnoCode(err) === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, {
        cause: err,
      });
    });
    if (info.isDirectory()) {
      const { name, input } = await readExportDirectory(path, options);
      return this.#save(name, input, options.ifChanged === true);
    }
    if (extname(path).toLowerCase() === '.onnx') {
      const name = options.name ?? basename(path, extname(path));
      assertDerivedName(name, path);
      const { pipeline, classes, labels, metadata }: ImportModelOptions = options;
      return this.#save(name, { model: path, pipeline, classes, labels, metadata }, options.ifChanged === true);
    }
    // an archive keeps its version and files: nothing is re-saved, so nothing can be skipped or replaced
    const given = kSaveOnlyImportOptions.find((key) => options[key] !== undefined);
    if (given) throw new TypeError(`options.${given} cannot be used when importing a .mlmodel archive`);
    return { ...(await this.#importArchive(path, options)), saved: true };
  }

  /** Re-hashes every file of a version and rejects with `MLS_ERR_STORE_CORRUPT` on any difference. */
  async verify(tag: string): Promise<ModelRef> {
    const { name, version } = await this.#resolve(tag);
    const info = await this.#readInfo(name, version);
    for (const [file, expected] of Object.entries(info.manifest.files) as Array<[string, FileDigest]>) {
      await this.#checkSize(info, file, expected);
      const actual = await digestFile(join(info.path, file));
      if (actual.sha256 !== expected.sha256) {
        throw createStoreError(
          'MLS_ERR_STORE_CORRUPT',
          `${info.tag}: ${file} has sha256 ${actual.sha256} but model.json records ${expected.sha256}; the file was modified after it was saved`,
          { details: { tag: info.tag, file, expected, actual } },
        );
      }
    }
    return this.#ref(name, version);
  }

  /**
   * The latest version of `name` when it holds a model.onnx with this sha256 and a pipeline equal
   * to this one (compared as JSON values, so formatting does not count). Caller holds the lock.
   */
  async #findUnchangedLatest(name: string, modelSha256: string, pipelineText: string | undefined): Promise<ModelRef | undefined> {
    let latest: { name: string; version: string };
    try {
      latest = await this.#resolve(name);
    } catch (err) {
      // no version yet, or latest points nowhere: saving is what fixes it
      const code = (err as { code?: unknown }).code;
      if (code === 'MLS_ERR_STORE_NOT_FOUND' || code === 'MLS_ERR_STORE_DANGLING_LATEST') return undefined;
      throw err;
    }
    const info = await this.#readInfo(latest.name, latest.version);
    const { 'model.onnx': model, 'pipeline.json': pipeline } = info.manifest.files;
    if (model.sha256 !== modelSha256 || (pipeline === undefined) !== (pipelineText === undefined)) return undefined;
    await this.#checkSize(info, 'model.onnx', model);
    if (pipeline !== undefined && pipelineText !== undefined) {
      const stored: unknown = JSON.parse((await this.#readPipelineFile(info, pipeline)).toString('utf8'));
      if (!isDeepStrictEqual(stored, JSON.parse(pipelineText))) return undefined;
    }
    return this.#ref(latest.name, latest.version);
  }

  async #importArchive(file: string, options: ImportModelOptions): Promise<ModelRef> {
    const staging = await this.#createStaging();
    try {
      const { name, version } = await unpackArchive(file, staging, options.name);
      return await withLock(this.#lockFile(name), this.#lockTimeoutMs, async () => {
        const target = this.#versionDir(name, version);
        if (await stat(target).then(() => true, () => false)) {
          throw createStoreError(
            'MLS_ERR_STORE_ALREADY_EXISTS',
            `${formatTag(name, version)} is already in the store; import it under another name with options.name, or delete it first`,
            { details: { tag: formatTag(name, version) } },
          );
        }
        await mkdir(this.#nameDir(name), { recursive: true });
        await rename(staging, target);
        await syncDir(this.#nameDir(name));
        await this.#updateLatest(name);
        return this.#ref(name, version);
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Points `latest` at the newest version, or removes the name when none is left. Caller holds the lock. */
  async #updateLatest(name: string): Promise<void> {
    const newest = (await this.#versions(name))[0];
    const latest = join(this.#nameDir(name), 'latest');
    if (newest !== undefined) {
      await writeFileAtomic(latest, `${newest}\n`);
      return;
    }
    await rm(latest, { force: true });
    for (const entry of await readdir(this.#nameDir(name)).catch(() => [])) {
      if (entry.endsWith('.tmp')) await rm(join(this.#nameDir(name), entry), { force: true });
    }
    await rmdir(this.#nameDir(name)).catch(() => undefined);
  }

  async #resolve(tag: string): Promise<{ name: string; version: string }> {
    const parsed = parseTag(tag);
    const { name } = parsed;
    const versions = await this.#versions(name);
    if (versions.length === 0) throw this.#notFound(name);
    if (parsed.version === 'latest') {
      let pointer: string;
      try {
        pointer = (await readFile(join(this.#nameDir(name), 'latest'), 'utf8')).trim();
      } catch (err) {
        // no latest file: a save was killed between its rename and its latest update
        if (errnoCode(err) === 'ENOENT') return { name, version: versions[0]! };
        throw err;
      }
      if (!versions.includes(pointer)) {
        throw createStoreError(
          'MLS_ERR_STORE_DANGLING_LATEST',
          `${name}:latest points to version ${JSON.stringify(pointer)}, which is not in the store (newest stored: ${versions[0]}). ` +
            `Use an explicit version, or save, import or delete a version of "${name}" to repoint latest`,
          { details: { name, latest: pointer, newest: versions[0] } },
        );
      }
      return { name, version: pointer };
    }
    if (versions.includes(parsed.version)) return { name, version: parsed.version };
    const matches = versions.filter((v) => v.startsWith(parsed.version));
    if (matches.length === 1) return { name, version: matches[0]! };
    if (matches.length > 1) {
      throw createStoreError(
        'MLS_ERR_STORE_AMBIGUOUS_TAG',
        `${tag} matches ${matches.length} versions (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', ...' : ''}); give more characters of the version`,
        { details: { tag, matches } },
      );
    }
    throw this.#notFound(name, parsed.version);
  }

  async #readInfo(name: string, version: string): Promise<ModelInfo> {
    const dir = this.#versionDir(name, version);
    const file = join(dir, 'model.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') {
        // deleted by another process since it was resolved
        if (!(await stat(dir).then(() => true, () => false))) throw this.#notFound(name, version);
        throw createStoreError('MLS_ERR_STORE_CORRUPT', `${formatTag(name, version)} has no model.json (${file}); delete this version and save it again`, {
          details: { tag: formatTag(name, version), file },
        });
      }
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_CORRUPT', `${file} is not valid JSON (${(err as Error).message}); it was edited or damaged`, {
        cause: err,
        details: { tag: formatTag(name, version), file },
      });
    }
    const manifest = parseManifest(parsed, file);
    if (manifest.name !== name || manifest.version !== version) {
      throw createStoreError(
        'MLS_ERR_STORE_CORRUPT',
        `${file} describes ${formatTag(manifest.name, manifest.version)} but is stored as ${formatTag(name, version)}`,
        { details: { tag: formatTag(name, version), file } },
      );
    }
    const size = Object.values(manifest.files).reduce((sum, d) => sum + (d as FileDigest).size, 0);
    return { ...this.#ref(name, version), createdAt: manifest.createdAt, size, manifest };
  }

  async #checkSize(info: ModelInfo, file: string, expected: FileDigest): Promise<void> {
    const path = join(info.path, file);
    const actual = await stat(path).catch((err: unknown) => {
      throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: ${file} is missing (${path}); delete this version and save it again`, {
        cause: err,
        details: { tag: info.tag, file },
      });
    });
    if (!actual.isFile() || actual.size !== expected.size) {
      throw createStoreError(
        'MLS_ERR_STORE_CORRUPT',
        `${info.tag}: ${file} is ${actual.size} bytes but model.json records ${expected.size}; the file was truncated or replaced`,
        { details: { tag: info.tag, file, expected: expected.size, actual: actual.size } },
      );
    }
  }

  /** The bytes of a version's pipeline.json, checked against its sha256 in model.json. */
  async #readPipelineFile(info: ModelInfo, expected: FileDigest): Promise<Buffer> {
    const text = await readFile(join(info.path, 'pipeline.json'));
    if (digestBytes(text).sha256 !== expected.sha256) {
      throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: pipeline.json does not match its sha256 in model.json; it was modified after it was saved`, {
        details: { tag: info.tag, file: 'pipeline.json' },
      });
    }
    return text;
  }

  async #loadPipeline(info: ModelInfo, expected: FileDigest): Promise<Pipeline> {
    const text = await this.#readPipelineFile(info, expected);
    try {
      return Pipeline.fromJSON(JSON.parse(text.toString('utf8')));
    } catch (err) {
      throw createStoreError('MLS_ERR_STORE_CORRUPT', `${info.tag}: pipeline.json cannot be loaded: ${(err as Error).message}`, {
        cause: err,
        details: { tag: info.tag, file: 'pipeline.json' },
      });
    }
  }

  /** Version directories of a name, newest first (versions sort by creation time). */
  async #versions(name: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.#nameDir(name), { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    return entries
      .filter((e) => e.isDirectory() && isValidName(e.name) && e.name !== 'latest')
      .map((e) => e.name)
      .sort()
      .reverse();
  }

  async #names(): Promise<string[]> {
    const entries = await readdir(join(this.root, 'models'), { withFileTypes: true }).catch((err: unknown) => {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    });
    return entries.filter((e) => e.isDirectory() && isValidName(e.name)).map((e) => e.name).sort();
  }

  async #createStaging(): Promise<string> {
    const parent = join(this.root, '.staging');
    await mkdir(parent, { recursive: true });
    await this.#removeStaleStaging(parent);
    const dir = join(parent, randomBytes(8).toString('hex'));
    await mkdir(dir);
    return dir;
  }

  /** Best effort: what a killed save or delete left behind is invisible, but still takes space. */
  async #removeStaleStaging(parent: string): Promise<void> {
    const now = Date.now();
    for (const entry of await readdir(parent).catch(() => [])) {
      const path = join(parent, entry);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > kStaleStagingMs) await rm(path, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  #notFound(name: string, version?: string): Error {
    const what = version === undefined ? `No model named "${name}"` : `No version "${version}" of model "${name}"`;
    return createStoreError('MLS_ERR_STORE_NOT_FOUND', `${what} in the store ${this.root}`, {
      details: version === undefined ? { name } : { name, version },
    });
  }

  #ref(name: string, version: string): ModelRef {
    return { name, version, tag: formatTag(name, version), path: this.#versionDir(name, version) };
  }

  #nameDir(name: string): string {
    return join(this.root, 'models', name);
  }

  #versionDir(name: string, version: string): string {
    return join(this.root, 'models', name, version);
  }

  #lockFile(name: string): string {
    return join(this.root, '.locks', `${name}.lock`);
  }
}
