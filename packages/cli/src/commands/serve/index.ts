import path from 'node:path';
import { createContext, type CommandOptions } from '../../context';
import type { CrashLoopOptions } from '../../crash-loop';
import { createCliError } from '../../errors';
import { checkPort } from '../../net';
import { findLenderDirs, lendDependencies, needsLending } from '../../bento-env';
import { resolveModelTargets } from '../../model-target';
import { resolveServeTarget } from '../../serve-target';
import { childEnv, type ServeHandle } from './handle';
import { serveInProcess } from './in-process';
import { checkRepositoryOptions, repositoryArgs, repositoryTarget, type RepositoryServeOptions } from './repository-target';
import { runnerHintFile, seedBentoHint } from './runner-hint';

export type { ServeHandle } from './handle';

/** Levels `--log-level` accepts: pino's. */
export const kLogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Options of `mlserve serve <target>`. */
export interface ServeOptions extends CommandOptions, RepositoryServeOptions {
  /** `file.ts[:export]`, `file.js[:export]`, a bento directory, a project directory, a bento tag, or a model tag; default `.` (none with `modelRepository`). */
  target?: string;
  /** Several model tags served together by one generic service (`mlserve serve a:latest b:latest`). */
  targets?: string[];
  /** Defaults to 3000; 0 picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1; containers pass 0.0.0.0. */
  host?: string;
  /** Restart when a source file under the service's directory changes. */
  reload?: boolean;
  /**
   * Runner workers per process, or `'auto'` (sized from the cores and the model, see the runner's
   * `autoWorkers()`); sets MLSERVE_RUNNER_WORKERS for the service's runners.
   */
  workers?: number | 'auto';
  /** HTTP worker processes sharing the port through node:cluster. */
  apiWorkers?: number;
  /** Level of the service's JSON logs (sets MLSERVE_LOG_LEVEL for it and every process it starts). */
  logLevel?: string;
  /** Also serve V2 over gRPC on this port (sets MLSERVE_GRPC_PORT for the service). */
  grpcPort?: number;
  /** The CLI script used to start child processes (reload, api workers); defaults to process.argv[1]. */
  cliPath?: string;
  /** Backoff and crash-loop limit for replacing API workers that die. */
  crashLoop?: CrashLoopOptions;
}

function validate(options: ServeOptions): void {
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw createCliError('MLS_ERR_CLI_USAGE', `--port must be an integer between 0 and 65535, got ${options.port}`);
  for (const key of ['workers', 'apiWorkers'] as const) {
    const v = options[key];
    if (key === 'workers' && v === 'auto') continue;
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1)) {
      throw createCliError('MLS_ERR_CLI_USAGE', `--${key === 'workers' ? 'workers' : 'api-workers'} must be a positive integer${key === 'workers' ? ' or auto' : ''}, got ${v}`);
    }
  }
  const level = options.logLevel;
  if (level !== undefined && !kLogLevels.some((l) => l === level)) throw createCliError('MLS_ERR_CLI_USAGE', `--log-level must be one of ${kLogLevels.join(', ')}, got "${level}"`);
  const grpc = options.grpcPort;
  if (grpc !== undefined && (!Number.isInteger(grpc) || grpc < 0 || grpc > 65535))
    throw createCliError('MLS_ERR_CLI_USAGE', `--grpc-port must be an integer between 0 and 65535, got ${grpc}`);
  checkRepositoryOptions(options, options);
}

/**
 * Serves a service: in this process (a bento without node_modules too, with this CLI's dependencies
 * lent to it); or in a child process restarted on source changes with `reload`; or, with
 * `apiWorkers > 1`, in node:cluster workers sharing one port.
 */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const ctx = createContext(options);
  validate(options);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  const target =
    options.modelRepository !== undefined
      ? repositoryTarget(options, ctx.cwd)
      : (options.targets?.length ?? 0) > 1
        ? await resolveModelTargets(options.targets!, ctx.home)
        : await resolveServeTarget(options.target ?? '.', ctx.cwd, ctx.home);
  // Through the environment, so the processes started below inherit them.
  if (options.logLevel) process.env.MLSERVE_LOG_LEVEL = options.logLevel;
  if (options.workers) process.env.MLSERVE_RUNNER_WORKERS = String(options.workers);
  if (options.grpcPort !== undefined) process.env.MLSERVE_GRPC_PORT = String(options.grpcPort);
  if (options.apiKeys?.length) process.env.MLSERVE_API_KEYS = options.apiKeys.join(',');
  // The service's runners load their models while the rest of the service is built (see @mlserve/runner),
  // and the warm workers create the session of the model this target's first runner loaded last time.
  process.env.MLSERVE_RUNNER_START ??= 'eager';
  process.env.MLSERVE_RUNNER_HINT_FILE ??= runnerHintFile(ctx.home, target);
  if (target.bentoDir) seedBentoHint(process.env.MLSERVE_RUNNER_HINT_FILE, target.bentoDir);

  if (target.bentoDir && needsLending(target.bentoDir)) {
    const dirs = findLenderDirs();
    if (!dirs) {
      const where = path.relative(ctx.cwd, target.bentoDir) || '.';
      throw createCliError('MLS_ERR_CLI_BENTO_INVALID', `The bento's dependencies are not installed: run \`cd ${where} && ONNXRUNTIME_NODE_INSTALL=skip npm install --omit=dev\``);
    }
    // In this process (no second Node start); the processes started below (reload, API workers) lend the same way.
    lendDependencies(dirs, target.bentoEsmImports ?? true);
  }
  const apiWorkers = options.apiWorkers ?? 1;
  if (options.reload || apiWorkers > 1) {
    // Children must all get the same port, so port 0 is resolved once here; a taken port fails here, clearly.
    const fixedPort = await checkPort(port, host);
    const served = target.repository
      ? repositoryArgs(target.repository)
      : target.kind === 'model'
        ? target.models!
        : [target.kind === 'bento' ? target.bentoDir! : `${target.file}:${target.exportName}`];
    const args = ['serve', ...served, '--port', String(fixedPort), '--host', host];
    const cliPath = options.cliPath ?? process.argv[1] ?? '';
    if (options.reload) {
      if (apiWorkers > 1) args.push('--api-workers', String(apiWorkers));
      const env = childEnv(ctx.home, 'child');
      // Loaded only here: the watcher (chokidar) and the metrics aggregator are not needed to serve in-process.
      const { superviseChild } = await import('./supervise');
      return superviseChild({ err: ctx.stderr, target, cliPath, args, env, host, port: fixedPort, watchDir: options.reload ? target.watchDir : undefined });
    }
    const { runCluster } = await import('./cluster');
    return runCluster(ctx.stderr, target, cliPath, args, host, fixedPort, apiWorkers, ctx.home, options.crashLoop);
  }
  // A bento carries its models in a store layout, so the service's ModelStore reads them from there.
  process.env.MLSERVE_HOME = target.bentoDir ?? ctx.home;
  return serveInProcess(ctx.stderr, target, port, host, ctx.home);
}
