import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

/** A worker asks the primary for the metrics of all workers (it got a `GET /metrics`). */
const kAsk = 'mlserve:metrics-ask';
/** The primary asks each ready worker for its own metrics. */
const kCollect = 'mlserve:metrics-collect';
/** A worker's own metrics, as prom-client's JSON. */
const kOwn = 'mlserve:metrics-own';
/** The primary's answer to kAsk: the aggregated text, or why there is none. */
const kAll = 'mlserve:metrics-all';

/** How long the primary waits for the workers' metrics before it aggregates those that came. */
const kCollectTimeoutMs = 2000;

type OwnMetrics = Array<MetricObjectWithValues<MetricValue<string>>>;
interface MetricsMessage {
  type?: string;
  id?: number;
  metrics?: OwnMetrics;
  text?: string;
  error?: string;
}

/** What a cluster worker's service lends the primary: its registry, and where `/metrics` is answered. */
export interface ClusterMetricsService {
  readonly registry: Registry;
  setMetricsSource(source: (() => Promise<string>) | undefined): void;
}

/**
 * In the cluster primary: answers a worker's metrics request with the metrics of every ready worker
 * aggregated by prom-client's `AggregatorRegistry.aggregate` (counters and histograms summed,
 * per-process gauges kept by their own aggregators). Returns a function that stops it.
 */
export function serveClusterMetrics(readyWorkers: () => Worker[]): () => void {
  let nextId = 0;
  const pending = new Map<number, { parts: OwnMetrics[]; waiting: number; finish: () => void }>();
  const onMessage = (worker: Worker, message: MetricsMessage): void => {
    if (message?.type === kOwn && typeof message.id === 'number') {
      const request = pending.get(message.id);
      if (!request) return;
      if (Array.isArray(message.metrics)) request.parts.push(message.metrics);
      if (--request.waiting === 0) request.finish();
      return;
    }
    if (message?.type !== kAsk) return;
    const askId = message.id;
    const id = nextId++;
    const workers = readyWorkers().filter((w) => w.isConnected());
    const parts: OwnMetrics[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      pending.delete(id);
      AggregatorRegistry.aggregate(parts)
        .metrics()
        .then(
          (text) => worker.isConnected() && worker.send({ type: kAll, id: askId, text }),
          (err: unknown) => worker.isConnected() && worker.send({ type: kAll, id: askId, error: (err as Error).message }),
        );
    };
    pending.set(id, { parts, waiting: workers.length, finish });
    const timer = setTimeout(finish, kCollectTimeoutMs);
    if (workers.length === 0) finish();
    for (const w of workers) w.send({ type: kCollect, id });
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/**
 * In a cluster worker: gives the primary this service's metrics when it collects them, and makes
 * `/metrics` answer the aggregate of all workers (asked of the primary), so that a scrape that
 * lands on any worker sees the whole server.
 */
export function shareClusterMetrics(svc: ClusterMetricsService): () => void {
  let nextId = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  const onMessage = (message: MetricsMessage): void => {
    if (message?.type === kCollect) {
      void svc.registry.getMetricsAsJSON().then(
        (metrics) => process.send?.({ type: kOwn, id: message.id, metrics }),
        () => process.send?.({ type: kOwn, id: message.id }),
      );
    } else if (message?.type === kAll && typeof message.id === 'number') {
      const request = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.text !== undefined) request?.resolve(message.text);
      else request?.reject(new Error(`aggregating the API workers' metrics failed: ${message.error ?? 'no answer'}`));
    }
  };
  process.on('message', onMessage);
  svc.setMetricsSource(
    () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        process.send?.({ type: kAsk, id });
      }),
  );
  return () => {
    process.off('message', onMessage);
    svc.setMetricsSource(undefined);
  };
}
