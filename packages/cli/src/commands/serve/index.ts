import { type ChildProcess, spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { watch } from 'node:fs';
import path from 'node:path';
import { createContext, println, type CommandOptions, type Writer } from '../../context';
import { createCrashLoopGuard, type CrashLoopOptions } from '../../crash-loop';
import { createCliError } from '../../errors';
import { checkPort, isAddressInUse, portInUse } from '../../net';
import { loadService } from '../../service-module';
import { lendDependencies } from '../../bento-env';
import { resolveServeTarget, type ServeTarget } from '../../serve-target';

/** Options of `mlserve serve <target>`. */
export interface ServeOptions extends CommandOptions {
  /** `file.ts[:export]`, `file.js[:export]`, a bento directory, a project directory, or a bento tag. */
  target: string;
  /** Defaults to 3000; 0 picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1; containers pass 0.0.0.0. */
  host?: string;
  /** Restart when a source file under the service's directory changes. */
  reload?: boolean;
  /** Runner workers per process (sets MLSERVE_RUNNER_WORKERS for the service's runners). */
  workers?: number;
  /** HTTP worker processes sharing the port through node:cluster. */
  apiWorkers?: number;
  /** Also serve V2 over gRPC on this port (sets MLSERVE_GRPC_PORT for the service). */
  grpcPort?: number;
  /** The CLI script used to start child processes (reload, api workers); defaults to process.argv[1]. */
  cliPath?: string;
  /** Backoff and crash-loop limit for replacing API workers that die. */
  crashLoop?: CrashLoopOptions;
}

/** A running server (or supervisor); `close()` shuts everything down gracefully. */
export interface ServeHandle {
  name: string;
  url: string;
  port: number;
  /** The V2 gRPC port when `grpcPort` was given (in-process serving only). */
  grpcPort?: number;
  host: string;
  docsUrl: string;
  target: ServeTarget;
  close(): Promise<void>;
  /**
   * Settles when the server stopped (closed, or the supervised children are gone); rejects with
   * `MLS_ERR_CLI_CRASH_LOOP` when API workers kept dying and the supervisor gave up.
   */
  closed: Promise<void>;
}

/** Environment variables through which the CLI talks to the processes it starts. */
const kEnvChild = 'MLSERVE_SERVE_CHILD';

function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

function printBanner(out: Writer, name: string, url: string, extra?: string): void {
  println(out, `Serving ${name} at ${url}${extra ? ` ${extra}` : ''}`);
  println(out, `  Swagger UI:  ${url}/`);
  println(out, `  OpenAPI:     ${url}/docs.json`);
  println(out, `  Ready probe: ${url}/readyz`);
}

/**
 * Serves a service: in this process, or — with `reload` — in a child process restarted on source
 * changes, or — with `apiWorkers > 1` — in node:cluster workers sharing one port.
 */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const ctx = createContext(options);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw createCliError('MLS_ERR_CLI_USAGE', `--port must be an integer between 0 and 65535, got ${options.port}`);
  for (const key of ['workers', 'apiWorkers'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw createCliError('MLS_ERR_CLI_USAGE', `--${key === 'workers' ? 'workers' : 'api-workers'} must be a positive integer, got ${v}`);
  }
  if (options.grpcPort !== undefined) {
    if (!Number.isInteger(options.grpcPort) || options.grpcPort < 0 || options.grpcPort > 65535) throw createCliError('MLS_ERR_CLI_USAGE', `--grpc-port must be an integer between 0 and 65535, got ${options.grpcPort}`);
    process.env.MLSERVE_GRPC_PORT = String(options.grpcPort);
  }
  const target = await resolveServeTarget(options.target, ctx.cwd, ctx.home);
  if (options.reload || (options.apiWorkers ?? 1) > 1) {
    // Children must all get the same port, so port 0 is resolved once here; a taken port fails here, clearly.
    const fixedPort = await checkPort(port, host);
    const childArgs = ['serve', target.kind === 'bento' ? target.bentoDir! : `${target.file}:${target.exportName}`, '--port', String(fixedPort), '--host', host];
    if (options.workers) childArgs.push('--workers', String(options.workers));
    const cliPath = options.cliPath ?? process.argv[1] ?? '';
    if (options.reload) {
      if ((options.apiWorkers ?? 1) > 1) childArgs.push('--api-workers', String(options.apiWorkers));
      return superviseWithReload(ctx.stdout, ctx.stderr, target, cliPath, childArgs, host, fixedPort, ctx.home);
    }
    return runCluster(ctx.stdout, ctx.stderr, target, cliPath, childArgs, host, fixedPort, options.apiWorkers!, ctx.home, options.crashLoop);
  }
  return serveInProcess(ctx.stdout, target, ctx.home, port, host, options.workers, !process.env[kEnvChild] || process.env[kEnvChild] === 'reload');
}

async function serveInProcess(out: Writer, target: ServeTarget, home: string, port: number, host: string, workers: number | undefined, banner: boolean): Promise<ServeHandle> {
  if (workers) process.env.MLSERVE_RUNNER_WORKERS = String(workers);
  // A bento carries its models in a store layout, so the service's ModelStore reads them from there.
  process.env.MLSERVE_HOME = target.bentoDir ?? home;
  if (target.bentoDir && !lendDependencies(target.bentoDir)) {
    throw createCliError('MLS_ERR_CLI_BENTO_INVALID', `The bento's dependencies are not installed: run \`ONNXRUNTIME_NODE_INSTALL=skip npm install --omit=dev\` in ${target.bentoDir}`);
  }
  // Fail fast on a taken port, before loading models and starting workers (cluster workers share it).
  if (port !== 0 && !cluster.isWorker) await checkPort(port, host);
  const svc = await loadService(target.file, target.exportName);
  let listening: { port: number; host: string; url: string };
  try {
    listening = await svc.listen(port, host);
  } catch (err) {
    await svc.close().catch(() => undefined);
    if (isAddressInUse(err)) throw portInUse(port, host, err);
    throw err;
  }
  const url = displayUrl(listening.host ?? host, listening.port);
  if (banner) printBanner(out, svc.name, url);
  const grpcPort = (svc as { grpcPort?: number }).grpcPort;
  if (banner && grpcPort !== undefined) println(out, `V2 gRPC on ${listening.host ?? host}:${grpcPort}`);
  // Tells a cluster primary that this worker is listening with its runners ready, and the service's name.
  if (cluster.isWorker) process.send?.({ type: 'mlserve:ready', name: svc.name });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  return {
    name: svc.name,
    url,
    port: listening.port,
    grpcPort,
    host,
    docsUrl: `${url}/`,
    target,
    closed,
    close() {
      closing ??= svc.close().finally(resolveClosed);
      return closing;
    },
  };
}

function childEnv(home: string, kind: string): NodeJS.ProcessEnv {
  return { ...process.env, MLSERVE_HOME: home, [kEnvChild]: kind };
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const kIgnoredDirs = /(^|[\\/])(node_modules|\.git|dist|coverage|\.turbo)([\\/]|$)/;
const kSourceFile = /\.(m|c)?[jt]sx?$|\.json$|\.ya?ml$/;

async function superviseWithReload(
  out: Writer,
  err: Writer,
  target: ServeTarget,
  cliPath: string,
  args: string[],
  host: string,
  port: number,
  home: string,
): Promise<ServeHandle> {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const start = (): void => {
    child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: childEnv(home, 'reload') });
    child.once('exit', (code, signal) => {
      if (!stopping && signal !== 'SIGTERM' && code !== 0) println(err, `Service exited (${signal ?? `code ${code}`}); waiting for a file change to restart`);
    });
  };
  let timer: NodeJS.Timeout | undefined;
  // fs.watch is recursive on Linux since Node 20 (it follows new subdirectories too), so no chokidar.
  const watcher = watch(target.watchDir, { recursive: true }, (_event, filename) => {
    const name = filename?.toString() ?? '';
    if (!name || kIgnoredDirs.test(name) || !kSourceFile.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      restarting = restarting.then(async () => {
        if (stopping) return;
        println(out, `Change in ${name}; restarting`);
        if (child) await stopChild(child);
        if (!stopping) start();
      });
    }, 150);
  });
  start();
  println(out, `Watching ${target.watchDir} for changes`);
  const url = displayUrl(host, port);
  return {
    name: path.basename(target.file),
    url,
    port,
    host,
    docsUrl: `${url}/`,
    target,
    closed,
    async close() {
      stopping = true;
      clearTimeout(timer);
      watcher.close();
      await restarting;
      if (child) await stopChild(child);
      resolveClosed();
    },
  };
}

