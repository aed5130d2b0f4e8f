import { existsSync, readFileSync } from 'node:fs';
import nodeModule, { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Set in the environment of a process that serves a bento with dependencies lent by this CLI (and inherited by the processes it starts). */
export const kEnvLent = 'MLSERVE_LENT_DEPENDENCIES';

/**
 * Loader hooks (module.register) for a bento served in this process with lent dependencies: bare
 * imports that fail from the bento resolve from the lender directories instead. Registered only for
 * a bento that imports packages as ES modules: the hooks run on a thread of their own, whose start
 * and per-import round trips cost a cold start ~150 ms.
 */
const kHooks = `
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

const missing = (err: unknown) => (err as { code?: string } | null)?.code === 'MODULE_NOT_FOUND';

/** `pick(own)`, or the first lender's when `own` cannot find the module. */
function withFallback<T>(own: NodeJS.Require, lenders: NodeJS.Require[], pick: (r: NodeJS.Require) => (id: string, options?: T) => unknown) {
  return (id: string, options?: T) => {
    try {
      return pick(own)(id, options);
    } catch (err) {
      if (!missing(err)) throw err;
      for (const lender of lenders) {
        try {
          return pick(lender)(id, options);
        } catch (e) {
          if (!missing(e)) throw e;
        }
      }
      throw err;
    }
  };
}

/**
 * Makes every `createRequire` of this process, from now on, return a require() (and
 * require.resolve()) that falls back to the lender directories: the bundled @mlserve packages
 * require onnxruntime-node, prom-client... with createRequire, and a bento's banner makes its
 * require() so. `module.syncBuiltinESMExports()` carries the change to ES imports of `node:module`.
 */
function lendCreateRequire(dirs: string[]): void {
  const real = nodeModule.createRequire;
  const lenders = dirs.map((d) => real(path.join(d, 'package.json')));
  nodeModule.createRequire = (from: string | URL): NodeJS.Require => {
    const own = real(from);
    const require = withFallback(own, lenders, (r) => r) as NodeJS.Require;
    require.resolve = Object.assign(
      withFallback(own, lenders, (r) => r.resolve),
      { paths: own.resolve.paths },
    ) as NodeJS.RequireResolve;
    require.cache = own.cache;
    require.main = own.main;
    require.extensions = own.extensions;
    return require;
  };
  nodeModule.syncBuiltinESMExports();
}

function findOwnPackageDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const pkgJson = path.join(dir, 'package.json');
    if (existsSync(pkgJson)) return readPackageJson(dir).name === '@mlserve/cli' ? dir : undefined;
  }
  return undefined;
}

/** True when a bento has no node_modules of its own, so serving it in place needs this CLI's. */
export function needsLending(bentoDir: string): boolean {
  return !existsSync(path.join(bentoDir, 'node_modules'));
}

function readPackageJson(dir: string): { name?: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; dependencies?: Record<string, string> };
}

/**
 * The directories of this CLI and of every @mlserve package it depends on, directly or not
 * (a bento bundles those packages, and imports their third-party dependencies), wherever the
 * package manager put them (pnpm's store, npm's flat node_modules). Undefined when this CLI is
 * not an installed package (the copy bundled into a bento): it has nothing to lend.
 */
export function findLenderDirs(): string[] | undefined {
  const own = findOwnPackageDir();
  if (!own) return undefined;
  const dirs = [own];
  for (let i = 0; i < dirs.length; i += 1) {
    const dir = dirs[i]!;
    const require = createRequire(path.join(dir, 'package.json'));
    for (const name of Object.keys(readPackageJson(dir).dependencies ?? {}).filter((n) => n.startsWith('@mlserve/'))) {
      try {
        const found = path.dirname(require.resolve(`${name}/package.json`));
        if (!dirs.includes(found)) dirs.push(found);
      } catch {
        // A package without an exported package.json is left out; its parents' node_modules still count.
      }
    }
  }
  return dirs;
}

/** The node_modules directories Node's own lookup would search from `dir`: `dir/node_modules`, then each parent's. */
function nodeModulesPaths(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules') out.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return out;
  }
}

/**
 * NODE_PATH for the lender directories' node_modules (and their parents'): threads and processes
 * started after it is set resolve `require()` from them too (the runner's worker threads).
 */
export function lendingNodePath(dirs: string[]): string {
  const paths = dirs.flatMap(nodeModulesPaths).filter((d) => existsSync(d));
  return [...new Set([...paths, ...(process.env.NODE_PATH ?? '').split(path.delimiter)])].filter(Boolean).join(path.delimiter);
}

/**
 * Lends this CLI's dependencies to a bento served in this process: its modules' require() resolves
 * from the lender directories when the bento has no copy, and so do its ES imports when `esmImports`
 * (module.register hooks, public since Node 20.6); worker threads started from now on find them
 * through NODE_PATH (read at each thread's start).
 */
export function lendDependencies(dirs: string[], esmImports: boolean): void {
  process.env.NODE_PATH = lendingNodePath(dirs);
  process.env[kEnvLent] = '1';
  lendCreateRequire(dirs);
  if (esmImports) register(`data:text/javascript,${encodeURIComponent(kHooks)}`, { data: { parents: dirs.map((d) => pathToFileURL(path.join(d, 'package.json')).href) } });
}
