// The overload scenario of RELIABILITY-service.md: POST /predict with 50-record bodies against one
// runner worker. Finds the saturating concurrency (the best goodput over BENCH_CONCURRENCY), then
// alternates BENCH_ROUNDS (default 3) rounds of saturation and of 4x it while a separate process
// probes /livez during the overload steps. The machine is shared, so the ratio is of the medians of
// interleaved rounds. Reports goodput (2xx/s) at both, the ratio, the /livez p99 during overload,
// and whether every refusal was a 503 with Retry-After.
// Bounded: BENCH_SECONDS (default 5) per step, loopback only. Run after `pnpm build`:
//   node bench/overload.mjs            (admission on; `node bench/overload.mjs off` to compare)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const levels = (process.env.BENCH_CONCURRENCY ?? '16,32,64,128').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const admission = process.argv[2] ?? 'on';
const record = (i) => ({ age: 20 + (i % 50), fare: 7.25 + i, sex: i % 2 ? 'male' : 'female' });
const body = JSON.stringify(Array.from({ length: 50 }, (_, i) => record(i)));

const server = fork(fileURLToPath(new URL('./overload-server.mjs', import.meta.url)), [admission], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port }] = await once(server, 'message');

async function load(connections) {
  const refusals = { total: 0, other: 0, withoutRetryAfter: 0 };
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/predict',
        headers: { 'content-type': 'application/json' },
        body,
        onResponse: (status, _body, _ctx, headers) => {
          if (status < 300) return;
          refusals.total++;
          if (status !== 503) refusals.other++;
          else if (headers['retry-after'] === undefined) refusals.withoutRetryAfter++;
        },
      },
    ],
  });
  return { connections, goodput: r['2xx'] / seconds, refused: refusals.total / seconds, errors: r.errors, timeouts: r.timeouts, refusals, p99: r.latency.p99 };
}

try {
  await autocannon({ url: `http://127.0.0.1:${port}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 8, duration: 1 });
  const steps = [];
  // BENCH_SATURATION fixes the saturating concurrency (to compare runs), instead of searching it.
  if (process.env.BENCH_SATURATION === undefined) for (const c of levels) steps.push(await load(c));
  const saturation = steps.length > 0 ? steps.reduce((a, b) => (b.goodput > a.goodput ? b : a)) : { connections: Number(process.env.BENCH_SATURATION) };
  const probe = fork(fileURLToPath(new URL('./overload-probe.mjs', import.meta.url)), [String(port)]);
  const probes = [];
  const saturated = [];
  const overloaded = [];
  for (let round = 0; round < rounds; round++) {
    saturated.push(await load(saturation.connections));
    probe.send('start');
    overloaded.push(await load(saturation.connections * 4));
    probe.send('report');
    const [{ latencies, failures }] = await once(probe, 'message');
    probes.push({ latencies, failures });
  }
  probe.send('stop');
  const latencies = probes.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const failures = probes.reduce((n, p) => n + p.failures, 0);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN;
  const fmt = (s) => `c=${s.connections}: ${s.goodput.toFixed(0)} 2xx/s, ${s.refused.toFixed(0)} refused/s, p99 ${s.p99} ms, ${s.errors} errors`;
  const refusals = overloaded.reduce((r, s) => ({ total: r.total + s.refusals.total, other: r.other + s.refusals.other, without: r.without + s.refusals.withoutRetryAfter }), {
    total: 0,
    other: 0,
    without: 0,
  });
  const satGoodput = median(saturated.map((s) => s.goodput));
  const overGoodput = median(overloaded.map((s) => s.goodput));
  console.log(`admission ${admission}, ${seconds} s per step, 50-record bodies, one runner worker`);
  for (const s of steps) console.log(`  search ${fmt(s)}`);
  for (let i = 0; i < rounds; i++) console.log(`  round ${i + 1}: saturation ${fmt(saturated[i])} | 4x ${fmt(overloaded[i])}`);
  console.log(
    `median goodput: ${satGoodput.toFixed(0)} 2xx/s at c=${saturation.connections}, ${overGoodput.toFixed(0)} at c=${saturation.connections * 4}; ratio ${(overGoodput / satGoodput).toFixed(2)} (target >= 0.80)`,
  );
  console.log(
    `/livez during overload: ${latencies.length} probes, p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${failures} failed (target p99 < 100 ms)`,
  );
  console.log(`refusals: ${refusals.total}, not 503: ${refusals.other}, 503 without Retry-After: ${refusals.without}`);
} finally {
  server.kill();
}
