import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { getBentoInfo, readBentoManifest, type BentoManifest } from '../../bento-store';
import { createContext, println, type CommandOptions, type Writer } from '../../context';
import { createCliError } from '../../errors';

/** The container engines containerize drives; both take the same `build` and `info` arguments. */
export const kContainerBackends = ['docker', 'podman'] as const;
/** A container engine. */
export type ContainerBackend = (typeof kContainerBackends)[number];

/** Options of `mlserve containerize <bento> [-t name:tag] [--backend docker|podman]`. */
export interface ContainerizeOptions extends CommandOptions {
  /** Bento tag or directory. */
  bento: string;
  /** Image `name:tag`; defaults to the image the bento's Deployment references (`[<registry>/]<name>:<version>`). */
  imageTag?: string;
  /** The engine; default `docker`. */
  backend?: ContainerBackend;
  /** The engine's executable; default: the backend's name on PATH. */
  executable?: string;
}

/** What containerize did. */
export interface ContainerizeResult {
  imageTag: string;
  /** The build command, run from the bento directory (or to run there elsewhere). */
  command: string[];
  built: boolean;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function runEngine(executable: string, args: string[], cwd: string, output?: Writer, timeoutMs?: number): Promise<number> {
  return new Promise((resolve) => {
    // The engine's build log is progress, so it goes to stderr with the rest of the CLI's progress.
    const child = spawn(executable, args, { cwd, stdio: ['ignore', output ? 'pipe' : 'ignore', output ? 'pipe' : 'ignore'] });
    child.stdout?.on('data', (chunk: Buffer) => output?.write(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output?.write(chunk.toString()));
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.once('error', () => resolve(127));
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

/** The image the bento's Deployment pulls, so that the built tag and the manifests agree. */
async function manifestImage(dir: string, manifest: BentoManifest): Promise<string> {
  const fallback = `${manifest.name.toLowerCase()}:${manifest.version}`;
  const text = await readFile(path.join(dir, 'env', 'k8s', 'deployment.yaml'), 'utf8').catch(() => undefined);
  if (text === undefined) return fallback;
  try {
    const image: unknown = (parseYaml(text) as { spec?: { template?: { spec?: { containers?: Array<{ image?: unknown }> } } } })?.spec?.template?.spec?.containers?.[0]?.image;
    return typeof image === 'string' && image ? image : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Builds an image from a bento with `docker build` (or `podman build`), run from the bento
 * directory. When no engine answers `<engine> info`, nothing is built: it says so and prints the
 * command to run in the bento directory on a machine that has one, then fails with
 * MLS_ERR_CLI_DOCKER_UNAVAILABLE (exit code 3) so scripts do not mistake it for success.
 */
export async function containerize(options: ContainerizeOptions): Promise<ContainerizeResult> {
  const ctx = createContext(options);
  const backend = options.backend ?? 'docker';
  if (!kContainerBackends.includes(backend)) throw createCliError('MLS_ERR_CLI_USAGE', `options.backend must be one of ${kContainerBackends.join(', ')}`);
  const asDir = path.resolve(ctx.cwd, options.bento);
  const dir = await readBentoManifest(asDir).then(
    () => asDir,
    async () => (await getBentoInfo(ctx.home, options.bento)).path,
  );
  const manifest = await readBentoManifest(dir);
  const imageTag = options.imageTag ?? (await manifestImage(dir, manifest));
  const executable = options.executable ?? backend;
  // Relative to the bento directory: the same command works wherever the bento is copied.
  // Podman's default OCI image format has no HEALTHCHECK; the docker format keeps it.
  const args = ['build', ...(backend === 'podman' ? ['--format', 'docker'] : []), '-f', 'env/docker/Dockerfile', '-t', imageTag, '.'];
  const command = [backend, ...args];
  const printable = command.map(quote).join(' ');
  if ((await runEngine(executable, ['info'], dir, undefined, 15_000)) !== 0) {
    println(ctx.stdout, `No ${backend} engine answered \`${backend} info\` here, so no image was built.`);
    println(ctx.stdout, `Copy the bento (${manifest.name}:${manifest.version}) to a machine with ${backend === 'docker' ? 'Docker' : 'Podman'} and run in its directory:`);
    println(ctx.stdout, `  ${printable}`);
    throw createCliError('MLS_ERR_CLI_DOCKER_UNAVAILABLE', `No ${backend} engine available; image ${imageTag} was not built`, { details: { command } });
  }
  println(ctx.stderr, `$ ${printable}`);
  if ((await runEngine(executable, args, dir, ctx.stderr)) !== 0) {
    throw createCliError('MLS_ERR_CLI_DOCKER_BUILD', `${backend} build failed for ${imageTag}; see its output above`);
  }
  println(ctx.stdout, `Built image ${imageTag}`);
  return { imageTag, command, built: true };
}
