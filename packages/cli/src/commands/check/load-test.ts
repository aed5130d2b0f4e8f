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
 * POSTs `body` to `url` from `concurrency` loops until `maxRequests` were sent or `maxMs` passed
 * (whichever first): a short, bounded load test on loopback. Non-2xx answers count as errors.
 */
export async function runLoadTest(url: string, body: string, options: { concurrency: number; maxRequests: number; maxMs: number }): Promise<LoadTestResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  const start = performance.now();
  const loop = async () => {
    while (sent < options.maxRequests && performance.now() - start < options.maxMs) {
      sent++;
      const t0 = performance.now();
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status < 200 || res.status >= 300) errors++;
      } catch {
        statuses.network = (statuses.network ?? 0) + 1;
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
