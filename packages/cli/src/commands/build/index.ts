import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as stringifyYaml } from 'yaml';
import { ModelStore } from '@mlserve/model-store';
import { bentosRoot, type BentoManifest } from '../../bento-store';
import { kBentoCliPath, renderBentoReadme, renderDeployment, renderDockerfile, renderDockerignore, renderHpa, renderK8sService } from '../../bento-templates';
import { readBuildFile, type BuildFile } from '../../build-file';
import { addDeclaredDependencies, bundleEntry, mlservePackageDirs, type ExternalDeps } from '../../bundle';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { matchFiles } from '../../glob';
import { writeLockfile } from '../../bento-lock';
import { createProgress } from '../../progress';
import { formatJson } from '../../format';
import { splitModuleSpec } from '../../serve-target';
import { loadService } from '../../service-module';
import { writeModelProject } from '../../model-bento';
import { kCliVersion } from '../../version';

/** Options of `mlserve build [-f mlserve.yaml] [--output dir]`. */
export interface BuildOptions extends CommandOptions {
  /** The build file; default `mlserve.yaml` in cwd. */
  file?: string;
  /** Write the bento here instead of `<home>/bentos/<name>/<version>`. */
  output?: string;
  /** Bento version; generated when absent. */
  version?: string;
  /** The built `dist/main.js` of this CLI, bundled into the bento; found automatically. */
  cliEntry?: string;
  /**
   * Write a `package-lock.json` with npm (needs the npm registry; adds a few seconds) so the image
   * installs with `npm ci`; default true. When npm fails the build still succeeds, with a warning.
   */
  lock?: boolean;
  /** Print nothing on success but warnings (on stderr); no progress bar. */
  quiet?: boolean;
  /** Model tags: build the generic model service of `mlserve serve <tag>...` instead of a build file's service. */
  models?: string[];
}

/** What `build` produced. */
export interface BuildResult {
  tag: string;
  path: string;
  manifest: BentoManifest;
  /** Runtime dependencies pinned in the bento's package.json. */
  dependencies: Record<string, string>;
  warnings: string[];
}

/** A sortable, unique version: base-36 time plus randomness (like the model store's). */
export function createBentoVersion(now = Date.now()): string {
  return `${now.toString(36)}${randomBytes(5).toString('hex')}`.slice(0, 16);
}

/** The CLI's own `dist/main.js`, bundled into every bento so it serves without @mlserve packages. */
export function findCliEntry(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'main.js');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (existsSync(path.join(dir, 'package.json'))) break;
  }
  throw createCliError('MLS_ERR_CLI_BUNDLE', 'The mlserve CLI is not built (dist/main.js missing); run `pnpm --filter @mlserve/cli build`');
}

const kWorkerFile = /worker\.(c|m)?js$/;

/** Bundles the worker entries of the @mlserve packages used (the runner's `worker.cjs`) next to `outDir`. */
async function bundleWorkers(packageDirs: string[], outDir: string, deps: ExternalDeps, warnings: string[]): Promise<string[]> {
  const written: string[] = [];
  for (const dir of packageDirs) {
    const dist = path.join(dir, 'dist');
    const files = await readdir(dist).catch(() => [] as string[]);
    // When a package ships its worker in both formats, the CommonJS one is what it loads by path.
    const workers = files.filter((f) => kWorkerFile.test(f) && !(f.endsWith('.js') && files.includes(f.replace(/\.js$/, '.cjs'))));
    for (const file of workers) {
      await bundleEntry({ entry: path.join(dist, file), outfile: path.join(outDir, file), format: file.endsWith('.cjs') ? 'cjs' : 'esm', deps, warnings });
      written.push(file);
    }
  }
  return written;
}

