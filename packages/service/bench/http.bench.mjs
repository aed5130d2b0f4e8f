// Requests per second of a trivial JSON API (POST /echo, body validated by a one-field schema)
// on: the service core, the service core with one svc.use() middleware, the service with its access
// log on (to /dev/null), plain Express 5 with express.json(), and a bare node:http JSON echo.
// Loopback only, bounded in time: BENCH_SECONDS (default 4) per target after a 1 s warm-up,
// BENCH_ROUNDS rounds (default 2, targets interleaved) keeping each target's best round, since
// the load generator shares the machine with the server. Also reported: the server's CPU time per
// request (user + system, from process.cpuUsage()), which other load on the machine barely moves.
// Run after `pnpm build`: node bench/http.bench.mjs
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const targets = [
  ['service core', 'service'],
  ['service (one svc.use() middleware)', 'service-express'],
  ['service core, access log on', 'service-logged'],
  ['plain Express 5 + express.json()', 'express'],
  ['bare node:http JSON echo', 'node'],
];
const devNull = openSync('/dev/null', 'w');

async function measure(mode) {
  const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [mode], { stdio: ['ignore', devNull, 'inherit', 'ipc'] });
  try {
    const [{ port }] = await once(child, 'message');
    const opts = {
      url: `http://127.0.0.1:${port}/echo`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 1 }),
      connections,
    };
    const cpu = async () => {
      child.send('cpu');
      const [{ cpu: usage }] = await once(child, 'message');
      return usage.user + usage.system;
    };
    await autocannon({ ...opts, duration: 1 });
    const before = await cpu();
    const r = await autocannon({ ...opts, duration: seconds });
    const cpuUs = ((await cpu()) - before) / r.requests.total;
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${mode}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs };
  } finally {
    child.kill();
  }
}

const best = new Map();
for (let round = 0; round < rounds; round++) {
  for (const [name, mode] of targets) {
    const r = await measure(mode);
    const prev = best.get(name);
    if (prev === undefined) best.set(name, r);
    else best.set(name, { ...(prev.rps >= r.rps ? prev : r), cpuUs: Math.min(prev.cpuUs, r.cpuUs) });
  }
}
const results = targets.map(([name]) => [name, best.get(name)]);
const express5 = results[3][1];
console.log(`POST /echo, ${connections} connections, best of ${rounds} x ${seconds} s, loopback, node ${process.version}\n`);
const node = results[4][1];
console.log('| target | req/s | p50 ms | p99 ms | req/s vs Express 5 | req/s vs node:http | server CPU µs/req | CPU/req vs node:http |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, r] of results) {
  const cells = [
    name,
    Math.round(r.rps),
    r.p50,
    r.p99,
    `${(r.rps / express5.rps).toFixed(2)}x`,
    `${(r.rps / node.rps).toFixed(2)}x`,
    r.cpuUs.toFixed(0),
    `${(r.cpuUs / node.cpuUs).toFixed(2)}x`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
