import { existsSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Set in the environment of a process that serves a bento with dependencies lent by this CLI. */
export const kEnvLent = 'MLSERVE_LENT_DEPENDENCIES';

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
 * The environment of a child process that serves a bento with dependencies lent from `dirs`:
 * NODE_PATH makes `require()` (the runner's worker threads, createRequire in the packages) find them;
 * ESM imports go through the resolve hook that `registerLentResolution` installs in that child.
 */
export function lendingEnv(dirs: string[]): NodeJS.ProcessEnv {
  const paths = [...new Set(dirs.flatMap(nodeModulesPaths))].filter((d) => existsSync(d));
  return { NODE_PATH: [...paths, process.env.NODE_PATH].filter(Boolean).join(path.delimiter), [kEnvLent]: '1' };
}

/** Lets the bento's ESM imports that fail resolve from the lender directories instead (module.register, public since Node 20.6). */
export function registerLentResolution(dirs: string[]): void {
  register(`data:text/javascript,${encodeURIComponent(kResolveHook)}`, { data: { parents: dirs.map((d) => pathToFileURL(path.join(d, 'package.json')).href) } });
}
