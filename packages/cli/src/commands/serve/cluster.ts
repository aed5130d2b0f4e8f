import cluster from 'node:cluster';
import path from 'node:path';
import { println, type Writer } from '../../context';
import { createCrashLoopGuard, type CrashLoopOptions } from '../../crash-loop';
import { createCliError } from '../../errors';
import type { ServeTarget } from '../../serve-target';
import { displayUrl, printBanner } from './banner';
import { serveClusterMetrics } from './cluster-metrics';
import { childEnv, type ServeHandle } from './handle';

/**
 * Serves through `count` node:cluster workers sharing one port. Resolves once every worker is
 * listening with its runners ready; workers that die later are replaced, with a crash-loop limit.
 */
export async function runCluster(
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
  // One /metrics for the whole server: whichever worker a scrape lands on answers for all of them.
  const stopMetrics = serveClusterMetrics(() => workers.filter((w) => readyAt.has(w.id)));
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
      stopMetrics();
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
    Promise.all(
      workers.map((w) =>
        w.isDead()
          ? undefined
          : new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.kill('SIGTERM');
            }),
      ),
    );
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
      stopMetrics();
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
  printBanner(err, name, url, `(${count} API worker processes)`);
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
      stopMetrics();
      resolveClosed();
    },
  };
}
