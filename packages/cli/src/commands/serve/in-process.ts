import cluster from 'node:cluster';
import type { Writer } from '../../context';
import { isAddressInUse, checkPort, portInUse } from '../../net';
import { loadService } from '../../service-module';
import type { ServeTarget } from '../../serve-target';
import { displayUrl, printBanner } from './banner';
import type { ServeHandle } from './handle';

/** Loads the service (or builds the generic one of stored models) into this process and listens. */
export async function serveInProcess(err: Writer, target: ServeTarget, port: number, host: string, home: string): Promise<ServeHandle> {
  // Fail fast on a taken port, before loading models and starting workers (cluster workers share it).
  if (port !== 0 && !cluster.isWorker) await checkPort(port, host);
  // Loaded before the service: under MLSERVE_RUNNER_START=eager it starts its worker threads as it
  // loads, so they are up while the service's modules load (a bento's own copy of the runner takes them).
  await import('@mlserve/runner');
  const svc =
    target.kind === 'model'
      ? await (await import('../../model-service')).createModelService(target.models!, { home, repository: target.repository })
      : await loadService(target.file, target.exportName);
  let listening: { port: number; host: string; url: string };
  try {
    listening = await svc.listen(port, host);
  } catch (error) {
    await svc.close().catch(() => undefined);
    if (isAddressInUse(error)) throw portInUse(port, host, error);
    throw error;
  }
  const url = displayUrl(listening.host ?? host, listening.port);
  const grpcPort = (svc as { grpcPort?: number }).grpcPort;
  // A cluster primary prints one banner for all its workers.
  if (!cluster.isWorker) printBanner(err, svc.name, url, grpcPort === undefined ? undefined : `(V2 gRPC on ${listening.host ?? host}:${grpcPort})`);
  // Tells a cluster primary that this worker is listening with its runners ready, and the service's name.
  if (cluster.isWorker) {
    (await import('./cluster-metrics')).shareClusterMetrics(svc);
    process.send?.({ type: 'mlserve:ready', name: svc.name });
  }
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
