import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { Module, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The `@mlserve/*` packages whose dependencies a bento's bundle imports. */
const kRuntimePackages = ['@mlserve/service', '@mlserve/runner', '@mlserve/model-store', '@mlserve/pipeline', '@mlserve/errors'];

/** Resolves bare imports that fail from the bento against fallback package directories instead. */
const kResolveHook = `
let parents = [];
export async function initialize(data) { parents = data.parents; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || /^[./]|^[a-z]+:/i.test(specifier)) throw err;
    for (const parentURL of parents) {
      try { return await next(specifier, { ...context, parentURL }); } catch {}
    }
    throw err;
  }
}`;

function findOwnPackageDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const pkgJson = path.join(dir, 'package.json');
    if (existsSync(pkgJson)) return (JSON.parse(readFileSync(pkgJson, 'utf8')) as { name?: string }).name === '@mlserve/cli' ? dir : undefined;
  }
  return undefined;
}

/**
 * A bento in the store has no node_modules of its own (they are installed where it is deployed).
 * To serve it in place, its third-party imports are resolved from this CLI's installation: ESM
 * imports through a resolve hook, `require()` in worker threads through NODE_PATH. Returns false
 * when this CLI has no such installation to lend (then the bento needs `npm install`).
 */
export function lendDependencies(bentoDir: string): boolean {
  if (existsSync(path.join(bentoDir, 'node_modules'))) return true;
  const own = findOwnPackageDir();
  if (!own) return false;
  const dirs = [own];
  for (const name of kRuntimePackages) {
    const link = path.join(own, 'node_modules', name);
    if (existsSync(link)) dirs.push(realpathSync(link));
  }
  const nodeModules = dirs.map((d) => path.join(d, 'node_modules')).filter((d) => existsSync(d));
  process.env.NODE_PATH = [...nodeModules, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();
  register(`data:text/javascript,${encodeURIComponent(kResolveHook)}`, { data: { parents: dirs.map((d) => pathToFileURL(path.join(d, 'package.json')).href) } });
  return true;
}
