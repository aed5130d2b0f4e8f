import { spawn } from 'node:child_process';
import path from 'node:path';
import { getBentoInfo, readBentoManifest } from '../../bento-store';
import { createContext, println, type CommandOptions } from '../../context';
import { createCliError } from '../../errors';

/** Options of `mlserve containerize <bento> [-t name:tag]`. */
export interface ContainerizeOptions extends CommandOptions {
  /** Bento tag or directory. */
  bento: string;
  /** Image `name:tag`; defaults to `<bento name>:<bento version>`. */
  imageTag?: string;
  /** The docker executable; tests point it at a stub. */
  docker?: string;
}

/** What containerize did. */
export interface ContainerizeResult {
  imageTag: string;
  /** The `docker build` command, as run (or to run elsewhere). */
  command: string[];
  built: boolean;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function runDocker(docker: string, args: string[], inherit: boolean, timeoutMs?: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(docker, args, { stdio: inherit ? 'inherit' : 'ignore' });
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.once('error', () => resolve(127));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

/**
 * Builds a Docker image from a bento with `docker build`. When no engine answers `docker info`,
 * nothing is built: it says so and prints the exact command to run on a machine that has one, then
 * fails with MLS_ERR_CLI_DOCKER_UNAVAILABLE (exit code 3) so scripts do not mistake it for success.
 */
export async function containerize(options: ContainerizeOptions): Promise<ContainerizeResult> {
  const ctx = createContext(options);
  const asDir = path.resolve(ctx.cwd, options.bento);
  const dir = await readBentoManifest(asDir).then(() => asDir, async () => (await getBentoInfo(ctx.home, options.bento)).path);
  const manifest = await readBentoManifest(dir);
  // Docker image names must be lower case.
  const imageTag = options.imageTag ?? `${manifest.name.toLowerCase()}:${manifest.version}`;
  const docker = options.docker ?? 'docker';
  const args = ['build', '-f', path.join(dir, 'env', 'docker', 'Dockerfile'), '-t', imageTag, dir];
  const command = [docker, ...args];
  const printable = command.map(quote).join(' ');
  if ((await runDocker(docker, ['info'], false, 15_000)) !== 0) {
    println(ctx.stdout, `No Docker engine answered \`${docker} info\` here, so no image was built.`);
    println(ctx.stdout, 'Copy the bento to a machine with Docker and run:');
    println(ctx.stdout, `  ${printable}`);
    throw createCliError('MLS_ERR_CLI_DOCKER_UNAVAILABLE', `No Docker engine available; image ${imageTag} was not built`, { details: { command } });
  }
  println(ctx.stderr, `$ ${printable}`);
  if ((await runDocker(docker, args, true)) !== 0) throw createCliError('MLS_ERR_CLI_DOCKER_BUILD', `docker build failed for ${imageTag}; see its output above`);
  println(ctx.stdout, `Built image ${imageTag}`);
  return { imageTag, command, built: true };
}
