import { builtinModules, createRequire } from 'node:module';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { createCliError } from './errors';

/** Packages the CLI needs only to build or to load TypeScript; a bento never installs them. */
const kBuildOnlyPackages = new Set(['esbuild', 'tsx']);

/** Third-party packages a bundle imports, with the exact versions installed where it was built. */
export type ExternalDeps = Map<string, string>;

/** The name of the package a bare specifier points into (`@scope/pkg/sub` -> `@scope/pkg`). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Finds the installed version of a package as Node would resolve it from `fromDir`. */
export function installedVersion(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgJson = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(pkgJson)) {
      const pkg = JSON.parse(readFileSync(realpathSync(pkgJson), 'utf8')) as { version?: string };
      return pkg.version;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const kBuiltins = new Set(builtinModules);

/**
 * True when `specifier` resolves, from `fromDir`, to a file `require()` loads as CommonJS (not to an
 * ES module: `.mjs`, or `.js` in a `"type": "module"` package, which only Node 20.19+ can require).
 */
export function isRequirable(specifier: string, fromDir: string): boolean {
  let file: string;
  try {
    file = createRequire(path.join(fromDir, 'noop.js')).resolve(specifier);
  } catch {
    return false;
  }
  if (file.endsWith('.mjs')) return false;
  if (!file.endsWith('.js')) return true;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkgJson = path.join(dir, 'package.json');
    if (existsSync(pkgJson)) return (JSON.parse(readFileSync(pkgJson, 'utf8')) as { type?: string }).type !== 'module';
    if (path.dirname(dir) === dir) return true;
  }
}

/** The esbuild namespace of the one-line modules that stand for an ES import of a CommonJS package. */
const kRequiredNamespace = 'mlserve-required';

/**
 * An esbuild plugin that bundles the `@mlserve/*` workspace packages (they are not published) and
 * keeps every other package external, recording its installed version for the bento's package.json.
 * With `esmImports`, an ES import (static or dynamic) of a package that `require()` can load becomes
 * a `require()` through the bundle's banner: a bento served in place then finds it through a
 * `createRequire` that falls back to the CLI's dependencies, with no loader hooks (whose thread
 * costs every cold start ~150 ms). The packages still imported as ES modules are added to `esmImports`.
 */
export function externalsPlugin(deps: ExternalDeps, warnings: string[], esmImports?: Set<string>): Plugin {
  return {
    name: 'mlserve-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || kBuiltins.has(args.path) || kBuiltins.has(args.path.split('/')[0]!)) return { path: args.path, external: true };
        if (args.path.startsWith('@mlserve/')) return undefined;
        const name = packageNameOf(args.path);
        const imported = args.kind === 'import-statement' || args.kind === 'dynamic-import';
        if (esmImports && imported && !kBuildOnlyPackages.has(name)) {
          // Its require() comes back through here, as a require-call, and is recorded then.
          if (isRequirable(args.path, args.resolveDir)) return { path: args.path, namespace: kRequiredNamespace, pluginData: args.resolveDir };
          esmImports.add(name);
        }
        if (!kBuildOnlyPackages.has(name)) {
          const version = installedVersion(name, args.resolveDir);
          if (!version) warnings.push(`${name} is imported from ${args.resolveDir} but is not installed`);
          else if (deps.has(name) && deps.get(name) !== version) warnings.push(`${name}: both ${deps.get(name)} and ${version} are installed; the bento pins ${deps.get(name)}`);
          else deps.set(name, version);
        }
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: kRequiredNamespace }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: args.pluginData as string,
      }));
    },
  };
}

/**
 * A banner that makes `require()` work for CommonJS code inside an ESM bundle. `alias` names the
 * imported createRequire: a bundle of modules that carry such a banner must use another one, as
 * esbuild renames the modules' names but not the banner's.
 */
export function esmRequireBanner(alias: string): string {
  return `import { createRequire as ${alias} } from 'node:module';\nconst require = ${alias}(import.meta.url);`;
}

/** The banner of the bundles mlserve makes (bentos, compiled services). */
export const kEsmRequireBanner = esmRequireBanner('__mlserveCreateRequire');

/**
 * Bundles one entry with esbuild; errors become MLS_ERR_CLI_BUNDLE with esbuild's first message.
 * An ESM bundle imports CommonJS packages through its banner's require(), and adds the packages it
 * still imports as ES modules to `esmImports` (see externalsPlugin).
 */
export async function bundleEntry(options: {
  entry?: string;
  stdin?: { contents: string; resolveDir: string; sourcefile: string };
  outfile: string;
  format: 'esm' | 'cjs';
  deps: ExternalDeps;
  warnings: string[];
  esmImports?: Set<string>;
}): Promise<{ inputs: string[] }> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      ...(options.entry ? { entryPoints: [options.entry] } : {}),
      ...(options.stdin ? { stdin: { ...options.stdin, loader: 'js' as const } } : {}),
      outfile: options.outfile,
      bundle: true,
      platform: 'node',
      format: options.format,
      target: 'node20',
      sourcemap: true,
      // Whitespace only (names stay, for stack traces): the service's bundle is ~2 MB that every
      // cold start parses, ~13 ms less so (bench/NOTES.md, seventh pass).
      minifyWhitespace: true,
      metafile: true,
      logLevel: 'silent',
      banner: options.format === 'esm' ? { js: kEsmRequireBanner } : {},
      plugins: [externalsPlugin(options.deps, options.warnings, options.format === 'esm' ? (options.esmImports ?? new Set()) : undefined)],
    });
    return { inputs: Object.keys(result.metafile?.inputs ?? {}) };
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw createCliError('MLS_ERR_CLI_BUNDLE', `Bundling ${options.entry ?? options.stdin?.sourcefile} failed: ${first?.text ?? (err as Error).message}${where}`, { cause: err });
  }
}

/** The directories of the `@mlserve/*` packages whose files went into a bundle (from its inputs). */
export function mlservePackageDirs(inputs: string[], cwd: string): string[] {
  const dirs = new Set<string>();
  for (const input of inputs) {
    let dir = path.dirname(path.resolve(cwd, input));
    for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      const pkgJson = path.join(dir, 'package.json');
      if (existsSync(pkgJson)) {
        const name = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { name?: string }).name ?? '';
        if (name.startsWith('@mlserve/')) dirs.add(realpathSync(dir));
        break;
      }
    }
  }
  return [...dirs];
}

/**
 * Adds the third-party runtime dependencies declared by the bundled `@mlserve/*` packages, at the
 * versions installed beside them: some are loaded in ways a bundler cannot see (swagger-ui-dist is
 * found with `require.resolve` to serve its files). Not those a package lists under
 * `mlserve.inlined`: its build bundled them in, and it declares them for their types only.
 */
export function addDeclaredDependencies(packageDirs: string[], deps: ExternalDeps, warnings: string[]): void {
  for (const dir of packageDirs) {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; mlserve?: { inlined?: string[] } };
    const inlined = new Set(pkg.mlserve?.inlined);
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      // Type packages (@types/*) are dependencies for TypeScript consumers only; a bento never needs them.
      if (name.startsWith('@mlserve/') || name.startsWith('@types/') || inlined.has(name) || kBuildOnlyPackages.has(name) || deps.has(name)) continue;
      const version = installedVersion(name, dir);
      if (version) deps.set(name, version);
      else warnings.push(`${name}, a dependency of ${dir}, is not installed`);
    }
  }
}
