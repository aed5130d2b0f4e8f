import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';
import { kCliVersion } from '../../version';

/** Options of `mlserve init <dir>`. */
export interface InitOptions extends CommandOptions {
  /** The project directory to create (must not exist or be empty). */
  dir: string;
  /** The npm package name; defaults to the directory's name. */
  name?: string;
}

/** What `init` wrote. */
export interface InitResult {
  dir: string;
  name: string;
  /** Paths relative to `dir`, sorted. */
  files: string[];
}

/** The @mlserve packages a scaffolded project depends on. */
const kProjectPackages = ['@mlserve/cli', '@mlserve/model-store', '@mlserve/runner', '@mlserve/service'] as const;

/** Third-party development dependencies of a scaffolded project: TypeScript at run time (tsx) and for the editor. */
export const kProjectDevDependencies = { '@types/node': '^20.19.0', tsx: '^4.20.0', typescript: '~5.9.3' } as const;

/** Template files whose names npm would not pack as they are. */
const kRenamed: Record<string, string> = { gitignore: '.gitignore' };

function packageDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) return dir;
  }
  throw createCliError('MLS_ERR_CLI_FILE_NOT_FOUND', 'The project templates of @mlserve/cli are missing (templates/init)');
}

/** `^version` of each @mlserve package as installed beside this CLI (the CLI's own version for itself). */
function mlserveVersions(fromDir: string): Record<string, string> {
  const require = createRequire(path.join(fromDir, 'package.json'));
  const out: Record<string, string> = {};
  for (const name of kProjectPackages) {
    const version = name === '@mlserve/cli' ? kCliVersion : (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    out[name] = `^${version}`;
  }
  return out;
}

/** The project's package.json: ESM, scripts for start/test/build, the @mlserve dependencies. */
export function renderProjectPackage(name: string, modelName: string, versions: Record<string, string>): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20' },
    scripts: {
      'import-model': `mlserve models import model --name ${modelName} --if-changed`,
      start: `mlserve models import model --name ${modelName} --if-changed && mlserve serve src/service.ts:svc --port \${PORT:-3000}`,
      test: 'node --import tsx --test src/service.test.ts',
      typecheck: 'tsc -p tsconfig.json',
      build: 'mlserve build',
    },
    dependencies: versions,
    devDependencies: kProjectDevDependencies,
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}

/**
 * Writes a new mlserve project outside any monorepo: package.json (ESM, the @mlserve dependencies,
 * `start`/`test`/`build` scripts), src/service.ts and its test, an example exported model in
 * model/, mlserve.yaml, tsconfig.json and a README. Written to a temporary sibling and renamed, so a
 * failure leaves nothing behind.
 */
export async function init(options: InitOptions): Promise<InitResult> {
  const ctx = createContext(options);
  if (typeof options.dir !== 'string' || options.dir === '') throw createCliError('MLS_ERR_CLI_USAGE', 'Name the directory to create: mlserve init <dir>');
  const dir = path.resolve(ctx.cwd, options.dir);
  const name =
    options.name ??
    path
      .basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '');
  if (!/^(@[a-z0-9._-]+\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) throw createCliError('MLS_ERR_CLI_USAGE', `--name must be a valid npm package name, got "${name}"`);
  if (
    await stat(dir).then(
      async (s) => !s.isDirectory() || (await readdir(dir)).length > 0,
      () => false,
    )
  ) {
    throw createCliError('MLS_ERR_CLI_OUTPUT_EXISTS', `${dir} already exists and is not empty; choose another directory`);
  }
  const base = name.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9_]+/g, '_');
  const vars: Record<string, string> = { name, modelName: `${base}_model`, serviceName: `${base}_service` };
  const own = packageDir();
  const templates = path.join(own, 'templates', 'init');
  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    await cp(templates, staging, { recursive: true });
    for (const rel of await listFiles(staging)) {
      const file = path.join(staging, rel);
      if (/\.(ts|ya?ml|md|json)$/.test(rel) && !rel.startsWith(`model${path.sep}`)) {
        await writeFile(
          file,
          (await readFile(file, 'utf8')).replace(/\{\{(\w+)\}\}/g, (m, key: string) => vars[key] ?? m),
        );
      }
      const renamed = kRenamed[path.basename(rel)];
      if (renamed) await rename(file, path.join(path.dirname(file), renamed));
    }
    await writeFile(path.join(staging, 'package.json'), renderProjectPackage(name, vars.modelName!, mlserveVersions(own)));
    await mkdir(path.dirname(dir), { recursive: true });
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  const files = (await listFiles(dir)).map((f) => f.split(path.sep).join('/')).sort();
  const shown = path.relative(ctx.cwd, dir) || '.';
  println(ctx.stdout, `Created ${name} in ${dir}`);
  println(ctx.stdout, '');
  println(ctx.stdout, `  cd ${shown}`);
  println(ctx.stdout, '  npm install        # or pnpm install');
  println(ctx.stdout, '  npm test           # starts the service on a free port and checks its answers');
  println(ctx.stdout, '  npm start          # serves http://127.0.0.1:3000 (Swagger UI at /)');
  return { dir, name, files };
}