async function runCluster(
  out: Writer,
  err: Writer,
  target: ServeTarget,
  cliPath: string,
  args: string[],
  host: string,
  port: number,
  count: number,
  home: string,
  crashLoop?: CrashLoopOptions,
): Promise<ServeHandle> {
  cluster.setupPrimary({ exec: cliPath, args, silent: false });
  let stopping = false;
  let resolveClosed!: () => void;
  let rejectClosed!: (err: Error) => void;
  const closed = new Promise<void>((resolve, reject) => {
    resolveClosed = resolve;
    rejectClosed = reject;
  });
  // Callers that never look at `closed` must not get an unhandled rejection.
  closed.catch(() => undefined);
  const readyAt = new Map<number, number>();
  const fork = (): ReturnType<typeof cluster.fork> => cluster.fork(childEnv(home, 'cluster'));
  const workers = Array.from({ length: count }, fork);
  cluster.on('message', (w: { id: number }, message: { type?: string }) => {
    if (message?.type === 'mlserve:ready') readyAt.set(w.id, Date.now());
  });
  // Every worker must be listening (runners ready) before the URL is announced; one dying first means startup failed.
  let name = path.basename(target.file);
  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    const onMessage = (_w: unknown, message: { type?: string; name?: string }): void => {
      if (message?.type !== 'mlserve:ready') return;
      name = message.name ?? name;
      ready += 1;
      if (ready === count) {
        done();
        resolve();
      }
    };
    const onExit = (_w: unknown, code: number): void => {
      done();
      stopping = true;
      for (const w of workers) w.kill('SIGTERM');
      reject(createCliError('MLS_ERR_CLI_SERVICE_LOAD', `An API worker exited with code ${code} before listening; see its error above`));
    };
    const done = (): void => {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
    };
    cluster.on('message', onMessage);
    cluster.on('exit', onExit);
  });
  // A worker that dies later is replaced, so one bad request cannot take an API worker away for good;
  // workers dying as soon as they start are replaced ever more slowly, then the supervisor gives up.
  const guard = createCrashLoopGuard(crashLoop);
  const timers = new Set<NodeJS.Timeout>();
  const stopAll = (): Promise<unknown> =>
    Promise.all(workers.map((w) => (w.isDead() ? undefined : new Promise<void>((resolve) => { w.once('exit', () => resolve()); w.kill('SIGTERM'); }))));
  cluster.on('exit', (worker, code, signal) => {
    const i = workers.indexOf(worker);
    if (stopping || i < 0) return;
    const decision = guard.onExit(readyAt.get(worker.id));
    readyAt.delete(worker.id);
    if (decision.action === 'stop') {
      stopping = true;
      const error = createCliError(
        'MLS_ERR_CLI_CRASH_LOOP',
        `API workers keep crashing: ${decision.quickExits} in a row died before, or within ${(crashLoop?.windowMs ?? 1000) / 1000} s of, being ready (last: ${signal ?? `code ${code}`}); stopped`,
      );
      void stopAll().then(() => rejectClosed(error));
      return;
    }
    println(err, `API worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); replacing it${decision.delayMs ? ` in ${decision.delayMs} ms` : ''}`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopping) workers[i] = fork();
    }, decision.delayMs);
    timers.add(timer);
  });
  const url = displayUrl(host, port);
  printBanner(out, name, url, `(${count} API worker processes)`);
  return {
    name,
    url,
    port,
    host,
    docsUrl: `${url}/`,
    target,
    closed,
    async close() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      await stopAll();
      resolveClosed();
    },
  };
}
