import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

/*
 * prom-client's entry loads every part of it as it loads: the Pushgateway, the cluster aggregator,
 * and its default process metrics, whose CPU counter requires @opentelemetry/api (about 50 modules)
 * for exemplars. Together that is about half of the time `import 'prom-client'` takes, paid on
 * every cold start although a service uses none of it. Its metric classes and its other default
 * metrics are single modules of its lib directory, loaded here one by one, and the three process
 * CPU counters are written here without exemplars (which mlserve never enables). The paths are
 * those of prom-client 15 (the range package.json allows); metrics.test.ts reads the CPU counters
 * and six of the other series.
 */
const load = createRequire(__filename);
const lib = <T>(name: string): T => load(`prom-client/lib/${name}`) as T;

/** prom-client's Registry. */
export const Registry = lib<typeof PromClient.Registry>('registry');
/** prom-client's Counter. */
export const Counter = lib<typeof PromClient.Counter>('counter');
/** prom-client's Gauge. */
export const Gauge = lib<typeof PromClient.Gauge>('gauge');

/** The default metrics of prom-client 15 but its process CPU counters (lib/defaultMetrics.js's list). */
const kDefaultMetrics = [
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  ...(typeof process.getActiveResourcesInfo === 'function' ? ['processResources'] : []),
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
];

type MetricsConfig = { prefix: string; eventLoopMonitoringPrecision: number };

/**
 * Registers in `registry` the series prom-client's `collectDefaultMetrics({ register, prefix })`
 * registers, under the same names: `process_cpu_*`, `process_start_time_seconds`, the
 * `nodejs_*` heap, event-loop, handle and GC series, and the rest.
 */
export function collectDefaultMetrics(registry: PromClient.Registry, prefix: string): void {
  const config: MetricsConfig = { prefix, eventLoopMonitoringPrecision: 10 };
  processCpuCounters(registry, prefix);
  for (const name of kDefaultMetrics) lib<(registry: PromClient.Registry, config: MetricsConfig) => void>(`metrics/${name}`)(registry, config);
}

/** prom-client's `process_cpu_{user_,system_,}seconds_total`: CPU time since they were registered. */
function processCpuCounters(registry: PromClient.Registry, prefix: string): void {
  let last = process.cpuUsage();
  const registers = [registry];
  new Counter({
    name: `${prefix}process_cpu_user_seconds_total`,
    help: 'Total user CPU time spent in seconds.',
    registers,
    // One collect sets all three, as prom-client's does.
    collect() {
      const now = process.cpuUsage();
      const user = (now.user - last.user) / 1e6;
      const sys = (now.system - last.system) / 1e6;
      last = now;
      this.inc(user);
      system.inc(sys);
      total.inc(user + sys);
    },
  });
  const system = new Counter({ name: `${prefix}process_cpu_system_seconds_total`, help: 'Total system CPU time spent in seconds.', registers });
  const total = new Counter({ name: `${prefix}process_cpu_seconds_total`, help: 'Total user and system CPU time spent in seconds.', registers });
}
