import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { kEsmRequireBanner } from './bundle';

/** What a cached compile was made from: every local source file, with its size and mtime. */
interface CompileManifest {
  version: 1;
  inputs: Record<string, { size: number; mtimeMs: number }>;
}

const kManifestVersion = 1;

/**
 * Where compiled service files are kept: `node_modules/.cache/mlserve` of the nearest directory with
 * a package.json, so the compiled file resolves packages from the same node_modules as its sources.
 */
export function compileCacheDir(file: string): string {
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(file);
  return path.join(dir, 'node_modules', '.cache', 'mlserve');
}

async function isFresh(manifest: CompileManifest): Promise<boolean> {
  if (manifest.version !== kManifestVersion) return false;
  for (const [file, seen] of Object.entries(manifest.inputs)) {
    const now = await stat(file).catch(() => undefined);
    if (!now || now.size !== seen.size || now.mtimeMs !== seen.mtimeMs) return false;
  }
  return true;
}

/**
 * An esbuild plugin that keeps `import.meta.url`, `.dirname` and `.filename` of each source file
 * its own: once bundled into the cache they would name the cache file instead.
 */
function keepImportMetaPlugin(): { name: string; setup(build: unknown): void } {
  return {
    name: 'mlserve-import-meta',
    setup(build) {
      (build as { onLoad(o: { filter: RegExp }, cb: (a: { path: string }) => Promise<unknown>): void }).onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const values: Record<string, string> = { url: pathToFileURL(args.path).href, dirname: path.dirname(args.path), filename: args.path };
        const contents = source.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_m, key: string) => JSON.stringify(values[key]));
        const ext = path.extname(args.path).slice(1);
        const loader = ext.startsWith('t') || ext === 'mts' || ext === 'cts' ? (ext.endsWith('x') ? 'tsx' : 'ts') : ext.endsWith('x') ? 'jsx' : 'js';
        return { contents, loader, resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * Compiles a TypeScript service file (and the local files it imports; packages stay imports) into
 * one ES module in the compile cache, once: a later start whose sources are unchanged (same sizes
 * and mtimes) imports the cached module without loading a compiler or a loader hook. Resolves with
 * the module's URL, or undefined when the cache cannot be written (the caller then loads the file
 * another way). Syntax errors reject with esbuild's error.
 */
export async function compileService(file: string): Promise<string | undefined> {
  const dir = compileCacheDir(file);
  const key = createHash('sha256').update(file).digest('hex').slice(0, 16);
  const outfile = path.join(dir, `${path.basename(file).replace(/\.[^.]+$/, '')}-${key}.mjs`);
  const manifestFile = `${outfile}.json`;
  const manifest = (await readFile(manifestFile, 'utf8').then(JSON.parse, () => undefined)) as CompileManifest | undefined;
  // The query names this compile, so one process that loads a changed file again gets the new module.
  const urlOf = (m: CompileManifest): string => `${pathToFileURL(outfile).href}?v=${createHash('sha256').update(JSON.stringify(m.inputs)).digest('hex').slice(0, 12)}`;
  if (manifest && existsSync(outfile) && (await isFresh(manifest))) return urlOf(manifest);
  if (
    !(await mkdir(dir, { recursive: true }).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  const esbuild = await import('esbuild');
  const tmp = `${outfile}.${process.pid}.tmp`;
  const result = await esbuild
    .build({
      entryPoints: [file],
      outfile: tmp,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
      banner: { js: kEsmRequireBanner },
      plugins: [keepImportMetaPlugin()],
    })
    .catch((err: { errors?: Array<{ location?: { file?: string } | null }> }) => {
      // esbuild names files relative to the working directory; a load error names them as given.
      for (const e of err.errors ?? []) if (e.location?.file) e.location.file = path.resolve(e.location.file);
      throw err;
    });
  const inputs: CompileManifest['inputs'] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const absolute = path.resolve(input);
    const s = await stat(absolute).catch(() => undefined);
    if (s) inputs[absolute] = { size: s.size, mtimeMs: s.mtimeMs };
  }
  const fresh: CompileManifest = { version: kManifestVersion, inputs };
  // Renamed into place so a process starting at the same moment never reads half a file.
  const written = await rename(tmp, outfile)
    .then(() => writeFile(manifestFile, JSON.stringify(fresh)))
    .then(
      () => true,
      () => false,
    );
  return written ? urlOf(fresh) : undefined;
}