/**
 * Builds a bento from a build file: bundles the service (the @mlserve packages inside, third-party
 * packages external and pinned), copies its models in the store layout, writes bento.yaml, the
 * OpenAPI document, a package.json with exact versions, a bundled mlserve CLI, Docker and
 * Kubernetes files, and a README. Written to a temporary directory and renamed, so a failed build
 * leaves nothing behind.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const ctx = createContext(options);
  if (options.models?.length) {
    const project = await writeModelProject(options.models, ctx.home, path.join(path.dirname(options.cliEntry ?? findCliEntry()), 'model-service.js'));
    return build({ ...options, models: undefined, file: project.file }).finally(() => project.cleanup());
  }
  const buildFilePath = path.resolve(ctx.cwd, options.file ?? 'mlserve.yaml');
  const buildDir = path.dirname(buildFilePath);
  const spec: BuildFile = await readBuildFile(buildFilePath);
  if (spec.service === undefined) {
    // A build file of models alone: the generic model service of its models, with its other settings.
    const project = await writeModelProject(spec.models, ctx.home, path.join(path.dirname(options.cliEntry ?? findCliEntry()), 'model-service.js'), buildFilePath);
    return build({ ...options, models: undefined, file: project.file }).finally(() => project.cleanup());
  }
  const { file: serviceRel, exportName } = splitModuleSpec(spec.service);
  const serviceFile = path.resolve(buildDir, serviceRel);
  const progress = createProgress(options.quiet || ctx.json ? { write: () => true } : ctx.stderr, 'Building bento', 6);
  const warnings: string[] = [];

  // Loading the service tells its name, APIs, OpenAPI document and the models its runners use.
  progress.update(0, 'loading service');
  process.env.MLSERVE_HOME = ctx.home;
  // The service is only inspected, not served: its info-level startup and shutdown logs are noise here.
  const logLevel = process.env.MLSERVE_LOG_LEVEL;
  process.env.MLSERVE_LOG_LEVEL ??= 'warn';
  const svc = await loadService(serviceFile, exportName).finally(() => {
    if (logLevel === undefined) delete process.env.MLSERVE_LOG_LEVEL;
  });
  let openapi: object;
  let apis: BentoManifest['apis'];
  let runnerTags: string[];
  try {
    openapi = svc.openapi();
    apis = svc.apis.map((a) => ({ name: a.name, route: a.route, method: a.method ?? 'POST', ...(a.description ? { description: a.description } : {}) }));
    runnerTags = (svc.runners ?? []).map((r) => r.model?.tag).filter((t): t is string => typeof t === 'string');
  } finally {
    await svc.close().catch(() => undefined);
  }
  const name = spec.name ?? svc.name.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const version = options.version ?? createBentoVersion();
  if (!/^[\w.-]+$/.test(version)) throw createCliError('MLS_ERR_CLI_USAGE', `Invalid bento version "${version}"`);

  const store = new ModelStore({ root: ctx.home });
  const models: BentoManifest['models'] = [];
  const modelDirs: Array<{ from: string; name: string; version: string }> = [];
  for (const tag of [...new Set([...spec.models, ...runnerTags])]) {
    const model = await store.get(tag);
    if (models.some((m) => m.tag === model.tag)) continue;
    const files = (model.manifest as unknown as { files?: Record<string, { sha256?: string }> }).files ?? {};
    models.push({ tag: model.tag, name: model.name, version: model.version, digest: files['model.onnx']?.sha256 ?? '', createdAt: model.createdAt, size: model.size });
    modelDirs.push({ from: model.path, name: model.name, version: model.version });
  }

  const finalDir = options.output ? path.resolve(ctx.cwd, options.output) : path.join(bentosRoot(ctx.home), name, version);
  if (
    await stat(finalDir).then(
      async (s) => !s.isDirectory() || (await readdir(finalDir)).length > 0,
      () => false,
    )
  ) {
    throw createCliError('MLS_ERR_CLI_OUTPUT_EXISTS', `${finalDir} already exists and is not empty; choose another --output or remove it`);
  }
  const dir = `${finalDir}.partial-${process.pid}`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    progress.update(1, 'bundling service');
    const deps: ExternalDeps = new Map();
    const esmImports = new Set<string>();
    const bundleRel = path.join('src', path.relative(buildDir, serviceFile)).replace(/\.(m|c)?[jt]sx?$/, '.mjs');
    if (bundleRel.startsWith(`src${path.sep}..`)) throw createCliError('MLS_ERR_CLI_BUILD_FILE', `${spec.service} lies outside the build directory ${buildDir}`);
    const { inputs } = await bundleEntry({ entry: serviceFile, outfile: path.join(dir, bundleRel), format: 'esm', deps, warnings, esmImports });
    const usedPackages = mlservePackageDirs(inputs, process.cwd());
    await bundleWorkers(usedPackages, path.dirname(path.join(dir, bundleRel)), deps, warnings);
    addDeclaredDependencies(usedPackages, deps, warnings);

    progress.update(2, 'bundling mlserve CLI');
    const cliEntry = options.cliEntry ?? findCliEntry();
    const cliOut = path.join(dir, kBentoCliPath);
    const cliBundle = await bundleEntry({
      stdin: { contents: `import { main } from ${JSON.stringify(cliEntry)};\nmain(process.argv.slice(2));\n`, resolveDir: path.dirname(cliEntry), sourcefile: 'mlserve.mjs' },
      outfile: cliOut,
      format: 'esm',
      deps,
      warnings,
      esmImports,
    });
    const cliPackages = mlservePackageDirs(cliBundle.inputs, process.cwd());
    await bundleWorkers(cliPackages, path.dirname(cliOut), deps, warnings);
    addDeclaredDependencies(cliPackages, deps, warnings);

    progress.update(3, 'copying models and files');
    for (const m of modelDirs) {
      await cp(m.from, path.join(dir, 'models', m.name, m.version), { recursive: true });
      await writeFile(path.join(dir, 'models', m.name, 'latest'), `${m.version}\n`);
    }
    for (const rel of await matchFiles(buildDir, spec.include, [...spec.exclude, 'mlserve.yaml'])) {
      await cp(path.join(buildDir, rel), path.join(dir, 'src', rel));
    }

    progress.update(4, 'writing manifests');
    const manifest: BentoManifest = {
      format: 'mlserve.bento/v1',
      name,
      version,
      ...(spec.description ? { description: spec.description } : {}),
      service: `${bundleRel.split(path.sep).join('/')}:${exportName}`,
      creationTime: new Date().toISOString(),
      mlserveVersion: kCliVersion,
      labels: spec.labels,
      models,
      apis,
      docker: { baseImage: spec.docker.baseImage, env: spec.docker.env, systemPackages: spec.docker.systemPackages },
      esmImports: [...esmImports].sort(),
    };
    const dependencies = Object.fromEntries([...deps].sort(([a], [b]) => a.localeCompare(b)));
    await writeFile(path.join(dir, 'bento.yaml'), stringifyYaml(manifest));
    await mkdir(path.join(dir, 'apis'), { recursive: true });
    await writeFile(path.join(dir, 'apis', 'openapi.json'), `${JSON.stringify(openapi, null, 2)}\n`);
    await writeFile(
      path.join(dir, 'package.json'),
      `${JSON.stringify(
        {
          name: name.toLowerCase().replace(/[^a-z0-9._-]/g, '-'),
          version: `0.0.0-${version}`,
          private: true,
          description: `mlserve bento ${name}:${version}`,
          type: 'module',
          engines: { node: '>=20' },
          scripts: { start: `node ${kBentoCliPath} serve . --host \${HOST:-0.0.0.0} --port \${PORT:-3000}` },
          dependencies,
        },
        null,
        2,
      )}\n`,
    );
    if (options.lock ?? true) {
      progress.update(5, 'locking dependencies');
      const failure = await writeLockfile(dir);
      if (failure) warnings.push(`No package-lock.json (npm install --package-lock-only failed: ${failure}); the Dockerfile falls back to npm install`);
    }
    await writeFile(path.join(dir, 'README.md'), renderBentoReadme(manifest));
    await mkdir(path.join(dir, 'env', 'docker'), { recursive: true });
    await mkdir(path.join(dir, 'env', 'k8s'), { recursive: true });
    await writeFile(path.join(dir, 'env', 'docker', 'Dockerfile'), renderDockerfile(manifest, spec));
    await writeFile(path.join(dir, 'env', 'docker', '.dockerignore'), renderDockerignore());
    // docker reads .dockerignore from the context root, which is the bento directory.
    await writeFile(path.join(dir, '.dockerignore'), renderDockerignore());
    await writeFile(path.join(dir, 'env', 'k8s', 'deployment.yaml'), renderDeployment(manifest, spec));
    await writeFile(path.join(dir, 'env', 'k8s', 'service.yaml'), renderK8sService(manifest));
    await writeFile(path.join(dir, 'env', 'k8s', 'hpa.yaml'), renderHpa(manifest, spec));

    progress.update(5, 'finishing');
    await rm(finalDir, { recursive: true, force: true });
    await mkdir(path.dirname(finalDir), { recursive: true });
    await rename(dir, finalDir);
    if (!options.output) await writeFile(path.join(bentosRoot(ctx.home), name, 'latest'), `${version}\n`);
    progress.done();
    for (const w of warnings) println(ctx.stderr, `warning: ${w}`);
    const result: BuildResult = { tag: `${name}:${version}`, path: finalDir, manifest, dependencies, warnings };
    if (ctx.json) ctx.stdout.write(formatJson(result));
    else if (!options.quiet) println(ctx.stdout, `Built bento ${result.tag} at ${finalDir}`);
    return result;
  } catch (err) {
    progress.done();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
