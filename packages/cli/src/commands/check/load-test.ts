import { isMlserveError } from '@mlserve/errors';
import type { MlserveClient } from '@mlserve/client';

/** What a bounded load test measured. */
export interface LoadTestResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

/**
 * POSTs `body` (JSON text) to `path` through `client` from `concurrency` loops until `maxRequests`
 * were sent or `maxMs` passed (whichever first): a short, bounded load test on loopback. Nothing is
 * retried, so an overloaded service shows as its 503s; non-2xx answers count as errors, and so do
 * requests that got no answer (`network`, `timeout`).
 */
export async function runLoadTest(
  client: MlserveClient,
  path: string,
  body: string,
  options: { concurrency: number; maxRequests: number; maxMs: number },
): Promise<LoadTestResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  const start = performance.now();
  const send = { retries: 0, headers: { 'content-type': 'application/json' } };
  const loop = async () => {
    while (sent < options.maxRequests && performance.now() - start < options.maxMs) {
      sent++;
      const t0 = performance.now();
      try {
        const res = await client.send('POST', path, body, send);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (!res.ok) errors++;
      } catch (err) {
        const kind = isMlserveError(err) && err.code === 'MLS_ERR_CLIENT_TIMEOUT' ? 'timeout' : 'network';
        statuses[kind] = (statuses[kind] ?? 0) + 1;
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds, requestsPerSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), statuses };
}
