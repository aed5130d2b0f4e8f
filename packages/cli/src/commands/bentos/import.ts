import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extractBentoArchive, type BentoArchiveLimits } from '../../bento-archive';
import { bentosRoot, getBentoInfo, readBentoManifest, type BentoInfo } from '../../bento-store';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { withSpinner } from '../../progress';

/** Options of `mlserve bentos import <file>`. */
export interface ImportBentoOptions extends CommandOptions {
  /** A `.bento` archive written by `bentos export`. */
  file: string;
  /** Size and entry-count limits of the archive. */
  limits?: BentoArchiveLimits;
}

async function sha256Of(file: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(file), hash);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/**
 * Adds a bento archive to the store: extracted with strict checks (see `extractBentoArchive`) into a
 * staging directory, checked (a readable bento.yaml, valid name and version, every model file
 * matching its recorded sha256), then renamed into `bentos/<name>/<version>`. A rejected archive
 * leaves nothing behind; an existing bento of the same tag is never overwritten.
 */
export async function importBento(options: ImportBentoOptions): Promise<BentoInfo> {
  const ctx = createContext(options);
  const file = path.resolve(ctx.cwd, options.file);
  const root = bentosRoot(ctx.home);
  await mkdir(root, { recursive: true });
  const staging = path.join(root, `.partial-import-${process.pid}-${randomBytes(4).toString('hex')}`);
  const invalid = (reason: string): Error => createCliError('MLS_ERR_CLI_INVALID_ARCHIVE', `${options.file} is not a valid bento archive: ${reason}`, { details: { file } });
  await withSpinner(ctx.stderr, `Importing ${options.file}`, () => extractBentoArchive(file, staging, options.limits));
  try {
    const manifest = await readBentoManifest(staging).catch((err: Error) => {
      throw invalid(err.message.replace(staging, 'the archive'));
    });
    if (!/^[A-Za-z0-9][\w.-]*$/.test(manifest.name) || !/^[\w.-]+$/.test(manifest.version))
      throw invalid(`bento.yaml has an invalid name or version "${manifest.name}:${manifest.version}"`);
    for (const model of manifest.models ?? []) {
      const onnx = path.join(staging, 'models', model.name, model.version, 'model.onnx');
      const actual = await sha256Of(onnx);
      if (actual !== model.digest) throw invalid(`model ${model.tag}: ${actual ? `model.onnx has sha256 ${actual}, bento.yaml records ${model.digest}` : 'model.onnx is missing'}`);
    }
    const tag = `${manifest.name}:${manifest.version}`;
    const finalDir = path.join(root, manifest.name, manifest.version);
    if (
      await stat(finalDir).then(
        () => true,
        () => false,
      )
    )
      throw createCliError('MLS_ERR_CLI_BENTO_EXISTS', `Bento ${tag} is already in ${root}; delete it first with \`mlserve bentos delete ${tag}\``);
    await mkdir(path.dirname(finalDir), { recursive: true });
    await rename(staging, finalDir);
    // The imported bento becomes `latest` only when it is the newest of its name.
    const latestFile = path.join(root, manifest.name, 'latest');
    const latest = await readFile(latestFile, 'utf8').then(
      (s) => s.trim(),
      () => undefined,
    );
    const current = latest === undefined ? undefined : await getBentoInfo(ctx.home, `${manifest.name}:${latest}`).catch(() => undefined);
    if (!current || current.createdAt <= manifest.creationTime) await writeFile(latestFile, `${manifest.version}\n`);
    const info = await getBentoInfo(ctx.home, tag);
    println(ctx.stdout, `Imported bento ${tag} to ${finalDir}`);
    return info;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
