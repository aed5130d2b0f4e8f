#!/usr/bin/env node
// `pnpm --filter @mlserve/bench bench:v2`: the Titanic model served once (`mlserve serve
// --grpc-port`), driven three ways for the same rows: the app's own JSON API (`POST /predict`,
// raw passenger records, preprocessed by the server), V2 REST (`POST /v2/models/<m>/infer`, the
// preprocessed FP32 rows) and V2 gRPC (`ModelInfer`, the same rows as typed contents). Prints one
// table with each mode's ratio to the own API. Loopback only, bounded in time.

import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defineContenders } from './contenders.mjs';
import { loadRecords } from './data.mjs';
import { hasWrk, runLoad } from './load.mjs';
import { stopProcess } from './proc.mjs';
import { loadPreprocessing, toMatrix } from '../contenders/preprocess.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seconds: { type: 'string', default: '5' },
    datasets: { type: 'string', default: join(repo, '..', 'shared', 'datasets') },
  },
});
const seconds = Number(opts.seconds);
const tool = hasWrk() ? 'wrk' : 'autocannon';
const artifacts = join(repo, 'apps', 'titanic-api', 'artifacts');
const log = (line) => process.stderr.write(`[bench:v2] ${line}\n`);

// gRPC from the service package's own dependencies and .proto: the bench adds no dependency.
const serviceRequire = createRequire(join(repo, 'packages', 'service', 'package.json'));
const grpc = serviceRequire('@grpc/grpc-js');
const protoLoader = serviceRequire('@grpc/proto-loader');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Closed-loop gRPC load: `connections` callers, each sending its next call when the last answered, for `seconds`. */
async function grpcLoad(client, requests, connections, seconds) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  const call = (request) => new Promise((res) => client.ModelInfer(request, (err) => res(err)));
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const err = await call(requests[next++ % requests.length]);
        if (err) errors++;
        else latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / seconds, latencyMs: { p50: at(0.5), p99: at(0.99) }, errors: { total: errors } };
}

const contender = defineContenders({
  repo,
  titanicApp: join(repo, 'apps', 'titanic-api'),
  titanicArtifacts: artifacts,
  breastApp: '',
  breastArtifacts: '',
  python: '/usr/bin/python3',
}).find((c) => c.id === 'mlserve-v2');
const missing = contender.missing();
if (missing) {
  log(`cannot run: ${missing}`);
  process.exit(1);
}
const records = loadRecords(join(opts.datasets, 'titanic.csv'), join(artifacts, 'pipeline.json'));
const { transform } = loadPreprocessing(join(artifacts, 'pipeline.json'));
contender.prepare();
const grpcPort = await freePort();
const handle = await contender.start({ grpcPort });
const results = [];
try {
  const models = await (await fetch(`${handle.baseUrl}/healthz`)).json();
  const model = models.runners[0].name;
  const client = new (grpc.loadPackageDefinition(
    protoLoader.loadSync(join(repo, 'packages', 'service', 'proto', 'open_inference_grpc.proto'), { keepCase: true, longs: Number, defaults: true }),
  ).inference.GRPCInferenceService)(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  for (const { rows, connections } of [
    { rows: 1, connections: 64 },
    { rows: 100, connections: 8 },
  ]) {
    const batches = [];
    for (let i = 0; i + rows <= records.length && batches.length < 256; i += rows) batches.push(records.slice(i, i + rows));
    const matrices = batches.map((b) => toMatrix(transform, b));
    const v2Bodies = matrices.map((m) => JSON.stringify({ inputs: [{ name: 'input', shape: m.dims, datatype: 'FP32', data: Array.from(m.data) }] }));
    const inputName = (await (await fetch(`${handle.baseUrl}/v2/models/${model}`)).json()).inputs[0].name;
    const bodies = v2Bodies.map((b) => b.replace('"name":"input"', `"name":${JSON.stringify(inputName)}`));
    const grpcRequests = matrices.map((m) => ({
      model_name: model,
      inputs: [{ name: inputName, datatype: 'FP32', shape: m.dims, contents: { fp32_contents: Array.from(m.data) } }],
    }));
    const label = `${rows} row${rows > 1 ? 's' : ''}/request, c=${connections}`;
    const modes = [
      [
        'own JSON API (POST /predict, records)',
        () => runLoad({ tool, baseUrl: handle.baseUrl, path: '/predict', bodies: batches.map((b) => JSON.stringify(b)), connections, seconds }),
      ],
      ['V2 REST (POST /v2/models/…/infer, FP32)', () => runLoad({ tool, baseUrl: handle.baseUrl, path: `/v2/models/${model}/infer`, bodies, connections, seconds })],
      ['V2 gRPC (ModelInfer, fp32_contents)', () => grpcLoad(client, grpcRequests, connections, seconds)],
    ];
    let own;
    for (const [mode, run] of modes) {
      await run(); // warm-up of the same length is too long on a shared machine: one short pass
      const r = await run();
      own ??= r.rps;
      results.push({ workload: label, mode, rps: r.rps, rowsPerSec: r.rps * rows, p50: r.latencyMs.p50, p99: r.latencyMs.p99, errors: r.errors.total, ratio: r.rps / own });
      log(`${label} / ${mode}: ${r.rps.toFixed(0)} req/s, p99 ${r.latencyMs.p99.toFixed(2)} ms, ${r.errors.total} errors`);
    }
  }
  client.close();
} finally {
  await stopProcess(handle);
  contender.cleanup();
}
console.log(`\n| workload | mode | req/s | rows/s | p50 ms | p99 ms | errors | vs own API |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const r of results)
  console.log(
    `| ${r.workload} | ${r.mode} | ${r.rps.toFixed(0)} | ${r.rowsPerSec.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.errors} | ${r.ratio.toFixed(2)}× |`,
  );
console.log(`\nload: ${tool} (HTTP), a closed loop of grpc-js calls (gRPC); ${seconds} s per run, after one run of warm-up`);
